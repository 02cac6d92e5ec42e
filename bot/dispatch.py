"""Dispatch (派单与抢单): who is offered an order, in which waves, and who wins it.

Everything that matters is a row — an Offer per volunteer and order (with the
message to edit later) and the next wave as a Task — so a restart loses no
offer. Every race (ten volunteers pressing 认领 together, a decline crossing a
claim, a wave crossing a cancel) is settled in the database by a conditional
UPDATE or an INSERT … ON CONFLICT, never by a check in Python.

Waves: wave 1 offers the top ``offer_wave_size`` candidates at once. Each later
wave, ``offer_wave_interval`` after the previous one, widens to the next ring of
the station tree (same point → same town → same county → elsewhere) and offers
every remaining candidate inside it. A wave that finds nobody left expires the
order (无人认领) and hands it to the admins with its history. A declined or
undeliverable offer is passed to the next candidate at once.

Sending is never done inside a transaction, and deliveries fan out
concurrently, so one slow or blocked chat holds up nobody else.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Coroutine
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import update
from sqlalchemy.dialects import postgresql, sqlite
from sqlmodel import col, func, select
from sqlmodel.ext.asyncio.session import AsyncSession

from bot import audit, jobtext, orders, team_jobs
from bot.deps import Deps
from bot.lifecycle import emit
from bot.notify import edit, notify, notify_admins
from bot.reply import MessageRef, Reply
from bot.stations import ancestors, nearness
from bot.texts import t
from store import tasks
from store.models import (
    AuditLog,
    Feedback,
    Offer,
    OfferStatus,
    Order,
    OrderStatus,
    Person,
    Task,
    Volunteer,
    VolunteerStatus,
    VolunteerTeam,
)

log = logging.getLogger(__name__)

WAVE_TASK = "offer_wave"
LIVE = (OfferStatus.PENDING, OfferStatus.SENT)  # an offer that can still be answered
REOFFERABLE = (OfferStatus.TAKEN, OfferStatus.WITHDRAWN)  # may be offered again (re-dispatch)
DISPATCHING = (OrderStatus.NEW, OrderStatus.OFFERED)
NEUTRAL_RATING = 3.0  # a volunteer nobody has rated yet ranks as an average one
# A PENDING offer without a message this old lost its sender (a crash): the next wave resends.
STALE_PENDING = timedelta(minutes=2)
_EPOCH = datetime.min.replace(tzinfo=UTC)
_BACKGROUND = "dispatch.background"
RELEASE_ACTION = "order.release"  # audit action of release(); released_by() reads it


def wave_key(order_id: int, wave: int) -> str:
    """The task key of one wave (``order:<id>:wave:<n>``).

    One key per wave, not one per order: the next wave is enqueued while the
    current wave's task is still running, and re-using that row could let the
    scheduler's "done" overwrite the freshly scheduled wave.
    """
    return f"order:{order_id}:wave:{wave}"


FOLLOWUP_TASK = "claim_followup"
FOLLOWUP_SAFETY_NET = timedelta(minutes=1)


def followup_key(order_id: int) -> str:
    return f"order:{order_id}:claimed"


def wave_prefix(order_id: int) -> str:
    return f"order:{order_id}:wave"


# ---------------------------------------------------------------- background work


def spawn(deps: Deps, work: Coroutine[Any, Any, Any]) -> asyncio.Task[Any]:
    """Run ``work`` without making the current person wait for other people's chats.

    The rows it acts on are already committed, so losing it (a crash) loses no
    offer: the next wave resends stale ones.
    """
    running: set[asyncio.Task[Any]] = deps.extras.setdefault(_BACKGROUND, set())
    task = asyncio.get_running_loop().create_task(work)
    running.add(task)

    def _done(done: asyncio.Task[Any]) -> None:
        running.discard(done)
        if not done.cancelled() and done.exception() is not None:
            log.error("background dispatch work failed", exc_info=done.exception())

    task.add_done_callback(_done)
    return task


async def settle(deps: Deps) -> None:
    """Wait until background dispatch work has finished (tests, orderly shutdown)."""
    running: set[asyncio.Task[Any]] = deps.extras.get(_BACKGROUND, set())
    while running:
        await asyncio.gather(*list(running), return_exceptions=True)


# ---------------------------------------------------------------- candidates


@dataclass(frozen=True)
class Candidate:
    volunteer_id: int
    ring: int  # 0 same point, 1 same town, 2 same county, 3 elsewhere/unknown
    open_jobs: int
    last_job_at: datetime | None
    rating: float | None

    def rank(self) -> tuple[int, int, datetime, float, int]:
        """Nearer, then fewer open jobs, then longest since the last job, then better rated."""
        rating = self.rating if self.rating is not None else NEUTRAL_RATING
        return (self.ring, self.open_jobs, self.last_job_at or _EPOCH, -rating, self.volunteer_id)


async def candidates(session: AsyncSession, order: Order) -> list[Candidate]:
    """Who may be offered ``order`` now, best first.

    Active (not paused) volunteers of the order's team whom the bot can reach,
    under their limit of open jobs, who are not the requester and have no
    offer of this order they could still answer or have answered (declined,
    claimed, undeliverable). Offers that ended because someone else took the
    order or it was withdrawn do not count: after a release they may be offered
    again.
    """
    if order.team_id is None:
        return []
    jobs = (
        select(col(Order.volunteer_id).label("vid"), func.count().label("n"))
        .where(col(Order.status).in_(OrderStatus.ACTIVE), col(Order.volunteer_id).is_not(None))
        .group_by(col(Order.volunteer_id))
        .subquery()
    )
    ratings = (
        select(col(Feedback.volunteer_id).label("vid"), func.avg(Feedback.rating).label("r"))
        .where(col(Feedback.volunteer_id).is_not(None))
        .group_by(col(Feedback.volunteer_id))
        .subquery()
    )
    answered = select(col(Offer.id)).where(
        col(Offer.order_id) == order.id,
        col(Offer.volunteer_id) == col(Volunteer.id),
        col(Offer.status).not_in(REOFFERABLE),
    )
    n_jobs = func.coalesce(jobs.c.n, 0)
    stmt = (
        select(  # type: ignore[call-overload]
            col(Volunteer.id),
            col(Volunteer.station_id),
            col(Volunteer.last_job_at),
            n_jobs,
            ratings.c.r,
        )
        .join(VolunteerTeam, col(VolunteerTeam.volunteer_id) == col(Volunteer.id))
        .join(Person, col(Person.id) == col(Volunteer.person_id))
        .outerjoin(jobs, jobs.c.vid == col(Volunteer.id))
        .outerjoin(ratings, ratings.c.vid == col(Volunteer.id))
        .where(
            col(VolunteerTeam.team_id) == order.team_id,
            col(Volunteer.status) == VolunteerStatus.ACTIVE,
            col(Person.reachable).is_(True),
            col(Volunteer.person_id) != order.requester_id,
            ~answered.exists(),
            n_jobs < col(Volunteer.max_open_jobs),
        )
    )
    rows = (await session.exec(stmt)).all()  # type: ignore[call-overload]
    order_chain = await ancestors(session, order.station_id)
    chains: dict[int | None, list[int]] = {}
    out = []
    for vid, station_id, last_job_at, n, rating in rows:
        if station_id not in chains:
            chains[station_id] = await ancestors(session, station_id)
        out.append(
            Candidate(
                volunteer_id=vid,
                ring=nearness(order_chain, chains[station_id]),
                open_jobs=int(n),
                last_job_at=last_job_at,
                rating=float(rating) if rating is not None else None,
            )
        )
    return sorted(out, key=Candidate.rank)


async def released_by(session: AsyncSession, volunteer_id: int, order_ids: list[int]) -> set[int]:
    """Those of ``order_ids`` this volunteer gave up (放弃, or 去不了 at reconfirmation).

    The audit trail of ``release`` is the record: the offer row alone cannot tell a
    release from a 不方便, and a 不方便 may be taken back (a change of mind).
    """
    if not order_ids:
        return set()
    stmt = select(AuditLog).where(
        col(AuditLog.action) == RELEASE_ACTION,
        col(AuditLog.target_type) == "order",
        col(AuditLog.target_id).in_([str(i) for i in order_ids]),
    )
    return {
        int(row.target_id)  # type: ignore[arg-type]
        for row in (await session.exec(stmt)).all()
        if (row.before or {}).get("volunteer_id") == volunteer_id
    }


async def open_orders_for(session: AsyncSession, volunteer: Volunteer) -> list[tuple[Order, int]]:
    """Unclaimed orders of the volunteer's teams with their ring, nearest first, then oldest.

    This is the board (企业问题清单); the requester's own orders are left out, and
    so are orders the volunteer gave up (放弃): the requester and the admins were
    told it is being passed on, so taking it back is an admin's call (/assign).
    """
    teams = select(col(VolunteerTeam.team_id)).where(
        col(VolunteerTeam.volunteer_id) == volunteer.id
    )
    stmt = select(Order).where(
        col(Order.team_id).in_(teams),
        col(Order.status).in_(OrderStatus.OPEN),
        col(Order.requester_id) != volunteer.person_id,
    )
    found = list((await session.exec(stmt)).all())
    gave_up = await released_by(session, volunteer.id, [o.id for o in found])  # type: ignore[arg-type,misc]
    found = [o for o in found if o.id not in gave_up]
    mine = await ancestors(session, volunteer.station_id)
    chains: dict[int | None, list[int]] = {}
    ranked = []
    for order in found:
        if order.station_id not in chains:
            chains[order.station_id] = await ancestors(session, order.station_id)
        ranked.append((order, nearness(mine, chains[order.station_id])))
    ranked.sort(key=lambda pair: (pair[1], pair[0].created_at, pair[0].id))
    return ranked


# ---------------------------------------------------------------- offer rows


def _insert(session: AsyncSession) -> Any:
    """The dialect's INSERT (both SQLite and PostgreSQL have ON CONFLICT … RETURNING)."""
    dialect = session.bind.dialect.name if session.bind is not None else "sqlite"
    return postgresql.insert if dialect == "postgresql" else sqlite.insert


