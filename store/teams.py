"""Queries about service teams: lookups by slug, the ordered list, member counts."""

from __future__ import annotations

import unicodedata

from sqlmodel import col, func, select
from sqlmodel.ext.asyncio.session import AsyncSession

from store.models import Team, Volunteer, VolunteerTeam


def fold_slug(slug: str) -> str:
    """A slug as typed (full-width forms from Chinese input methods, any case) made canonical."""
    return unicodedata.normalize("NFKC", slug).strip().lower()


async def team_by_slug(session: AsyncSession, *, slug: str) -> Team | None:
    """The team with this slug, active or retired; callers that offer teams check ``active``."""
    stmt = select(Team).where(col(Team.slug) == fold_slug(slug))
    return (await session.exec(stmt)).first()


async def team_by_id(session: AsyncSession, *, team_id: int | None) -> Team | None:
    return await session.get(Team, team_id) if team_id else None


async def teams(session: AsyncSession, *, active_only: bool = False) -> list[Team]:
    """Every team (or every active one) in the catalog's order."""
    stmt = select(Team).order_by(col(Team.sort_order), col(Team.id))
    if active_only:
        stmt = stmt.where(col(Team.active))
    return list((await session.exec(stmt)).all())


async def teams_by_id(session: AsyncSession) -> dict[int, Team]:
    return {team.id: team for team in (await session.exec(select(Team))).all()}  # type: ignore[misc]


async def count_teams(session: AsyncSession) -> int:
    return (await session.exec(select(func.count()).select_from(Team))).one()


async def last_sort_order(session: AsyncSession) -> int | None:
    return (await session.exec(select(func.max(Team.sort_order)))).one()


async def add_team(session: AsyncSession, *, team: Team) -> Team:
    """Insert ``team`` (flushed, so its id is known)."""
    session.add(team)
    await session.flush()
    return team


async def volunteer_counts(session: AsyncSession, *, status: str) -> dict[int, int]:
    """Team id → how many of its volunteers have ``status``."""
    stmt = (
        select(VolunteerTeam.team_id, func.count())
        .join(Volunteer, col(Volunteer.id) == col(VolunteerTeam.volunteer_id))
        .where(col(Volunteer.status) == status)
        .group_by(col(VolunteerTeam.team_id))
    )
    return {team_id: n for team_id, n in (await session.exec(stmt)).all()}


async def team_names_by_volunteer(session: AsyncSession, *, ids: list[int]) -> dict[int, list[str]]:
    """Volunteer id → the names of their teams, in catalog order."""
    if not ids:
        return {}
    stmt = (
        select(VolunteerTeam.volunteer_id, Team.name)
        .join(Team, col(Team.id) == col(VolunteerTeam.team_id))
        .where(col(VolunteerTeam.volunteer_id).in_(ids))
        .order_by(col(Team.sort_order))
    )
    out: dict[int, list[str]] = {}
    for vid, name in (await session.exec(stmt)).all():
        out.setdefault(vid, []).append(name)
    return out
