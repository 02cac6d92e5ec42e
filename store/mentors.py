"""Queries for 名师带徒: pairings, their check-ins and milestones, and requests (keyword-only).

An invitation is accepted, a pairing completed and a check-in answered each by one
conditional UPDATE, so a double press (or two instances) changes it once.
"""

from __future__ import annotations

from collections.abc import Collection
from datetime import datetime
from typing import Any

from sqlalchemy import func, or_, update
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from store.models import (
    MentorCheckin,
    MentorMilestone,
    MentorPairing,
    MentorRequest,
    PairingStatus,
)


async def add_pairing(session: AsyncSession, *, pairing: MentorPairing) -> MentorPairing:
    session.add(pairing)
    await session.flush()
    return pairing


async def pairing_by_id(session: AsyncSession, *, pairing_id: int | None) -> MentorPairing | None:
    return await session.get(MentorPairing, pairing_id) if pairing_id is not None else None


async def pairing_by_code(session: AsyncSession, *, code: str) -> MentorPairing | None:
    rows = await session.exec(select(MentorPairing).where(col(MentorPairing.code) == code))
    return rows.first()


async def pairings(
    session: AsyncSession,
    *,
    mentor_id: int | None = None,
    person_id: int | None = None,
    stations: Collection[int] | None = None,
) -> list[MentorPairing]:
    """Pairings of a mentor (volunteer id) or of a person (as apprentice, or as mentor with
    ``mentor_id``), or within ``stations``; all of them with no filter. Newest first."""
    query = select(MentorPairing)
    if person_id is not None:
        mine = col(MentorPairing.apprentice_id) == person_id
        query = query.where(
            or_(mine, col(MentorPairing.mentor_id) == mentor_id) if mentor_id else mine
        )
    elif mentor_id is not None:
        query = query.where(col(MentorPairing.mentor_id) == mentor_id)
    if stations is not None:
        query = query.where(col(MentorPairing.station_id).in_(list(stations)))
    return list((await session.exec(query.order_by(col(MentorPairing.id).desc()))).all())


async def move_pairing(
    session: AsyncSession, *, pairing_id: int, from_status: str, to_status: str, **values: Any
) -> bool:
    result = await session.exec(  # type: ignore[call-overload]
        update(MentorPairing)
        .where(col(MentorPairing.id) == pairing_id, col(MentorPairing.status) == from_status)
        .values(status=to_status, **values)
        .returning(col(MentorPairing.id))
    )
    return result.first() is not None


async def add_minutes(session: AsyncSession, *, pairing_id: int, minutes: int) -> None:
    await session.exec(  # type: ignore[call-overload]
        update(MentorPairing)
        .where(col(MentorPairing.id) == pairing_id)
        .values(minutes=col(MentorPairing.minutes) + minutes)
    )


async def rate(session: AsyncSession, *, pairing_id: int, as_mentor: bool, stars: int) -> bool:
    """Record one side's rating once."""
    column = MentorPairing.mentor_rating if as_mentor else MentorPairing.apprentice_rating
    result = await session.exec(  # type: ignore[call-overload]
        update(MentorPairing)
        .where(
            col(MentorPairing.id) == pairing_id,
            col(MentorPairing.status) == PairingStatus.COMPLETED,
            col(column).is_(None),
        )
        .values({column: stars})
        .returning(col(MentorPairing.id))
    )
    return result.first() is not None


# ---------------------------------------------------------------- check-ins


async def add_checkin(
    session: AsyncSession,
    *,
    pairing_id: int,
    round_no: int,
    person_id: int,
    mentor: bool,
    now: datetime,
) -> MentorCheckin:
    """The check-in of one person in one round (once: a re-run finds the first)."""
    rows = await session.exec(
        select(MentorCheckin).where(
            col(MentorCheckin.pairing_id) == pairing_id,
            col(MentorCheckin.round) == round_no,
            col(MentorCheckin.person_id) == person_id,
        )
    )
    found = rows.first()
    if found is not None:
        return found
    checkin = MentorCheckin(
        pairing_id=pairing_id, round=round_no, person_id=person_id, mentor=mentor, asked_at=now
    )
    session.add(checkin)
    await session.flush()
    return checkin


async def checkin_by_id(session: AsyncSession, *, checkin_id: int) -> MentorCheckin | None:
    return await session.get(MentorCheckin, checkin_id)


async def checkins(
    session: AsyncSession, *, pairing_id: int, round_no: int | None = None
) -> list[MentorCheckin]:
    query = select(MentorCheckin).where(col(MentorCheckin.pairing_id) == pairing_id)
    if round_no is not None:
        query = query.where(col(MentorCheckin.round) == round_no)
    return list((await session.exec(query.order_by(col(MentorCheckin.id)))).all())


async def answer_checkin(
    session: AsyncSession, *, checkin_id: int, note: str, minutes: int, now: datetime
) -> bool:
    result = await session.exec(  # type: ignore[call-overload]
        update(MentorCheckin)
        .where(col(MentorCheckin.id) == checkin_id, col(MentorCheckin.answered_at).is_(None))
        .values(note=note[:500], minutes=minutes, answered_at=now)
        .returning(col(MentorCheckin.id))
    )
    return result.first() is not None


async def mark_checkin(session: AsyncSession, *, checkin_id: int, **values: Any) -> None:
    await session.exec(  # type: ignore[call-overload]
        update(MentorCheckin).where(col(MentorCheckin.id) == checkin_id).values(**values)
    )


# ---------------------------------------------------------------- milestones and requests


async def add_milestone(session: AsyncSession, *, milestone: MentorMilestone) -> MentorMilestone:
    session.add(milestone)
    await session.flush()
    return milestone


async def milestones(session: AsyncSession, *, pairing_id: int) -> list[MentorMilestone]:
    rows = await session.exec(
        select(MentorMilestone)
        .where(col(MentorMilestone.pairing_id) == pairing_id)
        .order_by(col(MentorMilestone.id))
    )
    return list(rows.all())


async def add_request(session: AsyncSession, *, request: MentorRequest) -> MentorRequest:
    session.add(request)
    await session.flush()
    return request


async def request_by_id(session: AsyncSession, *, request_id: int) -> MentorRequest | None:
    return await session.get(MentorRequest, request_id)


async def figures(session: AsyncSession) -> dict[str, int]:
    """Pairs by status, and the minutes of time together (for /mentors and the reports)."""
    rows = await session.exec(
        select(
            MentorPairing.status, func.count(), func.coalesce(func.sum(MentorPairing.minutes), 0)
        ).group_by(col(MentorPairing.status))
    )
    out: dict[str, int] = {"minutes": 0}
    for status, n, minutes in rows.all():
        out[status] = int(n)
        out["minutes"] += int(minutes)
    return out
