"""Queries for volunteers' and admins' journeys (issue 17): who gets a role's menu at
start-up, and the admins a deployment can reach."""

from __future__ import annotations

from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from store.models import Person, Volunteer, VolunteerStatus


async def working_volunteer_people(session: AsyncSession, *, platform: str) -> list[Person]:
    """People on ``platform`` who are approved volunteers (taking offers or paused)."""
    stmt = (
        select(Person)
        .join(Volunteer, col(Volunteer.person_id) == col(Person.id))
        .where(
            col(Person.platform) == platform,
            col(Volunteer.status).in_((VolunteerStatus.ACTIVE, VolunteerStatus.PAUSED)),
        )
        .order_by(col(Person.id))
    )
    return list((await session.exec(stmt)).all())
