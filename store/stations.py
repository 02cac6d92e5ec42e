"""Queries about stations (the 站点 tree)."""

from __future__ import annotations

# --- added by restructure-domain ---
from sqlmodel import col, func, select
from sqlmodel.ext.asyncio.session import AsyncSession

from store.models import Station


async def stations_by_id(session: AsyncSession) -> dict[int, Station]:
    """Every station, by id."""
    return {s.id: s for s in (await session.exec(select(Station))).all()}  # type: ignore[misc]


async def by_code_any_case(session: AsyncSession, *, code: str) -> Station | None:
    """The station with this code, whatever its letter case."""
    query = select(Station).where(func.lower(col(Station.code)) == code.lower())
    return (await session.exec(query)).first()
