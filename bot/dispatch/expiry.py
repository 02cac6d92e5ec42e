"""An order's expiry (无人认领) when nobody is left to ask, with its history for the admins."""

from __future__ import annotations

import asyncio
from collections.abc import Coroutine
from datetime import datetime
from typing import Any

from sqlmodel.ext.asyncio.session import AsyncSession

from bot import jobtext, order_actions, orders
from bot.deps import Deps
from bot.dispatch.candidates import candidates
from bot.dispatch.common import DISPATCHING, wave_prefix
from bot.notify import notify_admins
from bot.reply import Reply
from bot.texts import choices, t
from store import offers, tasks
from store.models import (
    Order,
    OrderStatus,
    Person,
)


async def expire_in(session: AsyncSession, order_id: int, now: datetime) -> bool:
    won = await orders.transition(session, order_id, OrderStatus.EXPIRED, now, expect=DISPATCHING)
    if won:
        await tasks.cancel(session, key_prefix=wave_prefix(order_id))
    return won


async def expire_if_exhausted(deps: Deps, order_id: int) -> None:
    """Expire at once when every candidate declined or could not be reached."""
    async with deps.db.session() as session:
        order = await session.get(Order, order_id)
        if order is None or order.status not in DISPATCHING:
            return
        if await offers.count_live(session, order_id=order_id) or await candidates(
            session, order, scope=deps.settings.escalation_scope
        ):
            return
        expired = await expire_in(session, order_id, deps.now())
    if expired:
        await announce_expired(deps, order_id)


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
    made = await offers.with_volunteers(session, order_id=order.id)  # type: ignore[arg-type]
    if not made:
        lines.append(t(lang, "dispatch.history.nobody"))
    for offer, volunteer in made:
        lines.append(
            t(
                lang,
                "dispatch.history.offer",
                wave=offer.wave,
                name=volunteer.name,
                status=t(lang, choices.OFFER_STATUS[offer.status]),
            )
        )
    return "\n".join(lines)


async def announce_expired(deps: Deps, order_id: int, *, tell_requester: bool = True) -> None:
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
        notify_admins(
            deps,
            Reply(admin_text, buttons=order_actions.admin_buttons(lang, order)),
            station_id=order.station_id,
        )
    ]
    if tell_requester:
        sends.append(orders.push_status(deps, order, note=note))
    await asyncio.gather(*sends)
