"""/myorders: a worker's orders, each one's timeline, and cancelling one that is not done.

Every button names an order id and is checked against the person pressing it
(someone else's order, or one whose status has moved on, is "已过期"). A
cancellation is one conditional transition, so it cannot overtake a volunteer
finishing the job; its pending reminders are dropped in the same transaction,
then the worker gets the status push and listeners hear ``order_cancelled``.
"""

from __future__ import annotations

from datetime import datetime

from bot import callbacks, dialog, orders
from bot.callbacks import encode, int_arg, str_arg
from bot.context import Ctx
from bot.errors import Expired, Refusal
from bot.events import Kind
from bot.flows.order_draft import team_label
from bot.flows.order_prompts import time_display
from bot.lifecycle import emit
from bot.phones import mask_phone
from bot.registry import Registry, Result
from bot.reply import Button, Reply, rows
from bot.signin import signin_prompt
from bot.texts import choices
from store import tasks
from store.dialogs import clear_dialog
from store.models import Order, OrderStatus
from store.orders import order_by_id, orders_of_requester
from store.teams import teams_by_id
from store.volunteers import volunteer_by_id

CANCEL_FLOW = "order_cancel"  # typing a reason of one's own
LIST_LIMIT = 10
MAX_REASON = 300  # Order.cancel_reason
REASONS = ("unneeded", "solved", "time", "other")
CANCELLABLE = (*OrderStatus.OPEN, *OrderStatus.ACTIVE)

# (timestamp column, text key) in the order a service normally goes.
TIMELINE = (
    ("created_at", "tracking.event.created"),
    ("offered_at", "tracking.event.offered"),
    ("claimed_at", "tracking.event.claimed"),
    ("scheduled_at", "tracking.event.scheduled"),
    ("started_at", "tracking.event.started"),
    ("done_at", "tracking.event.done"),
    ("confirmed_at", "tracking.event.confirmed"),
    ("rated_at", "tracking.event.rated"),
    ("cancelled_at", "tracking.event.cancelled"),
    ("expired_at", "tracking.event.expired"),
)


def _fmt(ctx: Ctx, at: datetime) -> str:
    return at.astimezone(ctx.deps.settings.tz).strftime("%Y-%m-%d %H:%M")


def _snippet(text: str, limit: int = 30) -> str:
    one_line = " ".join(text.split())
    return one_line if len(one_line) <= limit else one_line[:limit] + "…"


async def _own_order(ctx: Ctx, order_id: int) -> Order:
    """The actor's own order with this id; anything else is a forged or stale button."""
    async with ctx.deps.db.session() as session:
        order = await order_by_id(session, order_id=order_id)
    if order is None or order.requester_id != ctx.person.id:
        raise Expired()
    return order


# ---------------------------------------------------------------- list and detail


async def _list(ctx: Ctx, *, offset: int = 0, edit: bool = False) -> Reply:
    """A page of the person's orders, newest first; older pages behind 更早的订单 so an open
    order from last week stays reachable (and cancellable) however many came after it."""
    offset = max(offset, 0)
    async with ctx.deps.db.session() as session:
        page = await orders_of_requester(
            session,
            requester_id=ctx.person.id,  # type: ignore[arg-type]
            offset=offset,
            limit=LIST_LIMIT + 1,  # one more tells whether an older page exists
        )
        names = await teams_by_id(session)
    more, mine = len(page) > LIST_LIMIT, page[:LIST_LIMIT]
    if not mine:
        if offset:
            raise Expired()  # a paging button from a list that has shrunk since
        return Reply(ctx.t("tracking.empty"), edit=edit)
    if offset:
        title = ctx.t("tracking.list.older", first=offset + 1, last=offset + len(mine))
    else:
        title = ctx.t("tracking.list.title", count=len(mine))
    lines = [title]
    buttons = []
    for order in mine:
        status = orders.status_label(ctx.lang, order.status)
        team = names.get(order.team_id) if order.team_id else None
        team_name = team_label(team, ctx.lang) if team else ctx.t("order.no_team")
        lines.append(
            ctx.t(
                "tracking.list.item",
                code=order.code,
                status=status,
                team=team_name,
                when=_fmt(ctx, order.created_at),
                text=_snippet(order.text),
            )
        )
        buttons.append(
            Button(
                ctx.t("tracking.list.button", code=order.code, status=status),
                encode(callbacks.TRACK_VIEW, order.id),
            )
        )
    paging = []
    if offset:
        paging.append(
            Button(
                ctx.t("tracking.btn.newer"),
                encode(callbacks.TRACK_LIST, max(offset - LIST_LIMIT, 0)),
            )
        )
    if more:
        paging.append(
            Button(ctx.t("tracking.btn.older"), encode(callbacks.TRACK_LIST, offset + LIST_LIMIT))
        )
    layout = (*rows(*buttons), *((tuple(paging),) if paging else ()))
    return Reply("\n\n".join(lines), buttons=layout, edit=edit)


