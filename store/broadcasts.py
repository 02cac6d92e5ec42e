"""Queries about broadcasts."""

# --- added by restructure-flows ---

from __future__ import annotations

from sqlmodel.ext.asyncio.session import AsyncSession

from store.models import Broadcast


async def broadcast_by_id(session: AsyncSession, *, broadcast_id: int) -> Broadcast | None:
    return await session.get(Broadcast, broadcast_id)
