"""Orders as the whole product sees them: creation, public codes, and atomic status moves.

Every flow that changes an order's status goes through ``transition`` — one
conditional UPDATE, so two people acting at once cannot both succeed — and
the requester hears about each change through ``push_status``.
"""

from __future__ import annotations

import unicodedata
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import func, update
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from bot.deps import Deps
from bot.notify import notify
from bot.reply import Reply
from bot.texts import choices, t
from store import tasks
from store.models import Order, OrderStatus, Person, Team

# Dispatch normally starts from the ``order_created`` event right after commit. This
# durable task (``guard_dispatch``), written in the same transaction as the order,
# starts it instead if the process died in between; ``bot.dispatch.start`` runs once
# whoever calls it first.
DISPATCH_START = "dispatch_start"
DISPATCH_SAFETY_NET = timedelta(minutes=1)

# The timestamp column each status stamps when an order enters it.
STAMP = {
    OrderStatus.OFFERED: "offered_at",
    OrderStatus.CLAIMED: "claimed_at",
    OrderStatus.SCHEDULED: "scheduled_at",
    OrderStatus.IN_PROGRESS: "started_at",
    OrderStatus.DONE: "done_at",
    OrderStatus.CONFIRMED: "confirmed_at",
    OrderStatus.RATED: "rated_at",
    OrderStatus.CANCELLED: "cancelled_at",
    OrderStatus.EXPIRED: "expired_at",
}

# Statuses the requester is told about when an order enters them.
PUSHED = {
    OrderStatus.CLAIMED,
    OrderStatus.SCHEDULED,
    OrderStatus.IN_PROGRESS,
    OrderStatus.DONE,
    OrderStatus.CANCELLED,
    OrderStatus.EXPIRED,
}


def format_code(order_id: int) -> str:
    return f"JX-{order_id:06d}"


def parse_code(text: str) -> int | None:
    """``JX-000123``, ``jx123`` or ``123`` → 123; None for anything else."""
    s = unicodedata.normalize("NFKC", text).strip().upper()
    s = s.removeprefix("JX").lstrip("-")
    return int(s) if s.isdigit() and len(s) <= 9 else None


def status_label(lang: str | None, status: str) -> str:
    return t(lang, choices.ORDER_STATUS[status])


async def create_order(
    session: AsyncSession, *, requester_id: int, text: str, now: datetime, **fields: Any
) -> Order:
    """Insert an order and give it its public code (from its id, so codes never clash)."""
    order = Order(requester_id=requester_id, text=text, created_at=now, updated_at=now, **fields)
    session.add(order)
    await session.flush()
    order.code = format_code(order.id)  # type: ignore[arg-type]
    session.add(order)
    await session.flush()
    return order


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


async def transition(
    session: AsyncSession,
    order_id: int,
    to: str,
    now: datetime,
    *,
    expect: tuple[str, ...] | str,
    **values: Any,
) -> bool:
    """Move the order to ``to`` only if it is in one of ``expect``; True if this call won.

    One conditional UPDATE, so concurrent callers (two volunteers claiming, a
    cancel racing a claim) are settled by the database: exactly one wins.
    """
    expect = (expect,) if isinstance(expect, str) else expect
    stamp = {STAMP[to]: now} if to in STAMP else {}
    stmt = (
        update(Order)
        .where(col(Order.id) == order_id, col(Order.status).in_(expect))
        .values(status=to, updated_at=now, **stamp, **values)
        .returning(col(Order.id))
    )
    won = (await session.exec(stmt)).first() is not None  # type: ignore[call-overload]
    if won:
        # Keep any instance already loaded in this session in step with the row.
        cached = await session.get(Order, order_id)
        if cached is not None:
            await session.refresh(cached)
    return won


async def count_today(session: AsyncSession, requester_id: int, since: datetime) -> int:
    stmt = (
        select(func.count())
        .select_from(Order)
        .where(col(Order.requester_id) == requester_id, col(Order.created_at) >= since)
    )
    return int((await session.exec(stmt)).one())


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
