"""名师带徒 (issue 20): a model worker and an apprentice, paired for months, with tracked progress.

A pairing is created by an admin (or by a volunteer, as its mentor) and accepted by the
apprentice through ``?start=mentor-<code>`` (or is active at once when an admin pairs
someone who asked). From the start, every ``mentor_checkin_interval`` both are asked for
a short progress note and the hours spent together (a ``mentor_checkin`` task per round);
an unanswered check-in is nudged after a quarter of the interval and the admins are
alerted after half of it. The mentor's hours are credited as service hours
(``HoursEntry`` of source ``mentor``). The mentor records milestones; the pairing ends
with a completion note and both rate it.
"""

from __future__ import annotations

import re
import secrets
import unicodedata
from datetime import datetime

from bot import audit, callbacks
from bot.deps import Deps
from bot.notify import notify, notify_admins
from bot.reply import Button, Reply
from bot.texts import t
from store import mentors as store
from store import tasks
from store.activities import credit
from store.models import (
    HoursSource,
    MentorMilestone,
    MentorPairing,
    MentorRequest,
    PairingStatus,
    Person,
    Task,
    Volunteer,
)
from store.people import person_by_id
from store.volunteers import volunteer_by_id

CHECKIN_TASK = "mentor_checkin"
NUDGE_TASK = "mentor_nudge"
ALERT_TASK = "mentor_alert"

# "想拜劳模为师", "想拜师学焊接", "收我做徒弟", "长期跟着学手艺": a long apprenticeship, not a job.
# A bare 徒弟/学徒 is not enough: "学徒工的上岗培训" is a training job for a team.
_MENTORSHIP = re.compile(
    r"拜.{0,8}为师|拜师|收.{0,3}(?:为|做|当)?徒|带徒|[当做]{1}.{0,2}徒弟|"
    r"长期.{0,8}跟.{0,6}学|跟着.{0,6}(?:师傅|劳模|工匠|大师).{0,4}学"
)


def looks_like_mentorship(text: str) -> bool:
    """Whether a request asks to learn a craft from a master over time (名师带徒)."""
    return bool(_MENTORSHIP.search(unicodedata.normalize("NFKC", text)))


def new_code() -> str:
    return secrets.token_hex(5)


def _key(pairing_id: int, what: str) -> str:
    return f"mentor:{pairing_id}:{what}"


# ---------------------------------------------------------------- creating and accepting


async def create(
    deps: Deps,
    *,
    mentor: Volunteer,
    apprentice: Person | None,
    apprentice_name: str,
    skill: str,
    goals: str,
    starts_at: datetime,
    ends_at: datetime,
    by: Person,
    request_id: int | None = None,
) -> MentorPairing:
    """A new pairing: invited (a deep link for the apprentice), or active when they are known."""
    now = deps.now()
    async with deps.db.session() as session:
        pairing = await store.add_pairing(
            session,
            pairing=MentorPairing(
                code=new_code(),
                mentor_id=mentor.id,  # type: ignore[arg-type]
                apprentice_id=apprentice.id if apprentice else None,
                apprentice_name=apprentice_name[:64],
                skill=skill[:100],
                goals=goals[:500],
                starts_at=starts_at,
                ends_at=ends_at,
                status=PairingStatus.ACTIVE if apprentice else PairingStatus.INVITED,
                station_id=mentor.station_id,
                created_by=by.id,
                created_at=now,
                accepted_at=now if apprentice else None,
            ),
        )
        if apprentice is not None:
            await _schedule_round(session, deps, pairing, 1)
        if request_id is not None:
            request = await store.request_by_id(session, request_id=request_id)
            if request is not None:
                request.pairing_id = pairing.id
                session.add(request)
        await audit.record(
            session,
            actor_id=by.id,
            action="mentor.create",
            target_type="pairing",
            target_id=pairing.id,
            after={"mentor": mentor.name, "apprentice": apprentice_name, "skill": skill},
        )
    await _tell_mentor(deps, pairing, mentor, by)
    if apprentice is not None:
        await _tell_apprentice_paired(deps, pairing, mentor, apprentice)
    return pairing


