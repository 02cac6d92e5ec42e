"""Queries for volunteers' and admins' journeys (issue 17): who gets a role's menu at
start-up, and the admins a deployment can reach."""

from __future__ import annotations

from datetime import datetime

from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from store.models import (
    HoursEntry,
    HoursSource,
    Person,
    Station,
    StationLocation,
    VerifiedPhone,
    Volunteer,
    VolunteerStatus,
)


async def team_job_entries(
    session: AsyncSession, *, order_id: int, minutes: int, besides: int
) -> list[HoursEntry]:
    """Other members' job entries of ``order_id`` still crediting ``minutes`` (the lead's)."""
    stmt = select(HoursEntry).where(
        col(HoursEntry.order_id) == order_id,
        col(HoursEntry.source) == HoursSource.JOB,
        col(HoursEntry.volunteer_id) != besides,
        col(HoursEntry.minutes) == minutes,
    )
    return list((await session.exec(stmt)).all())


async def has_verified_phone(session: AsyncSession, *, person_id: int, phones: set[str]) -> bool:
    """Whether the person proved (by SMS code) one of ``phones``."""
    if not phones:
        return False
    stmt = select(VerifiedPhone.phone).where(
        col(VerifiedPhone.person_id) == person_id, col(VerifiedPhone.phone).in_(phones)
    )
    return (await session.exec(stmt)).first() is not None


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


async def station_locations(session: AsyncSession) -> list[tuple[Station, float, float]]:
    """Every active station with a known location."""
    stmt = (
        select(Station, StationLocation.latitude, StationLocation.longitude)
        .join(StationLocation, col(StationLocation.station_id) == col(Station.id))
        .where(col(Station.active))
    )
    return [(s, float(lat), float(lon)) for s, lat, lon in (await session.exec(stmt)).all()]


async def set_station_location(
    session: AsyncSession, *, station_id: int, latitude: float, longitude: float, now: datetime
) -> None:
    row = await session.get(StationLocation, station_id)
    if row is None:
        row = StationLocation(station_id=station_id, latitude=latitude, longitude=longitude)
    row.latitude, row.longitude, row.updated_at = latitude, longitude, now
    session.add(row)
