"""Queries about orders."""

# --- added by restructure-flows ---

from __future__ import annotations

from collections.abc import Collection
from datetime import datetime

from sqlalchemy import func, update
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from store.models import Order


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