async def _tell_mentor(deps: Deps, pairing: MentorPairing, mentor: Volunteer, by: Person) -> None:
    if mentor.person_id == by.id:
        return
    async with deps.db.session() as session:
        person = await person_by_id(session, person_id=mentor.person_id)
    if person is not None:
        text = t(
            person.language,
            "mentors.mentor.paired",
            apprentice=pairing.apprentice_name,
            skill=pairing.skill,
            id=pairing.id,
        )
        await notify(deps, person, Reply(text))


async def _tell_apprentice_paired(
    deps: Deps, pairing: MentorPairing, mentor: Volunteer, apprentice: Person
) -> None:
    text = t(
        apprentice.language,
        "mentors.apprentice.paired",
        mentor=mentor.name,
        skill=pairing.skill,
        every=every_text(deps, apprentice.language),
    )
    await notify(deps, apprentice, Reply(text))


def every_text(deps: Deps, lang: str | None) -> str:
    days = deps.settings.mentor_checkin_interval.total_seconds() / 86400
    if days >= 1:
        return t(lang, "mentors.every.days", n=round(days))
    hours = deps.settings.mentor_checkin_interval.total_seconds() / 3600
    return t(lang, "mentors.every.hours", n=max(1, round(hours)))


async def accept(deps: Deps, pairing: MentorPairing, person: Person) -> bool:
    """The apprentice's 确认拜师: the pairing becomes active and its check-ins are scheduled."""
    now = deps.now()
    async with deps.db.session() as session:
        if not await store.move_pairing(
            session,
            pairing_id=pairing.id,  # type: ignore[arg-type]
            from_status=PairingStatus.INVITED,
            to_status=PairingStatus.ACTIVE,
            apprentice_id=person.id,
            accepted_at=now,
        ):
            return False
        fresh = await store.pairing_by_id(session, pairing_id=pairing.id)
        assert fresh is not None
        await session.refresh(fresh)
        await _schedule_round(session, deps, fresh, 1)
        mentor = await volunteer_by_id(session, volunteer_id=pairing.mentor_id)
        mentor_person = await person_by_id(session, person_id=mentor.person_id if mentor else None)
    if mentor_person is not None:
        text = t(
            mentor_person.language,
            "mentors.mentor.accepted",
            apprentice=person.display_name or pairing.apprentice_name,
            skill=pairing.skill,
        )
        await notify(deps, mentor_person, Reply(text))
    return True


# ---------------------------------------------------------------- check-ins


def _round_due(deps: Deps, pairing: MentorPairing, round_no: int) -> datetime:
    base = max(pairing.starts_at, pairing.accepted_at or pairing.starts_at)
    return base + deps.settings.mentor_checkin_interval * round_no


async def _schedule_round(session, deps: Deps, pairing: MentorPairing, round_no: int) -> None:  # type: ignore[no-untyped-def]
    await tasks.enqueue(
        session,
        CHECKIN_TASK,
        _round_due(deps, pairing, round_no),
        {"pairing_id": pairing.id, "round": round_no},
        key=_key(pairing.id, f"checkin:{round_no}"),  # type: ignore[arg-type]
    )


async def run_checkin(deps: Deps, task: Task) -> None:
    """The ``mentor_checkin`` task: ask both for progress, then schedule nudge, alert and next."""
    pairing_id, round_no = int(task.payload["pairing_id"]), int(task.payload["round"])
    now = deps.now()
    interval = deps.settings.mentor_checkin_interval
    async with deps.db.session() as session:
        pairing = await store.pairing_by_id(session, pairing_id=pairing_id)
        if (
            pairing is None
            or pairing.status != PairingStatus.ACTIVE
            or pairing.apprentice_id is None
        ):
            return
        mentor = await volunteer_by_id(session, volunteer_id=pairing.mentor_id)
        if mentor is None:
            return
        asked = [
            await store.add_checkin(
                session,
                pairing_id=pairing_id,
                round_no=round_no,
                person_id=mentor.person_id,
                mentor=True,
                now=now,
            ),
            await store.add_checkin(
                session,
                pairing_id=pairing_id,
                round_no=round_no,
                person_id=pairing.apprentice_id,
                mentor=False,
                now=now,
            ),
        ]
        for kind, after in ((NUDGE_TASK, interval / 4), (ALERT_TASK, interval / 2)):
            await tasks.enqueue(
                session,
                kind,
                now + after,
                {"pairing_id": pairing_id, "round": round_no},
                key=_key(pairing_id, f"{kind}:{round_no}"),
            )
        planned_end = _round_due(deps, pairing, round_no + 1) > pairing.ends_at
        if not planned_end:
            await _schedule_round(session, deps, pairing, round_no + 1)
        people = {c.id: await person_by_id(session, person_id=c.person_id) for c in asked}
    for checkin in asked:
        person = people.get(checkin.id)
        if person is None or checkin.answered_at is not None:
            continue
        await notify(deps, person, checkin_prompt(person.language, pairing, checkin.id, round_no))  # type: ignore[arg-type]
    if planned_end:
        await _tell_planned_end(deps, pairing, mentor)


