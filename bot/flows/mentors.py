"""名师带徒 in chat (issue 20): ``/mentor new``, ``/mentor <id>``, ``/mentors``, the
invitation link ``?start=mentor-<code>``, check-ins, milestones, 结业 and ratings, and
requests like "想拜师学焊接" that admins turn into pairings.
"""

from __future__ import annotations

import dataclasses
from datetime import datetime, time
from typing import Any

from bot import callbacks, mentors, roles
from bot.activities_hours import label as hours_label
from bot.activities_hours import parse_minutes
from bot.callbacks import encode, int_arg, str_arg
from bot.campaigns import parse_dates
from bot.context import Ctx
from bot.dialog import Dialog, Step, clear, save
from bot.errors import Expired, Refusal
from bot.flows.admin_common import find_volunteer
from bot.people import is_working_volunteer, volunteer_of
from bot.registry import Registry, Result
from bot.reply import Button, Reply, rows
from bot.texts import choices
from store import mentors as store
from store.models import MentorPairing, PairingStatus
from store.people import person_by_id
from store.volunteers import volunteer_by_id, volunteers_by_id

NEW_FLOW = "mentor_new"
NOTE_FLOW = "mentor_note"  # a check-in, a milestone or the completion note
ASK_FLOW = "mentor_ask"  # "想拜师学焊接": a 名师带徒 request, or an order after all


def _link(ctx: Ctx, code: str) -> str:
    from bot.reports.posters import links

    payload = f"mentor-{code}"
    return " ".join(link.url for link in links(ctx.deps.settings, payload)) or f"/start {payload}"


async def _go(ctx: Ctx, table: Dialog, data: dict[str, Any], step: str) -> Reply:
    await save(ctx, table.flow, step, data)
    return await table.ask(ctx, data, step)


async def _after(ctx: Ctx, table: Dialog, data: dict[str, Any], done: str) -> Result:
    following = await table.next_after(ctx, data, done)
    assert following is not None
    return await _go(ctx, table, data, following)


# ---------------------------------------------------------------- viewing


async def card(ctx: Ctx, pairing: MentorPairing) -> Reply:
    async with ctx.deps.db.session() as session:
        mentor = await volunteer_by_id(session, volunteer_id=pairing.mentor_id)
        stones = await store.milestones(session, pairing_id=pairing.id)  # type: ignore[arg-type]
        checkins = await store.checkins(session, pairing_id=pairing.id)  # type: ignore[arg-type]
    tz = ctx.deps.settings.tz
    lines = [
        ctx.t(
            "mentors.card",
            id=pairing.id,
            mentor=mentor.name if mentor else "—",
            apprentice=pairing.apprentice_name,
            skill=pairing.skill,
            goals=pairing.goals or "—",
            status=ctx.t(choices.PAIRING_STATUS[pairing.status]),
            start=pairing.starts_at.astimezone(tz).strftime("%Y-%m-%d"),
            end=pairing.ends_at.astimezone(tz).strftime("%Y-%m-%d"),
            hours=hours_label(ctx.lang, pairing.minutes),
            answered=sum(1 for c in checkins if c.answered_at is not None),
            asked=len(checkins),
        )
    ]
    lines += [ctx.t("mentors.card.milestone", text=m.text) for m in stones]
    if pairing.status == PairingStatus.COMPLETED:
        lines.append(ctx.t("mentors.card.completed", note=pairing.completion_note or "—"))
    if pairing.status == PairingStatus.INVITED:
        lines.append(ctx.t("mentors.card.invite", link=_link(ctx, pairing.code)))
    buttons: list[Button] = []
    is_mentor = mentor is not None and mentor.person_id == ctx.person.id
    if pairing.status == PairingStatus.ACTIVE and is_mentor:
        buttons.append(
            Button(ctx.t("mentors.btn.milestone"), encode(callbacks.MENTOR_MILESTONE, pairing.id))
        )
    if pairing.status == PairingStatus.ACTIVE and (is_mentor or ctx.is_admin):
        buttons.append(
            Button(ctx.t("mentors.btn.finish"), encode(callbacks.MENTOR_FINISH, pairing.id))
        )
    return Reply("\n".join(lines), buttons=rows(*buttons, per_row=2))


