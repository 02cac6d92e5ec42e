"""Activities (活动): publishing, the offer to volunteers, sign-up, reminders, attendance.

Everything that must survive a crash is a row written before anything is sent:
the activity and its offer task in one transaction, each invitation before its
message, each sign-up as a unique (activity, person) row. A re-run of the offer
wave therefore re-sends only unsent invitations and never touches a sign-up.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from bot import callbacks, roles
from bot.deps import Deps
from bot.dispatch.work import spawn
from bot.lifecycle import emit
from bot.notify import edit, notify
from bot.reply import Button, MessageRef, Reply
from bot.texts import t
from bot.timeparse import format_window
from store import activities as store
from store import tasks
from store.models import (
    Activity,
    ActivitySignup,
    ActivityStatus,
    HoursSource,
    Person,
    SignupStatus,
    Task,
    Team,
    Volunteer,
)

log = logging.getLogger(__name__)

OFFER_TASK = "activity_offer"
REMIND_TASK = "activity_remind"
# Button verbs (handled in bot.flows.activities).
JOIN = callbacks.ACTIVITY_JOIN  # <id>: 报名参加 / 报名 / 我要参加
DECLINE = callbacks.ACTIVITY_DECLINE  # 不方便
LEAVE = callbacks.ACTIVITY_LEAVE  # 取消报名
CHECKIN = callbacks.ACTIVITY_CHECK_IN
CHECKOUT = callbacks.ACTIVITY_CHECK_OUT
MANAGE = callbacks.ACTIVITY_MANAGE  # the organiser's view
MARK = callbacks.ACTIVITY_MARK_PRESENT  # <signup id>: mark present
MESSAGE = callbacks.ACTIVITY_MESSAGE
CANCEL = callbacks.ACTIVITY_CANCEL
REPORT = callbacks.ACTIVITY_REPORT


def key_prefix(activity_id: int) -> str:
    return f"activity:{activity_id}:"


def minutes_of(activity: Activity) -> int:
    return max(0, int((activity.ends_at - activity.starts_at).total_seconds() // 60))


# ---------------------------------------------------------------- texts of an activity


async def describe(deps: Deps, activity: Activity, lang: str | None) -> str:
    """The activity card's text (no buttons), for offers, lists and the deep link."""
    async with deps.db.session() as session:
        team = await session.get(Team, activity.team_id) if activity.team_id else None
    place = t(lang, "act.online") if activity.online else activity.place
    residents = (
        t(lang, "act.card.residents", n=activity.residents_joined, slots=activity.resident_slots)
        if activity.resident_slots
        else ""
    )
    return t(
        lang,
        "act.card",
        title=activity.title,
        id=activity.id,
        when=format_window(activity.starts_at, activity.ends_at, deps.settings.tz, lang),
        place=place,
        team=team.name if team else t(lang, "act.any_team"),
        joined=activity.volunteers_joined,
        slots=activity.volunteer_slots,
        residents=residents,
        description=activity.description or "—",
    )


def offer_buttons(lang: str | None, activity_id: int) -> tuple[tuple[Button, ...], ...]:
    return (
        (
            Button(t(lang, "act.btn.offer_join"), callbacks.encode(JOIN, activity_id)),
            Button(t(lang, "act.btn.decline"), callbacks.encode(DECLINE, activity_id)),
        ),
    )


# ---------------------------------------------------------------- publishing and the offer


@dataclass(frozen=True)
class Draft:
    title: str
    team_id: int | None
    station_id: int | None
    starts_at: datetime
    ends_at: datetime
    place: str
    online: bool
    volunteer_slots: int
    resident_slots: int
    description: str


