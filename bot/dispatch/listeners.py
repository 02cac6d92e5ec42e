"""Dispatch's reactions to order events (created, cancelled, rerouted) and its tasks."""

from __future__ import annotations

from typing import Any

from bot.deps import Deps
from bot.dispatch.release import withdraw_offers
from bot.dispatch.waves import start
from bot.dispatch.work import spawn
from bot.notify import notify
from bot.orders import team_name
from bot.reply import Reply
from bot.texts import t
from store import orders as order_queries
from store import tasks
from store.models import (
    Order,
    OrderStatus,
    Person,
    Task,
    Volunteer,
)


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
    """Start over for an order that is still open (its team changed): withdraw, then wave 1.

    The requester hears where it went and what happens now (offers, or staff by hand).
    """
    await withdraw_offers(deps, order_id)
    async with deps.db.session() as session:
        if not await order_queries.reopen(session, order_id=order_id, now=deps.now()):
            return False
    await start(deps, order_id)
    async with deps.db.session() as session:
        order = await session.get(Order, order_id)
        requester = await session.get(Person, order.requester_id) if order else None
        if order is None or requester is None or order.team_id is None:
            return True
        lang = requester.language
        team = await team_name(session, order.team_id, lang)
    key = "worker.rerouted.unstaffed" if order.status == OrderStatus.EXPIRED else None
    if order.status in (OrderStatus.NEW, OrderStatus.OFFERED):
        key = "worker.rerouted.offered"
    if key is not None:
        await notify(deps, requester, Reply(t(lang, key, code=order.code, team=team)))
    return True


async def on_order_rerouted(deps: Deps, order_id: int, **_: Any) -> None:
    spawn(deps, redispatch(deps, order_id))