async def _visible(ctx: Ctx, pairing_id: int) -> MentorPairing:
    """The pairing, if the actor is its mentor, its apprentice or an admin over it."""
    async with ctx.deps.db.session() as session:
        pairing = await store.pairing_by_id(session, pairing_id=pairing_id)
        if pairing is None:
            raise Refusal("mentors.not_found")
        mentor = await volunteer_by_id(session, volunteer_id=pairing.mentor_id)
        if ctx.person.id in (pairing.apprentice_id, mentor.person_id if mentor else None):
            return pairing
        if ctx.is_admin and await roles.in_scope(session, ctx, pairing.station_id):
            return pairing
    raise Refusal("mentors.not_found")


async def mentors_cmd(ctx: Ctx) -> Result:
    """/mentors: admins see every pairing in their stations; others see their own."""
    async with ctx.deps.db.session() as session:
        if ctx.is_admin:
            found = await store.pairings(session, stations=await roles.scope_ids(session, ctx))
            totals = await store.figures(session)
        else:
            volunteer = await volunteer_of(session, ctx.person)
            found = await store.pairings(
                session, person_id=ctx.person.id, mentor_id=volunteer.id if volunteer else None
            )
            totals = None
        names = await volunteers_by_id(session, ids=[p.mentor_id for p in found])
    if not found:
        return ctx.reply("mentors.list.empty")
    lines = [ctx.t("mentors.list.title", n=len(found))]
    if totals is not None:
        lines.append(
            ctx.t(
                "mentors.list.figures",
                active=totals.get(PairingStatus.ACTIVE, 0),
                completed=totals.get(PairingStatus.COMPLETED, 0),
                invited=totals.get(PairingStatus.INVITED, 0),
                hours=hours_label(ctx.lang, totals["minutes"]),
            )
        )
    for p in found[:30]:
        mentor = names.get(p.mentor_id)
        lines.append(
            ctx.t(
                "mentors.list.item",
                id=p.id,
                mentor=mentor.name if mentor else "—",
                apprentice=p.apprentice_name,
                skill=p.skill,
                status=ctx.t(choices.PAIRING_STATUS[p.status]),
            )
        )
    lines.append(ctx.t("mentors.list.hint"))
    return Reply("\n".join(lines))


async def mentor_cmd(ctx: Ctx) -> Result:
    """/mentor new | /mentor <id> | /mentor (same as /mentors)."""
    words = list(ctx.event.args)
    if words and words[0].lower() == "new":
        return await start_new(ctx, {})
    if words and words[0].lstrip("#").isdigit():
        return await card(ctx, await _visible(ctx, int(words[0].lstrip("#"))))
    return await mentors_cmd(ctx)


# ---------------------------------------------------------------- /mentor new


async def start_new(ctx: Ctx, data: dict[str, Any]) -> Result:
    if ctx.dialog is not None:
        return ctx.reply("ordering.busy_elsewhere")
    if not ctx.is_admin:
        async with ctx.deps.db.session() as session:
            volunteer = await volunteer_of(session, ctx.person)
        if not is_working_volunteer(volunteer):
            return ctx.reply("mentors.new.only")
        data["mentor_id"] = volunteer.id  # type: ignore[union-attr]
        return await _go(ctx, NEW, data, "apprentice" if "apprentice_name" not in data else "skill")
    return await _go(ctx, NEW, data, "mentor")


async def _answer_mentor(ctx: Ctx, data: dict[str, Any]) -> Result:
    ref = ctx.event.text.strip()
    async with ctx.deps.db.session() as session:
        volunteer = await find_volunteer(session, ref) if ref else None
    if not is_working_volunteer(volunteer):
        return [ctx.reply("mentors.new.bad_mentor", ref=ref), await NEW.ask(ctx, data, "mentor")]
    data["mentor_id"] = volunteer.id  # type: ignore[union-attr]
    if data.get("apprentice_name"):  # from a request: the apprentice is known
        return await _go(ctx, NEW, data, "skill")
    return await _after(ctx, NEW, data, "mentor")


