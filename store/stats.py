"""Queries behind the monthly figures (bot.stats) and the CSV exports (bot.exports)."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import datetime
from typing import Any

from sqlmodel import col, func, select
from sqlmodel.ext.asyncio.session import AsyncSession

from store.models import Feedback, Order, OrderStatus

SERVED = (OrderStatus.DONE, OrderStatus.CONFIRMED, OrderStatus.RATED)


async def served_in(
    session: AsyncSession,
    *,
    start: datetime,
    end: datetime,
    stations: Iterable[int] | None = None,
) -> Sequence[Any]:
    """Orders served (done) in [start, end): id, team, station, volunteer, requester,
    service minutes and the requester's rating, if any; ``stations`` limits them."""
    query = (
        select(  # type: ignore[call-overload, misc]  # 7 columns: past select()'s overloads
            col(Order.id),
            col(Order.team_id),
            col(Order.station_id),
            col(Order.volunteer_id),
            col(Order.requester_id),
            col(Order.service_minutes),
            col(Feedback.rating),
        )
        .outerjoin(Feedback, col(Feedback.order_id) == col(Order.id))
        .where(col(Order.status).in_(SERVED), col(Order.done_at) >= start, col(Order.done_at) < end)
    )
    if stations is not None:
        query = query.where(col(Order.station_id).in_(set(stations) or {-1}))
    return (await session.exec(query)).all()  # type: ignore[no-any-return]


async def created_in(
    session: AsyncSession,
    *,
    start: datetime,
    end: datetime,
    stations: Iterable[int] | None = None,
) -> Sequence[Any]:
    """Orders created in [start, end): status, created, claimed and expired times."""
    query = select(Order.status, Order.created_at, Order.claimed_at, Order.expired_at).where(
        col(Order.created_at) >= start, col(Order.created_at) < end
    )
    if stations is not None:
        query = query.where(col(Order.station_id).in_(set(stations) or {-1}))
    return (await session.exec(query)).all()


# ---------------------------------------------------------------- exports (bot.exports)


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
