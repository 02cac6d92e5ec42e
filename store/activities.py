"""Queries for activities, their sign-ups and service hours (keyword-only functions).

Slots are settled here: a sign-up first claims its (activity, person) row — the
unique pair makes a double press or a re-sent offer count once — and then one
conditional UPDATE of the activity's counter decides whether it holds a slot or
waits. On PostgreSQL that UPDATE locks the activity row, so concurrent presses
and withdrawals take turns; SQLite has one writer anyway.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import case, func, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from store.models import (
    Activity,
    ActivitySignup,
    ActivityStatus,
    HoursEntry,
    Order,
    Person,
    SignupStatus,
    Volunteer,
    VolunteerStatus,
    VolunteerTeam,
)

VOLUNTEER, RESIDENT = "volunteer", "resident"


def _insert(session: AsyncSession) -> Any:
    dialect = session.bind.dialect.name if session.bind is not None else "sqlite"
    return postgresql.insert if dialect == "postgresql" else sqlite.insert


def _columns(role: str) -> tuple[Any, Any]:
    """(joined counter, slots) of the activity for ``role``."""
    if role == RESIDENT:
        return col(Activity.residents_joined), col(Activity.resident_slots)
    return col(Activity.volunteers_joined), col(Activity.volunteer_slots)


async def upcoming(
    session: AsyncSession, *, now: datetime, limit: int = 10, within: set[int] | None = None
) -> list[Activity]:
    """Published activities not yet over, nearest first (``within``: station ids)."""
    stmt = select(Activity).where(
        col(Activity.status) == ActivityStatus.PUBLISHED, col(Activity.ends_at) > now
    )
    if within is not None:
        stmt = stmt.where(col(Activity.station_id).in_(within))
    stmt = stmt.order_by(col(Activity.starts_at), col(Activity.id)).limit(limit)
    return list((await session.exec(stmt)).all())


async def signup_of(
    session: AsyncSession, *, activity_id: int, person_id: int
) -> ActivitySignup | None:
    stmt = select(ActivitySignup).where(
        col(ActivitySignup.activity_id) == activity_id,
        col(ActivitySignup.person_id) == person_id,
    )
    return (await session.exec(stmt)).first()


async def signups(
    session: AsyncSession, *, activity_id: int, statuses: tuple[str, ...]
) -> list[tuple[ActivitySignup, Person]]:
    """Sign-ups in ``statuses`` with their people, in sign-up (waitlist) order."""
    stmt = (
        select(ActivitySignup, Person)
        .join(Person, col(Person.id) == col(ActivitySignup.person_id))
        .where(
            col(ActivitySignup.activity_id) == activity_id,
            col(ActivitySignup.status).in_(statuses),
        )
        .order_by(col(ActivitySignup.queued_at), col(ActivitySignup.id))
    )
    return list((await session.exec(stmt)).all())  # type: ignore[arg-type]


async def invitees(
    session: AsyncSession, *, team_id: int | None, stations: set[int] | None
) -> list[tuple[int, int]]:
    """(volunteer id, person id) of the active, reachable volunteers an activity is offered to.

    Members of the team (any team when None), at a station in ``stations`` (anywhere when None).
    """
    stmt = (
        select(col(Volunteer.id), col(Volunteer.person_id))
        .join(Person, col(Person.id) == col(Volunteer.person_id))
        .where(col(Volunteer.status) == VolunteerStatus.ACTIVE, col(Person.reachable).is_(True))
        .order_by(col(Volunteer.id))
    )
    if team_id is not None:
        member = select(col(VolunteerTeam.volunteer_id)).where(
            col(VolunteerTeam.team_id) == team_id,
            col(VolunteerTeam.volunteer_id) == col(Volunteer.id),
        )
        stmt = stmt.where(member.exists())
    if stations is not None:
        stmt = stmt.where(col(Volunteer.station_id).in_(stations))
    return [(int(v), int(p)) for v, p in (await session.exec(stmt)).all()]  # type: ignore[arg-type]


async def invite(
    session: AsyncSession, *, activity_id: int, volunteer_id: int, person_id: int, now: datetime
) -> None:
    """An INVITED row, unless the person already has one (a re-run of the wave adds nothing)."""
    stmt = (
        _insert(session)(ActivitySignup)
        .values(
            activity_id=activity_id,
            person_id=person_id,
            volunteer_id=volunteer_id,
            role=VOLUNTEER,
            status=SignupStatus.INVITED,
            attended=False,
            created_at=now,
            updated_at=now,
        )
        .on_conflict_do_nothing(index_elements=["activity_id", "person_id"])
    )
    await session.exec(stmt)  # type: ignore[call-overload]


async def unsent_invitations(session: AsyncSession, *, activity_id: int) -> list[ActivitySignup]:
    stmt = (
        select(ActivitySignup)
        .where(
            col(ActivitySignup.activity_id) == activity_id,
            col(ActivitySignup.status) == SignupStatus.INVITED,
            col(ActivitySignup.message_id).is_(None),
        )
        .order_by(col(ActivitySignup.id))
    )
    return list((await session.exec(stmt)).all())


async def mark_sent(
    session: AsyncSession, *, signup_id: int, platform: str, chat_id: str, message_id: str
) -> None:
    await session.exec(  # type: ignore[call-overload]
        update(ActivitySignup)
        .where(col(ActivitySignup.id) == signup_id)
        .values(platform=platform, chat_id=chat_id, message_id=message_id)
    )


async def join(
    session: AsyncSession,
    *,
    activity_id: int,
    person_id: int,
    volunteer_id: int | None,
    role: str,
    now: datetime,
) -> str | None:
    """Sign up: JOINED while slots last, else WAITLISTED; None if already signed up."""
    stmt = (
        _insert(session)(ActivitySignup)
        .values(
            activity_id=activity_id,
            person_id=person_id,
            volunteer_id=volunteer_id,
            role=role,
            status=SignupStatus.WAITLISTED,
            queued_at=now,
            attended=False,
            created_at=now,
            updated_at=now,
        )
        .on_conflict_do_update(
            index_elements=["activity_id", "person_id"],
            set_={
                "status": SignupStatus.WAITLISTED,
                "role": role,
                "volunteer_id": volunteer_id,
                "queued_at": now,
                "updated_at": now,
            },
            where=col(ActivitySignup.status).in_(SignupStatus.OPEN),
        )
        .returning(col(ActivitySignup.id))
    )
    signup_id = (await session.exec(stmt)).scalar_one_or_none()  # type: ignore[call-overload]
    if signup_id is None:
        return None
    joined, slots = _columns(role)
    won = (
        await session.exec(  # type: ignore[call-overload]
            update(Activity)
            .where(
                col(Activity.id) == activity_id,
                col(Activity.status) == ActivityStatus.PUBLISHED,
                joined < slots,
            )
            .values({joined: joined + 1})
            .returning(col(Activity.id))
        )
    ).first()
    if won is None:
        return SignupStatus.WAITLISTED
    await session.exec(  # type: ignore[call-overload]
        update(ActivitySignup)
        .where(col(ActivitySignup.id) == signup_id)
        .values(status=SignupStatus.JOINED)
    )
    return SignupStatus.JOINED


async def decline(
    session: AsyncSession, *, activity_id: int, person_id: int, now: datetime
) -> bool:
    """不方便 on an invitation; False if they had already answered."""
    result = await session.exec(  # type: ignore[call-overload]
        update(ActivitySignup)
        .where(
            col(ActivitySignup.activity_id) == activity_id,
            col(ActivitySignup.person_id) == person_id,
            col(ActivitySignup.status) == SignupStatus.INVITED,
        )
        .values(status=SignupStatus.DECLINED, updated_at=now)
        .returning(col(ActivitySignup.id))
    )
    return result.first() is not None


@dataclass(frozen=True)
class Withdrawal:
    was: str  # JOINED or WAITLISTED
    promoted_person_id: int | None  # the first waitlisted person, who now holds the slot


async def withdraw(
    session: AsyncSession, *, activity_id: int, person_id: int, now: datetime
) -> Withdrawal | None:
    """取消报名; a freed slot goes to the first on the waitlist. None if not signed up."""
    for was in SignupStatus.IN:
        row = (
            await session.exec(  # type: ignore[call-overload]
                update(ActivitySignup)
                .where(
                    col(ActivitySignup.activity_id) == activity_id,
                    col(ActivitySignup.person_id) == person_id,
                    col(ActivitySignup.status) == was,
                )
                .values(status=SignupStatus.WITHDRAWN, updated_at=now)
                .returning(col(ActivitySignup.role))
            )
        ).first()
        if row is not None:
            break
    else:
        return None
    role = row[0]
    if was == SignupStatus.WAITLISTED:
        return Withdrawal(was, None)
    joined, _ = _columns(role)
    # Locks the activity row (PostgreSQL): joins and other withdrawals wait for us.
    await session.exec(  # type: ignore[call-overload]
        update(Activity).where(col(Activity.id) == activity_id).values({joined: joined - 1})
    )
    promoted = await _promote(session, activity_id=activity_id, role=role, now=now)
    return Withdrawal(was, promoted)


async def _promote(
    session: AsyncSession, *, activity_id: int, role: str, now: datetime
) -> int | None:
    """Give a free slot to the first waitlisted person of ``role``; their person id."""
    first = (
        select(col(ActivitySignup.id))
        .where(
            col(ActivitySignup.activity_id) == activity_id,
            col(ActivitySignup.role) == role,
            col(ActivitySignup.status) == SignupStatus.WAITLISTED,
        )
        .order_by(col(ActivitySignup.queued_at), col(ActivitySignup.id))
        .limit(1)
        .scalar_subquery()
    )
    promoted = (
        await session.exec(  # type: ignore[call-overload]
            update(ActivitySignup)
            .where(
                col(ActivitySignup.id) == first,
                col(ActivitySignup.status) == SignupStatus.WAITLISTED,
            )
            .values(status=SignupStatus.JOINED, updated_at=now)
            .returning(col(ActivitySignup.person_id))
        )
    ).first()
    if promoted is None:
        return None
    joined, _ = _columns(role)
    await session.exec(  # type: ignore[call-overload]
        update(Activity).where(col(Activity.id) == activity_id).values({joined: joined + 1})
    )
    return int(promoted[0])


async def cancel(session: AsyncSession, *, activity_id: int, now: datetime) -> bool:
    """Cancel a published activity; True if this call did it."""
    result = await session.exec(  # type: ignore[call-overload]
        update(Activity)
        .where(col(Activity.id) == activity_id, col(Activity.status) == ActivityStatus.PUBLISHED)
        .values(status=ActivityStatus.CANCELLED, cancelled_at=now, updated_at=now)
        .returning(col(Activity.id))
    )
    return result.first() is not None


async def check_in(
    session: AsyncSession,
    *,
    signup_id: int,
    now: datetime,
    latitude: float | None = None,
    longitude: float | None = None,
) -> bool:
    result = await session.exec(  # type: ignore[call-overload]
        update(ActivitySignup)
        .where(
            col(ActivitySignup.id) == signup_id,
            col(ActivitySignup.status) == SignupStatus.JOINED,
            col(ActivitySignup.checked_in_at).is_(None),
        )
        .values(
            checked_in_at=now, latitude=latitude, longitude=longitude, attended=True, updated_at=now
        )
        .returning(col(ActivitySignup.id))
    )
    return result.first() is not None


async def check_out(session: AsyncSession, *, signup_id: int, now: datetime) -> bool:
    result = await session.exec(  # type: ignore[call-overload]
        update(ActivitySignup)
        .where(
            col(ActivitySignup.id) == signup_id,
            col(ActivitySignup.checked_in_at).is_not(None),
            col(ActivitySignup.checked_out_at).is_(None),
        )
        .values(checked_out_at=now, updated_at=now)
        .returning(col(ActivitySignup.id))
    )
    return result.first() is not None


async def mark_attended(session: AsyncSession, *, signup_id: int, now: datetime) -> bool:
    """The organiser marks a joined person present; False if already marked."""
    result = await session.exec(  # type: ignore[call-overload]
        update(ActivitySignup)
        .where(
            col(ActivitySignup.id) == signup_id,
            col(ActivitySignup.status) == SignupStatus.JOINED,
            col(ActivitySignup.attended).is_(False),
        )
        .values(attended=True, updated_at=now)
        .returning(col(ActivitySignup.id))
    )
    return result.first() is not None


# ---------------------------------------------------------------- hours


async def credit(
    session: AsyncSession,
    *,
    volunteer_id: int,
    source: str,
    minutes: int,
    now: datetime,
    order_id: int | None = None,
    activity_id: int | None = None,
    note: str = "",
    recorded_by: int | None = None,
) -> HoursEntry:
    """Record service time and add it to the volunteer's total (star levels read that)."""
    entry = HoursEntry(
        volunteer_id=volunteer_id,
        source=source,
        order_id=order_id,
        activity_id=activity_id,
        minutes=minutes,
        note=note[:200],
        recorded_by=recorded_by,
        created_at=now,
        updated_at=now,
    )
    session.add(entry)
    await _add_minutes(session, volunteer_id=volunteer_id, delta=minutes, now=now)
    await session.flush()
    return entry


