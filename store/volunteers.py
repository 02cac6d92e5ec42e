"""Queries about volunteers, their teams and their work."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from store.models import Volunteer, VolunteerTeam


def _within(query: Any, column: Any, stations: Iterable[int] | None) -> Any:
    return query if stations is None else query.where(col(column).in_(set(stations) or {-1}))


async def volunteer_names(session: AsyncSession) -> dict[int, str]:
    rows = (await session.exec(select(Volunteer.id, Volunteer.name))).all()
    return {vid: name for vid, name in rows if vid is not None}


async def all_volunteers(
    session: AsyncSession, *, stations: Iterable[int] | None = None
) -> Sequence[Volunteer]:
    """Every volunteer (of ``stations``, when given), by id."""
    query = _within(select(Volunteer), Volunteer.station_id, stations)
    return (await session.exec(query.order_by(col(Volunteer.id)))).all()  # type: ignore[no-any-return]


async def team_memberships(session: AsyncSession) -> Sequence[tuple[int, int]]:
    """Every (volunteer id, team id) pair."""
    query = select(VolunteerTeam.volunteer_id, VolunteerTeam.team_id)
    return (await session.exec(query)).all()


async def volunteers_by_id(session: AsyncSession, *, ids: Iterable[int]) -> dict[int, Volunteer]:
    """The volunteers with these ids, by id."""
    wanted = set(ids)
    if not wanted:
        return {}
    query = select(Volunteer).where(col(Volunteer.id).in_(wanted))
    return {v.id: v for v in (await session.exec(query)).all()}  # type: ignore[misc]
