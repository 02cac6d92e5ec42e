"""Who a broadcast reaches: scope keys and the recipients they stand for."""

from __future__ import annotations

from sqlalchemy import func
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from bot.roles import subtree_ids
from store.models import (
    Station,
    Team,
    Volunteer,
    VolunteerStatus,
    VolunteerTeam,
)


def scope_key(kind: str, value: str = "") -> str:
    """Stored form of a scope: ``all``, ``team:<slug>`` or ``station:<code>``."""
    return "all" if kind == "all" else f"{kind}:{value}"


async def recipients(session: AsyncSession, scope: str, within: set[int] | None) -> list[int]:
    """Person ids of the active volunteers ``scope`` reaches, limited to stations ``within``."""
    stmt = select(Volunteer.person_id).where(col(Volunteer.status) == VolunteerStatus.ACTIVE)
    kind, _, value = scope.partition(":")
    stations = within
    if kind == "team":
        team = (await session.exec(select(Team).where(col(Team.slug) == value))).first()
        if team is None:
            return []
        stmt = stmt.join(VolunteerTeam, col(VolunteerTeam.volunteer_id) == col(Volunteer.id))
        stmt = stmt.where(col(VolunteerTeam.team_id) == team.id)
    elif kind == "station":
        station = (
            await session.exec(
                select(Station).where(func.lower(col(Station.code)) == value.lower())
            )
        ).first()
        if station is None:
            return []
        subtree = await subtree_ids(session, station.id)  # type: ignore[arg-type]
        stations = subtree if within is None else subtree & within
    if stations is not None:
        stmt = stmt.where(col(Volunteer.station_id).in_(stations or {-1}))
    rows = (await session.exec(stmt.order_by(col(Volunteer.id)))).all()
    return list(dict.fromkeys(rows))  # a volunteer in two teams of one scope counts once
