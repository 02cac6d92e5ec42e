"""Volunteer profiles (志愿者): applications, approval, suspension and availability.

Every status move is one conditional UPDATE, so two admins pressing 批准 and
拒绝 at the same moment cannot both succeed; each move is audited in the same
transaction and the volunteer is told the outcome afterwards.
"""

from __future__ import annotations

import asyncio
import logging
import re
import unicodedata
from datetime import datetime
from typing import Any

from sqlmodel.ext.asyncio.session import AsyncSession

from bot import audit, roles
from bot.deps import Deps
from bot.lifecycle import emit
from bot.notify import edit, notify
from bot.phones import normalize_mobile
from bot.reply import MessageRef, Reply
from bot.stations import ancestors
from bot.texts import choices, t
from store import cache
from store import volunteers as queries
from store.models import (
    Order,
    Person,
    Role,
    Station,
    Team,
    Volunteer,
    VolunteerStatus,
)
from store.offers import withdraw_of_volunteer

log = logging.getLogger(__name__)

NAME_MAX = 32
SKILLS_MAX = 300
HONOURS_MAX = 200
WORKING = (VolunteerStatus.ACTIVE, VolunteerStatus.PAUSED)
_CONTROL = re.compile(r"[\x00-\x1f\x7f]")


# ---------------------------------------------------------------- input cleaning


def clean_line(text: str, limit: int) -> str | None:
    """One line of free text (NFKC, control characters dropped), or None if empty/too long."""
    s = _CONTROL.sub(" ", unicodedata.normalize("NFKC", text or "")).strip()
    s = " ".join(s.split())
    if not s or len(s) > limit:
        return None
    return s


def normalize_phone(raw: str | None, *, verified: bool = False) -> str | None:
    """A mainland mobile in its 11-digit form; a contact Telegram verified may be foreign.

    Typed numbers must be mainland mobiles (the association dials them); a
    number shared with the contact button belongs to the person, so any
    plausible international number is kept as ``+<digits>``.
    """
    mobile = normalize_mobile(raw)
    if mobile is not None or not verified or not raw:
        return mobile
    digits = re.sub(r"\D", "", raw)
    return f"+{digits}" if 7 <= len(digits) <= 15 else None


# ---------------------------------------------------------------- reading


# Thin names over store.volunteers, kept for the flows that call them positionally.
async def by_person(session: AsyncSession, person_id: int) -> Volunteer | None:
    return await queries.by_person(session, person_id=person_id)


async def team_ids(session: AsyncSession, volunteer_id: int) -> list[int]:
    return await queries.team_ids(session, volunteer_id=volunteer_id)


async def teams_of(session: AsyncSession, volunteer_id: int) -> list[Team]:
    return await queries.teams_of(session, volunteer_id=volunteer_id)


def team_label(team: Team, lang: str | None) -> str:
    return team.name_en if lang == "en" and team.name_en else team.name


async def active_teams(session: AsyncSession) -> list[Team]:
    """The active teams, from the in-process cache (store.cache); read-only rows."""
    return await cache.active_teams(session)


async def station_path(session: AsyncSession, station_id: int | None) -> str:
    """``县 / 镇 / 点`` for a station (root first); empty when there is none."""
    if station_id is None:
        return ""
    names = []
    for sid in reversed(await ancestors(session, station_id)):
        station = await session.get(Station, sid)
        if station is not None:
            names.append(station.name)
    return " / ".join(names)


async def open_jobs(session: AsyncSession, volunteer_id: int) -> int:
    """Jobs the volunteer holds and has not finished (claimed, scheduled, in service)."""
    return await queries.open_jobs(session, volunteer_id=volunteer_id)


async def average_rating(session: AsyncSession, volunteer_id: int) -> tuple[float | None, int]:
    return await queries.average_rating(session, volunteer_id=volunteer_id)


async def done_jobs(session: AsyncSession, volunteer_id: int) -> int:
    return await queries.done_jobs(session, volunteer_id=volunteer_id)


# ---------------------------------------------------------------- writing


async def set_teams(session: AsyncSession, volunteer_id: int, ids: list[int]) -> list[int]:
    """Replace the volunteer's teams with the active teams among ``ids``; returns them."""
    valid = {tm.id for tm in await active_teams(session)}
    wanted = sorted({i for i in ids if i in valid})
    await queries.replace_teams(session, volunteer_id=volunteer_id, team_ids=wanted)
    return wanted


