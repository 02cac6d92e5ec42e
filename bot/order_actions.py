"""The buttons an admin gets under an order (alerts such as 无人认领, /order, /orders):
派单, 改派服务队, 联系求助人, 取消 — only those that apply to the order's status now.
The flows that answer them are in bot.flows.admin_order_actions (issue 17)."""

from __future__ import annotations

from bot import callbacks
from bot.reply import Button
from bot.texts import t
from store.models import Order, OrderStatus

CANCELLABLE = (*OrderStatus.OPEN, *OrderStatus.ACTIVE)


def admin_buttons(lang: str | None, order: Order) -> tuple[tuple[Button, ...], ...]:
    oid = order.id

    def b(key: str, verb: str) -> Button:
        return Button(t(lang, key), callbacks.encode(verb, oid))

    first: list[Button] = []
    if order.status in OrderStatus.OPEN:
        if order.team_id is not None:
            first.append(b("staff.order.btn.pick", callbacks.ADMIN_ORDER_PICK))
        first.append(b("staff.order.btn.teams", callbacks.ADMIN_ORDER_TEAMS))
    second = [b("staff.order.btn.contact", callbacks.ADMIN_ORDER_CONTACT)]
    if order.status in CANCELLABLE:
        second.append(b("staff.order.btn.cancel", callbacks.ADMIN_ORDER_CANCEL))
    return tuple(row for row in (tuple(first), tuple(second)) if row)