async def _add_minutes(
    session: AsyncSession, *, volunteer_id: int, delta: int, now: datetime
) -> None:
    await session.exec(  # type: ignore[call-overload]
        update(Volunteer)
        .where(col(Volunteer.id) == volunteer_id)
        .values(service_minutes=col(Volunteer.service_minutes) + delta, updated_at=now)
    )


async def set_minutes(
    session: AsyncSession, *, entry_id: int, minutes: int, now: datetime
) -> tuple[int, int] | None:
    """Correct one entry (and the volunteer's total); (before, after) minutes or None."""
    entry = (
        await session.exec(
            select(HoursEntry).where(col(HoursEntry.id) == entry_id).with_for_update()
        )
    ).first()
    if entry is None:
        return None
    before = entry.minutes
    entry.minutes, entry.updated_at = minutes, now
    session.add(entry)
    await _add_minutes(session, volunteer_id=entry.volunteer_id, delta=minutes - before, now=now)
    return before, minutes


async def entries_of(
    session: AsyncSession, *, volunteer_id: int, since: datetime | None = None, limit: int = 10
) -> list[HoursEntry]:
    stmt = select(HoursEntry).where(col(HoursEntry.volunteer_id) == volunteer_id)
    if since is not None:
        stmt = stmt.where(col(HoursEntry.created_at) >= since)
    stmt = stmt.order_by(col(HoursEntry.created_at).desc(), col(HoursEntry.id).desc()).limit(limit)
    return list((await session.exec(stmt)).all())


