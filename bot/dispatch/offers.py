"""Offer rows and their delivery: put, send, edit closed, resend stale."""

from __future__ import annotations

import asyncio
import logging
from datetime import datetime, timedelta
from typing import Any

from sqlmodel.ext.asyncio.session import AsyncSession

from bot import jobtext
from bot.deps import Deps
from bot.dispatch.candidates import Candidate, candidates
from bot.dispatch.common import STALE_PENDING
from bot.dispatch.expiry import expire_if_exhausted
from bot.instance import dead
from bot.notifier import DeliveryError
from bot.notify import Send, claim_sends, edit, make_send
from bot.reply import MessageRef
from bot.stations import ancestors, nearness
from store import offers, outbox
from store.models import (
    Offer,
    OfferStatus,
    Order,
    OrderStatus,
)
from store.outbox import Claim
from store.volunteers import languages_of, volunteers_by_id

log = logging.getLogger(__name__)


async def _put_offer(
    session: AsyncSession, order_id: int, volunteer_id: int, wave: int, now: datetime
) -> int | None:
    """A new PENDING offer (or a re-offer of a taken/withdrawn one); None if it is taken."""
    offer_id = await offers.put_offer(
        session, order_id=order_id, volunteer_id=volunteer_id, wave=wave, now=now
    )
    if offer_id is not None:  # a re-offer (a release, a re-route) is a new message
        await outbox.forget(session, prefixes=[f"{OFFER_PREFIX}{offer_id}:"])
    return offer_id


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


def offer_key(offer: Offer) -> str:
    """The outbox key of an offer's message: one per offer row and offering (a re-offer
    of a taken or withdrawn offer resets ``created_at``, so it is a new message)."""
    return f"{OFFER_PREFIX}{offer.id}:{int(offer.created_at.timestamp() * 1000)}"


OFFER_PREFIX = "offer:"
OFFER_KIND = "offer"


async def _deliver(deps: Deps, offer_ids: list[int]) -> int:
    """Send PENDING offers concurrently; returns how many could not be delivered.

    Each offer is an outbox send (``bot.notify.send_once``) recorded on its Offer row
    as soon as its own call returns, so a crash mid-wave leaves at most the calls in
    flight unrecorded, and delivering the same offers again (a resumed wave, the
    start-up recovery) reuses the messages already sent instead of sending copies.

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
    sends = [
        Send(
            person,
            jobtext.offer_reply(
                person.language,
                jobtext.with_band(
                    person.language, facts[person.language], rings.get(offer.volunteer_id)
                ),
                order.id,  # type: ignore[arg-type]
                offer.id,  # type: ignore[arg-type]
            ),
            offer_key(offer),
            OFFER_KIND,
            (OFFER_DELIVERED, {"offer_id": offer.id}),
        )
        for offer, person in rows
    ]
    # In rank order, before any call. An offer's call a crash left ambiguous is never
    # made again (max_calls=1): no volunteer gets the same offer twice.
    claims = await claim_sends(deps, sends, max_calls=1)
    outcomes = await asyncio.gather(
        *(
            _deliver_one(deps, offer, send, claim)
            for (offer, _), send, claim in zip(rows, sends, claims, strict=True)
        )
    )
    late = [o for o in outcomes if isinstance(o, tuple)]
    for key in {k for _, _, k in late}:
        await edit_closed(deps, order, [(v, r) for v, r, k in late if k == key], key)
    return sum(1 for o in outcomes if o is False)


async def _deliver_one(
    deps: Deps, offer: Offer, send: Send, claim: Claim | None
) -> bool | tuple[int, MessageRef, str]:
    """One offer: False if undeliverable, a (volunteer, ref, key) to edit closed if it was
    taken meanwhile, True otherwise."""
    assert offer.id is not None
    try:
        ref = await make_send(deps, send, claim)
    except DeliveryError as exc:
        log.warning("could not deliver offer %s: %s", offer.id, exc)
        ref = None
    except Exception:
        log.exception("failed to deliver offer %s", offer.id)
        ref = None
    async with deps.db.session() as session:
        if ref is None:
            return not await offers.mark_failed(session, offer_id=offer.id, now=deps.now())
        if ref.queued:  # on its way elsewhere; offer_delivered records the message
            where = {"platform": ref.platform, "chat_id": ref.chat_id, "message_id": ""}
            await offers.set_message(session, offer_id=offer.id, **where)
            return True
        values = {"platform": ref.platform, "chat_id": ref.chat_id, "message_id": ref.message_id}
        if await offers.mark_sent(session, offer_id=offer.id, **values):
            deps.metrics.offers_sent.inc()
            return True
        status = await offers.set_message(session, offer_id=offer.id, **values)
    if status in CLOSED_KEY:
        return offer.volunteer_id, ref, CLOSED_KEY[status]
    return True


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
    """Send offers whose sender died between writing the row and sending (their outbox
    row was never written, so nobody has them); offers whose call went out are only
    recorded (``_deliver`` reuses their outbox row), never sent again."""
    cutoff = deps.now() - STALE_PENDING
    async with deps.db.session() as session:
        stale = await offers.stale_pending(session, order_id=order_id, before=cutoff)
        order = await session.get(Order, order_id)
    if stale and order is not None:
        log.info("order %s: delivering %d stale offers", order_id, len(stale))
        failed = await _deliver(deps, stale)
        await fill(deps, order_id, failed, max(order.dispatch_wave, 1))


UNSETTLED_SINCE = timedelta(days=1)  # offers older than this are long closed


async def recover(deps: Deps, **_: Any) -> None:
    """At start-up: settle the offers a crashed process left half-done, without copies.

    An offer whose call went out but whose Offer row never learned the message gets it
    from the outbox row (so a claim can edit it); one whose call was in flight when its
    process died is ambiguous and, being an offer, not resent (see ``bot.notify``).
    """
    async with deps.db.session() as session:
        holders = await outbox.sending_holders(session, kind=OFFER_KIND)
        keys = await outbox.unsettled(
            session, kind=OFFER_KIND, since=deps.now() - UNSETTLED_SINCE, dead=dead(holders)
        )
        ids = sorted({int(k.split(":")[1]) for k in keys})
        by_order = await offers.orders_of(session, offer_ids=ids)
    for order_id, offer_ids in by_order.items():
        log.info("order %s: settling %d offers a crash left unrecorded", order_id, len(offer_ids))
        await _deliver(deps, offer_ids)
