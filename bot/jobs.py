"""A job from claim to the requester's verdict: appointment, start, finish, confirmation.

Each step is one conditional UPDATE that also names who may take it (the
volunteer holding the job, or the requester), so a step racing a release, a
cancellation or an admin's reassignment cannot land on an order that moved on.
The other side is told, and the step is announced as a domain event for the
scheduler (reminders, feedback).
"""

from __future__ import annotations

import asyncio
from collections.abc import Coroutine
from datetime import datetime, timedelta
from typing import Any

from sqlmodel.ext.asyncio.session import AsyncSession

from bot import callbacks, jobtext, orders
from bot import photos as kept_photos
from bot.activities_hours import SHORT_JOB
from bot.deps import Deps
from bot.lifecycle import emit
from bot.notify import notify, notify_admins
from bot.reply import Button, Reply
from bot.texts import t
from store import orders as order_queries
from store.models import Order, OrderStatus, Person, Volunteer
from store.volunteers import add_service_minutes

SUMMARY_MAX = 500
MAX_PHOTOS = 5


async def _step(
    session: AsyncSession,
    order_id: int,
    *,
    to: str,
    expect: tuple[str, ...],
    now: datetime,
    volunteer_id: int | None = None,
    requester_id: int | None = None,
    stamp: bool = True,
    **values: Any,
) -> bool:
    """Move the order only if it is in ``expect`` and still held by / belongs to the actor."""
    return await order_queries.step(
        session,
        order_id=order_id,
        to=to,
        expect=expect,
        now=now,
        volunteer_id=volunteer_id,
        requester_id=requester_id,
        stamp=stamp,
        **values,
    )


async def _people(
    session: AsyncSession, order: Order
) -> tuple[Volunteer | None, Person | None, Person | None]:
    """The order's volunteer, the volunteer's person and the requester."""
    volunteer = await session.get(Volunteer, order.volunteer_id) if order.volunteer_id else None
    holder = await session.get(Person, volunteer.person_id) if volunteer else None
    requester = await session.get(Person, order.requester_id)
    return volunteer, holder, requester


def _same_platform_photos(photos: list[str], sender: Person | None, to: Person) -> tuple[str, ...]:
    """Kept photos show everywhere; a platform's file ids only on the platform they came from."""
    if not photos or sender is None:
        return ()
    return kept_photos.visible_on(photos[:MAX_PHOTOS], sender.platform, to.platform)


async def set_appointment(
    deps: Deps, order_id: int, volunteer_id: int, at: datetime
) -> Order | None:
    """约定时间: set or move the appointment; the requester is told (event appointment_set)."""
    async with deps.db.session() as session:
        if not await _step(
            session,
            order_id,
            to=OrderStatus.SCHEDULED,
            expect=(OrderStatus.CLAIMED, OrderStatus.SCHEDULED),
            now=deps.now(),
            volunteer_id=volunteer_id,
            appointment_at=at,
        ):
            return None
        order = await session.get(Order, order_id)
        assert order is not None
        volunteer, _, requester = await _people(session, order)
    if requester is not None and volunteer is not None:
        lang = requester.language
        await notify(
            deps,
            requester,
            Reply(
                t(
                    lang,
                    "jobs.appointment.requester",
                    code=order.code,
                    name=volunteer.name,
                    at=jobtext.fmt_time(at, deps.settings.tz, lang),
                ),
                buttons=jobtext.relay_button(lang, order_id, "jobs.btn.relay_volunteer"),
                track=jobtext.talk_track(order),  # the claim notice's button moves here
            ),
        )
    await emit(deps, "appointment_set", order_id=order_id, appointment_at=at)
    return order


async def start_service(deps: Deps, order_id: int, volunteer_id: int) -> Order | None:
    """开始服务: stamp ``started_at`` (service time counts from here); event job_started."""
    async with deps.db.session() as session:
        if not await _step(
            session,
            order_id,
            to=OrderStatus.IN_PROGRESS,
            expect=(OrderStatus.CLAIMED, OrderStatus.SCHEDULED),
            now=deps.now(),
            volunteer_id=volunteer_id,
        ):
            return None
        order = await session.get(Order, order_id)
        assert order is not None
        volunteer, _, requester = await _people(session, order)
    if requester is not None and volunteer is not None:
        note = t(requester.language, "jobs.started.requester", name=volunteer.name)
        await orders.push_status(deps, order, note=note)
    await emit(deps, "job_started", order_id=order_id, volunteer_id=volunteer_id)
    return order


