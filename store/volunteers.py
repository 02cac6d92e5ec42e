"""Queries about volunteers."""

# --- added by restructure-flows ---

from __future__ import annotations

from collections.abc import Collection

from sqlmodel import col, func, select
from sqlmodel.ext.asyncio.session import AsyncSession

from store.models import Person, Volunteer, VolunteerStatus, VolunteerTeam


async def by_person(session: AsyncSession, *, person_id: int | None) -> Volunteer | None:
    stmt = select(Volunteer).where(col(Volunteer.person_id) == person_id)
    return (await session.exec(stmt)).first()


async def volunteer_by_username(session: AsyncSession, *, username: str) -> Volunteer | None:
    """The volunteer whose person has this username, ignoring case; no leading ``@``."""
    stmt = (
        select(Volunteer)
        .join(Person, col(Person.id) == col(Volunteer.person_id))
        .where(func.lower(col(Person.username)) == username.lower())
    )
    return (await session.exec(stmt)).first()


async def volunteers_named(session: AsyncSession, *, name: str, limit: int) -> list[Volunteer]:
    """Up to ``limit`` volunteers with exactly this name, oldest first."""
    stmt = select(Volunteer).where(col(Volunteer.name) == name).order_by(col(Volunteer.id))
    return list((await session.exec(stmt.limit(limit))).all())


async def volunteer_names(
    session: AsyncSession, *, ids: Collection[int] | None = None
) -> dict[int, str]:
    """Volunteer id → name, of ``ids`` (of everyone without)."""
    if ids is not None and not ids:
        return {}
    stmt = select(Volunteer.id, Volunteer.name)
    if ids is not None:
        stmt = stmt.where(col(Volunteer.id).in_(ids))
    return {vid: name for vid, name in (await session.exec(stmt)).all() if vid is not None}


async def volunteers_page(
    session: AsyncSession,
    *,
    status: str | None = None,
    team_id: int | None = None,
    station_ids: Collection[int] | None = None,
    within: Collection[int] | None = None,
    newest_first: bool = False,
    limit: int,
) -> tuple[int, list[Volunteer]]:
    """How many volunteers match, and the first ``limit`` (admin lists).

    Without ``status``, rejected applicants are left out.
    """
    stmt = select(Volunteer)
    if status is None:
        stmt = stmt.where(col(Volunteer.status) != VolunteerStatus.REJECTED)
    else:
        stmt = stmt.where(col(Volunteer.status) == status)
    if team_id is not None:
        stmt = stmt.join(VolunteerTeam, col(VolunteerTeam.volunteer_id) == col(Volunteer.id))
        stmt = stmt.where(col(VolunteerTeam.team_id) == team_id)
    if station_ids is not None:
        stmt = stmt.where(col(Volunteer.station_id).in_(station_ids))
    if within is not None:
        stmt = stmt.where(col(Volunteer.station_id).in_(within or {-1}))
    total = (await session.exec(select(func.count()).select_from(stmt.subquery()))).one()
    order = col(Volunteer.id).desc() if newest_first else col(Volunteer.id)
    return total, list((await session.exec(stmt.order_by(order).limit(limit))).all())


async def volunteer_by_id(session: AsyncSession, *, volunteer_id: int | None) -> Volunteer | None:
    return await session.get(Volunteer, volunteer_id) if volunteer_id is not None else None
