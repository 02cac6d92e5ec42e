"""Queries about broadcasts."""

# --- added by restructure-flows ---

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import update
from sqlalchemy.exc import IntegrityError
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from store.engine import Database
from store.models import (
    Broadcast,
    BroadcastReply,
    Person,
    Volunteer,
    VolunteerStatus,
    VolunteerTeam,
)


async def broadcast_by_id(session: AsyncSession, *, broadcast_id: int) -> Broadcast | None:
    return await session.get(Broadcast, broadcast_id)


YES, NO = "yes", "no"  # BroadcastReply.answer


@dataclass
class RollCall:
    yes: int
    no: int
    yes_names: list[str]


async def roll_call(session: AsyncSession, *, broadcast_id: int) -> RollCall:
    """Who answered 我能到场 (names, in answer order) and how many 去不了."""
    rows = (
        await session.exec(
            select(BroadcastReply.answer, Person.display_name, Volunteer.name)
            .join(Person, col(Person.id) == col(BroadcastReply.person_id))
            .outerjoin(Volunteer, col(Volunteer.person_id) == col(BroadcastReply.person_id))
            .where(col(BroadcastReply.broadcast_id) == broadcast_id)
            .order_by(col(BroadcastReply.created_at), col(BroadcastReply.person_id))
        )
    ).all()
    yes = [(vname or pname or "?") for a, pname, vname in rows if a == YES]
    return RollCall(yes=len(yes), no=sum(1 for a, *_ in rows if a == NO), yes_names=yes)


async def finish(session: AsyncSession, *, broadcast_id: int, now: datetime) -> bool:
    """Mark the broadcast finished unless it already was; True if this call did."""
    stmt = (
        update(Broadcast)
        .where(col(Broadcast.id) == broadcast_id, col(Broadcast.finished_at).is_(None))
        .values(finished_at=now)
        .returning(col(Broadcast.id))
    )
    return (await session.exec(stmt)).first() is not None  # type: ignore[call-overload]


async def set_counts(session: AsyncSession, *, broadcast_id: int, sent: int, failed: int) -> None:
    await session.exec(  # type: ignore[call-overload]
        update(Broadcast).where(col(Broadcast.id) == broadcast_id).values(sent=sent, failed=failed)
    )


async def active_volunteer_people(
    session: AsyncSession, *, team_id: int | None = None, stations: set[int] | None = None
) -> list[int]:
    """Person ids of active volunteers (of a team; at stations), by volunteer id, once each."""
    query = select(Volunteer.person_id).where(col(Volunteer.status) == VolunteerStatus.ACTIVE)
    if team_id is not None:
        query = query.join(VolunteerTeam, col(VolunteerTeam.volunteer_id) == col(Volunteer.id))
        query = query.where(col(VolunteerTeam.team_id) == team_id)
    if stations is not None:
        query = query.where(col(Volunteer.station_id).in_(stations or {-1}))
    rows = (await session.exec(query.order_by(col(Volunteer.id)))).all()
    return list(dict.fromkeys(rows))  # a volunteer in two teams of one scope counts once


async def record_answer(
    db: Database, *, broadcast_id: int, person_id: int, value: str, now: datetime
) -> bool:
    """Record (or change) a person's roll-call answer; False when it was already that."""
    for _ in range(2):  # a concurrent first answer from another instance: retry as an update
        try:
            async with db.session() as session:
                row = await session.get(BroadcastReply, (broadcast_id, person_id))
                if row is not None and row.answer == value:
                    return False
                if row is None:
                    row = BroadcastReply(
                        broadcast_id=broadcast_id, person_id=person_id, answer=value, created_at=now
                    )
                else:
                    row.answer, row.created_at = value, now
                session.add(row)
            return True
        except IntegrityError:
            continue
    return False
