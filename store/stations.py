"""Queries about stations (the 站点 tree)."""

from __future__ import annotations

# --- added by restructure-domain ---
from sqlmodel import select
from sqlmodel.ext.asyncio.session import AsyncSession

from store.models import Station


async def stations_by_id(session: AsyncSession) -> dict[int, Station]:
    """Every station, by id."""
    return {s.id: s for s in (await session.exec(select(Station))).all()}  # type: ignore[misc]
