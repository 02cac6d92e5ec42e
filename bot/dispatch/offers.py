"""Offer rows and their delivery: put, send, edit closed, resend stale."""

from __future__ import annotations

import asyncio
import logging
from datetime import datetime
from typing import Any

from sqlmodel.ext.asyncio.session import AsyncSession

from bot import jobtext
from bot.deps import Deps
from bot.dispatch.candidates import Candidate, candidates
from bot.dispatch.common import STALE_PENDING
from bot.dispatch.expiry import expire_if_exhausted
from bot.notify import edit, notify
from bot.reply import MessageRef
from bot.stations import ancestors, nearness
from store import offers
from store.models import (
    Offer,
    OfferStatus,
    Order,
    OrderStatus,
)
from store.volunteers import languages_of, volunteers_by_id

log = logging.getLogger(__name__)


async def _put_offer(
    session: AsyncSession, order_id: int, volunteer_id: int, wave: int, now: datetime
) -> int | None:
    """A new PENDING offer (or a re-offer of a taken/withdrawn one); None if it is taken."""
    return await offers.put_offer(
        session, order_id=order_id, volunteer_id=volunteer_id, wave=wave, now=now
    )


async def put_offers(
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


async def upsert_own(
    session: AsyncSession, order_id: int, volunteer_id: int, status: str, now: datetime
) -> tuple[str | None, str | None, str | None]:
    """Set the (order, volunteer) offer to ``status``, creating it for claims without one
    (the board, an admin's assignment); returns its message reference."""
    return await offers.upsert_own(
        session, order_id=order_id, volunteer_id=volunteer_id, status=status, now=now
    )


def message_ref(
    platform: str | None, chat_id: str | None, message_id: str | None
) -> MessageRef | None:
    if platform and chat_id and message_id:
        return MessageRef(platform, chat_id, message_id)
    return None


async def rings_from(
    session: AsyncSession, order: Order, volunteer_ids: list[int]
) -> dict[int, int]:
    """How near the order is to each volunteer's own station (only where both are known)."""
    order_chain = await ancestors(session, order.station_id)
    if not order_chain:
        return {}
    found = await volunteers_by_id(session, ids=volunteer_ids)
    out: dict[int, int] = {}
    for vid, v in found.items():
        chain = await ancestors(session, v.station_id)
        if chain:
            out[vid] = nearness(order_chain, chain)
    return out


async def _facts_by_lang(
    deps: Deps, session: AsyncSession, order: Order, langs: set[str]
) -> dict[str, jobtext.Facts]:
    tz = deps.settings.tz
    return {lang: await jobtext.facts(session, order, lang, tz) for lang in langs}


async def edit_closed(
    deps: Deps, order: Order, refs: list[tuple[int, MessageRef]], key: str
) -> None:
    """Edit offer messages (volunteer id, message) to a closed state in their language."""
    if not refs:
        return
    async with deps.db.session() as session:
        langs = await languages_of(session, volunteer_ids=[vid for vid, _ in refs])
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
        rows = await offers.pending_with_people(session, offer_ids=offer_ids)
        if not rows:
            return 0
        order = await session.get(Order, rows[0][0].order_id)
        assert order is not None
        facts = await _facts_by_lang(deps, session, order, {p.language for _, p in rows})
        rings = await rings_from(session, order, [o.volunteer_id for o, _ in rows])
    replies = [
        jobtext.offer_reply(
            p.language,
            jobtext.with_band(p.language, facts[p.language], rings.get(o.volunteer_id)),
            order.id,  # type: ignore[arg-type]
            o.id,  # type: ignore[arg-type]
        )
        for o, p in rows
    ]
    refs = await asyncio.gather(
        *(
            notify(deps, p, r, after=(OFFER_DELIVERED, {"offer_id": o.id}))
            for (o, p), r in zip(rows, replies, strict=True)
        )
    )
    failed = 0
    late: list[tuple[int, MessageRef, str]] = []
    async with deps.db.session() as session:
        for (offer, _), ref in zip(rows, refs, strict=True):
            if ref is None:
                assert offer.id is not None
                failed += await offers.mark_failed(session, offer_id=offer.id, now=deps.now())
                continue
            if ref.queued:  # another instance sends it; offer_delivered records the message
                assert offer.id is not None
                await offers.set_message(
                    session,
                    offer_id=offer.id,
                    platform=ref.platform,
                    chat_id=ref.chat_id,
                    message_id="",
                )
                continue
            deps.metrics.offers_sent.inc()
            values = {
                "platform": ref.platform,
                "chat_id": ref.chat_id,
                "message_id": ref.message_id,
            }
            assert offer.id is not None
            if not await offers.mark_sent(session, offer_id=offer.id, **values):
                status = await offers.set_message(session, offer_id=offer.id, **values)
                if status in CLOSED_KEY:
                    late.append((offer.volunteer_id, ref, CLOSED_KEY[status]))
    for key in {k for _, _, k in late}:
        await edit_closed(deps, order, [(v, r) for v, r, k in late if k == key], key)
    return failed


OFFER_DELIVERED = "offer_delivered"  # an offer another instance sent from the outbox


async def offer_delivered(
    deps: Deps, *, offer_id: int, platform: str, chat_id: str, message_id: str, **_: Any
) -> None:
    """Record the message of an offer sent from the outbox, as ``_deliver`` does for its own;
    an offer taken or withdrawn meanwhile gets its message edited at once."""
    ref = MessageRef(platform, chat_id, message_id)
    values = {"platform": platform, "chat_id": chat_id, "message_id": message_id}
    async with deps.db.session() as session:
        if await offers.mark_sent(session, offer_id=offer_id, **values):
            deps.metrics.offers_sent.inc()
            return
        status = await offers.set_message(session, offer_id=offer_id, **values)
        offer = await session.get(Offer, offer_id)
        order = await session.get(Order, offer.order_id) if offer else None
    if offer is not None and order is not None and status in CLOSED_KEY:
        await edit_closed(deps, order, [(offer.volunteer_id, ref)], CLOSED_KEY[status])


async def fill(deps: Deps, order_id: int, count: int, wave: int) -> None:
    """Offer the order to the next ``count`` candidates, replacing undeliverable ones,
    and expire it when nobody is left to offer it to and no offer is open."""
    if count <= 0:
        return
    while count > 0:
        async with deps.db.session() as session:
            order = await session.get(Order, order_id)
            if order is None or order.status not in OrderStatus.OPEN:
                return
            ranked = await candidates(session, order, scope=deps.settings.escalation_scope)
            ids, _ = await put_offers(session, order_id, ranked, count, wave, deps.now())
        if not ids:
            break
        count = await _deliver(deps, ids)
    await expire_if_exhausted(deps, order_id)


async def redeliver_stale(deps: Deps, order_id: int) -> None:
    """Resend offers whose sender died between writing the row and sending (at least once)."""
    cutoff = deps.now() - STALE_PENDING
    async with deps.db.session() as session:
        stale = await offers.stale_pending(session, order_id=order_id, before=cutoff)
        order = await session.get(Order, order_id)
    if stale and order is not None:
        log.info("order %s: resending %d stale offers", order_id, len(stale))
        failed = await _deliver(deps, stale)
        await fill(deps, order_id, failed, max(order.dispatch_wave, 1))
