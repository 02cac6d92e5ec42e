"""Queries about orders (and the feedback given on them)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from store.models import Feedback, Order, OrderStatus


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