async def publish(deps: Deps, draft: Draft, *, by: Person, wait: bool = True) -> Activity:
    """发布: the activity, its offer task and its reminders in one transaction; then the offer."""
    now = deps.now()
    async with deps.db.session() as session:
        activity = Activity(
            title=draft.title,
            team_id=draft.team_id,
            station_id=draft.station_id,
            starts_at=draft.starts_at,
            ends_at=draft.ends_at,
            place=draft.place,
            online=draft.online,
            volunteer_slots=draft.volunteer_slots,
            resident_slots=draft.resident_slots,
            description=draft.description,
            created_by=by.id,
            created_at=now,
            updated_at=now,
        )
        session.add(activity)
        await session.flush()
        aid = activity.id
        assert aid is not None
        # The safety net: if we die before the offer went out, the scheduler sends it.
        await tasks.enqueue(
            session, OFFER_TASK, now, {"activity_id": aid}, key=f"{key_prefix(aid)}offer"
        )
        for offset in deps.settings.reminder_offsets:
            due = draft.starts_at - offset
            if due > now:
                await tasks.enqueue(
                    session,
                    REMIND_TASK,
                    due,
                    {"activity_id": aid, "starts_at": draft.starts_at.isoformat()},
                    key=f"{key_prefix(aid)}remind:{int(offset.total_seconds())}",
                )
    await emit(deps, "activity_published", activity_id=aid)  # e.g. tagged with a campaign
    if wait:
        await _offer_now(deps, aid)
    else:
        # The organiser should not wait for every volunteer's chat; the task row covers a crash.
        spawn(deps, _offer_now(deps, aid))
    return activity


async def _offer_now(deps: Deps, activity_id: int) -> None:
    await offer(deps, activity_id)
    async with deps.db.session() as session:
        await tasks.cancel(session, key=f"{key_prefix(activity_id)}offer")


async def offer(deps: Deps, activity_id: int) -> int:
    """Invite the team's volunteers in the station subtree; returns how many were sent.

    Idempotent: invitation rows first (one per person, never over a sign-up), then
    a message for each invitation not yet sent.
    """
    now = deps.now()
    async with deps.db.session() as session:
        activity = await session.get(Activity, activity_id)
        if (
            activity is None
            or activity.status != ActivityStatus.PUBLISHED
            or activity.ends_at <= now
        ):
            return 0
        stations = (
            await roles.subtree_ids(session, activity.station_id)
            if activity.station_id is not None
            else None
        )
        for vid, pid in await store.invitees(session, team_id=activity.team_id, stations=stations):
            await store.invite(
                session, activity_id=activity_id, volunteer_id=vid, person_id=pid, now=now
            )
    async with deps.db.session() as session:
        unsent = await store.unsent_invitations(session, activity_id=activity_id)
        people = {p.id: p for p in [await session.get(Person, s.person_id) for s in unsent] if p}
    sent = 0
    cards: dict[str | None, str] = {}
    for signup in unsent:
        person = people.get(signup.person_id)
        if person is None:
            continue
        lang = person.language
        if lang not in cards:
            cards[lang] = t(lang, "act.offer_head") + "\n" + await describe(deps, activity, lang)
        ref = await notify(
            deps, person, Reply(cards[lang], buttons=offer_buttons(lang, activity_id))
        )
        if ref is None:
            continue
        async with deps.db.session() as session:
            await store.mark_sent(
                session,
                signup_id=signup.id,  # type: ignore[arg-type]
                platform=ref.platform,
                chat_id=ref.chat_id,
                message_id=ref.message_id,
            )
        sent += 1
    return sent


async def run_offer(deps: Deps, task: Task) -> None:
    await offer(deps, int(task.payload["activity_id"]))


# ---------------------------------------------------------------- sign-up


async def join(deps: Deps, activity_id: int, person: Person, volunteer: Volunteer | None) -> str:
    """Sign ``person`` up; returns the text key of the answer."""
    now = deps.now()
    async with deps.db.session() as session:
        activity = await session.get(Activity, activity_id)
        if activity is None or activity.status != ActivityStatus.PUBLISHED:
            return "act.gone"
        if activity.ends_at <= now:
            return "act.over"
        role = store.VOLUNTEER if volunteer is not None else store.RESIDENT
        if role == store.RESIDENT and activity.resident_slots <= 0:
            return "act.residents_closed"
        result = await store.join(
            session,
            activity_id=activity_id,
            person_id=person.id,  # type: ignore[arg-type]
            volunteer_id=volunteer.id if volunteer else None,
            role=role,
            now=now,
        )
    if result is None:
        return "act.already"
    return "act.joined" if result == SignupStatus.JOINED else "act.waitlisted"


