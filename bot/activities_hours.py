"""Service hours that are right: capped, questioned when implausibly short, correctable.

Every credit is an ``HoursEntry``; ``Volunteer.service_minutes`` (what star levels
read) moves by the same amount in the same transaction. A job started and
finished in one go (under ``SHORT_JOB``) asks the volunteer for the real time.
Corrections are audited with who, before, after and why.
"""

from __future__ import annotations

import re
import unicodedata
from datetime import timedelta
from typing import Any

from bot import audit, callbacks
from bot.deps import Deps
from bot.notify import notify
from bot.reply import Button, Reply
from bot.texts import t
from store import activities as store
from store import staff as staff_store
from store.models import HoursEntry, HoursSource, Order, Person, Volunteer

SHORT_JOB = timedelta(minutes=5)
SELF_CORRECT_WITHIN = timedelta(hours=48)
SELF_MAX_MINUTES = 12 * 60
SET = callbacks.HOURS_SET  # hrs_set:<entry>:<minutes>
EDIT = callbacks.HOURS_EDIT  # hrs_edit:<entry>: type another duration
QUICK = (30, 60, 120, 180)
ACTION = "hours.correct"

_NUM = r"(\d+(?:\.\d+)?)"
_HOURS = re.compile(_NUM + r"\s*(?:个)?(?:小时|钟头|h|hr|hrs|hour|hours)")
_MINUTES = re.compile(_NUM + r"\s*(?:分钟|分|m|min|mins|minutes?)")


def parse_minutes(text: str) -> int | None:
    """Minutes in "1.5小时", "90分钟", "1小时30分", "半小时", "2h", or a bare number of hours."""
    s = unicodedata.normalize("NFKC", text).strip().lower().replace(" ", "")
    s = s.replace("一个半小时", "1.5小时").replace("半小时", "0.5小时").replace("半天", "4小时")
    s = s.replace("个半小时", ".5小时")
    if not s:
        return None
    if re.fullmatch(_NUM, s):
        return round(float(s) * 60)
    total, pos = 0.0, 0
    for pattern, factor in ((_HOURS, 60), (_MINUTES, 1)):
        m = pattern.match(s, pos)
        if m:
            total += float(m.group(1)) * factor
            pos = m.end()
    if pos != len(s) or pos == 0:
        return None
    return round(total)


def label(lang: str | None, minutes: int) -> str:
    h, m = divmod(minutes, 60)
    if h and m:
        return t(lang, "hours.hm", h=h, m=m)
    return t(lang, "hours.h", h=h) if h else t(lang, "hours.m", m=m)


def ask_buttons(lang: str | None, entry_id: int) -> tuple[tuple[Button, ...], ...]:
    quick = tuple(Button(label(lang, m), callbacks.encode(SET, entry_id, m)) for m in QUICK)
    return (
        quick[:2],
        quick[2:],
        (Button(t(lang, "hours.btn.other"), callbacks.encode(EDIT, entry_id)),),
    )


async def on_job_done(
    deps: Deps, *, order_id: int, volunteer_id: int, service_minutes: int = 0, **_: Any
) -> None:
    """Record the job's hours (capped); ask for the real time when it looks too short."""
    now, cap = deps.now(), deps.settings.job_hours_cap * 60
    async with deps.db.session() as session:
        minutes = service_minutes
        if minutes > cap:
            # finish_service already added the raw minutes; take the excess back.
            await store.cap_job_minutes(
                session, order_id=order_id, volunteer_id=volunteer_id, minutes=minutes, cap=cap
            )
            minutes = cap
        entry = await store.add_entry(
            session,
            entry=HoursEntry(
                volunteer_id=volunteer_id,
                source=HoursSource.JOB,
                order_id=order_id,
                minutes=minutes,
                created_at=now,
                updated_at=now,
            ),
        )
        volunteer = await session.get(Volunteer, volunteer_id)
        person = await session.get(Person, volunteer.person_id) if volunteer else None
        order = await session.get(Order, order_id)
    if person is None or order is None or timedelta(minutes=minutes) >= SHORT_JOB:
        return
    lang = person.language
    text = t(lang, "hours.ask_short", code=order.code, minutes=minutes)
    await notify(deps, person, Reply(text, buttons=ask_buttons(lang, entry.id)))  # type: ignore[arg-type]


async def correct(
    deps: Deps,
    entry_id: int,
    minutes: int,
    *,
    by: Person,
    reason: str = "",
    as_admin: bool = False,
) -> tuple[int, int] | str:
    """Set an entry's minutes; (before, after) or the text key of the refusal.

    The volunteer may correct their own within 48 h, up to 12 h; admins (whose
    scope the caller checked) any time, up to the per-job cap, with a reason.
    """
    now, cap = deps.now(), deps.settings.job_hours_cap * 60
    if minutes < 0:
        return "hours.bad"
    async with deps.db.session() as session:
        entry = await session.get(HoursEntry, entry_id)
        if entry is None:
            return "hours.no_entry"
        volunteer = await session.get(Volunteer, entry.volunteer_id)
        if not as_admin:
            if volunteer is None or volunteer.person_id != by.id:
                return "hours.no_entry"
            if now - entry.created_at > SELF_CORRECT_WITHIN:
                return "hours.too_old"
            if minutes > min(SELF_MAX_MINUTES, cap):
                return "hours.too_long"
        elif minutes > cap:
            return "hours.too_long"
        changed = await store.set_minutes(session, entry_id=entry_id, minutes=minutes, now=now)
        assert changed is not None
        if entry.order_id is not None:
            await store.set_order_minutes(session, order_id=entry.order_id, minutes=minutes)
            order = await session.get(Order, entry.order_id)
            if order is not None and order.volunteer_id == entry.volunteer_id:
                # A team job (组队式服务): the lead's real time is the members' too, unless
                # a member already corrected their own.
                for other in await staff_store.team_job_entries(
                    session, order_id=entry.order_id, minutes=changed[0], besides=entry.volunteer_id
                ):
                    await store.set_minutes(
                        session,
                        entry_id=other.id,  # type: ignore[arg-type]
                        minutes=minutes,
                        now=now,
                    )
        await audit.record(
            session,
            actor_id=by.id,
            action=ACTION,
            target_type="hours",
            target_id=entry_id,
            before={"minutes": changed[0]},
            after={"minutes": changed[1], "reason": reason, "volunteer_id": entry.volunteer_id},
        )
    return changed


async def add_offline(
    deps: Deps, volunteer_id: int, minutes: int, note: str, *, by: Person
) -> HoursEntry:
    """/addhours: service done away from the bot, so star levels count everything."""
    now = deps.now()
    async with deps.db.session() as session:
        entry = await store.credit(
            session,
            volunteer_id=volunteer_id,
            source=HoursSource.OFFLINE,
            minutes=minutes,
            now=now,
            note=note,
            recorded_by=by.id,
        )
        await audit.record(
            session,
            actor_id=by.id,
            action="hours.add",
            target_type="volunteer",
            target_id=volunteer_id,
            after={"minutes": minutes, "note": note, "entry_id": entry.id},
        )
    return entry
