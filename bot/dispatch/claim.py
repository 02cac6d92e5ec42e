"""认领: the first claim wins (one conditional UPDATE); the rest learn it is gone."""

from __future__ import annotations

import asyncio
from collections.abc import Coroutine
from datetime import datetime
from typing import Any

from sqlmodel.ext.asyncio.session import AsyncSession

from bot import audit, jobtext, orders, team_jobs
from bot.deps import Deps
from bot.dispatch.common import FOLLOWUP_SAFETY_NET, FOLLOWUP_TASK, followup_key, wave_prefix
from bot.dispatch.offers import edit_closed, message_ref, upsert_own
from bot.dispatch.work import spawn
from bot.lifecycle import emit
from bot.notify import edit, notify, notify_admins
from bot.reply import MessageRef, Reply
from bot.texts import t
from store import offers, tasks
from store.models import (
    OfferStatus,
    Order,
    OrderStatus,
    Person,
    Task,
    Volunteer,
    VolunteerStatus,
)
from store.volunteers import mark_job_taken


async def claim(
    deps: Deps,
    order_id: int,
    volunteer_id: int,
    *,
    wait: bool = True,
    assigned_by: Person | None = None,
) -> bool:
    """Give the order to this volunteer if nobody has it yet; True for the one winner.

    One conditional UPDATE (``orders.transition`` expecting an open status)
    decides: however many volunteers press 认领 at once, exactly one wins. The
    winner's offer becomes CLAIMED, every other open offer TAKEN, and pending
    waves are cancelled, all in the same transaction. Then (awaited, or in the
    background with ``wait=False``) the other offer messages are edited, the
    winner gets the job card and the requester hears who is coming.
    """
    if await team_jobs.is_team(deps, order_id):  # several volunteers share it (issue 18)
        return await team_jobs.claim(deps, order_id, volunteer_id)
    now = deps.now()
    async with deps.db.session() as session:
        took = await _take(session, order_id, volunteer_id, now, assigned_by)
    if took is None:
        return False
    order, own, taken, was_expired = took
    deps.metrics.time_to_claim.observe(max(0.0, (now - order.created_at).total_seconds()))
    others = [(vid, r) for vid, *parts in taken if (r := message_ref(*parts)) is not None]
    work = _after_claim(
        deps, order_id, volunteer_id, own, others, assigned_by is not None, late=was_expired
    )
    if wait:
        await work
    else:
        spawn(deps, work)
    return True


async def _take(
    session: AsyncSession,
    order_id: int,
    volunteer_id: int,
    now: datetime,
    assigned_by: Person | None,
) -> tuple[Order, MessageRef | None, list[Any], bool] | None:
    """The claim's one transaction: win the order or not (None); the winner's offer, the
    offers it closed, and whether the order had already expired to the admins."""
    before = await session.get(Order, order_id)
    was_expired = before is not None and before.status == OrderStatus.EXPIRED
    won = await orders.transition(
        session,
        order_id,
        OrderStatus.CLAIMED,
        now,
        expect=OrderStatus.OPEN,
        volunteer_id=volunteer_id,
    )
    if not won:
        return None
    own = message_ref(*await upsert_own(session, order_id, volunteer_id, OfferStatus.CLAIMED, now))
    taken = await offers.close_live(
        session, order_id=order_id, to=OfferStatus.TAKEN, now=now, except_volunteer=volunteer_id
    )
    await mark_job_taken(session, volunteer_id=volunteer_id, now=now)
    await tasks.cancel(session, key_prefix=wave_prefix(order_id))
    await _guard_followup(
        session,
        order_id,
        volunteer_id,
        own,
        taken,
        assigned=assigned_by is not None,
        late=was_expired,
        now=now,
    )
    if assigned_by is not None:
        await audit.record(
            session,
            actor_id=assigned_by.id,
            action="order.assign",
            target_type="order",
            target_id=order_id,
            after={"volunteer_id": volunteer_id},
        )
    order = await session.get(Order, order_id)
    assert order is not None
    return order, own, list(taken), was_expired


async def _guard_followup(
    session: AsyncSession,
    order_id: int,
    volunteer_id: int,
    own: MessageRef | None,
    taken: list[tuple[int, str | None, str | None, str | None]],
    *,
    assigned: bool,
    late: bool,
    now: datetime,
) -> None:
    """If the process dies before the claim's follow-up has run, the scheduler runs it."""
    await tasks.enqueue(
        session,
        FOLLOWUP_TASK,
        now + FOLLOWUP_SAFETY_NET,
        {
            "order_id": order_id,
            "volunteer_id": volunteer_id,
            "own": [own.platform, own.chat_id, own.message_id] if own else None,
            "others": [[vid, plat, chat, msg] for vid, plat, chat, msg in taken],
            "assigned": assigned,
            "late": late,
        },
        key=followup_key(order_id),
    )