async def submit(
    session: AsyncSession,
    person: Person,
    *,
    name: str,
    phone: str | None,
    team_ids: list[int],
    station_id: int | None,
    skills: str,
    honours: str,
    now: datetime,
) -> Volunteer | None:
    """Record an application (新申请 or a re-application after a rejection).

    Returns None when the person already is a volunteer (working or suspended)
    or has an application waiting: those are not overwritten.
    """
    volunteer = await by_person(session, person.id)  # type: ignore[arg-type]
    if volunteer is not None and volunteer.status != VolunteerStatus.REJECTED:
        return None
    if volunteer is None:
        volunteer = Volunteer(person_id=person.id, name=name, created_at=now)  # type: ignore[arg-type]
    volunteer.name = name
    volunteer.phone = phone
    volunteer.station_id = station_id
    volunteer.skills = skills
    volunteer.honours = honours
    volunteer.status = VolunteerStatus.PENDING
    volunteer.approved_at = None
    volunteer.approved_by = None
    volunteer.updated_at = now
    session.add(volunteer)
    await session.flush()
    await set_teams(session, volunteer.id, team_ids)  # type: ignore[arg-type]
    if phone and not person.phone:
        person.phone = phone
        person.updated_at = now
        session.add(person)
    return volunteer


PROFILE_FIELDS = ("name", "phone", "station_id", "skills", "honours")


async def update_profile(
    session: AsyncSession, volunteer: Volunteer, now: datetime, **fields: Any
) -> Volunteer:
    """Change profile fields (``PROFILE_FIELDS``) and audit the change as the volunteer's own."""
    unknown = set(fields) - set(PROFILE_FIELDS)
    if unknown:
        raise ValueError(f"not profile fields: {sorted(unknown)}")
    before = {k: getattr(volunteer, k) for k in fields}
    for key, value in fields.items():
        setattr(volunteer, key, value)
    volunteer.updated_at = now
    session.add(volunteer)
    await audit.record(
        session,
        actor_id=volunteer.person_id,
        action="volunteer.profile",
        target_type="volunteer",
        target_id=volunteer.id,
        before=before,
        after=fields,
    )
    return volunteer


async def _move(
    session: AsyncSession,
    volunteer_id: int,
    to: str,
    expect: tuple[str, ...],
    now: datetime,
    **values: Any,
) -> bool:
    """Conditional status change: True only for the one caller that made it."""
    return await queries.move(
        session, volunteer_id=volunteer_id, to=to, expect=expect, now=now, **values
    )


def _set_role(person: Person, on: bool, now: datetime) -> None:
    current = list(person.roles or [])
    if on and Role.VOLUNTEER not in current:
        person.roles = [*current, Role.VOLUNTEER]
    elif not on and Role.VOLUNTEER in current:
        person.roles = [r for r in current if r != Role.VOLUNTEER]
    else:
        return
    person.updated_at = now


async def _change(
    deps: Deps,
    volunteer_id: int,
    *,
    to: str,
    expect: tuple[str, ...],
    by: Person | None,
    action: str,
    reason: str | None = None,
    role: bool | None = None,
    **values: Any,
) -> tuple[Volunteer, Person, str] | None:
    """Move a volunteer's status, adjust the role and audit it, in one transaction."""
    now = deps.now()
    async with deps.db.session() as session:
        volunteer = await session.get(Volunteer, volunteer_id)
        if volunteer is None:
            return None
        before = volunteer.status
        if not await _move(session, volunteer_id, to, expect, now, **values):
            return None
        person = await session.get(Person, volunteer.person_id)
        assert person is not None
        if role is not None:
            _set_role(person, role, now)
            session.add(person)
        after: dict[str, Any] = {"status": to}
        if reason:
            after["reason"] = reason
        await audit.record(
            session,
            actor_id=by.id if by else None,
            action=action,
            target_type="volunteer",
            target_id=volunteer_id,
            before={"status": before},
            after=after,
        )
    return volunteer, person, before


async def approve(deps: Deps, volunteer_id: int, *, by: Person) -> Volunteer | None:
    """Accept a pending application; None when it is not pending (already decided)."""
    changed = await _change(
        deps,
        volunteer_id,
        to=VolunteerStatus.ACTIVE,
        expect=(VolunteerStatus.PENDING,),
        by=by,
        action="volunteer.approve",
        role=True,
        approved_at=deps.now(),
        approved_by=by.id,
    )
    if changed is None:
        return None
    volunteer, person, _ = changed
    await notify(deps, person, Reply(t(person.language, "volunteer.approved", name=volunteer.name)))
    await roles.refresh_menu(deps, person)
    await emit(deps, "volunteer_approved", volunteer_id=volunteer_id)
    return volunteer


