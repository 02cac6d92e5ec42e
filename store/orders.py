"""Queries about orders."""

# --- added by restructure-flows ---

from __future__ import annotations

from collections.abc import Collection, Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import bindparam, func, update
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from store.models import Feedback, Order, OrderStatus, VolunteerTeam


async def orders_page(
    session: AsyncSession,
    *,
    statuses: Collection[str],
    team_id: int | None = None,
    station_ids: Collection[int] | None = None,
    within: Collection[int] | None = None,
    limit: int,
) -> tuple[int, list[Order]]:
    """How many orders match, and the newest ``limit`` of them (admin lists).

    ``station_ids`` is the station filter the admin typed, ``within`` their scope.
    """
    stmt = select(Order).where(col(Order.status).in_(statuses))
    if team_id is not None:
        stmt = stmt.where(col(Order.team_id) == team_id)
    if station_ids is not None:
        stmt = stmt.where(col(Order.station_id).in_(station_ids or {-1}))
    if within is not None:
        stmt = stmt.where(col(Order.station_id).in_(within or {-1}))
    total = (await session.exec(select(func.count()).select_from(stmt.subquery()))).one()
    newest = stmt.order_by(col(Order.created_at).desc(), col(Order.id).desc()).limit(limit)
    return total, list((await session.exec(newest)).all())


async def count_team_orders(
    session: AsyncSession,
    *,
    team_id: int,
    statuses: Collection[str] | None = None,
    since: datetime | None = None,
) -> int:
    stmt = select(func.count()).select_from(Order).where(col(Order.team_id) == team_id)
    if statuses is not None:
        stmt = stmt.where(col(Order.status).in_(statuses))
    if since is not None:
        stmt = stmt.where(col(Order.created_at) >= since)
    return (await session.exec(stmt)).one()


async def move_to_team(
    session: AsyncSession,
    *,
    order_id: int,
    team_id: int,
    expect: Collection[str],
    now: datetime,
) -> bool:
    """Give the order to another team if it is still in an ``expect`` status (races lose)."""
    moved = (
        await session.exec(  # type: ignore[call-overload]
            update(Order)
            .where(col(Order.id) == order_id, col(Order.status).in_(expect))
            .values(team_id=team_id, updated_at=now)
            .returning(col(Order.id))
        )
    ).first()
    return moved is not None


async def orders_of_requester(
    session: AsyncSession, *, requester_id: int, offset: int, limit: int
) -> list[Order]:
    """One page of a requester's orders, newest first."""
    stmt = (
        select(Order)
        .where(col(Order.requester_id) == requester_id)
        .order_by(col(Order.created_at).desc(), col(Order.id).desc())
        .offset(offset)
        .limit(limit)
    )
    return list((await session.exec(stmt)).all())


async def orders_of_requester_in(
    session: AsyncSession, *, requester_id: int, statuses: Collection[str]
) -> list[Order]:
    """A requester's orders in one of ``statuses``, oldest first."""
    stmt = (
        select(Order)
        .where(col(Order.requester_id) == requester_id, col(Order.status).in_(statuses))
        .order_by(col(Order.id))
    )
    return list((await session.exec(stmt)).all())


async def orders_held_by(
    session: AsyncSession, *, volunteer_id: int, statuses: Collection[str]
) -> list[Order]:
    stmt = select(Order).where(
        col(Order.volunteer_id) == volunteer_id, col(Order.status).in_(statuses)
    )
    return list((await session.exec(stmt)).all())


async def order_by_id(session: AsyncSession, *, order_id: int | None) -> Order | None:
    return await session.get(Order, order_id) if order_id is not None else None


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


def format_code(order_id: int) -> str:
    return f"JX-{order_id:06d}"


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


_COUNT_SINCE = (
    select(func.count())
    .select_from(Order)
    .where(
        col(Order.requester_id) == bindparam("requester_id"),
        col(Order.created_at) >= bindparam("since"),
    )
)


async def count_today(session: AsyncSession, requester_id: int, since: datetime) -> int:
    params = {"requester_id": requester_id, "since": since}
    return int((await session.exec(_COUNT_SINCE, params=params)).one())


async def created_between(
    session: AsyncSession, *, since: datetime, until: datetime
) -> list[Order]:
    """Orders created in [since, until]."""
    query = select(Order).where(col(Order.created_at) >= since, col(Order.created_at) <= until)
    return list((await session.exec(query)).all())


async def open_orders(session: AsyncSession) -> list[Order]:
    """Orders nobody holds yet (new or offered), oldest first."""
    query = select(Order).where(col(Order.status).in_(OrderStatus.OPEN))
    return list((await session.exec(query.order_by(col(Order.created_at)))).all())