async def _put_offer(
    session: AsyncSession, order_id: int, volunteer_id: int, wave: int, now: datetime
) -> int | None:
    """A new PENDING offer (or a re-offer of a taken/withdrawn one); None if it is taken.

    The unique (order, volunteer) pair makes two dispatchers racing for the same
    candidate insert one row: the loser gets None and moves on to the next.
    """
    stmt = (
        _insert(session)(Offer)
        .values(
            order_id=order_id,
            volunteer_id=volunteer_id,
            wave=wave,
            status=OfferStatus.PENDING,
            created_at=now,
        )
        .on_conflict_do_update(
            index_elements=["order_id", "volunteer_id"],
            set_={
                "status": OfferStatus.PENDING,
                "wave": wave,
                "created_at": now,
                "responded_at": None,
                "platform": None,
                "chat_id": None,
                "message_id": None,
            },
            where=col(Offer.status).in_(REOFFERABLE),
        )
        .returning(col(Offer.id))
    )
    return (await session.exec(stmt)).scalar_one_or_none()  # type: ignore[call-overload,no-any-return]


async def _put_offers(
    session: AsyncSession,
    order_id: int,
    chosen: list[Candidate],
    limit: int,
    wave: int,
    now: datetime,
) -> tuple[list[int], int]:
    """Offer rows for up to ``limit`` of ``chosen``; returns their ids and the farthest ring."""
    ids: list[int] = []
    ring = 0
    for c in chosen:
        if len(ids) >= limit:
            break
        offer_id = await _put_offer(session, order_id, c.volunteer_id, wave, now)
        if offer_id is not None:
            ids.append(offer_id)
            ring = max(ring, c.ring)
    return ids, ring