async def reject(
    deps: Deps, volunteer_id: int, *, by: Person, reason: str | None = None
) -> Volunteer | None:
    """Turn down a pending application (the applicant may apply again later)."""
    changed = await _change(
        deps,
        volunteer_id,
        to=VolunteerStatus.REJECTED,
        expect=(VolunteerStatus.PENDING,),
        by=by,
        action="volunteer.reject",
        reason=reason,
    )
    if changed is None:
        return None
    volunteer, person, _ = changed
    key = "volunteer.rejected_reason" if reason else "volunteer.rejected"
    await notify(deps, person, Reply(t(person.language, key, reason=reason or "")))
    return volunteer


async def suspend(
    deps: Deps, volunteer_id: int, *, by: Person, reason: str | None = None
) -> Volunteer | None:
    """Stop a volunteer from receiving and claiming jobs; their live offers are withdrawn.

    Jobs they already hold stay with them: the admin decides (release or reassign).
    """
    changed = await _change(
        deps,
        volunteer_id,
        to=VolunteerStatus.SUSPENDED,
        expect=WORKING,
        by=by,
        action="volunteer.suspend",
        reason=reason,
        role=False,
    )
    if changed is None:
        return None
    volunteer, person, _ = changed
    await _withdraw_live_offers(deps, volunteer_id, person.language)
    key = "volunteer.suspended_reason" if reason else "volunteer.suspended"
    await notify(deps, person, Reply(t(person.language, key, reason=reason or "")))
    await roles.refresh_menu(deps, person)
    return volunteer


async def resume(deps: Deps, volunteer_id: int, *, by: Person) -> Volunteer | None:
    """Lift a suspension: the volunteer is active (taking offers) again."""
    changed = await _change(
        deps,
        volunteer_id,
        to=VolunteerStatus.ACTIVE,
        expect=(VolunteerStatus.SUSPENDED,),
        by=by,
        action="volunteer.resume",
        role=True,
    )
    if changed is None:
        return None
    volunteer, person, _ = changed
    await notify(deps, person, Reply(t(person.language, "volunteer.resumed")))
    await roles.refresh_menu(deps, person)
    return volunteer


async def set_available(deps: Deps, volunteer: Volunteer, available: bool) -> bool:
    """/available and /busy: ACTIVE ↔ PAUSED. False when it already was so (or not working).

    ``volunteer`` is updated in place to the new status.
    """
    to, expect = (
        (VolunteerStatus.ACTIVE, VolunteerStatus.PAUSED)
        if available
        else (VolunteerStatus.PAUSED, VolunteerStatus.ACTIVE)
    )
    async with deps.db.session() as session:
        won = await _move(session, volunteer.id, to, (expect,), deps.now())  # type: ignore[arg-type]
    if won:
        volunteer.status = to
    return won


async def _withdraw_live_offers(deps: Deps, volunteer_id: int, lang: str | None) -> None:
    """Offers a suspended volunteer has not answered: withdrawn, their messages edited."""
    async with deps.db.session() as session:
        rows = await withdraw_of_volunteer(session, volunteer_id=volunteer_id, now=deps.now())
        codes = {}
        for order_id, *_ in rows:
            order = await session.get(Order, order_id)
            codes[order_id] = order.code if order else ""
    text_of = {oid: t(lang, "dispatch.offer.withdrawn", code=code) for oid, code in codes.items()}
    await asyncio.gather(
        *(
            edit(deps, MessageRef(platform, chat_id, message_id), Reply(text_of[order_id]))
            for order_id, platform, chat_id, message_id in rows
            if platform and chat_id and message_id
        )
    )


# ---------------------------------------------------------------- presenting


async def describe(session: AsyncSession, volunteer: Volunteer, lang: str | None) -> dict[str, str]:
    """The profile's fields as display strings (escaped later by ``t``)."""
    teams = await teams_of(session, volunteer.id)  # type: ignore[arg-type]
    none = t(lang, "volunteer.none")
    return {
        "name": volunteer.name,
        "phone": volunteer.phone or none,
        "teams": "、".join(team_label(tm, lang) for tm in teams) or none,
        "station": await station_path(session, volunteer.station_id) or none,
        "skills": volunteer.skills or none,
        "honours": volunteer.honours or none,
        "status": t(lang, choices.VOLUNTEER_STATUS[volunteer.status]),
    }


async def application_text(session: AsyncSession, volunteer: Volunteer, lang: str | None) -> str:
    """What admins see of an application (phone included: admins may call the applicant)."""
    fields = await describe(session, volunteer, lang)
    return t(lang, "volunteer.application", **fields)