async def _answer_apprentice(ctx: Ctx, data: dict[str, Any]) -> Result:
    name = ctx.event.text.strip()
    if not name or len(name) > 64:
        return await NEW.ask(ctx, data, "apprentice")
    data["apprentice_name"] = name
    return await _after(ctx, NEW, data, "apprentice")


async def _answer_skill(ctx: Ctx, data: dict[str, Any]) -> Result:
    skill = ctx.event.text.strip()
    if not skill or len(skill) > 100:
        return await NEW.ask(ctx, data, "skill")
    data["skill"] = skill
    return await _after(ctx, NEW, data, "skill")


async def _answer_goals(ctx: Ctx, data: dict[str, Any]) -> Result:
    data["goals"] = ctx.event.text.strip()[:500]
    return await _after(ctx, NEW, data, "goals")


async def _answer_dates(ctx: Ctx, data: dict[str, Any]) -> Result:
    tz = ctx.deps.settings.tz
    today = ctx.deps.now().astimezone(tz).date()
    days = parse_dates(ctx.event.text, today)
    start, end = (days[0], days[1]) if days and len(days) == 2 else (None, None)
    if start is None or end is None or start >= end:
        return [ctx.reply("mentors.new.bad_dates"), await NEW.ask(ctx, data, "dates")]
    data["starts"], data["ends"] = start.isoformat(), end.isoformat()
    return await _after(ctx, NEW, data, "dates")


async def _answer_confirm(ctx: Ctx, data: dict[str, Any]) -> Result:
    return await NEW.ask(ctx, data, "confirm")  # a button answers this step


def _ask(key: str) -> Any:
    def ask(ctx: Ctx, data: dict[str, Any]) -> Reply:
        return ctx.reply(key)

    return ask


async def _ask_confirm(ctx: Ctx, data: dict[str, Any]) -> Reply:
    async with ctx.deps.db.session() as session:
        mentor = await volunteer_by_id(session, volunteer_id=data["mentor_id"])
    text = ctx.t(
        "mentors.new.summary",
        mentor=mentor.name if mentor else "—",
        apprentice=data["apprentice_name"],
        skill=data["skill"],
        goals=data.get("goals") or "—",
        start=data["starts"],
        end=data["ends"],
    )
    buttons = (
        (
            Button(ctx.t("mentors.btn.create"), encode(callbacks.MENTOR_CREATE, "ok")),
            Button(ctx.t("mentors.btn.drop"), encode(callbacks.MENTOR_CREATE, "no")),
        ),
    )
    return Reply(text, buttons=buttons)


NEW = Dialog(
    NEW_FLOW,
    (
        Step(
            "mentor", ask=_ask("mentors.new.ask_mentor"), answer=_answer_mentor, next="apprentice"
        ),
        Step(
            "apprentice",
            ask=_ask("mentors.new.ask_apprentice"),
            answer=_answer_apprentice,
            next="skill",
        ),
        Step("skill", ask=_ask("mentors.new.ask_skill"), answer=_answer_skill, next="goals"),
        Step("goals", ask=_ask("mentors.new.ask_goals"), answer=_answer_goals, next="dates"),
        Step("dates", ask=_ask("mentors.new.ask_dates"), answer=_answer_dates, next="confirm"),
        Step("confirm", ask=_ask_confirm, answer=_answer_confirm),
    ),
)


