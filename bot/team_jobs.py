"""Team jobs (组队式服务): an order that needs several volunteers ("需要三位师傅").

A claim of a team job is a ``JobMember`` row (unique per volunteer) plus one
conditional UPDATE of ``Order.team_claimed`` below ``team_size``: however many
press 认领 at once, exactly ``team_size`` win. The first is the lead (负责人): the
order moves to CLAIMED in their name, so scheduling, reminders and 完成服务 stay
the lead's; every member gets the job card and the requester hears who is
coming. When the lead finishes, each member is credited the same hours.
"""

from __future__ import annotations

import asyncio
import logging
import re
import unicodedata
from collections.abc import Coroutine
from datetime import timedelta
from typing import Any

from sqlmodel.ext.asyncio.session import AsyncSession

from bot import callbacks, jobtext, orders
from bot.deps import Deps
from bot.dispatch.candidates import candidates
from bot.lifecycle import emit
from bot.notify import edit, notify
from bot.reply import Button, MessageRef, Reply
from bot.texts import t
from bot.timeparse import cn_number
from store import activities as hours_store
from store import tasks
from store import team_jobs as store
from store.models import (
    HoursSource,
    JobMember,
    OfferStatus,
    Order,
    OrderStatus,
    Person,
    Volunteer,
)
from store.volunteers import mark_job_taken

log = logging.getLogger(__name__)

MAX_SIZE = 10
SIZE_VERB = callbacks.TEAM_SIZE_SET  # team_size:<order id>:<n>   (admin, from /order JX-…)
SIZE_MENU = callbacks.TEAM_SIZE_MENU  # team_sizes:<order id>      the 需要人数 choices
_NEED = re.compile(
    r"(?:需要|要|请)\s*([0-9]+|[一二两三四五六七八九十]+)\s*(?:位|名|个)\s*(?:师傅|志愿者|工匠|人)"
)


def size_from_text(text: str) -> int | None:
    """ "我们厂需要三位师傅一起来调试" → 3; None when the text names no team."""
    m = _NEED.search(unicodedata.normalize("NFKC", text))
    if m is None:
        return None
    raw = m.group(1)
    n = int(raw) if raw.isdigit() else cn_number(raw.replace("两", "二"))
    return n if n is not None and 2 <= n <= MAX_SIZE else None


async def is_team(deps: Deps, order_id: int) -> bool:
    async with deps.db.session() as session:
        order = await session.get(Order, order_id)
    return order is not None and order.team_size > 1


async def members(session: AsyncSession, order_id: int) -> list[tuple[JobMember, Volunteer]]:
    return await store.members(session, order_id=order_id)


class _Full(Exception):
    """The team is complete: roll the member row back."""


async def claim(deps: Deps, order_id: int, volunteer_id: int) -> bool:
    """Join the team of ``order_id``; True for each of the first ``team_size`` claimers."""
    now = deps.now()
    try:
        async with deps.db.session() as session:
            joined = await store.add_member(
                session, order_id=order_id, volunteer_id=volunteer_id, now=now
            )
            if not joined:
                # Already on the team (a double press): still theirs, nothing to redo.
                return True
            row = await store.count_claim(session, order_id=order_id, now=now)
            if row is None:
                raise _Full()
            n, size = row
            lead = n == 1
            if lead:
                won = await orders.transition(
                    session,
                    order_id,
                    OrderStatus.CLAIMED,
                    now,
                    expect=OrderStatus.OPEN,
                    volunteer_id=volunteer_id,
                )
                if not won:
                    raise _Full()
                await store.make_lead(session, order_id=order_id, volunteer_id=volunteer_id)
            own = await store.claim_own_offer(
                session, order_id=order_id, volunteer_id=volunteer_id, now=now
            )
            # A complete team closes the other live offers in the same statement.
            others = await store.other_live_offers(
                session,
                order_id=order_id,
                volunteer_id=volunteer_id,
                close_at=now if n == size else None,
            )
            if n == size:
                await tasks.cancel(session, key_prefix=f"order:{order_id}:wave")
            await mark_job_taken(session, volunteer_id=volunteer_id, now=now)
            # If we die before the card and the notices went out, the scheduler sends them.
            await tasks.enqueue(
                session,
                FOLLOWUP_TASK,
                now + FOLLOWUP_SAFETY_NET,
                {
                    "order_id": order_id,
                    "volunteer_id": volunteer_id,
                    "n": n,
                    "own": list(own) if own is not None and all(own) else None,
                    "others": [list(o) for o in others],
                },
                key=_followup_key(order_id, volunteer_id),
            )
    except _Full:
        return False
    await _follow_up(deps, order_id, volunteer_id, n, own, others)
    return True