async def _after_claim(
    deps: Deps,
    order_id: int,
    volunteer_id: int,
    own: MessageRef | None,
    others: list[tuple[int, MessageRef]],
    assigned: bool,
    *,
    late: bool = False,
) -> None:
    tz = deps.settings.tz
    async with deps.db.session() as session:
        order = await session.get(Order, order_id)
        volunteer = await session.get(Volunteer, volunteer_id)
        assert order is not None and volunteer is not None
        holder = await session.get(Person, volunteer.person_id)
        requester = await session.get(Person, order.requester_id)
        assert holder is not None
        lang = holder.language
        header = "jobs.card.assigned" if assigned else "jobs.card.claimed"
        card = await jobtext.job_card(
            session, order, lang, tz, header=header, with_photos=True, platform=holder.platform
        )
        own_facts = await jobtext.facts(session, order, lang, tz)
    # Outbox sends under the claim's keys: a follow-up run again (the safety net after a
    # crash) sends no second job card or requester notice.
    claim_key = _claim_key(order, volunteer_id)
    sends: list[Coroutine[Any, Any, Any]] = [
        edit_closed(deps, order, others, "dispatch.offer.taken"),
        notify(deps, holder, card, key=f"{claim_key}:card", kind="card"),
    ]
    if own is not None:
        sends.append(edit(deps, own, jobtext.closed_offer(lang, own_facts, "dispatch.offer.mine")))
    if requester is not None:
        rl = requester.language
        honours = (
            t(rl, "dispatch.claimed.honours", honours=volunteer.honours)
            if volunteer.honours
            else ""
        )
        said = "worker.assigned.requester" if assigned else "dispatch.claimed.requester"
        text = t(rl, said, code=order.code, name=volunteer.name)
        sends.append(
            notify(
                deps,
                requester,
                Reply(
                    text + honours + "\n\n" + t(rl, "dispatch.claimed.requester_tail"),
                    buttons=jobtext.relay_button(rl, order_id, "jobs.btn.relay_volunteer"),
                    track=jobtext.talk_track(order),  # 联系志愿者 goes when the job ends
                ),
                key=f"{claim_key}:notice",
                kind="notice",
            )
        )
    if late and not assigned:
        # The admins were told to arrange this 无人认领 order by hand: it is settled now.
        al = deps.settings.language
        sends.append(
            notify_admins(
                deps,
                Reply(
                    t(
                        al,
                        "dispatch.expired.claimed_admins",
                        code=order.code,
                        name=volunteer.name,
                    )
                ),
                station_id=order.station_id,
            )
        )
    await asyncio.gather(*sends)
    async with deps.db.session() as session:
        await tasks.cancel(session, key=followup_key(order_id))
    await emit(deps, "order_claimed", order_id=order_id, volunteer_id=volunteer_id)


def _claim_key(order: Order, volunteer_id: int) -> str:
    """One claim of an order (a release and a new claim are another)."""
    at = order.claimed_at or order.updated_at
    return f"claim:{order.id}:{volunteer_id}:{int(at.timestamp() * 1000)}"


async def run_followup(deps: Deps, task: Task) -> None:
    """The ``claim_followup`` task: the claim committed but its messages never went out
    (the process died). Runs them if the volunteer still holds the job."""
    p = task.payload
    order_id, volunteer_id = int(p["order_id"]), int(p["volunteer_id"])
    async with deps.db.session() as session:
        order = await session.get(Order, order_id)
    if (
        order is None
        or order.volunteer_id != volunteer_id
        or order.status not in (OrderStatus.ACTIVE)
    ):
        return
    own = MessageRef(*p["own"]) if p.get("own") else None
    others = [
        (vid, r) for vid, *parts in p.get("others", []) if (r := message_ref(*parts)) is not None
    ]
    await _after_claim(
        deps, order_id, volunteer_id, own, others, bool(p.get("assigned")), late=bool(p.get("late"))
    )


async def assign(deps: Deps, order_id: int, volunteer_id: int, *, by: Person) -> bool:
    """An admin gives an unclaimed order to a volunteer (same atomic path as a claim).

    False when the volunteer is not working (pending, suspended, unknown) or
    the order is no longer open. Audited as ``order.assign``.
    """
    async with deps.db.session() as session:
        volunteer = await session.get(Volunteer, volunteer_id)
        if volunteer is None or volunteer.status not in (
            VolunteerStatus.ACTIVE,
            VolunteerStatus.PAUSED,
        ):
            return False
    return await claim(deps, order_id, volunteer_id, assigned_by=by)
