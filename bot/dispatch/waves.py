"""Waves of offers: wave 1 at once, then wider rings of the station tree."""

from __future__ import annotations

from sqlmodel.ext.asyncio.session import AsyncSession

from bot import orders
from bot.deps import Deps
from bot.dispatch.candidates import candidates
from bot.dispatch.common import WAVE_TASK, wave_key
from bot.dispatch.expiry import announce_expired, expire_in
from bot.dispatch.offers import _deliver, fill, put_offers, redeliver_stale
from store import campaigns as campaign_queries
from store import orders as order_queries
from store import tasks
from store.models import (
    Order,
    OrderStatus,
    Task,
)


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
        if await campaign_queries.is_held(session, order_id=order_id):
            return  # a campaign's collected need (or 揭榜): published later (bot.campaigns)
        if not await order_queries.advance_wave(
            session, order_id=order_id, status=OrderStatus.NEW, wave=1, now=now
        ):
            return
        # Started: the safety net written with the order (bot.orders) is not needed.
        await tasks.cancel(session, key=f"order:{order_id}:dispatch")
        ranked = await candidates(session, order, scope=deps.settings.escalation_scope)
        if order.preferred_volunteer_id is not None:  # a volunteer's own offer: them first,
            mine = [c for c in ranked if c.volunteer_id == order.preferred_volunteer_id]
            ranked = mine or ranked  # the team from wave 2 (issue 19)
        ids, ring = await put_offers(
            session, order_id, ranked, deps.settings.offer_wave_size, 1, now
        )
        if ids:
            await orders.transition(
                session, order_id, OrderStatus.OFFERED, now, expect=OrderStatus.NEW
            )
            await _schedule_wave(session, deps, order_id, 2, ring)
        else:
            expired = await expire_in(session, order_id, now)
    if expired:
        # Nobody could be offered it at all: the admins take over at once. The requester,
        # who has just been told their order is in, is not sent "无人认领" seconds later.
        await announce_expired(deps, order_id, tell_requester=False)
        return
    failed = await _deliver(deps, ids)
    await fill(deps, order_id, failed, 1)


async def run_wave(deps: Deps, task: Task) -> None:
    """The ``offer_wave`` task: widen to the next ring, or expire when nobody is left.

    Idempotent: a wave runs once (``dispatch_wave`` moves from n-1 to n in one
    conditional UPDATE); a re-run after a crash only resends stale offers.
    """
    order_id = int(task.payload["order_id"])
    wave = int(task.payload["wave"])
    prev_ring = int(task.payload.get("ring", 0))
    await redeliver_stale(deps, order_id)
    now = deps.now()
    expired = False
    ids: list[int] = []
    async with deps.db.session() as session:
        if not await order_queries.advance_wave(
            session, order_id=order_id, status=OrderStatus.OFFERED, wave=wave, now=now
        ):
            return
        order = await session.get(Order, order_id)
        assert order is not None
        await session.refresh(order)
        ranked = await candidates(session, order, scope=deps.settings.escalation_scope)
        if not ranked:
            expired = await expire_in(session, order_id, now)
        else:
            reach = max(prev_ring + 1, ranked[0].ring)
            chosen = [c for c in ranked if c.ring <= reach]
            ids, _ = await put_offers(session, order_id, chosen, len(chosen), wave, now)
            await _schedule_wave(session, deps, order_id, wave + 1, reach)
    if expired:
        await announce_expired(deps, order_id)
        return
    failed = await _deliver(deps, ids)
    await fill(deps, order_id, failed, wave)