def checkin_prompt(
    lang: str | None, pairing: MentorPairing, checkin_id: int, round_no: int
) -> Reply:
    text = t(lang, "mentors.checkin.ask", skill=pairing.skill, round=round_no)
    button = Button(
        t(lang, "mentors.btn.checkin"), callbacks.encode(callbacks.MENTOR_CHECKIN, checkin_id)
    )
    return Reply(text, buttons=((button,),))


async def _tell_planned_end(deps: Deps, pairing: MentorPairing, mentor: Volunteer) -> None:
    async with deps.db.session() as session:
        person = await person_by_id(session, person_id=mentor.person_id)
    if person is not None:
        button = Button(
            t(person.language, "mentors.btn.finish"),
            callbacks.encode(callbacks.MENTOR_FINISH, pairing.id),
        )
        text = t(person.language, "mentors.checkin.planned_end", apprentice=pairing.apprentice_name)
        await notify(deps, person, Reply(text, buttons=((button,),)))


async def _unanswered(
    deps: Deps, task: Task
) -> tuple[MentorPairing | None, list[tuple[int, Person]]]:
    pairing_id, round_no = int(task.payload["pairing_id"]), int(task.payload["round"])
    async with deps.db.session() as session:
        pairing = await store.pairing_by_id(session, pairing_id=pairing_id)
        if pairing is None or pairing.status != PairingStatus.ACTIVE:
            return None, []
        missing = []
        for checkin in await store.checkins(session, pairing_id=pairing_id, round_no=round_no):
            person = await person_by_id(session, person_id=checkin.person_id)
            if checkin.answered_at is None and person is not None:
                missing.append((checkin.id, person))
    return pairing, missing  # type: ignore[return-value]


async def run_nudge(deps: Deps, task: Task) -> None:
    """The ``mentor_nudge`` task: one reminder to whoever has not answered the round."""
    pairing, missing = await _unanswered(deps, task)
    round_no = int(task.payload["round"])
    for checkin_id, person in missing:
        async with deps.db.session() as session:
            checkin = await store.checkin_by_id(session, checkin_id=checkin_id)
            if checkin is None or checkin.nudged_at is not None:
                continue
            await store.mark_checkin(session, checkin_id=checkin_id, nudged_at=deps.now())
        prompt = checkin_prompt(person.language, pairing, checkin_id, round_no)  # type: ignore[arg-type]
        nudge = t(person.language, "mentors.checkin.nudge")
        await notify(deps, person, Reply(nudge + "\n" + prompt.text, buttons=prompt.buttons))


async def run_alert(deps: Deps, task: Task) -> None:
    """The ``mentor_alert`` task: the admins hear who still has not answered."""
    pairing, missing = await _unanswered(deps, task)
    if pairing is None or not missing:
        return
    names = []
    async with deps.db.session() as session:
        for checkin_id, person in missing:
            checkin = await store.checkin_by_id(session, checkin_id=checkin_id)
            if checkin is None or checkin.alerted_at is not None:
                continue
            await store.mark_checkin(session, checkin_id=checkin_id, alerted_at=deps.now())
            names.append(person.display_name or str(person.id))
        mentor = await volunteer_by_id(session, volunteer_id=pairing.mentor_id)
    if not names:
        return
    lang = deps.settings.language
    text = t(
        lang,
        "mentors.checkin.alert",
        id=pairing.id,
        mentor=mentor.name if mentor else "—",
        apprentice=pairing.apprentice_name,
        round=int(task.payload["round"]),
        who="、".join(names),
    )
    await notify_admins(deps, Reply(text), station_id=pairing.station_id)


