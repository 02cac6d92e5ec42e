"""Offer rows and their delivery: put, send, edit closed, resend stale."""

from __future__ import annotations

import asyncio
import logging
from datetime import datetime
from typing import Any

from sqlalchemy import update
from sqlalchemy.dialects import postgresql, sqlite
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from bot import jobtext
from bot.deps import Deps
from bot.dispatch.candidates import Candidate, candidates
from bot.dispatch.common import REOFFERABLE, STALE_PENDING
from bot.dispatch.expiry import _expire_if_exhausted
from bot.notify import edit, notify
from bot.reply import MessageRef
from store.models import (
    Offer,
    OfferStatus,
    Order,
    OrderStatus,
    Person,
    Volunteer,
)

log = logging.getLogger(__name__)


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