async def create_button(ctx: Ctx) -> Result:
    choice = str_arg(ctx.args, 0, ("ok", "no"))
    if ctx.dialog is None or ctx.dialog.flow != NEW_FLOW or ctx.dialog.step != "confirm":
        raise Expired()
    data = dict(ctx.dialog.data or {})
    await clear(ctx)
    if choice == "no":
        return Reply(ctx.t("mentors.new.dropped"), edit=True)
    tz = ctx.deps.settings.tz
    async with ctx.deps.db.session() as session:
        mentor = await volunteer_by_id(session, volunteer_id=data["mentor_id"])
        apprentice = await person_by_id(session, person_id=data.get("apprentice_id"))
    if mentor is None:
        raise Expired()
    pairing = await mentors.create(
        ctx.deps,
        mentor=mentor,
        apprentice=apprentice,
        apprentice_name=data["apprentice_name"],
        skill=data["skill"],
        goals=data.get("goals") or "",
        starts_at=datetime.combine(
            datetime.fromisoformat(data["starts"]).date(), time(0), tzinfo=tz
        ),
        ends_at=datetime.combine(datetime.fromisoformat(data["ends"]).date(), time(0), tzinfo=tz),
        by=ctx.person,
        request_id=data.get("request_id"),
    )
    if apprentice is None:
        done = ctx.t("mentors.new.invite", id=pairing.id, link=_link(ctx, pairing.code))
    else:
        done = ctx.t("mentors.new.paired", id=pairing.id, apprentice=pairing.apprentice_name)
    return Reply(done, edit=True)


# ---------------------------------------------------------------- invitation


async def link_mentor(ctx: Ctx) -> Result:
    """``/start mentor-<code>``: the apprentice's invitation, with 确认拜师."""
    code = ctx.event.args[0].partition("-")[2]
    async with ctx.deps.db.session() as session:
        pairing = await store.pairing_by_code(session, code=code) if code else None
        mentor = await volunteer_by_id(session, volunteer_id=pairing.mentor_id) if pairing else None
    if pairing is None or mentor is None:
        return ctx.reply("mentors.invite.unknown")
    if pairing.status != PairingStatus.INVITED:
        if pairing.apprentice_id == ctx.person.id:
            return await card(ctx, pairing)
        return ctx.reply("mentors.invite.taken")
    text = ctx.t(
        "mentors.invite.card",
        mentor=mentor.name,
        honours=mentor.honours or "—",
        skill=pairing.skill,
        goals=pairing.goals or "—",
    )
    button = Button(ctx.t("mentors.btn.accept"), encode(callbacks.MENTOR_ACCEPT, pairing.code))
    return Reply(text, buttons=((button,),))


async def accept_button(ctx: Ctx) -> Result:
    async with ctx.deps.db.session() as session:
        pairing = await store.pairing_by_code(session, code=str_arg(ctx.args, 0))
    if pairing is None:
        raise Expired()
    async with ctx.deps.db.session() as session:
        mentor = await volunteer_by_id(session, volunteer_id=pairing.mentor_id)
    if mentor is not None and mentor.person_id == ctx.person.id:
        return ctx.reply("mentors.invite.own")
    if not await mentors.accept(ctx.deps, pairing, ctx.person):
        raise Expired()
    return Reply(
        ctx.t(
            "mentors.invite.accepted",
            mentor=mentor.name if mentor else "—",
            skill=pairing.skill,
            every=mentors.every_text(ctx.deps, ctx.lang),
        ),
        edit=True,
    )


# ---------------------------------------------------------------- notes: check-in, milestone, 结业


async def checkin_button(ctx: Ctx) -> Result:
    checkin_id = int_arg(ctx.args, 0)
    async with ctx.deps.db.session() as session:
        checkin = await store.checkin_by_id(session, checkin_id=checkin_id)
    if checkin is None or checkin.person_id != ctx.person.id or checkin.answered_at is not None:
        raise Expired()
    return await _go(ctx, NOTE, {"what": "checkin", "checkin_id": checkin_id}, "note")


async def _mentor_or_admin(ctx: Ctx, pairing_id: int, *, admin_too: bool) -> MentorPairing:
    async with ctx.deps.db.session() as session:
        pairing = await store.pairing_by_id(session, pairing_id=pairing_id)
        if pairing is None or pairing.status != PairingStatus.ACTIVE:
            raise Expired()
        mentor = await volunteer_by_id(session, volunteer_id=pairing.mentor_id)
        if mentor is not None and mentor.person_id == ctx.person.id:
            return pairing
        if admin_too and ctx.is_admin and await roles.in_scope(session, ctx, pairing.station_id):
            return pairing
    raise Expired()