async def overdue_appointments(session: AsyncSession, *, now: datetime) -> list[Order]:
    """Held orders whose appointment has passed without the job starting, earliest first."""
    query = select(Order).where(
        col(Order.status).in_((OrderStatus.CLAIMED, OrderStatus.SCHEDULED)),
        col(Order.appointment_at) < now,
    )
    return list((await session.exec(query.order_by(col(Order.appointment_at)))).all())


async def low_ratings_since(
    session: AsyncSession, *, at_most: int, since: datetime
) -> Sequence[tuple[Feedback, Order]]:
    """(feedback, order) rated ``at_most`` or lower since ``since``, oldest first."""
    query = (
        select(Feedback, Order)
        .join(Order, col(Order.id) == col(Feedback.order_id))
        .where(col(Feedback.rating) <= at_most, col(Feedback.created_at) >= since)
        .order_by(col(Feedback.created_at))
    )
    return (await session.exec(query)).all()


async def step(
    session: AsyncSession,
    *,
    order_id: int,
    to: str,
    expect: tuple[str, ...],
    now: datetime,
    volunteer_id: int | None = None,
    requester_id: int | None = None,
    stamp: bool = True,
    **values: Any,
) -> bool:
    """Move the order only if it is in ``expect`` and still held by / belongs to the actor."""
    stmt = update(Order).where(col(Order.id) == order_id, col(Order.status).in_(expect))
    if volunteer_id is not None:
        stmt = stmt.where(col(Order.volunteer_id) == volunteer_id)
    if requester_id is not None:
        stmt = stmt.where(col(Order.requester_id) == requester_id)
    stamps = {STAMP[to]: now} if stamp and to in STAMP else {}
    won = (
        await session.exec(  # type: ignore[call-overload]
            stmt.values(status=to, updated_at=now, **stamps, **values).returning(col(Order.id))
        )
    ).first() is not None
    if won:
        cached = await session.get(Order, order_id)
        if cached is not None:
            await session.refresh(cached)
    return won


async def advance_wave(
    session: AsyncSession, *, order_id: int, status: str, wave: int, now: datetime
) -> bool:
    """Move an order in ``status`` from wave ``wave - 1`` to ``wave``; True for the one
    caller that did (two dispatchers never run the same wave)."""
    won = await session.exec(  # type: ignore[call-overload]
        update(Order)
        .where(
            col(Order.id) == order_id,
            col(Order.status) == status,
            col(Order.dispatch_wave) == wave - 1,
        )
        .values(dispatch_wave=wave, updated_at=now)
        .returning(col(Order.id))
    )
    return won.first() is not None  # type: ignore[no-any-return]


async def reopen(session: AsyncSession, *, order_id: int, now: datetime) -> bool:
    """An open order goes back to NEW at wave 0 (to be dispatched afresh)."""
    reset = await session.exec(  # type: ignore[call-overload]
        update(Order)
        .where(col(Order.id) == order_id, col(Order.status).in_(OrderStatus.OPEN))
        .values(status=OrderStatus.NEW, dispatch_wave=0, updated_at=now)
        .returning(col(Order.id))
    )
    return reset.first() is not None  # type: ignore[no-any-return]


async def unassign(
    session: AsyncSession, *, order_id: int, volunteer_id: int, now: datetime
) -> bool:
    """The held order is open again (NEW, wave 0, no volunteer, no appointment) if that
    volunteer still holds it; True for the one caller that did it."""
    won = await session.exec(  # type: ignore[call-overload]
        update(Order)
        .where(
            col(Order.id) == order_id,
            col(Order.status).in_(OrderStatus.ACTIVE),
            col(Order.volunteer_id) == volunteer_id,
        )
        .values(
            status=OrderStatus.NEW,
            volunteer_id=None,
            appointment_at=None,
            started_at=None,
            dispatch_wave=0,
            updated_at=now,
        )
        .returning(col(Order.id))
    )
    return won.first() is not None  # type: ignore[no-any-return]


async def open_for_volunteer(
    session: AsyncSession, *, volunteer_id: int, person_id: int
) -> list[Order]:
    """Unclaimed orders of the volunteer's teams, except the person's own."""
    teams = select(col(VolunteerTeam.team_id)).where(
        col(VolunteerTeam.volunteer_id) == volunteer_id
    )
    query = select(Order).where(
        col(Order.team_id).in_(teams),
        col(Order.status).in_(OrderStatus.OPEN),
        col(Order.requester_id) != person_id,
    )
    return list((await session.exec(query)).all())


async def count_by_status(session: AsyncSession) -> dict[str, int]:
    """How many orders are in each status (statuses with none are left out)."""
    stmt = select(Order.status, func.count()).group_by(Order.status)
    return {status: int(n) for status, n in (await session.exec(stmt)).all()}