async def _upsert_own(
    session: AsyncSession, order_id: int, volunteer_id: int, status: str, now: datetime
) -> tuple[str | None, str | None, str | None]:
    """Set the (order, volunteer) offer to ``status``, creating it for claims without one
    (the board, an admin's assignment); returns its message reference."""
    stmt = (
        _insert(session)(Offer)
        .values(
            order_id=order_id,
            volunteer_id=volunteer_id,
            wave=0,
            status=status,
            created_at=now,
            responded_at=now,
        )
        .on_conflict_do_update(
            index_elements=["order_id", "volunteer_id"],
            set_={"status": status, "responded_at": now},
        )
        .returning(col(Offer.platform), col(Offer.chat_id), col(Offer.message_id))
    )
    row = (await session.exec(stmt)).one()  # type: ignore[call-overload]
    return row[0], row[1], row[2]


def _ref(platform: str | None, chat_id: str | None, message_id: str | None) -> MessageRef | None:
    if platform and chat_id and message_id:
        return MessageRef(platform, chat_id, message_id)
    return None


async def _languages(session: AsyncSession, volunteer_ids: list[int]) -> dict[int, str]:
    if not volunteer_ids:
        return {}
    stmt = (
        select(col(Volunteer.id), col(Person.language))
        .join(Person, col(Person.id) == col(Volunteer.person_id))
        .where(col(Volunteer.id).in_(volunteer_ids))
    )
    return {vid: lang for vid, lang in (await session.exec(stmt)).all() if vid is not None}


