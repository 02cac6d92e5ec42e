"""Orders as the whole product sees them: creation, public codes, and atomic status moves.

Every flow that changes an order's status goes through ``transition`` — one
conditional UPDATE, so two people acting at once cannot both succeed — and
the requester hears about each change through ``push_status``.
"""

from __future__ import annotations

import unicodedata
from datetime import datetime, timedelta

from sqlmodel.ext.asyncio.session import AsyncSession

from bot.deps import Deps
from bot.notify import notify
from bot.reply import Reply
from bot.texts import choices, t
from store import tasks
from store.models import Order, OrderStatus, Person, Team

# The order's queries live in store.orders; these keep their long-standing names here.
from store.orders import STAMP as STAMP
from store.orders import count_today as count_today
from store.orders import create_order as create_order
from store.orders import format_code as format_code
from store.orders import transition as transition

# Dispatch normally starts from the ``order_created`` event right after commit. This
# durable task (``guard_dispatch``), written in the same transaction as the order,
# starts it instead if the process died in between; ``bot.dispatch.start`` runs once
# whoever calls it first.
DISPATCH_START = "dispatch_start"
DISPATCH_SAFETY_NET = timedelta(minutes=1)

# Statuses the requester is told about when an order enters them.
PUSHED = {
    OrderStatus.CLAIMED,
    OrderStatus.SCHEDULED,
    OrderStatus.IN_PROGRESS,
    OrderStatus.DONE,
    OrderStatus.CANCELLED,
    OrderStatus.EXPIRED,
}


def parse_code(text: str) -> int | None:
    """``JX-000123``, ``jx123`` or ``123`` → 123; None for anything else."""
    s = unicodedata.normalize("NFKC", text).strip().upper()
    s = s.removeprefix("JX").lstrip("-")
    return int(s) if s.isdigit() and len(s) <= 9 else None


def status_label(lang: str | None, status: str) -> str:
    return t(lang, choices.ORDER_STATUS[status])


async def guard_dispatch(session: AsyncSession, order: Order, now: datetime) -> None:
    """Write the dispatch safety net in the transaction that submits ``order``.

    Call it where an order is committed and ``order_created`` emitted afterwards: if
    the process dies in between, the scheduler starts dispatch a minute later.
    """
    if order.team_id is not None:
        await tasks.enqueue(
            session,
            DISPATCH_START,
            now + DISPATCH_SAFETY_NET,
            {"order_id": order.id},
            key=f"order:{order.id}:dispatch",
        )


async def by_code(session: AsyncSession, code: str) -> Order | None:
    order_id = parse_code(code)
    return await session.get(Order, order_id) if order_id is not None else None


async def team_name(session: AsyncSession, team_id: int | None, lang: str | None) -> str:
    if team_id is None:
        return t(lang, "order.no_team")
    team = await session.get(Team, team_id)
    if team is None:
        return t(lang, "order.no_team")
    return team.name_en if lang == "en" and team.name_en else team.name


async def push_status(deps: Deps, order: Order, note: str | None = None) -> None:
    """Tell the requester their order's new status (with an optional extra line)."""
    if order.status not in PUSHED:
        return
    async with deps.db.session() as session:
        requester = await session.get(Person, order.requester_id)
    if requester is None:
        return
    lang = requester.language
    text = t(lang, "order.status_changed", code=order.code, status=status_label(lang, order.status))
    if note:
        text += "\n" + note
    await notify(deps, requester, Reply(text))