# ---------------------------------------------------------------- statistics


@dataclass(frozen=True)
class ActivityFigures:
    activities: int  # 场次
    participants: int  # 人次: joined sign-ups, volunteers and residents
    served: int  # 惠及人数
    hours: float


async def figures(
    session: AsyncSession, *, start: datetime, end: datetime, within: set[int] | None = None
) -> ActivityFigures:
    """Activities held (started) in [start, end), optionally at ``within`` stations."""
    held = [
        col(Activity.status) == ActivityStatus.PUBLISHED,
        col(Activity.starts_at) >= start,
        col(Activity.starts_at) < end,
    ]
    if within is not None:
        held.append(col(Activity.station_id).in_(within))
    n, served = (
        await session.exec(
            select(
                func.count(col(Activity.id)), func.coalesce(func.sum(Activity.served_count), 0)
            ).where(*held)
        )
    ).one()
    people, minutes = (
        await session.exec(
            select(
                func.count(col(ActivitySignup.id)),
                func.coalesce(func.sum(ActivitySignup.minutes), 0),
            )
            .join(Activity, col(Activity.id) == col(ActivitySignup.activity_id))
            .where(*held, col(ActivitySignup.status) == SignupStatus.JOINED)
        )
    ).one()
    return ActivityFigures(int(n), int(people), int(served), int(minutes) / 60)  # type: ignore[arg-type]


