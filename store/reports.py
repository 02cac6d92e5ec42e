"""Queries behind reports (issue 19): the period's served jobs and created orders
(/stats and the summary sheet), and the rows of the export tables.

Plain rows with keyword-only arguments; the arithmetic lives in
``bot.reports.figures`` so it is tested without a database.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlmodel import col, func, select
from sqlmodel.ext.asyncio.session import AsyncSession

from store.models import Feedback, Order, OrderStatus

SERVED = (OrderStatus.DONE, OrderStatus.CONFIRMED, OrderStatus.RATED)


@dataclass(frozen=True)
class ServedRow:
    """One finished job, as far as the report figures are concerned."""

    order_id: int
    team_id: int | None
    station_id: int | None
    volunteer_id: int | None
    requester_id: int
    minutes: int
    rating: int | None
    resolved: bool | None = None
    requester_type: str | None = None
    org_name: str | None = None
    expected_people: int | None = None
    served_people: int | None = None
    done_at: datetime | None = None


@dataclass(frozen=True)
class CreatedRow:
    """One order created in the period: for claim times and unclaimed rates."""

    team_id: int | None
    station_id: int | None
    status: str
    created_at: datetime
    claimed_at: datetime | None
    expired_at: datetime | None


async def served_rows(
    session: AsyncSession, *, start: datetime, end: datetime, stations: set[int] | None = None
) -> list[ServedRow]:
    """Jobs finished in [start, end); ``stations`` limits them to orders at those stations."""
    stmt = (
        select(Order, Feedback.rating)
        .outerjoin(Feedback, col(Feedback.order_id) == col(Order.id))
        .where(col(Order.status).in_(SERVED), col(Order.done_at) >= start, col(Order.done_at) < end)
    )
    if stations is not None:
        stmt = stmt.where(col(Order.station_id).in_(stations or {-1}))
    return [
        ServedRow(
            order_id=o.id,  # type: ignore[arg-type]
            team_id=o.team_id,
            station_id=o.station_id,
            volunteer_id=o.volunteer_id,
            requester_id=o.requester_id,
            minutes=o.service_minutes or 0,
            rating=rating,
            resolved=o.resolved,
            requester_type=o.requester_type,
            org_name=o.org_name,
            expected_people=o.expected_people,
            served_people=o.served_people,
            done_at=o.done_at,
        )
        for o, rating in (await session.exec(stmt.order_by(col(Order.id)))).all()
    ]


async def created_rows(
    session: AsyncSession, *, start: datetime, end: datetime, stations: set[int] | None = None
) -> list[CreatedRow]:
    """Orders created in [start, end) (limited to ``stations`` when given)."""
    stmt = select(  # type: ignore[call-overload]  # 6 columns: past select()'s overloads
        Order.team_id,
        Order.station_id,
        Order.status,
        Order.created_at,
        Order.claimed_at,
        Order.expired_at,
    ).where(col(Order.created_at) >= start, col(Order.created_at) < end)
    if stations is not None:
        stmt = stmt.where(col(Order.station_id).in_(stations or {-1}))
    return [CreatedRow(*row) for row in (await session.exec(stmt)).all()]


# ------------------------------------------------------------ export tables (bot.reports.tables)


def _within(query: Any, column: Any, stations: Iterable[int] | None) -> Any:
    return query if stations is None else query.where(col(column).in_(set(stations) or {-1}))


async def orders_created_with_feedback(
    session: AsyncSession, *, start: datetime, end: datetime, stations: Iterable[int] | None
) -> Sequence[Any]:
    """(order, rating, comment) of orders created in [start, end), by id."""
    query = (
        select(Order, Feedback.rating, Feedback.comment)
        .outerjoin(Feedback, col(Feedback.order_id) == col(Order.id))
        .where(col(Order.created_at) >= start, col(Order.created_at) < end)
    )
    query = _within(query, Order.station_id, stations)
    return (await session.exec(query.order_by(col(Order.id)))).all()  # type: ignore[no-any-return]


async def work_by_volunteer(
    session: AsyncSession, *, start: datetime, end: datetime
) -> dict[int, tuple[int, int]]:
    """Volunteer id → (services done, minutes served) in [start, end)."""
    query = (
        select(Order.volunteer_id, func.count(), func.sum(Order.service_minutes))
        .where(
            col(Order.status).in_(SERVED),
            col(Order.done_at) >= start,
            col(Order.done_at) < end,
            col(Order.volunteer_id).is_not(None),
        )
        .group_by(col(Order.volunteer_id))
    )
    rows = (await session.exec(query)).all()
    return {vid: (n, minutes or 0) for vid, n, minutes in rows if vid is not None}


async def feedback_with_orders(
    session: AsyncSession, *, start: datetime, end: datetime, stations: Iterable[int] | None
) -> Sequence[Any]:
    """(feedback, order) of feedback given in [start, end), by feedback id."""
    query = (
        select(Feedback, Order)
        .join(Order, col(Order.id) == col(Feedback.order_id))
        .where(col(Feedback.created_at) >= start, col(Feedback.created_at) < end)
    )
    query = _within(query, Order.station_id, stations)
    return (await session.exec(query.order_by(col(Feedback.id)))).all()  # type: ignore[no-any-return]