async def detail_text(ctx: Ctx, order: Order) -> str:
    """The order with its status and every transition it has been through."""
    async with ctx.deps.db.session() as session:
        team_name = await orders.team_name(session, order.team_id, ctx.lang)
        volunteer = (
            await volunteer_by_id(session, volunteer_id=order.volunteer_id)
            if order.volunteer_id
            else None
        )
    lines = [
        ctx.t("tracking.detail.title", code=order.code),
        ctx.t("tracking.detail.status", status=orders.status_label(ctx.lang, order.status)),
        ctx.t("tracking.detail.team", team=team_name),
        ctx.t("tracking.detail.text", text=order.text),
    ]
    if order.address:
        lines.append(ctx.t("tracking.detail.place", place=order.address))
    elif order.latitude is not None:
        lines.append(ctx.t("tracking.detail.place", place=ctx.t("tracking.detail.location")))
    if order.time_pref:
        # With its dates: "明天" alone means nothing when the list is read next week.
        lines.append(ctx.t("tracking.detail.time", time=_wanted(ctx, order)))
    if order.contact_phone:
        lines.append(ctx.t("tracking.detail.phone", phone=mask_phone(order.contact_phone)))
    if volunteer is not None:
        lines.append(ctx.t("tracking.detail.volunteer", name=volunteer.name))
    if order.appointment_at is not None and order.status not in OrderStatus.FINAL:
        lines.append(ctx.t("tracking.detail.appointment", when=_fmt(ctx, order.appointment_at)))
    events = []
    for rank, (column, key) in enumerate(TIMELINE):
        at = getattr(order, column)
        if at is not None:
            events.append((at, rank, key))
    lines.append("")
    lines.append(ctx.t("tracking.detail.timeline"))
    for at, _, key in sorted(events):
        line = ctx.t("tracking.timeline.line", when=_fmt(ctx, at), event=ctx.t(key))
        if key == "tracking.event.cancelled" and order.cancel_reason:
            line += ctx.t("tracking.timeline.reason", reason=order.cancel_reason)
        lines.append(line)
    return "\n".join(lines)


def _wanted(ctx: Ctx, order: Order) -> str:
    start, end = order.window_start, order.window_end
    draft = {
        "time_pref": order.time_pref,
        "time_text": order.time_text or "",
        "window_start": start.isoformat() if start else None,
        "window_end": end.isoformat() if end else None,
    }
    return time_display(ctx.lang, ctx.deps.settings.tz, draft)


async def _detail(ctx: Ctx, order: Order, *, edit: bool = True) -> Reply:
    buttons = []
    if order.status in CANCELLABLE:
        buttons.append(
            Button(ctx.t("tracking.btn.cancel"), encode(callbacks.TRACK_CANCEL, order.id))
        )
    buttons.append(Button(ctx.t("tracking.btn.list"), encode(callbacks.TRACK_LIST)))
    return Reply(await detail_text(ctx, order), buttons=rows(*buttons), edit=edit)


async def my_orders(ctx: Ctx) -> Result:
    """/myorders: the latest orders with their status, one button each.

    An anonymous web browser is told its orders from other devices need sign-in.
    """
    listing = await _list(ctx)
    prompt = await signin_prompt(ctx, "weblogin.required.myorders")
    return listing if prompt is None else [listing, prompt]


async def open_order(ctx: Ctx) -> Result:
    """``/start order-<id>``: the order a one-time SMS link points at."""
    try:
        order_id = int(ctx.event.args[0].partition("-")[2])
    except ValueError:
        raise Expired() from None
    return await _detail(ctx, await _own_order(ctx, order_id), edit=False)


async def list_button(ctx: Ctx) -> Result:
    """返回列表 (no argument: the newest page) or 更早的订单 / 较新的订单 (an offset)."""
    offset = int_arg(ctx.args, 0) if ctx.args else 0
    return await _list(ctx, offset=offset, edit=True)


async def view_button(ctx: Ctx) -> Result:
    order = await _own_order(ctx, int_arg(ctx.args, 0))
    return await _detail(ctx, order)


# ---------------------------------------------------------------- cancelling


async def cancel_button(ctx: Ctx) -> Result:
    """取消订单: ask why (preset reasons, or one's own words)."""
    order = await _own_order(ctx, int_arg(ctx.args, 0))
    if order.status not in CANCELLABLE:
        raise Expired()
    reasons = [
        Button(
            ctx.t(choices.CANCEL_REASON[code]),
            encode(callbacks.TRACK_CANCEL_REASON, order.id, code),
        )
        for code in REASONS
    ]
    keep = Button(ctx.t("tracking.btn.keep"), encode(callbacks.TRACK_KEEP, order.id))
    return Reply(
        ctx.t("tracking.cancel.ask", code=order.code), buttons=rows(*reasons, keep), edit=True
    )