async def milestone_button(ctx: Ctx) -> Result:
    pairing = await _mentor_or_admin(ctx, int_arg(ctx.args, 0), admin_too=False)
    return await _go(ctx, NOTE, {"what": "milestone", "pairing_id": pairing.id}, "note")


async def finish_button(ctx: Ctx) -> Result:
    pairing = await _mentor_or_admin(ctx, int_arg(ctx.args, 0), admin_too=True)
    return await _go(ctx, NOTE, {"what": "finish", "pairing_id": pairing.id}, "note")


def _ask_note(ctx: Ctx, data: dict[str, Any]) -> Reply:
    key = {
        "checkin": "mentors.checkin.ask_note",
        "milestone": "mentors.milestone.ask",
        "finish": "mentors.finish.ask",
    }[data["what"]]
    return ctx.reply(key)


async def _answer_note(ctx: Ctx, data: dict[str, Any]) -> Result:
    text = ctx.event.text.strip()
    if not text:
        return _ask_note(ctx, data)
    what = data["what"]
    if what == "checkin":
        data["note"] = text[:500]
        return await _after(ctx, NOTE, data, "note")
    await clear(ctx)
    async with ctx.deps.db.session() as session:
        pairing = await store.pairing_by_id(session, pairing_id=data["pairing_id"])
    if pairing is None:
        raise Expired()
    if what == "milestone":
        await mentors.add_milestone(ctx.deps, pairing, text, by=ctx.person)
        return ctx.reply("mentors.milestone.done")
    if not await mentors.finish(ctx.deps, pairing, text, by=ctx.person):
        raise Expired()
    return ctx.reply("mentors.finish.done", id=pairing.id)


async def _next_after_note(ctx: Ctx, data: dict[str, Any]) -> str:
    return "hours"


def _ask_hours(ctx: Ctx, data: dict[str, Any]) -> Reply:
    return ctx.reply("mentors.checkin.ask_hours")


async def _answer_hours(ctx: Ctx, data: dict[str, Any]) -> Result:
    minutes = parse_minutes(ctx.event.text)
    cap = 24 * 60 * 31
    if minutes is None or not 0 <= minutes <= cap:
        return [ctx.reply("mentors.checkin.bad_hours"), _ask_hours(ctx, data)]
    await clear(ctx)
    if not await mentors.answer_checkin(
        ctx.deps, int(data["checkin_id"]), note=data["note"], minutes=minutes
    ):
        raise Expired()
    return ctx.reply("mentors.checkin.done", hours=hours_label(ctx.lang, minutes))


NOTE = Dialog(
    NOTE_FLOW,
    (
        Step("note", ask=_ask_note, answer=_answer_note, next=_next_after_note),
        Step("hours", ask=_ask_hours, answer=_answer_hours),
    ),
)


async def rate_button(ctx: Ctx) -> Result:
    pairing_id, stars = int_arg(ctx.args, 0), int_arg(ctx.args, 1)
    if not 1 <= stars <= 5:
        raise Expired()
    async with ctx.deps.db.session() as session:
        pairing = await store.pairing_by_id(session, pairing_id=pairing_id)
    if pairing is None or not await mentors.rate(ctx.deps, pairing, ctx.person, stars):
        raise Expired()
    return Reply(ctx.t("mentors.finish.rated", stars="★" * stars), edit=True)


# ---------------------------------------------------------------- requests


async def offer_request(ctx: Ctx, text: str) -> Result:
    """Free text that asks for an apprenticeship: offer a 名师带徒 request (or an order)."""
    await save(ctx, ASK_FLOW, "choose", {"text": text[:500]})
    buttons = (
        (Button(ctx.t("mentors.btn.request"), encode(callbacks.MENTOR_REQUEST, "yes")),),
        (Button(ctx.t("mentors.btn.order_instead"), encode(callbacks.MENTOR_REQUEST, "order")),),
    )
    return Reply(ctx.t("mentors.request.offer"), buttons=buttons)