async def _facts_by_lang(
    deps: Deps, session: AsyncSession, order: Order, langs: set[str]
) -> dict[str, jobtext.Facts]:
    tz = deps.settings.tz
    return {lang: await jobtext.facts(session, order, lang, tz) for lang in langs}


async def _edit_closed(
    deps: Deps, order: Order, refs: list[tuple[int, MessageRef]], key: str
) -> None:
    """Edit offer messages (volunteer id, message) to a closed state in their language."""
    if not refs:
        return
    async with deps.db.session() as session:
        langs = await _languages(session, [vid for vid, _ in refs])
        facts = await _facts_by_lang(deps, session, order, set(langs.values()) | {"zh"})
    await asyncio.gather(
        *(
            edit(
                deps,
                ref,
                jobtext.closed_offer(langs.get(vid, "zh"), facts[langs.get(vid, "zh")], key),
            )
            for vid, ref in refs
        )
    )


# ---------------------------------------------------------------- delivery


CLOSED_KEY = {
    OfferStatus.TAKEN: "dispatch.offer.taken",
    OfferStatus.WITHDRAWN: "dispatch.offer.withdrawn",
    OfferStatus.DECLINED: "dispatch.offer.declined",
    OfferStatus.CLAIMED: "dispatch.offer.mine",
}


async def _deliver(deps: Deps, offer_ids: list[int]) -> int:
    """Send PENDING offers concurrently; returns how many could not be delivered.

    A volunteer who blocked the bot is marked unreachable by ``notify`` (and so
    is no candidate any more); their offer becomes FAILED. An offer that was
    taken or withdrawn while its message was on the way gets that message
    edited at once, since the claimer could not edit a message it did not know.
    """
    if not offer_ids:
        return 0
    async with deps.db.session() as session:
        stmt = (
            select(Offer, Person)
            .join(Volunteer, col(Volunteer.id) == col(Offer.volunteer_id))
            .join(Person, col(Person.id) == col(Volunteer.person_id))
            .where(col(Offer.id).in_(offer_ids), col(Offer.status) == OfferStatus.PENDING)
            .order_by(col(Offer.id))
        )
        rows = list((await session.exec(stmt)).all())
        if not rows:
            return 0
        order = await session.get(Order, rows[0][0].order_id)
        assert order is not None
        facts = await _facts_by_lang(deps, session, order, {p.language for _, p in rows})
    replies = [
        jobtext.offer_reply(p.language, facts[p.language], order.id, o.id)  # type: ignore[arg-type]
        for o, p in rows
    ]
    refs = await asyncio.gather(
        *(notify(deps, p, r) for (_, p), r in zip(rows, replies, strict=True))
    )
    failed = 0
    late: list[tuple[int, MessageRef, str]] = []
    async with deps.db.session() as session:
        for (offer, _), ref in zip(rows, refs, strict=True):
            if ref is None:
                lost = await session.exec(  # type: ignore[call-overload]
                    update(Offer)
                    .where(col(Offer.id) == offer.id, col(Offer.status) == OfferStatus.PENDING)
                    .values(status=OfferStatus.FAILED, responded_at=deps.now())
                    .returning(col(Offer.id))
                )
                failed += lost.first() is not None
                continue
            deps.metrics.offers_sent.inc()
            values = {
                "platform": ref.platform,
                "chat_id": ref.chat_id,
                "message_id": ref.message_id,
            }
            sent = await session.exec(  # type: ignore[call-overload]
                update(Offer)
                .where(col(Offer.id) == offer.id, col(Offer.status) == OfferStatus.PENDING)
                .values(status=OfferStatus.SENT, **values)
                .returning(col(Offer.id))
            )
            if sent.first() is None:
                moved = await session.exec(  # type: ignore[call-overload]
                    update(Offer)
                    .where(col(Offer.id) == offer.id)
                    .values(**values)
                    .returning(col(Offer.status))
                )
                status = moved.scalar_one()
                if status in CLOSED_KEY:
                    late.append((offer.volunteer_id, ref, CLOSED_KEY[status]))
    for key in {k for _, _, k in late}:
        await _edit_closed(deps, order, [(v, r) for v, r, k in late if k == key], key)
    return failed


async def _fill(deps: Deps, order_id: int, count: int, wave: int) -> None:
    """Offer the order to the next ``count`` candidates, replacing undeliverable ones,
    and expire it when nobody is left to offer it to and no offer is open."""
    if count <= 0:
        return
    while count > 0:
        async with deps.db.session() as session:
            order = await session.get(Order, order_id)
            if order is None or order.status not in OrderStatus.OPEN:
                return
            ranked = await candidates(session, order)
            ids, _ = await _put_offers(session, order_id, ranked, count, wave, deps.now())
        if not ids:
            break
        count = await _deliver(deps, ids)
    await _expire_if_exhausted(deps, order_id)