async def decline(deps: Deps, activity_id: int, person: Person) -> bool:
    async with deps.db.session() as session:
        return await store.decline(
            session,
            activity_id=activity_id,
            person_id=person.id,  # type: ignore[arg-type]
            now=deps.now(),
        )


async def leave(deps: Deps, activity_id: int, person: Person) -> str:
    """取消报名 until the cut-off; the first waitlisted person moves up and is told."""
    now = deps.now()
    async with deps.db.session() as session:
        activity = await session.get(Activity, activity_id)
        if activity is None or activity.status != ActivityStatus.PUBLISHED:
            return "act.gone"
        if now > activity.starts_at - deps.settings.activity_cutoff:
            return "act.too_late"
        result = await store.withdraw(
            session,
            activity_id=activity_id,
            person_id=person.id,  # type: ignore[arg-type]
            now=now,
        )
        promoted = (
            await session.get(Person, result.promoted_person_id)
            if result and result.promoted_person_id
            else None
        )
    if result is None:
        return "act.not_in"
    if promoted is not None:
        lang = promoted.language
        text = t(lang, "act.promoted") + "\n" + await describe(deps, activity, lang)
        await notify(deps, promoted, Reply(text))
    return "act.left"


# ---------------------------------------------------------------- reminders, messages, cancel


async def participants(
    deps: Deps, activity_id: int, statuses: tuple[str, ...] = (SignupStatus.JOINED,)
) -> list[Person]:
    async with deps.db.session() as session:
        rows = await store.signups(session, activity_id=activity_id, statuses=statuses)
    return [p for _, p in rows]


async def run_remind(deps: Deps, task: Task) -> None:
    """Task ``activity_remind``: tell everyone signed up, if the activity is still on as booked."""
    aid = int(task.payload["activity_id"])
    async with deps.db.session() as session:
        activity = await session.get(Activity, aid)
    if (
        activity is None
        or activity.status != ActivityStatus.PUBLISHED
        or activity.starts_at.isoformat() != task.payload.get("starts_at")
        or activity.starts_at <= deps.now()
    ):
        return
    for person in await participants(deps, aid):
        lang = person.language
        text = t(lang, "act.reminder") + "\n" + await describe(deps, activity, lang)
        await notify(deps, person, Reply(text))


async def message_all(deps: Deps, activity_id: int, text: str, *, by: Person) -> int:
    """The organiser's message to everyone signed up (and waiting); how many received it."""
    async with deps.db.session() as session:
        activity = await session.get(Activity, activity_id)
    if activity is None:
        return 0
    sent = 0
    for person in await participants(deps, activity_id, SignupStatus.IN):
        body = t(person.language, "act.message", title=activity.title, text=text)
        if await notify(deps, person, Reply(body)) is not None:
            sent += 1
    return sent


async def cancel(deps: Deps, activity_id: int, *, by: Person) -> bool:
    """Cancel the activity, drop its tasks, and tell everyone signed up or waiting."""
    now = deps.now()
    async with deps.db.session() as session:
        if not await store.cancel(session, activity_id=activity_id, now=now):
            return False
        await tasks.cancel(session, key_prefix=key_prefix(activity_id))
        activity = await session.get(Activity, activity_id)
    assert activity is not None
    for person in await participants(deps, activity_id, SignupStatus.IN):
        await notify(deps, person, Reply(t(person.language, "act.cancelled", title=activity.title)))
    # Unanswered offers lose their buttons, so nobody signs up to a cancelled activity.
    async with deps.db.session() as session:
        invited = await store.signups(
            session, activity_id=activity_id, statuses=(SignupStatus.INVITED,)
        )
    for signup, person in invited:
        if signup.platform and signup.chat_id and signup.message_id:
            ref = MessageRef(signup.platform, signup.chat_id, signup.message_id)
            text = t(person.language, "act.cancelled", title=activity.title)
            await edit(deps, ref, Reply(text))
    return True


# ---------------------------------------------------------------- check-in, attendance, hours