FOLLOWUP_TASK = "team_followup"
FOLLOWUP_SAFETY_NET = timedelta(minutes=1)


def _followup_key(order_id: int, volunteer_id: int) -> str:
    return f"order:{order_id}:team:{volunteer_id}"


async def _follow_up(
    deps: Deps,
    order_id: int,
    volunteer_id: int,
    n: int,
    own: Any,
    others: Any,
) -> None:
    """After a committed team claim: the card, the notices, the event, more offers."""
    async with deps.db.session() as session:
        order = await session.get(Order, order_id)
    size = order.team_size if order is not None else n
    refs = [(vid, MessageRef(p, c, m)) for vid, p, c, m in others if p and c and m]
    own_ref = MessageRef(*own) if own is not None and all(own) else None
    await _after_claim(deps, order_id, volunteer_id, own_ref, refs, n=n, full=n >= size)
    async with deps.db.session() as session:
        await tasks.cancel(session, key=_followup_key(order_id, volunteer_id))
    if n == 1:
        await emit(deps, "order_claimed", order_id=order_id, volunteer_id=volunteer_id)
    if n < size:
        await top_up(deps, order_id)


async def run_followup(deps: Deps, task: Any) -> None:
    """Task ``team_followup``: the claim committed but its messages never went out."""
    p = task.payload
    order_id, volunteer_id = int(p["order_id"]), int(p["volunteer_id"])
    async with deps.db.session() as session:
        member = await store.member(session, order_id=order_id, volunteer_id=volunteer_id)
        order = await session.get(Order, order_id)
    if member is None or order is None or order.status not in OrderStatus.ACTIVE:
        return
    await _follow_up(deps, order_id, volunteer_id, int(p["n"]), p.get("own"), p.get("others", []))


async def top_up(deps: Deps, order_id: int) -> int:
    """Keep twice the open places on offer once the lead holds the job.

    Dispatch's waves stop when the order is claimed; a team job still needs
    people, so the next candidates (dispatch's ranking) are offered here.
    Returns how many offers were sent.
    """
    now = deps.now()
    async with deps.db.session() as session:
        order = await session.get(Order, order_id)
        if (
            order is None
            or order.team_size <= order.team_claimed
            or order.status not in (OrderStatus.CLAIMED, OrderStatus.SCHEDULED)
        ):
            return 0
        live = await store.count_live_offers(session, order_id=order_id)
        want = 2 * (order.team_size - order.team_claimed) - live
        ids: list[tuple[int, int]] = []
        for c in (await candidates(session, order, scope=deps.settings.escalation_scope))[
            : max(0, want)
        ]:
            offer_id = await store.add_offer(
                session,
                order_id=order_id,
                volunteer_id=c.volunteer_id,
                wave=max(order.dispatch_wave, 1),
                now=now,
            )
            if offer_id is not None:
                ids.append((offer_id, c.volunteer_id))
        targets = []
        for offer_id, vid in ids:
            v = await session.get(Volunteer, vid)
            p = await session.get(Person, v.person_id) if v else None
            if p is not None:
                targets.append(
                    (offer_id, p, await jobtext.facts(session, order, p.language, deps.settings.tz))
                )
    sent = 0
    for offer_id, person, facts in targets:
        ref = await notify(
            deps, person, jobtext.offer_reply(person.language, facts, order_id, offer_id)
        )
        async with deps.db.session() as session:
            values: dict[str, Any] = (
                {
                    "status": OfferStatus.SENT,
                    "platform": ref.platform,
                    "chat_id": ref.chat_id,
                    "message_id": ref.message_id,
                }
                if ref is not None
                else {"status": OfferStatus.FAILED, "responded_at": now}
            )
            await store.settle_offer(session, offer_id=offer_id, **values)
        sent += ref is not None
    return sent