async def reason_button(ctx: Ctx) -> Result:
    order = await _own_order(ctx, int_arg(ctx.args, 0))
    code = str_arg(ctx.args, 1, REASONS)
    if order.status not in CANCELLABLE:
        raise Expired()
    if code != "other":
        return await _cancel(ctx, order.id, ctx.t(choices.CANCEL_REASON[code]))  # type: ignore[arg-type]
    if ctx.dialog is not None and ctx.dialog.flow != CANCEL_FLOW:
        # Typing a reason would take over the dialog in progress (e.g. a half-filled order).
        raise Refusal("tracking.cancel.busy")
    await dialog.save(ctx, CANCEL_FLOW, "reason", {"order_id": order.id})
    keep = Button(ctx.t("tracking.btn.keep"), encode(callbacks.TRACK_KEEP, order.id))
    return Reply(
        ctx.t("tracking.cancel.type_reason", code=order.code, limit=MAX_REASON),
        buttons=rows(keep),
        edit=True,
    )


async def keep_button(ctx: Ctx) -> Result:
    """不取消了: back to the order (leaving the reason dialog if in it)."""
    order = await _own_order(ctx, int_arg(ctx.args, 0))
    if ctx.dialog is not None and ctx.dialog.flow == CANCEL_FLOW:
        await dialog.clear(ctx)
    return await _detail(ctx, order)


async def on_reason(ctx: Ctx) -> Result:
    """The reason typed in the person's own words."""
    order_id = (ctx.dialog.data or {}).get("order_id") if ctx.dialog else None
    keep = Button(ctx.t("tracking.btn.keep"), encode(callbacks.TRACK_KEEP, order_id or 0))
    if ctx.event.kind != Kind.TEXT or not ctx.event.text.strip():
        return Reply(ctx.t("tracking.hint.reason", limit=MAX_REASON), buttons=rows(keep))
    reason = " ".join(ctx.event.text.split())
    if len(reason) > MAX_REASON:
        return Reply(ctx.t("tracking.hint.reason_long", limit=MAX_REASON), buttons=rows(keep))
    if not isinstance(order_id, int):
        await _leave_reason_dialog(ctx)
        return ctx.reply("tracking.cancel.too_late")
    try:
        return await _cancel(ctx, order_id, reason, edit=False)
    except Expired:
        await _leave_reason_dialog(ctx)
        return ctx.reply("tracking.cancel.too_late")


async def _leave_reason_dialog(ctx: Ctx) -> None:
    await dialog.clear(ctx)


async def on_cancel_reason_dialog(ctx: Ctx) -> Result:
    """/cancel while typing a reason: the order stays as it is."""
    await _leave_reason_dialog(ctx)
    return Reply(ctx.t("tracking.cancel.kept"), remove_keyboard=True)


async def _cancel(ctx: Ctx, order_id: int, reason: str, *, edit: bool = True) -> Reply:
    """Cancel the actor's order if it is still open or held; Expired if it moved on."""
    deps, now, by = ctx.deps, ctx.deps.now(), ctx.person.id
    reason = reason[:MAX_REASON]
    async with deps.db.session() as session:
        order = await order_by_id(session, order_id=order_id)
        if order is None or order.requester_id != by:
            raise Expired()
        won = await orders.transition(
            session,
            order_id,
            OrderStatus.CANCELLED,
            now,
            expect=CANCELLABLE,
            cancel_reason=reason,
            cancelled_by=by,
        )
        if not won:
            raise Expired()
        await tasks.cancel(session, key_prefix=f"order:{order_id}:")
        if ctx.dialog is not None and ctx.dialog.flow == CANCEL_FLOW:
            await clear_dialog(session, person_id=by)  # type: ignore[arg-type]
    await orders.push_status(deps, order)
    await emit(deps, "order_cancelled", order_id=order_id, by=by, reason=reason)
    return await _detail(ctx, order, edit=edit)


def register(reg: Registry) -> None:
    reg.command("myorders", my_orders, menu="menu.myorders")
    reg.start_payload("order", open_order)
    reg.dialog(CANCEL_FLOW, on_reason, on_cancel=on_cancel_reason_dialog)
    reg.button(callbacks.TRACK_LIST, list_button)
    reg.button(callbacks.TRACK_VIEW, view_button)
    reg.button(callbacks.TRACK_CANCEL, cancel_button)
    reg.button(callbacks.TRACK_CANCEL_REASON, reason_button)
    reg.button(callbacks.TRACK_KEEP, keep_button)