async def request_button(ctx: Ctx) -> Result:
    choice = str_arg(ctx.args, 0, ("yes", "order"))
    if ctx.dialog is None or ctx.dialog.flow != ASK_FLOW:
        raise Expired()
    text = str((ctx.dialog.data or {}).get("text") or "")
    await clear(ctx)
    if choice == "yes":
        await mentors.request(ctx.deps, ctx.person, text)
        return Reply(ctx.t("mentors.request.sent"), edit=True)
    from bot.flows import order_steps
    from bot.flows.order_draft import Step as OrderStep
    from bot.flows.order_draft import new_draft

    source = "web" if ctx.actor.platform == "web" else "text"
    data = new_draft(text=text, source=source)
    await order_steps.route_into(ctx, data)
    return await order_steps.goto(ctx, data, OrderStep.CONFIRM_TEAM)


async def on_ask_dialog(ctx: Ctx) -> Result:
    """Text while the 名师带徒 question is open: the question stands (buttons answer it)."""
    await clear(ctx)
    handler = ctx.routes.text_fallback
    return await handler(dataclasses.replace(ctx, dialog=None)) if handler is not None else None


async def from_request_button(ctx: Ctx) -> Result:
    async with ctx.deps.db.session() as session:
        req = await store.request_by_id(session, request_id=int_arg(ctx.args, 0))
        person = await person_by_id(session, person_id=req.person_id) if req else None
    if req is None or person is None or req.pairing_id is not None:
        raise Expired()
    data = {
        "apprentice_id": person.id,
        "apprentice_name": person.display_name or "—",
        "request_id": req.id,
    }
    return [ctx.reply("mentors.request.pairing", text=req.text), await start_new(ctx, data)]  # type: ignore[list-item]


async def on_dialog(ctx: Ctx) -> Result:
    assert ctx.dialog is not None
    table = NEW if ctx.dialog.flow == NEW_FLOW else NOTE
    step = table.step(ctx.dialog.step)
    if step is None:
        await clear(ctx)
        return ctx.reply("campaigns.lost")
    return await step.answer(ctx, dict(ctx.dialog.data or {}))


def register(reg: Registry) -> None:
    reg.command("mentor", mentor_cmd)  # reached from /mentors; the admin menu stays short
    reg.command("mentors", mentors_cmd, menu="menu.mentors")
    reg.dialog(NEW_FLOW, on_dialog)
    reg.dialog(NOTE_FLOW, on_dialog)
    reg.dialog(ASK_FLOW, on_ask_dialog)
    reg.start_payload("mentor", link_mentor)
    reg.button(callbacks.MENTOR_CREATE, create_button)
    reg.button(callbacks.MENTOR_ACCEPT, accept_button)
    reg.button(callbacks.MENTOR_CHECKIN, checkin_button)
    reg.button(callbacks.MENTOR_MILESTONE, milestone_button)
    reg.button(callbacks.MENTOR_FINISH, finish_button)
    reg.button(callbacks.MENTOR_RATE, rate_button)
    reg.button(callbacks.MENTOR_REQUEST, request_button)
    reg.button(callbacks.MENTOR_FROM_REQUEST, from_request_button, admin=True)
    reg.task(mentors.CHECKIN_TASK, mentors.run_checkin)
    reg.task(mentors.NUDGE_TASK, mentors.run_nudge)
    reg.task(mentors.ALERT_TASK, mentors.run_alert)


async def stats_lines(ctx: Ctx, within: set[int] | None) -> list[str]:
    """The /stats line for 名师带徒 (pairs active and completed, hours together), if any."""
    async with ctx.deps.db.session() as session:
        found = await store.pairings(session, stations=within)
    if not found:
        return []
    return [
        ctx.t(
            "mentors.stats.line",
            active=sum(1 for p in found if p.status == PairingStatus.ACTIVE),
            completed=sum(1 for p in found if p.status == PairingStatus.COMPLETED),
            hours=hours_label(ctx.lang, sum(p.minutes for p in found)),
        )
    ]