async def _after_claim(
    deps: Deps,
    order_id: int,
    volunteer_id: int,
    own: MessageRef | None,
    others: list[tuple[int, MessageRef]],
    *,
    n: int,
    full: bool,
) -> None:
    """The member's job card, the requester's "who is coming", and the other offers updated."""
    tz = deps.settings.tz
    async with deps.db.session() as session:
        order = await session.get(Order, order_id)
        assert order is not None
        team = await members(session, order_id)
        volunteer = next(v for m, v in team if v.id == volunteer_id)
        person = await session.get(Person, volunteer.person_id)
        requester = await session.get(Person, order.requester_id)
        lead_name = next((v.name for m, v in team if m.lead), "")
        langs = {
            vid: (await session.get(Person, (await session.get(Volunteer, vid)).person_id)).language  # type: ignore[union-attr]
            for vid, _ in others
        }
        cards: dict[str, Reply] = {}
        facts = {}
        for lang in {*langs.values(), person.language if person else "zh"}:
            facts[lang] = await jobtext.facts(session, order, lang, tz)
        if person is not None:
            card = await jobtext.job_card(
                session, order, person.language, tz, header="jobs.card.claimed"
            )
            names = "、".join(v.name for _, v in team)
            line = t(
                person.language,
                "team.card",
                lead=lead_name,
                names=names,
                n=n,
                size=order.team_size,
            )
            is_lead = order.volunteer_id == volunteer_id
            cards["own"] = Reply(
                card.text + "\n" + line,
                buttons=card.buttons
                if is_lead
                else jobtext.relay_button(person.language, order_id, "jobs.btn.relay_requester"),
            )
    sends: list[Coroutine[Any, Any, object]] = []
    if person is not None:
        sends.append(notify(deps, person, cards["own"]))
        if own is not None:
            sends.append(
                edit(
                    deps,
                    own,
                    jobtext.closed_offer(
                        person.language, facts[person.language], "dispatch.offer.mine"
                    ),
                )
            )
    for vid, ref in others:
        lang = langs.get(vid, "zh")
        if full:
            sends.append(
                edit(deps, ref, jobtext.closed_offer(lang, facts[lang], "dispatch.offer.taken"))
            )
        else:
            # Keep the offer open, with the new count ("需 3 人 · 已认领 1/3").
            offer_id = await _offer_id(deps, order_id, vid)
            sends.append(
                edit(deps, ref, jobtext.offer_reply(lang, facts[lang], order_id, offer_id))
            )
    if requester is not None:
        rl = requester.language
        text = t(
            rl,
            "team.requester",
            code=order.code,
            name=volunteer.name,
            n=n,
            size=order.team_size,
        )
        if volunteer.honours:
            text += t(rl, "dispatch.claimed.honours", honours=volunteer.honours)
        sends.append(notify(deps, requester, Reply(text)))
    await asyncio.gather(*sends)


async def _offer_id(deps: Deps, order_id: int, volunteer_id: int) -> int:
    async with deps.db.session() as session:
        return await store.offer_id_of(session, order_id=order_id, volunteer_id=volunteer_id)


async def set_size(deps: Deps, order_id: int, size: int) -> bool:
    """需要人数: only while nobody has claimed, or not below those who already have."""
    async with deps.db.session() as session:
        return await store.set_size(session, order_id=order_id, size=size, now=deps.now())


