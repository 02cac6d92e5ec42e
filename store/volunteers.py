"""Queries about volunteers."""

# --- added by restructure-flows ---

from __future__ import annotations

from collections.abc import Collection, Iterable, Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import delete, func, update
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from store.models import (
    Feedback,
    Order,
    OrderStatus,
    Person,
    Team,
    Volunteer,
    VolunteerStatus,
    VolunteerTeam,
)


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


def _within(query: Any, column: Any, stations: Iterable[int] | None) -> Any:
    return query if stations is None else query.where(col(column).in_(set(stations) or {-1}))


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


async def team_ids(session: AsyncSession, *, volunteer_id: int) -> list[int]:
    query = select(VolunteerTeam.team_id).where(col(VolunteerTeam.volunteer_id) == volunteer_id)
    return sorted((await session.exec(query)).all())


async def teams_of(session: AsyncSession, *, volunteer_id: int) -> list[Team]:
    """The volunteer's teams, in menu order."""
    query = (
        select(Team)
        .join(VolunteerTeam, col(VolunteerTeam.team_id) == col(Team.id))
        .where(col(VolunteerTeam.volunteer_id) == volunteer_id)
        .order_by(col(Team.sort_order), col(Team.id))
    )
    return list((await session.exec(query)).all())


async def replace_teams(session: AsyncSession, *, volunteer_id: int, team_ids: list[int]) -> None:
    """The volunteer is in exactly these teams now."""
    await session.exec(  # type: ignore[call-overload]
        delete(VolunteerTeam).where(col(VolunteerTeam.volunteer_id) == volunteer_id)
    )
    for team_id in team_ids:
        session.add(VolunteerTeam(volunteer_id=volunteer_id, team_id=team_id))
    await session.flush()


async def open_jobs(session: AsyncSession, *, volunteer_id: int) -> int:
    """Jobs the volunteer holds and has not finished (claimed, scheduled, in service)."""
    query = (
        select(func.count())
        .select_from(Order)
        .where(col(Order.volunteer_id) == volunteer_id, col(Order.status).in_(OrderStatus.ACTIVE))
    )
    return int((await session.exec(query)).one())


async def average_rating(session: AsyncSession, *, volunteer_id: int) -> tuple[float | None, int]:
    """The volunteer's mean rating and how many ratings it is taken over."""
    query = select(func.avg(Feedback.rating), func.count()).where(
        col(Feedback.volunteer_id) == volunteer_id
    )
    avg, n = (await session.exec(query)).one()
    return (float(avg) if avg is not None else None), int(n)


async def done_jobs(session: AsyncSession, *, volunteer_id: int) -> int:
    finished = (OrderStatus.DONE, OrderStatus.CONFIRMED, OrderStatus.RATED)
    query = (
        select(func.count())
        .select_from(Order)
        .where(col(Order.volunteer_id) == volunteer_id, col(Order.status).in_(finished))
    )
    return int((await session.exec(query)).one())


async def move(
    session: AsyncSession,
    *,
    volunteer_id: int,
    to: str,
    expect: tuple[str, ...],
    now: datetime,
    **values: Any,
) -> bool:
    """Conditional status change: True only for the one caller that made it."""
    query = (
        update(Volunteer)
        .where(col(Volunteer.id) == volunteer_id, col(Volunteer.status).in_(expect))
        .values(status=to, updated_at=now, **values)
        .returning(col(Volunteer.id))
    )
    won = (await session.exec(query)).first() is not None  # type: ignore[call-overload]
    if won:
        cached = await session.get(Volunteer, volunteer_id)
        if cached is not None:
            await session.refresh(cached)
    return won


async def add_service_minutes(
    session: AsyncSession, *, volunteer_id: int, minutes: int, now: datetime
) -> None:
    """Count a finished service towards the volunteer's total (one UPDATE, race-free)."""
    await session.exec(  # type: ignore[call-overload]
        update(Volunteer)
        .where(col(Volunteer.id) == volunteer_id)
        .values(service_minutes=col(Volunteer.service_minutes) + minutes, updated_at=now)
    )


async def languages_of(session: AsyncSession, *, volunteer_ids: list[int]) -> dict[int, str]:
    """Volunteer id → the language their person reads."""
    if not volunteer_ids:
        return {}
    query = (
        select(col(Volunteer.id), col(Person.language))
        .join(Person, col(Person.id) == col(Volunteer.person_id))
        .where(col(Volunteer.id).in_(volunteer_ids))
    )
    return {vid: lang for vid, lang in (await session.exec(query)).all() if vid is not None}


async def mark_job_taken(session: AsyncSession, *, volunteer_id: int, now: datetime) -> None:
    """The volunteer just took a job (dispatch ranks by how long ago that was)."""
    await session.exec(  # type: ignore[call-overload]
        update(Volunteer)
        .where(col(Volunteer.id) == volunteer_id)
        .values(last_job_at=now, updated_at=now)
    )