async def answer_checkin(deps: Deps, checkin_id: int, *, note: str, minutes: int) -> bool:
    """Record a check-in; the mentor's hours are credited as service hours."""
    now = deps.now()
    async with deps.db.session() as session:
        checkin = await store.checkin_by_id(session, checkin_id=checkin_id)
        if checkin is None:
            return False
        pairing = await store.pairing_by_id(session, pairing_id=checkin.pairing_id)
        if pairing is None or pairing.status != PairingStatus.ACTIVE:
            return False
        if not await store.answer_checkin(
            session, checkin_id=checkin_id, note=note, minutes=minutes, now=now
        ):
            return False
        if checkin.mentor and minutes > 0:
            await credit(
                session,
                volunteer_id=pairing.mentor_id,
                source=HoursSource.MENTOR,
                minutes=minutes,
                now=now,
                note=t(
                    deps.settings.language, "mentors.hours.note", id=pairing.id, round=checkin.round
                ),
            )
            await store.add_minutes(session, pairing_id=pairing.id, minutes=minutes)  # type: ignore[arg-type]
    return True


# ---------------------------------------------------------------- milestones and completion


async def add_milestone(deps: Deps, pairing: MentorPairing, text: str, *, by: Person) -> None:
    async with deps.db.session() as session:
        await store.add_milestone(
            session,
            milestone=MentorMilestone(
                pairing_id=pairing.id,  # type: ignore[arg-type]
                text=text[:300],
                recorded_by=by.id,
                created_at=deps.now(),
            ),
        )
        apprentice = await person_by_id(session, person_id=pairing.apprentice_id)
    if apprentice is not None and apprentice.id != by.id:
        await notify(
            deps, apprentice, Reply(t(apprentice.language, "mentors.milestone.told", text=text))
        )


async def finish(deps: Deps, pairing: MentorPairing, note: str, *, by: Person) -> bool:
    """结业: the pairing is completed with a note; both are asked to rate it."""
    now = deps.now()
    async with deps.db.session() as session:
        if not await store.move_pairing(
            session,
            pairing_id=pairing.id,  # type: ignore[arg-type]
            from_status=PairingStatus.ACTIVE,
            to_status=PairingStatus.COMPLETED,
            completion_note=note[:1000],
            completed_at=now,
        ):
            return False
        await tasks.cancel(session, key_prefix=f"mentor:{pairing.id}:")
        await audit.record(
            session,
            actor_id=by.id,
            action="mentor.complete",
            target_type="pairing",
            target_id=pairing.id,
        )
        mentor = await volunteer_by_id(session, volunteer_id=pairing.mentor_id)
        both = [
            await person_by_id(session, person_id=mentor.person_id if mentor else None),
            await person_by_id(session, person_id=pairing.apprentice_id),
        ]
    for person in both:
        if person is not None:
            await notify(deps, person, rate_prompt(person.language, pairing, note))
    return True


def rate_prompt(lang: str | None, pairing: MentorPairing, note: str) -> Reply:
    stars = tuple(
        Button("★" * n, callbacks.encode(callbacks.MENTOR_RATE, pairing.id, n))
        for n in range(5, 0, -1)
    )
    text = t(lang, "mentors.finish.rate", skill=pairing.skill, note=note)
    return Reply(text, buttons=tuple((b,) for b in stars))


async def rate(deps: Deps, pairing: MentorPairing, person: Person, stars: int) -> bool:
    async with deps.db.session() as session:
        mentor = await volunteer_by_id(session, volunteer_id=pairing.mentor_id)
        as_mentor = mentor is not None and mentor.person_id == person.id
        if not as_mentor and pairing.apprentice_id != person.id:
            return False
        assert pairing.id is not None
        return await store.rate(session, pairing_id=pairing.id, as_mentor=as_mentor, stars=stars)


# ---------------------------------------------------------------- requests


async def request(deps: Deps, person: Person, text: str) -> MentorRequest:
    """Someone asked to learn from a master: recorded, and the admins may pair them."""
    async with deps.db.session() as session:
        req = await store.add_request(
            session,
            request=MentorRequest(person_id=person.id, text=text[:500], created_at=deps.now()),  # type: ignore[arg-type]
        )
    lang = deps.settings.language
    notice = t(lang, "mentors.request.admin", name=person.display_name or "—", text=text)
    button = Button(
        t(lang, "mentors.btn.from_request"), callbacks.encode(callbacks.MENTOR_FROM_REQUEST, req.id)
    )
    await notify_admins(deps, Reply(notice, buttons=((button,),)))
    return req