async def on_order_created(deps: Deps, order_id: int, **_: Any) -> None:
    """ "需要三位师傅" in the requester's words makes it a team job before it is offered."""
    async with deps.db.session() as session:
        order = await session.get(Order, order_id)
    size = size_from_text(order.text) if order is not None else None
    if size is not None:
        await set_size(deps, order_id, size)


async def on_job_done(
    deps: Deps, *, order_id: int, volunteer_id: int, service_minutes: int = 0, **_: Any
) -> None:
    """The lead finished: every other member is credited the same time (capped)."""
    minutes = min(service_minutes, deps.settings.job_hours_cap * 60)
    now = deps.now()
    async with deps.db.session() as session:
        team = await members(session, order_id)
        for _member, v in team:
            if v.id != volunteer_id:
                await hours_store.credit(
                    session,
                    volunteer_id=v.id,  # type: ignore[arg-type]
                    source=HoursSource.JOB,
                    minutes=minutes,
                    now=now,
                    order_id=order_id,
                )
        order = await session.get(Order, order_id)
        people = [await session.get(Person, v.person_id) for _, v in team if v.id != volunteer_id]
    for p in people:
        if p is not None and order is not None:
            await notify(deps, p, Reply(t(p.language, "team.done", code=order.code)))


def size_buttons(lang: str | None, order: Order) -> tuple[tuple[Button, ...], ...]:
    """The 需要人数 button under an admin's /order view (open orders only)."""
    if order.status not in OrderStatus.OPEN:
        return ()
    return ((Button(t(lang, "team.btn.size"), callbacks.encode(SIZE_MENU, order.id)),),)


# ---------------------------------------------------------------- the team's appointment

REMIND_TASK = "team_remind"


async def _others(deps: Deps, order_id: int) -> tuple[Order | None, list[Person], str]:
    """The order, its members other than the lead (as people), and the lead's name."""
    async with deps.db.session() as session:
        order = await session.get(Order, order_id)
        team = await members(session, order_id)
        people = [
            p
            for m, v in team
            if not m.lead and (p := await session.get(Person, v.person_id)) is not None
        ]
    lead = next((v.name for m, v in team if m.lead), "")
    return order, people, lead


async def on_appointment_set(deps: Deps, *, order_id: int, **_: Any) -> None:
    """Tell the members the lead's appointment, and remind them like the lead.

    The reminder keys share the order's ``order:<id>:remind:`` prefix, so releasing,
    cancelling, starting or moving the appointment drops them with the lead's.
    """
    order, people, lead = await _others(deps, order_id)
    if order is None or order.team_size <= 1 or order.appointment_at is None or not people:
        return
    at, now = order.appointment_at, deps.now()
    async with deps.db.session() as session:
        for offset in deps.settings.reminder_offsets:
            if at - offset > now:
                await tasks.enqueue(
                    session,
                    REMIND_TASK,
                    at - offset,
                    {"order_id": order_id, "appointment_at": at.isoformat()},
                    key=f"order:{order_id}:remind:{int(offset.total_seconds())}:team",
                )
    for p in people:
        when = timeparse_when(p.language, at, deps)
        await notify(
            deps, p, Reply(t(p.language, "team.appointment", code=order.code, lead=lead, when=when))
        )


async def run_remind(deps: Deps, task: Any) -> None:
    """Task ``team_remind``: the members' reminder, if the appointment still stands."""
    order, people, lead = await _others(deps, int(task.payload["order_id"]))
    if (
        order is None
        or order.status not in (OrderStatus.CLAIMED, OrderStatus.SCHEDULED)
        or order.appointment_at is None
        or order.appointment_at.isoformat() != task.payload.get("appointment_at")
        or order.appointment_at <= deps.now()
    ):
        return
    for p in people:
        when = timeparse_when(p.language, order.appointment_at, deps)
        await notify(
            deps, p, Reply(t(p.language, "team.remind", code=order.code, lead=lead, when=when))
        )


def timeparse_when(lang: str | None, at: Any, deps: Deps) -> str:
    return jobtext.fmt_time(at, deps.settings.tz, lang)