async def _redeliver_stale(deps: Deps, order_id: int) -> None:
    """Resend offers whose sender died between writing the row and sending (at least once)."""
    cutoff = deps.now() - STALE_PENDING
    async with deps.db.session() as session:
        stmt = select(col(Offer.id)).where(
            col(Offer.order_id) == order_id,
            col(Offer.status) == OfferStatus.PENDING,
            col(Offer.message_id).is_(None),
            col(Offer.created_at) < cutoff,
        )
        stale = [i for i in (await session.exec(stmt)).all() if i is not None]
        order = await session.get(Order, order_id)
    if stale and order is not None:
        log.info("order %s: resending %d stale offers", order_id, len(stale))
        failed = await _deliver(deps, stale)
        await _fill(deps, order_id, failed, max(order.dispatch_wave, 1))


# ---------------------------------------------------------------- waves


async def _schedule_wave(
    session: AsyncSession, deps: Deps, order_id: int, wave: int, ring: int
) -> None:
    due = deps.now() + deps.settings.offer_wave_interval
    payload = {"order_id": order_id, "wave": wave, "ring": ring}
    await tasks.enqueue(session, WAVE_TASK, due, payload, key=wave_key(order_id, wave))


async def start(deps: Deps, order_id: int) -> None:
    """Begin dispatching a new order: wave 1 to the top candidates (listener of order_created).

    Orders without a team are left for admin triage; an order is started once
    (the first caller moves ``dispatch_wave`` from 0 to 1).
    """
    now = deps.now()
    expired = False
    async with deps.db.session() as session:
        order = await session.get(Order, order_id)
        if order is None or order.team_id is None or order.status != OrderStatus.NEW:
            return
        won = await session.exec(  # type: ignore[call-overload]
            update(Order)
            .where(
                col(Order.id) == order_id,
                col(Order.status) == OrderStatus.NEW,
                col(Order.dispatch_wave) == 0,
            )
            .values(dispatch_wave=1, updated_at=now)
            .returning(col(Order.id))
        )
        if won.first() is None:
            return
        # Started: the safety net written with the order (bot.orders) is not needed.
        await tasks.cancel(session, key=f"order:{order_id}:dispatch")
        ranked = await candidates(session, order)
        ids, ring = await _put_offers(
            session, order_id, ranked, deps.settings.offer_wave_size, 1, now
        )
        if ids:
            await orders.transition(
                session, order_id, OrderStatus.OFFERED, now, expect=OrderStatus.NEW
            )
            await _schedule_wave(session, deps, order_id, 2, ring)
        else:
            expired = await _expire_in(session, order_id, now)
    if expired:
        # Nobody could be offered it at all: the admins take over at once. The requester,
        # who has just been told their order is in, is not sent "无人认领" seconds later.
        await _announce_expired(deps, order_id, tell_requester=False)
        return
    failed = await _deliver(deps, ids)
    await _fill(deps, order_id, failed, 1)


async def run_wave(deps: Deps, task: Task) -> None:
    """The ``offer_wave`` task: widen to the next ring, or expire when nobody is left.

    Idempotent: a wave runs once (``dispatch_wave`` moves from n-1 to n in one
    conditional UPDATE); a re-run after a crash only resends stale offers.
    """
    order_id = int(task.payload["order_id"])
    wave = int(task.payload["wave"])
    prev_ring = int(task.payload.get("ring", 0))
    await _redeliver_stale(deps, order_id)
    now = deps.now()
    expired = False
    ids: list[int] = []
    async with deps.db.session() as session:
        won = await session.exec(  # type: ignore[call-overload]
            update(Order)
            .where(
                col(Order.id) == order_id,
                col(Order.status) == OrderStatus.OFFERED,
                col(Order.dispatch_wave) == wave - 1,
            )
            .values(dispatch_wave=wave, updated_at=now)
            .returning(col(Order.id))
        )
        if won.first() is None:
            return
        order = await session.get(Order, order_id)
        assert order is not None
        await session.refresh(order)
        ranked = await candidates(session, order)
        if not ranked:
            expired = await _expire_in(session, order_id, now)
        else:
            reach = max(prev_ring + 1, ranked[0].ring)
            chosen = [c for c in ranked if c.ring <= reach]
            ids, _ = await _put_offers(session, order_id, chosen, len(chosen), wave, now)
            await _schedule_wave(session, deps, order_id, wave + 1, reach)
    if expired:
        await _announce_expired(deps, order_id)
        return
    failed = await _deliver(deps, ids)
    await _fill(deps, order_id, failed, wave)


