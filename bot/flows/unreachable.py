"""When a requester with an order under way can no longer be reached, the admins hear it.

``bot.notify`` emits ``person_unreachable`` the moment a channel reports someone
unreachable (blocked the bot, unfollowed the Official Account, outside WeChat's
window with no template); the admins are told which channel and which orders, so
they can phone the requester instead.
"""

from __future__ import annotations

from typing import Any

from bot.deps import Deps
from bot.notify import notify_admins
from bot.registry import Registry
from bot.reply import Reply
from bot.texts import choices, t
from store import orders as order_rows
from store import people
from store.models import OrderStatus

UNDER_WAY = (*OrderStatus.OPEN, *OrderStatus.ACTIVE, OrderStatus.DONE)


async def alert_admins(deps: Deps, *, person_id: int, **_: Any) -> None:
    async with deps.db.session() as session:
        person = await people.person_by_id(session, person_id=person_id)
        orders = await order_rows.orders_of_requester_in(
            session, requester_id=person_id, statuses=UNDER_WAY
        )
    if person is None or not orders:
        return
    lang = deps.settings.language
    key = choices.CHANNEL.get(person.platform)
    channel = t(lang, key) if key else person.platform
    for order in orders:
        text = t(
            lang,
            "reach.requester_unreachable",
            code=order.code,
            channel=channel,
            phone=order.contact_phone or "—",
        )
        await notify_admins(deps, Reply(text), station_id=order.station_id)


def register(reg: Registry) -> None:
    reg.listen("person_unreachable", alert_admins)
