"""Service lists (issue 19): teams' concrete services, volunteers' own offers, the
monthly list and who receives it. Keyword-only query functions."""

from __future__ import annotations

from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from store.models import (
    Meta,
    Person,
    ServiceList,
    Team,
    TeamService,
    Volunteer,
    VolunteerService,
    VolunteerStatus,
    VolunteerTeam,
)

SEEDED = "services_seeded"


async def seed_defaults(session: AsyncSession, *, catalog: list[tuple[str, str, str]]) -> int:
    """Insert the default services once ever (a flag in Meta), so deleting them sticks.

    ``catalog`` rows are (team slug, name, description); unknown slugs are skipped.
    """
    if await session.get(Meta, SEEDED) is not None:
        return 0
    teams = {tm.slug: tm.id for tm in (await session.exec(select(Team))).all() if tm.id}
    added = 0
    for order, (slug, name, description) in enumerate(catalog):
        if slug in teams:
            session.add(
                TeamService(
                    team_id=teams[slug], name=name, description=description, sort_order=order
                )
            )
            added += 1
    session.add(Meta(key=SEEDED, value=str(added)))
    await session.flush()
    return added


async def team_services(
    session: AsyncSession, *, team_id: int | None = None, highlighted: bool | None = None
) -> list[TeamService]:
    stmt = select(TeamService).where(col(TeamService.active).is_(True))
    if team_id is not None:
        stmt = stmt.where(col(TeamService.team_id) == team_id)
    if highlighted is not None:
        stmt = stmt.where(col(TeamService.highlighted).is_(highlighted))
    stmt = stmt.order_by(col(TeamService.team_id), col(TeamService.sort_order), col(TeamService.id))
    return list((await session.exec(stmt)).all())


async def offers(
    session: AsyncSession, *, volunteer_id: int | None = None
) -> list[tuple[VolunteerService, Volunteer]]:
    """Active offers (of one volunteer, or of every active volunteer), newest first."""
    stmt = (
        select(VolunteerService, Volunteer)
        .join(Volunteer, col(Volunteer.id) == col(VolunteerService.volunteer_id))
        .where(col(VolunteerService.active).is_(True))
    )
    if volunteer_id is not None:
        stmt = stmt.where(col(VolunteerService.volunteer_id) == volunteer_id)
    else:
        stmt = stmt.where(col(Volunteer.status) == VolunteerStatus.ACTIVE)
    stmt = stmt.order_by(col(VolunteerService.id).desc())
    return [(o, v) for o, v in (await session.exec(stmt)).all()]


async def service_by_id(session: AsyncSession, *, service_id: int | None) -> TeamService | None:
    """A team's service, by id (None for none)."""
    return await session.get(TeamService, service_id) if service_id else None


async def offer_by_id(session: AsyncSession, *, offer_id: int | None) -> VolunteerService | None:
    """A volunteer's own offered service, by id (None for none)."""
    return await session.get(VolunteerService, offer_id) if offer_id else None


async def month_list(session: AsyncSession, *, month: str) -> ServiceList | None:
    return await session.get(ServiceList, month)


async def subscribers(session: AsyncSession) -> list[Person]:
    stmt = select(Person).where(
        col(Person.servicelist_optin).is_(True), col(Person.reachable).is_(True)
    )
    return list((await session.exec(stmt.order_by(col(Person.id)))).all())


async def first_team(session: AsyncSession, *, volunteer_id: int) -> int | None:
    """The team a volunteer's own offer is filed under (their first team)."""
    stmt = (
        select(VolunteerTeam.team_id)
        .where(VolunteerTeam.volunteer_id == volunteer_id)
        .order_by(col(VolunteerTeam.team_id))
    )
    return (await session.exec(stmt)).first()
