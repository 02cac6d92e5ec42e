"""Claims that go nowhere: claimed, but no appointment within ``stale_claim_after``.

A claim (or a job handed back as 未解决 without an appointment) schedules a
nudge to the volunteer; if the order is still claimed by them without an
appointment when it runs, they are nudged and the admins are alerted half a
period later unless something moved. Setting an appointment,
releasing, cancelling or starting the job drops both (``order:<id>:stale:``).
"""

from __future__ import annotations

import logging
from typing import Any

from bot import order_actions
from bot.deps import Deps
from bot.registry import Registry
from bot.reply import Reply
from bot.schedule import parties
from bot.schedule.delivery import deliver, tell_admins
from bot.schedule.when import span, summary
from bot.texts import t
from store import tasks
from store.models import Order, OrderStatus, Task

log = logging.getLogger(__name__)

NUDGE = "stale_nudge"
ALERT = "stale_alert"


def prefix(order_id: int) -> str:
    return f"order:{order_id}:stale:"


def _stale(order: Order, payload: dict[str, Any]) -> bool:
    return (
        order.status == OrderStatus.CLAIMED
        and order.volunteer_id == payload.get("volunteer_id")
        and order.appointment_at is None
    )


async def on_claimed(
    deps: Deps, *, order_id: int, volunteer_id: int | None = None, **_: Any
) -> None:
    async with deps.db.session() as session:
        if volunteer_id is None:
            order = await session.get(Order, order_id)
            volunteer_id = order.volunteer_id if order is not None else None
        await tasks.cancel(session, key_prefix=prefix(order_id))
        await tasks.enqueue(
            session,
            NUDGE,
            deps.now() + deps.settings.stale_claim_after,
            {"order_id": order_id, "volunteer_id": volunteer_id},
            key=f"{prefix(order_id)}nudge",
        )


async def on_confirmed(deps: Deps, *, order_id: int, resolved: bool = True, **_: Any) -> None:
    """未解决 hands the job back to its volunteer: without an appointment it can go stale."""
    if resolved:
        return
    async with deps.db.session() as session:
        order = await session.get(Order, order_id)
        if order is None or order.status != OrderStatus.CLAIMED or order.appointment_at:
            return
    await on_claimed(deps, order_id=order_id, volunteer_id=order.volunteer_id)


async def on_moved_on(deps: Deps, *, order_id: int, **_: Any) -> None:
    """An appointment was set, or the claim ended: nothing is stale any more."""
    async with deps.db.session() as session:
        await tasks.cancel(session, key_prefix=prefix(order_id))


async def nudge(deps: Deps, task: Task) -> None:
    """Task ``stale_nudge``: remind the volunteer, and give the admins' alert a time."""
    p = task.payload
    now = deps.now()
    async with deps.db.session() as session:
        ps = await parties.load(session, p["order_id"])
        if ps is None or not _stale(ps.order, p):
            return
        await tasks.enqueue(
            session,
            ALERT,
            now + deps.settings.stale_claim_after / 2,
            p,
            key=f"{prefix(p['order_id'])}alert",
        )
    if ps.volunteer_person is None:
        return
    order, lang = ps.order, ps.volunteer_person.language
    waited = now - (order.claimed_at or task.created_at)
    await deliver(
        deps,
        ps.volunteer_person,
        Reply(
            t(
                lang,
                "schedule.stale.nudge",
                code=order.code,
                waited=span(lang, waited),
                summary=summary(order.text),
            ),
            buttons=order_actions.admin_buttons(lang, order),
        ),
    )


async def alert(deps: Deps, task: Task) -> None:
    """Task ``stale_alert``: still no appointment after the nudge; the admins follow up."""
    p = task.payload
    async with deps.db.session() as session:
        ps = await parties.load(session, p["order_id"])
    if ps is None or not _stale(ps.order, p):
        return
    order = ps.order
    waited = deps.now() - (order.claimed_at or task.created_at)

    def render(lang: str) -> Reply:
        return Reply(
            t(
                lang,
                "schedule.stale.alert",
                code=order.code,
                volunteer=ps.volunteer_name(lang),
                phone=ps.volunteer_phone(lang),
                waited=span(lang, waited),
                summary=summary(order.text),
            )
        )

    sent = await tell_admins(deps, render, order.station_id)
    log.info("order %s: stale claim; %s admin(s) alerted", order.code, sent)


def register(reg: Registry) -> None:
    reg.task(NUDGE, nudge)
    reg.task(ALERT, alert)
    reg.listen("order_claimed", on_claimed)
    reg.listen("order_confirmed", on_confirmed)
    for event in (
        "appointment_set",
        "order_released",
        "order_cancelled",
        "job_started",
        "job_done",
    ):
        reg.listen(event, on_moved_on)