# ---------------------------------------------------------------- expiry


async def _expire_in(session: AsyncSession, order_id: int, now: datetime) -> bool:
    won = await orders.transition(session, order_id, OrderStatus.EXPIRED, now, expect=DISPATCHING)
    if won:
        await tasks.cancel(session, key_prefix=wave_prefix(order_id))
    return won


async def _expire_if_exhausted(deps: Deps, order_id: int) -> None:
    """Expire at once when every candidate declined or could not be reached."""
    async with deps.db.session() as session:
        order = await session.get(Order, order_id)
        if order is None or order.status not in DISPATCHING:
            return
        live = await session.exec(
            select(func.count())
            .select_from(Offer)
            .where(col(Offer.order_id) == order_id, col(Offer.status).in_(LIVE))
        )
        if live.one() or await candidates(session, order):
            return
        expired = await _expire_in(session, order_id, deps.now())
    if expired:
        await _announce_expired(deps, order_id)


async def history(deps: Deps, session: AsyncSession, order: Order, lang: str | None) -> str:
    """The order and every offer made of it, for the admins (phone included)."""
    tz = deps.settings.tz
    f = await jobtext.facts(session, order, lang, tz)
    requester = await session.get(Person, order.requester_id)
    name = order.contact_name or (requester.display_name if requester else "") or "—"
    phone = order.contact_phone or (requester.phone if requester else None) or "—"
    lines = [
        t(
            lang,
            "dispatch.history.head",
            code=f.code,
            team=f.team,
            district=f.district,
            need=jobtext.shorten(order.text, jobtext.NEED_FULL),
            name=name,
            phone=phone,
            created=jobtext.fmt_time(order.created_at, tz, lang),
            when=f.when,
        ),
    ]
    stmt = (
        select(Offer, Volunteer)
        .join(Volunteer, col(Volunteer.id) == col(Offer.volunteer_id))
        .where(col(Offer.order_id) == order.id)
        .order_by(col(Offer.wave), col(Offer.id))
    )
    offers = (await session.exec(stmt)).all()
    if not offers:
        lines.append(t(lang, "dispatch.history.nobody"))
    for offer, volunteer in offers:
        lines.append(
            t(
                lang,
                "dispatch.history.offer",
                wave=offer.wave,
                name=volunteer.name,
                status=t(lang, f"dispatch.offer_status.{offer.status}"),
            )
        )
    return "\n".join(lines)


async def _announce_expired(deps: Deps, order_id: int, *, tell_requester: bool = True) -> None:
    """无人认领: the admins get the order with its history; the requester is told."""
    async with deps.db.session() as session:
        order = await session.get(Order, order_id)
        if order is None:
            return
        text = await history(deps, session, order, deps.settings.language)
        requester = await session.get(Person, order.requester_id)
    lang = deps.settings.language
    admin_text = t(lang, "dispatch.expired.admins", code=order.code) + "\n" + text
    note = t(requester.language if requester else None, "dispatch.expired.requester")
    sends: list[Coroutine[Any, Any, Any]] = [
        notify_admins(deps, Reply(admin_text), station_id=order.station_id)
    ]
    if tell_requester:
        sends.append(orders.push_status(deps, order, note=note))
    await asyncio.gather(*sends)