async def check_in(
    deps: Deps,
    activity_id: int,
    person: Person,
    latitude: float | None = None,
    longitude: float | None = None,
) -> str:
    now = deps.now()
    async with deps.db.session() as session:
        activity = await session.get(Activity, activity_id)
        signup = await store.signup_of(
            session,
            activity_id=activity_id,
            person_id=person.id,  # type: ignore[arg-type]
        )
        if activity is None or activity.status != ActivityStatus.PUBLISHED:
            return "act.gone"
        if signup is None or signup.status != SignupStatus.JOINED:
            return "act.not_in"
        opens = activity.starts_at - deps.settings.checkin_window
        if not opens <= now <= activity.ends_at:
            return "act.checkin_closed"
        ok = await store.check_in(
            session,
            signup_id=signup.id,  # type: ignore[arg-type]
            now=now,
            latitude=latitude,
            longitude=longitude,
        )
    return "act.checked_in" if ok else "act.already_in"


async def record_location(
    deps: Deps, activity_id: int, person: Person, latitude: float, longitude: float
) -> bool:
    """The optional location of a check-in, shared right after it."""
    async with deps.db.session() as session:
        signup = await store.signup_of(
            session,
            activity_id=activity_id,
            person_id=person.id,  # type: ignore[arg-type]
        )
        if signup is None or signup.checked_in_at is None:
            return False
        signup.latitude, signup.longitude = latitude, longitude
        signup.updated_at = deps.now()
        session.add(signup)
    return True


async def check_out(deps: Deps, activity_id: int, person: Person) -> tuple[str, int]:
    """签退: hours from check-in to now, capped at the activity's length."""
    now = deps.now()
    async with deps.db.session() as session:
        activity = await session.get(Activity, activity_id)
        signup = await store.signup_of(
            session,
            activity_id=activity_id,
            person_id=person.id,  # type: ignore[arg-type]
        )
        if activity is None or signup is None or signup.checked_in_at is None:
            return "act.not_checked_in", 0
        if not await store.check_out(session, signup_id=signup.id, now=now):  # type: ignore[arg-type]
            return "act.already_out", 0
        start = max(signup.checked_in_at, activity.starts_at)
        end = min(now, activity.ends_at)
        minutes = min(max(0, int((end - start).total_seconds() // 60)), minutes_of(activity))
        await _credit_signup(session, deps, activity, signup, minutes, now)
    return "act.checked_out", minutes


async def _credit_signup(
    session: Any,
    deps: Deps,
    activity: Activity,
    signup: ActivitySignup,
    minutes: int,
    now: datetime,
) -> None:
    cap = deps.settings.job_hours_cap * 60
    minutes = min(minutes, cap)
    signup.minutes = minutes
    session.add(signup)
    if signup.volunteer_id is not None:
        await store.credit(
            session,
            volunteer_id=signup.volunteer_id,
            source=HoursSource.ACTIVITY,
            minutes=minutes,
            now=now,
            activity_id=activity.id,
        )


async def mark_present(deps: Deps, signup_id: int, *, by: Person) -> bool:
    """The organiser marks someone without a phone present: the full length counts."""
    now = deps.now()
    async with deps.db.session() as session:
        if not await store.mark_attended(session, signup_id=signup_id, now=now):
            return False
        signup = await session.get(ActivitySignup, signup_id)
        assert signup is not None
        activity = await session.get(Activity, signup.activity_id)
        assert activity is not None
        if signup.minutes is None:
            await _credit_signup(session, deps, activity, signup, minutes_of(activity), now)
    return True


async def record_report(
    deps: Deps, activity_id: int, *, served: int, summary: str, photos: list[str]
) -> bool:
    """惠及人数, a short summary and photos, recorded by the organiser."""
    async with deps.db.session() as session:
        activity = await session.get(Activity, activity_id)
        if activity is None:
            return False
        activity.served_count = served
        activity.summary = summary[:1000]
        activity.photos = list(photos[:5])
        activity.updated_at = deps.now()
        session.add(activity)
    return True


def cutoff_passed(deps: Deps, activity: Activity) -> bool:
    return deps.now() > activity.starts_at - deps.settings.activity_cutoff


def checkin_open(deps: Deps, activity: Activity) -> bool:
    now = deps.now()
    return activity.starts_at - deps.settings.checkin_window <= now <= activity.ends_at


def within(delta: timedelta, at: datetime, now: datetime) -> bool:
    return now - at <= delta