async def finish_service(
    deps: Deps, order_id: int, volunteer_id: int, *, summary: str, photos: list[str]
) -> Order | None:
    """完成服务: DONE with the summary and photos; service time = finish − start.

    The minutes are added to the volunteer's cumulative service time in the
    same transaction, and the requester is asked 已解决 / 未解决.
    """
    now = deps.now()
    async with deps.db.session() as session:
        order = await session.get(Order, order_id)
        if order is None:
            return None
        started = order.started_at
        minutes = max(0, int((now - started).total_seconds() // 60)) if started else 0
        if not await _step(
            session,
            order_id,
            to=OrderStatus.DONE,
            expect=(OrderStatus.IN_PROGRESS,),
            now=now,
            volunteer_id=volunteer_id,
            summary=summary[:SUMMARY_MAX],
            result_photos=list(photos[:MAX_PHOTOS]),
            service_minutes=minutes,
            resolved=None,
        ):
            return None
        await add_service_minutes(session, volunteer_id=volunteer_id, minutes=minutes, now=now)
        await session.refresh(order)
        volunteer, holder, requester = await _people(session, order)
    if requester is not None and volunteer is not None:
        lang = requester.language
        buttons = (
            (
                Button(t(lang, "jobs.btn.resolved"), callbacks.encode(jobtext.RESOLVED, order_id)),
                Button(
                    t(lang, "jobs.btn.unresolved"), callbacks.encode(jobtext.UNRESOLVED, order_id)
                ),
            ),
            (
                Button(
                    t(lang, "jobs.btn.relay_volunteer"), callbacks.encode(jobtext.RELAY, order_id)
                ),
            ),
        )
        await notify(
            deps,
            requester,
            Reply(
                t(
                    lang,
                    "jobs.done.requester",
                    code=order.code,
                    name=volunteer.name,
                    summary=order.summary or "",
                ),
                buttons=buttons,
                photos=_same_platform_photos(order.result_photos, holder, requester),
            ),
        )
    await emit(
        deps, "job_done", order_id=order_id, volunteer_id=volunteer_id, service_minutes=minutes
    )
    return order


async def confirm(deps: Deps, order_id: int, requester_id: int, *, resolved: bool) -> Order | None:
    """The requester's verdict on a finished job.

    已解决 → CONFIRMED (the scheduler then asks for a rating; an order already
    rated stays RATED and records the verdict). 未解决 → back to the volunteer
    (SCHEDULED if an appointment was made, else CLAIMED) with ``resolved``
    False; the volunteer and the admins are told. Both emit
    ``order_confirmed`` with ``resolved``.
    """
    now = deps.now()
    async with deps.db.session() as session:
        order = await session.get(Order, order_id)
        if order is None:
            return None
        won = await _record_verdict(session, order, requester_id, resolved=resolved, now=now)
        if not won:
            return None
        await session.refresh(order)
        volunteer, holder, _ = await _people(session, order)
        card = None
        if holder is not None and not resolved:
            card = await jobtext.job_card(
                session, order, holder.language, deps.settings.tz, header="jobs.card.unresolved"
            )
    await _tell_verdict(deps, order, volunteer, holder, card, resolved=resolved)
    await emit(deps, "order_confirmed", order_id=order_id, resolved=resolved)
    return order


async def _record_verdict(
    session: AsyncSession, order: Order, requester_id: int, *, resolved: bool, now: datetime
) -> bool:
    """Move the order for the requester's verdict; True if it was still theirs to give."""
    order_id = order.id
    assert order_id is not None
    if resolved:
        won = await _step(
            session,
            order_id,
            to=OrderStatus.CONFIRMED,
            expect=(OrderStatus.DONE,),
            now=now,
            requester_id=requester_id,
            resolved=True,
        )
        if not won and order.status == OrderStatus.RATED and order.resolved is None:
            # Rated before confirming (the rating request can come first): record the
            # verdict and keep the order RATED, its later state.
            won = await _step(
                session,
                order_id,
                to=OrderStatus.RATED,
                expect=(OrderStatus.RATED,),
                now=now,
                stamp=False,
                requester_id=requester_id,
                resolved=True,
                confirmed_at=now,
            )
    else:
        back = OrderStatus.SCHEDULED if order.appointment_at else OrderStatus.CLAIMED
        won = await _step(
            session,
            order_id,
            to=back,
            expect=(OrderStatus.DONE, OrderStatus.RATED),
            now=now,
            requester_id=requester_id,
            stamp=False,
            resolved=False,
            started_at=None,
            done_at=None,
        )
    return won


async def _tell_verdict(
    deps: Deps,
    order: Order,
    volunteer: Volunteer | None,
    holder: Person | None,
    card: Reply | None,
    *,
    resolved: bool,
) -> None:
    """The volunteer hears the verdict (the job card again if unresolved); admins if unresolved."""
    sends: list[Coroutine[Any, Any, Any]] = []
    if holder is not None and volunteer is not None:
        if resolved:
            minutes = order.service_minutes or 0
            # "本次服务 0 分钟" for a job started and finished in one go reads as a mistake;
            # the short-job question (bot.activities_hours) asks for the real time instead.
            key = (
                "jobs.confirmed.volunteer"
                if timedelta(minutes=minutes) >= SHORT_JOB
                else "staff.confirmed.volunteer_short"
            )
            sends.append(
                notify(
                    deps,
                    holder,
                    Reply(t(holder.language, key, code=order.code, minutes=minutes)),
                )
            )
        elif card is not None:
            sends.append(notify(deps, holder, card))
    if not resolved:
        lang = deps.settings.language
        sends.append(
            notify_admins(
                deps,
                Reply(
                    t(
                        lang,
                        "jobs.unresolved.admins",
                        code=order.code,
                        name=volunteer.name if volunteer else "—",
                    )
                ),
                station_id=order.station_id,
            )
        )
    await asyncio.gather(*sends)