async def cap_job_minutes(
    session: AsyncSession, *, order_id: int, volunteer_id: int, minutes: int, cap: int
) -> None:
    """A job counted ``minutes`` above the cap: the order keeps ``cap``, the volunteer's
    total gives the excess back (finish_service already added the raw minutes)."""
    await session.exec(  # type: ignore[call-overload]
        update(Order).where(col(Order.id) == order_id).values(service_minutes=cap)
    )
    await session.exec(  # type: ignore[call-overload]
        update(Volunteer)
        .where(col(Volunteer.id) == volunteer_id)
        .values(service_minutes=col(Volunteer.service_minutes) - (minutes - cap))
    )


async def set_order_minutes(session: AsyncSession, *, order_id: int, minutes: int) -> None:
    """A corrected job's service time on the order itself."""
    await session.exec(  # type: ignore[call-overload]
        update(Order).where(col(Order.id) == order_id).values(service_minutes=minutes)
    )


async def add_entry(session: AsyncSession, *, entry: HoursEntry) -> HoursEntry:
    """A new hours entry, flushed so it has its id."""
    session.add(entry)
    await session.flush()
    return entry


async def entry_by_id(session: AsyncSession, *, entry_id: int) -> HoursEntry | None:
    return await session.get(HoursEntry, entry_id)


async def held_between(
    session: AsyncSession, *, start: datetime, end: datetime, stations: set[int] | None
) -> list[Activity]:
    """Activities starting in [start, end), in the given stations (None: all), by start."""
    stmt = select(Activity).where(col(Activity.starts_at) >= start, col(Activity.starts_at) < end)
    if stations is not None:
        stmt = stmt.where(col(Activity.station_id).in_(stations or {-1}))
    stmt = stmt.order_by(col(Activity.starts_at), col(Activity.id))
    return list((await session.exec(stmt)).all())


async def joined_totals(session: AsyncSession) -> dict[int, tuple[int, int, int]]:
    """Activity id → (joined sign-ups, of them attended, their credited minutes)."""
    stmt = (
        select(  # type: ignore[call-overload]
            col(ActivitySignup.activity_id),
            func.count(),
            func.sum(case((col(ActivitySignup.attended), 1), else_=0)),
            func.sum(ActivitySignup.minutes),
        )
        .where(col(ActivitySignup.status) == SignupStatus.JOINED)
        .group_by(col(ActivitySignup.activity_id))
    )
    return {
        int(aid): (int(n), int(attended or 0), int(minutes or 0))
        for aid, n, attended, minutes in (await session.exec(stmt)).all()
    }


async def activity_by_id(session: AsyncSession, *, activity_id: int) -> Activity | None:
    return await session.get(Activity, activity_id)


async def signup_by_id(session: AsyncSession, *, signup_id: int) -> ActivitySignup | None:
    return await session.get(ActivitySignup, signup_id)
