"""Queries about messages relayed between requester and volunteer."""

# --- added by restructure-flows ---

from __future__ import annotations

from sqlmodel import col, func, select
from sqlmodel.ext.asyncio.session import AsyncSession

from store.models import OrderMessage


async def relayed_count(session: AsyncSession, *, order_id: int) -> int:
    stmt = (
        select(func.count()).select_from(OrderMessage).where(col(OrderMessage.order_id) == order_id)
    )
    return (await session.exec(stmt)).one()