# ---------------------------------------------------------------- claim


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
            return False
        own = _ref(*await _upsert_own(session, order_id, volunteer_id, OfferStatus.CLAIMED, now))
        taken = (
            await session.exec(  # type: ignore[call-overload]
                update(Offer)
                .where(
                    col(Offer.order_id) == order_id,
                    col(Offer.volunteer_id) != volunteer_id,
                    col(Offer.status).in_(LIVE),
                )
                .values(status=OfferStatus.TAKEN, responded_at=now)
                .returning(
                    col(Offer.volunteer_id),
                    col(Offer.platform),
                    col(Offer.chat_id),
                    col(Offer.message_id),
                )
            )
        ).all()
        await session.exec(  # type: ignore[call-overload]
            update(Volunteer)
            .where(col(Volunteer.id) == volunteer_id)
            .values(last_job_at=now, updated_at=now)
        )
        await tasks.cancel(session, key_prefix=wave_prefix(order_id))
        # If the process dies before the follow-up below has run, the scheduler runs it.
        await tasks.enqueue(
            session,
            FOLLOWUP_TASK,
            now + FOLLOWUP_SAFETY_NET,
            {
                "order_id": order_id,
                "volunteer_id": volunteer_id,
                "own": [own.platform, own.chat_id, own.message_id] if own else None,
                "others": [[vid, plat, chat, msg] for vid, plat, chat, msg in taken],
                "assigned": assigned_by is not None,
                "late": was_expired,
            },
            key=followup_key(order_id),
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
    deps.metrics.time_to_claim.observe(max(0.0, (now - order.created_at).total_seconds()))
    others = [(vid, r) for vid, *parts in taken if (r := _ref(*parts)) is not None]
    work = _after_claim(
        deps, order_id, volunteer_id, own, others, assigned_by is not None, late=was_expired
    )
    if wait:
        await work
    else:
        spawn(deps, work)
    return True


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
    sends: list[Coroutine[Any, Any, Any]] = [
        _edit_closed(deps, order, others, "dispatch.offer.taken"),
        notify(deps, holder, card),
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
        text = t(rl, "dispatch.claimed.requester", code=order.code, name=volunteer.name)
        sends.append(
            notify(
                deps,
                requester,
                Reply(
                    text + honours + "\n\n" + t(rl, "dispatch.claimed.requester_tail"),
                    buttons=jobtext.relay_button(rl, order_id, "jobs.btn.relay_volunteer"),
                ),
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
    others = [(vid, r) for vid, *parts in p.get("others", []) if (r := _ref(*parts)) is not None]
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


# ---------------------------------------------------------------- decline, release, withdraw


async def decline(deps: Deps, offer_id: int, *, wait: bool = True) -> bool:
    """不方便: close this offer and pass the order to the next candidate at once.

    False when the offer can no longer be answered (taken, withdrawn, declined).
    """
    now = deps.now()
    async with deps.db.session() as session:
        declined_of = (
            await session.exec(  # type: ignore[call-overload]
                update(Offer)
                .where(col(Offer.id) == offer_id, col(Offer.status).in_(LIVE))
                .values(status=OfferStatus.DECLINED, responded_at=now)
                .returning(col(Offer.order_id))
            )
        ).scalar_one_or_none()
        if declined_of is None:
            return False
        order = await session.get(Order, declined_of)
        assert order is not None
        order_id, wave = order.id, max(order.dispatch_wave, 1)
    work = _fill(deps, order_id, 1, wave)  # type: ignore[arg-type]
    if wait:
        await work
    else:
        spawn(deps, work)
    return True


async def release(
    deps: Deps,
    order_id: int,
    *,
    reason: str,
    by: Person | int | None,
    volunteer_id: int | None = None,
    wait: bool = True,
) -> bool:
    """The volunteer gives the job up (放弃), or a reconfirmation failed (``by`` None).

    The order goes back to open and is dispatched again (the volunteer who
    released it is not offered it again); its pending reminders are cancelled;
    admins, the requester and (when someone else released it) the volunteer
    are told. False when nobody holds the order (or, with ``volunteer_id``,
    when that volunteer no longer does). With ``wait=False`` the new offers go
    out in the background.
    """
    now = deps.now()
    by_id = by.id if isinstance(by, Person) else by  # a person id is accepted too
    async with deps.db.session() as session:
        order = await session.get(Order, order_id)
        if order is None or order.status not in OrderStatus.ACTIVE or order.volunteer_id is None:
            return False
        if volunteer_id is not None and order.volunteer_id != volunteer_id:
            return False
        volunteer_id, before = order.volunteer_id, order.status
        won = await session.exec(  # type: ignore[call-overload]
            update(Order)
            .where(
                col(Order.id) == order_id,
                col(Order.status).in_(OrderStatus.ACTIVE),
                col(Order.volunteer_id) == volunteer_id,
            )
            .values(
                status=OrderStatus.NEW,
                volunteer_id=None,
                appointment_at=None,
                started_at=None,
                dispatch_wave=0,
                updated_at=now,
            )
            .returning(col(Order.id))
        )
        if won.first() is None:
            return False
        await _upsert_own(session, order_id, volunteer_id, OfferStatus.DECLINED, now)
        await tasks.cancel(session, key_prefix=f"order:{order_id}:")
        await audit.record(
            session,
            actor_id=by_id,
            action=RELEASE_ACTION,
            target_type="order",
            target_id=order_id,
            before={"status": before, "volunteer_id": volunteer_id},
            after={"status": OrderStatus.NEW, "reason": reason},
        )
        await session.refresh(order)
        volunteer = await session.get(Volunteer, volunteer_id)
        assert volunteer is not None
        holder = await session.get(Person, volunteer.person_id)
        requester = await session.get(Person, order.requester_id)
    lang = deps.settings.language
    sends: list[Coroutine[Any, Any, Any]] = [
        notify_admins(
            deps,
            Reply(
                t(
                    lang,
                    "dispatch.released.admins",
                    code=order.code,
                    name=volunteer.name,
                    reason=reason,
                )
            ),
            station_id=order.station_id,
        )
    ]
    if requester is not None:
        sends.append(
            notify(
                deps,
                requester,
                Reply(t(requester.language, "dispatch.released.requester", code=order.code)),
            )
        )
    if holder is not None and by_id != holder.id:
        sends.append(
            notify(
                deps,
                holder,
                Reply(
                    t(
                        holder.language,
                        "dispatch.released.volunteer",
                        code=order.code,
                        reason=reason,
                    )
                ),
            )
        )
    await asyncio.gather(*sends)
    await emit(deps, "order_released", order_id=order_id, reason=reason, volunteer_id=volunteer_id)
    if wait:
        await start(deps, order_id)
    else:
        spawn(deps, start(deps, order_id))
    return True


async def withdraw_offers(deps: Deps, order_id: int) -> int:
    """Close every open offer of the order and edit its message (cancelled, rerouted).

    Returns how many offers were withdrawn; pending waves are cancelled too.
    """
    async with deps.db.session() as session:
        rows = (
            await session.exec(  # type: ignore[call-overload]
                update(Offer)
                .where(col(Offer.order_id) == order_id, col(Offer.status).in_(LIVE))
                .values(status=OfferStatus.WITHDRAWN, responded_at=deps.now())
                .returning(
                    col(Offer.volunteer_id),
                    col(Offer.platform),
                    col(Offer.chat_id),
                    col(Offer.message_id),
                )
            )
        ).all()
        await tasks.cancel(session, key_prefix=wave_prefix(order_id))
        order = await session.get(Order, order_id)
    if order is not None:
        refs = [(vid, r) for vid, *parts in rows if (r := _ref(*parts)) is not None]
        await _edit_closed(deps, order, refs, "dispatch.offer.withdrawn")
    return len(rows)


# ---------------------------------------------------------------- listeners


async def run_start(deps: Deps, task: Task) -> None:
    """The ``dispatch_start`` safety-net task (see bot.orders.DISPATCH_START)."""
    await start(deps, int(task.payload["order_id"]))


async def on_order_created(deps: Deps, order_id: int, **_: Any) -> None:
    # In the background: the requester's confirmation must not wait for volunteers' chats.
    spawn(deps, start(deps, order_id))


async def on_order_cancelled(deps: Deps, order_id: int, **payload: Any) -> None:
    """Withdraw the offers; a volunteer already holding the job is told it is off."""
    await withdraw_offers(deps, order_id)
    async with deps.db.session() as session:
        order = await session.get(Order, order_id)
        if order is None or order.status != OrderStatus.CANCELLED or order.volunteer_id is None:
            return
        await tasks.cancel(session, key_prefix=f"order:{order_id}:")
        volunteer = await session.get(Volunteer, order.volunteer_id)
        holder = await session.get(Person, volunteer.person_id) if volunteer else None
    if holder is not None:
        reason = payload.get("reason") or order.cancel_reason or "—"
        await notify(
            deps,
            holder,
            Reply(
                t(holder.language, "dispatch.cancelled.volunteer", code=order.code, reason=reason)
            ),
        )


async def redispatch(deps: Deps, order_id: int) -> bool:
    """Start over for an order that is still open (its team changed): withdraw, then wave 1."""
    await withdraw_offers(deps, order_id)
    async with deps.db.session() as session:
        reset = await session.exec(  # type: ignore[call-overload]
            update(Order)
            .where(col(Order.id) == order_id, col(Order.status).in_(OrderStatus.OPEN))
            .values(status=OrderStatus.NEW, dispatch_wave=0, updated_at=deps.now())
            .returning(col(Order.id))
        )
        if reset.first() is None:
            return False
    await start(deps, order_id)
    return True


async def on_order_rerouted(deps: Deps, order_id: int, **_: Any) -> None:
    spawn(deps, redispatch(deps, order_id))
