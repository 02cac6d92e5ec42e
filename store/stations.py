"""Queries about the service network: stations by id or code, children, member counts."""

from __future__ import annotations

import unicodedata

from sqlmodel import col, func, select
from sqlmodel.ext.asyncio.session import AsyncSession

from store.models import Station, Volunteer


async def station_by_id(session: AsyncSession, *, station_id: int | None) -> Station | None:
    return await session.get(Station, station_id) if station_id is not None else None


async def station_by_code(session: AsyncSession, *, code: str) -> Station | None:
    """The station with this code, ignoring case and full-width forms (admins type codes)."""
    folded = unicodedata.normalize("NFKC", code).strip().lower()
    stmt = select(Station).where(func.lower(col(Station.code)) == folded)
    return (await session.exec(stmt)).first()


async def stations_by_id(session: AsyncSession) -> dict[int, Station]:
    """Every station (the network is small: a county has a few hundred points at most)."""
    return {s.id: s for s in (await session.exec(select(Station))).all()}  # type: ignore[misc]


async def active_children(session: AsyncSession, *, parent_id: int | None) -> list[Station]:
    """Active stations directly under ``parent_id`` (the roots for None), by id."""
    parent = (
        col(Station.parent_id).is_(None)
        if parent_id is None
        else col(Station.parent_id) == parent_id
    )
    stmt = select(Station).where(col(Station.active), parent).order_by(col(Station.id))
    return list((await session.exec(stmt)).all())


async def has_active_children(session: AsyncSession, *, station_id: int) -> bool:
    stmt = (
        select(Station.id).where(col(Station.parent_id) == station_id, col(Station.active)).limit(1)
    )
    return (await session.exec(stmt)).first() is not None


async def any_active(session: AsyncSession) -> bool:
    """True once an admin has set up at least one active station."""
    stmt = select(Station.id).where(col(Station.active)).limit(1)
    return (await session.exec(stmt)).first() is not None


async def volunteer_counts(session: AsyncSession, *, status: str) -> dict[int | None, int]:
    """Station id → how many volunteers with ``status`` belong to it."""
    stmt = (
        select(Volunteer.station_id, func.count())
        .where(col(Volunteer.status) == status)
        .group_by(col(Volunteer.station_id))
    )
    return dict((await session.exec(stmt)).all())


async def add_station(session: AsyncSession, *, station: Station) -> Station:
    """Insert ``station`` (flushed, so its id is known)."""
    session.add(station)
    await session.flush()
    return station
