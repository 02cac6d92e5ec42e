"""Becoming and being a volunteer: the /volunteer application dialog, /profile with its
edits, /available and /busy (the admins' 批准 / 拒绝 are in ``volunteer_review``).

The application is a dialog (flow ``volunteer``): name → phone (share-contact
button or typed) → teams (toggle buttons, then 完成) → station (browse the
tree, or skip) → skills → honours. /profile re-uses the same steps to change
one field at a time (``mode: edit``).
"""

from __future__ import annotations

from functools import partial
from typing import Any

from bot import audit, callbacks, dialog, dispatch, volunteers
from bot.context import Ctx
from bot.dialog import Dialog
from bot.dialog import Step as DialogStep
from bot.errors import Expired, Refusal
from bot.events import Kind
from bot.notify import notify_admins
from bot.phones import mask_phone
from bot.registry import Audience, Registry, Result
from bot.reply import Button, KeyButton, Outcome, Reply, rows
from bot.signin import signin_prompt
from bot.texts import choices, t
from store import stations as stations_store
from store.dialogs import clear_dialog
from store.models import Volunteer, VolunteerStatus
from store.stations import station_by_id

FLOW = "volunteer"
TEXT_STEPS = {
    "name": volunteers.NAME_MAX,
    "skills": volunteers.SKILLS_MAX,
    "honours": volunteers.HONOURS_MAX,
}
EDITABLE = ("name", "phone", "teams", "station", "skills", "honours")
MAX_STATION_BUTTONS = 60
_NOTHING = {"无", "没有", "暂无", "跳过", "略", "none", "no", "-", "skip"}

# ---------------------------------------------------------------- helpers


async def _mine(ctx: Ctx) -> Volunteer | None:
    async with ctx.deps.db.session() as session:
        return await volunteers.by_person(session, ctx.person.id)  # type: ignore[arg-type]


async def _working(ctx: Ctx) -> Volunteer:
    volunteer = await _mine(ctx)
    if volunteer is None or volunteer.status not in volunteers.WORKING:
        raise Refusal("volunteer.not_volunteer")
    return volunteer


def _state(ctx: Ctx, step: str | None = None) -> dict[str, Any]:
    """The dialog data, if the person is in the volunteer dialog (at ``step``); else Expired."""
    state = ctx.dialog
    if state is None or state.flow != FLOW or (step is not None and state.step != step):
        raise Expired()
    return dict(state.data)


def _ack(ctx: Ctx, text: str) -> Reply:
    """Close the step: edit the pressed picker, or drop the reply keyboard after typing."""
    if ctx.event.kind == Kind.BUTTON:
        return Reply(text, edit=True)
    return Reply(text, remove_keyboard=True)


async def _has_stations(ctx: Ctx) -> bool:
    async with ctx.deps.db.session() as session:
        return await stations_store.any_active(session)


# ---------------------------------------------------------------- prompts


async def _ask(ctx: Ctx, step: str, data: dict[str, Any]) -> Reply:
    """The question of ``step`` (see ``VOLUNTEER`` at the end)."""
    return await VOLUNTEER.ask(ctx, data, step)


async def _ask_name(ctx: Ctx, data: dict[str, Any]) -> Reply:
    name = (ctx.person.display_name or "").strip()[: volunteers.NAME_MAX]
    keyboard = ((KeyButton(name),),) if name else ()
    return Reply(ctx.t("volunteer.ask_name"), keyboard=keyboard)


async def _ask_phone(ctx: Ctx, data: dict[str, Any]) -> Reply:
    return Reply(
        ctx.t("volunteer.ask_phone"),
        keyboard=((KeyButton(ctx.t("volunteer.share_phone"), request="contact"),),),
    )


async def _ask_teams(ctx: Ctx, data: dict[str, Any]) -> Reply:
    return await _teams_reply(ctx, data.get("teams", []))


async def _ask_station(ctx: Ctx, data: dict[str, Any]) -> Reply:
    return await _stations_reply(ctx, None)


async def _ask_words(ctx: Ctx, data: dict[str, Any], *, step: str) -> Reply:
    """Skills or honours: free words, which may be left empty (or cleared, in /profile)."""
    label = ctx.t("volunteer.btn.clear" if data.get("mode") == "edit" else "common.skip_button")
    skip = ((Button(label, callbacks.encode(callbacks.VOL_SKIP_FIELD)),),)
    return Reply(ctx.t(choices.VOLUNTEER_ASK[step]), buttons=skip)


async def _teams_reply(ctx: Ctx, selected: list[int], *, edit: bool = False) -> Reply:
    async with ctx.deps.db.session() as session:
        teams = await volunteers.active_teams(session)
    chosen = [volunteers.team_label(tm, ctx.lang) for tm in teams if tm.id in selected]
    buttons = [
        Button(
            ("✅ " if tm.id in selected else "") + volunteers.team_label(tm, ctx.lang),
            callbacks.encode(callbacks.VOL_TOGGLE_TEAM, tm.id),
        )
        for tm in teams
    ]
    layout = (
        *rows(*buttons, per_row=2),
        (Button(ctx.t("volunteer.btn.teams_done"), callbacks.encode(callbacks.VOL_TEAMS_DONE)),),
    )
    text = ctx.t("volunteer.ask_teams", chosen="、".join(chosen) or ctx.t("volunteer.none"))
    return Reply(text, buttons=layout, edit=edit)


async def _stations_reply(ctx: Ctx, parent_id: int | None, *, edit: bool = False) -> Reply:
    async with ctx.deps.db.session() as session:
        children = await stations_store.active_children(session, parent_id=parent_id)
        parent = await stations_store.station_by_id(session, station_id=parent_id)
        where = await volunteers.station_path(session, parent_id)
    buttons = [
        Button(s.name, callbacks.encode(callbacks.VOL_OPEN_STATION, s.id))
        for s in children[:MAX_STATION_BUTTONS]
    ]
    layout = list(rows(*buttons, per_row=2))
    if parent is not None:
        layout.append(
            (
                Button(
                    ctx.t("volunteer.btn.station_this", name=parent.name),
                    callbacks.encode(callbacks.VOL_PICK_STATION, parent.id),
                ),
            )
        )
        layout.append(
            (
                Button(
                    ctx.t("common.back"),
                    callbacks.encode(callbacks.VOL_OPEN_STATION, parent.parent_id or 0),
                ),
            )
        )
    layout.append(
        (Button(ctx.t("volunteer.btn.station_skip"), callbacks.encode(callbacks.VOL_SKIP_STATION)),)
    )
    text = ctx.t("volunteer.ask_station", where=where or ctx.t("volunteer.station_top"))
    return Reply(text, buttons=tuple(layout), edit=edit)


# ---------------------------------------------------------------- the dialog


async def apply(ctx: Ctx) -> Result:
    """/volunteer: start an application (or say why not)."""
    volunteer = await _mine(ctx)
    if volunteer is not None and volunteer.status != VolunteerStatus.REJECTED:
        key = {
            VolunteerStatus.PENDING: "volunteer.pending",
            VolunteerStatus.SUSPENDED: "volunteer.suspended_no_apply",
        }.get(volunteer.status)
        if key is None:
            return _what_now(ctx)
        return ctx.reply(key)
    prompt = await signin_prompt(ctx, "weblogin.required.volunteer")
    if prompt is not None:
        return prompt
    data: dict[str, Any] = {"mode": "apply", "teams": []}
    await dialog.save(ctx, FLOW, "name", data)
    first = await _ask(ctx, "name", data)
    return Reply(ctx.t("volunteer.intro") + "\n\n" + first.text, keyboard=first.keyboard)


def _what_now(ctx: Ctx) -> Reply:
    """An approved volunteer tapping 志愿者 (WeChat's menu, an old Telegram menu): what they
    can do now, instead of an application form (issue 17)."""
    specs = ctx.routes.menu(Audience.VOLUNTEER)
    lines = [f"/{c.name} {ctx.t(c.menu)}" for c in specs if c.audience == Audience.VOLUNTEER]  # type: ignore[arg-type]
    return Reply(ctx.t("volunteer.already", commands="\n".join(lines)))


async def on_input(ctx: Ctx) -> Result:
    """Anything typed or sent while in the volunteer dialog: read by the step it is at."""
    state = ctx.dialog
    assert state is not None
    step = VOLUNTEER.step(state.step)
    if step is None:  # a step this version does not know: start over politely
        await dialog.clear(ctx)
        raise Expired()
    return await step.answer(ctx, dict(state.data))


async def _use_buttons(ctx: Ctx, data: dict[str, Any]) -> Result:
    """Words at the team or station picker: point at the buttons, and show them again."""
    step = ctx.dialog.step if ctx.dialog else "teams"
    return [ctx.reply(choices.VOLUNTEER_USE_BUTTONS[step]), await _ask(ctx, step, data)]


async def _on_phone(ctx: Ctx, data: dict[str, Any]) -> Result:
    event = ctx.event
    if event.kind == Kind.CONTACT:
        if not event.contact_is_self:
            return ctx.reply("volunteer.phone_not_own")
        phone = volunteers.normalize_phone(event.phone, verified=True)
    elif event.kind == Kind.TEXT:
        phone = volunteers.normalize_phone(event.text)
    else:
        return [ctx.reply("volunteer.text_please"), await _ask(ctx, "phone", data)]
    if phone is None:
        return await _ask_again(ctx, "volunteer.bad_phone", "phone", data)
    data["phone"] = phone
    return await _next(ctx, data, "phone")


async def _on_words(ctx: Ctx, data: dict[str, Any], *, step: str) -> Result:
    """A name, skills or honours typed in; "无" leaves skills and honours empty."""
    event = ctx.event
    if event.kind != Kind.TEXT:
        return [ctx.reply("volunteer.text_please"), await _ask(ctx, step, data)]
    limit = TEXT_STEPS[step]
    raw = event.text.strip()
    if step != "name" and raw.lower() in _NOTHING:
        data[step] = ""
        return await _next(ctx, data, step)
    value = volunteers.clean_line(raw, limit)
    if value is None:
        return await _ask_again(ctx, choices.VOLUNTEER_BAD[step], step, data, limit=limit)
    data[step] = value
    return await _next(ctx, data, step)


async def _ask_again(ctx: Ctx, key: str, step: str, data: dict[str, Any], **kw: Any) -> Result:
    prompt = await _ask(ctx, step, data)
    return Reply(
        ctx.t(key, **kw) + "\n\n" + prompt.text, buttons=prompt.buttons, keyboard=prompt.keyboard
    )


async def _next(ctx: Ctx, data: dict[str, Any], done: str) -> Result:
    """After ``done``: the next step's prompt, or the end (submit / save the edit)."""
    if data.get("mode") == "edit":
        return await _save_edit(ctx, data, done)
    replies: list[Reply] = []
    if ctx.event.kind == Kind.BUTTON:
        replies.append(Reply(_done_text(ctx, data, done), edit=True))
    elif done == "phone":
        replies.append(
            Reply(
                ctx.t("volunteer.phone_saved", phone=mask_phone(data["phone"])),
                remove_keyboard=True,
            )
        )
    step = await VOLUNTEER.next_after(ctx, data, done)
    if step is None:
        return [*replies, *await _submit(ctx, data)]
    await dialog.save(ctx, FLOW, step, data)
    return [*replies, await _ask(ctx, step, data)]


def _done_text(ctx: Ctx, data: dict[str, Any], done: str) -> str:
    if done == "teams":
        return ctx.t("volunteer.teams_saved", n=len(data.get("teams", [])))
    if done == "station":
        return ctx.t(
            "volunteer.station_saved" if data.get("station_id") else "volunteer.station_skipped"
        )
    return ctx.t("volunteer.step_skipped")


async def _submit(ctx: Ctx, data: dict[str, Any]) -> list[Reply]:
    deps = ctx.deps
    admin_lang = deps.settings.language
    async with deps.db.session() as session:
        volunteer = await volunteers.submit(
            session,
            ctx.person,
            name=data["name"],
            phone=data.get("phone"),
            team_ids=[int(i) for i in data.get("teams", [])],
            station_id=data.get("station_id"),
            skills=data.get("skills", ""),
            honours=data.get("honours", ""),
            now=deps.now(),
        )
        await clear_dialog(session, person_id=ctx.person.id)  # type: ignore[arg-type]
        if volunteer is None:
            return [ctx.reply("volunteer.pending")]
        await audit.record(
            session,
            actor_id=ctx.person.id,
            action="volunteer.apply",
            target_type="volunteer",
            target_id=volunteer.id,
        )
        summary = await volunteers.describe(session, volunteer, ctx.lang)
        application = await volunteers.application_text(session, volunteer, admin_lang)
    buttons = (
        (
            Button(
                t(admin_lang, "volunteer.btn.approve"),
                callbacks.encode(callbacks.APPLICATION_APPROVE, volunteer.id),
            ),
            Button(
                t(admin_lang, "volunteer.btn.reject"),
                callbacks.encode(callbacks.APPLICATION_REJECT, volunteer.id),
            ),
        ),
    )
    await notify_admins(
        deps,
        Reply(t(admin_lang, "volunteer.application_head") + "\n" + application, buttons=buttons),
        station_id=volunteer.station_id,
    )
    return [ctx.reply("volunteer.submitted", **summary)]


# ---------------------------------------------------------------- dialog buttons


async def toggle_team(ctx: Ctx) -> Result:
    data = _state(ctx, "teams")
    team_id = callbacks.int_arg(ctx.args, 0)
    async with ctx.deps.db.session() as session:
        valid = {tm.id for tm in await volunteers.active_teams(session)}
    if team_id not in valid:
        raise Expired()
    chosen = [int(i) for i in data.get("teams", [])]
    chosen = [i for i in chosen if i != team_id] if team_id in chosen else [*chosen, team_id]
    data["teams"] = chosen
    await dialog.save(ctx, FLOW, "teams", data)
    return await _teams_reply(ctx, chosen, edit=True)


async def teams_done(ctx: Ctx) -> Result:
    data = _state(ctx, "teams")
    if not data.get("teams"):
        return Outcome(toast=ctx.t("volunteer.teams_none"), alert=True)
    return await _next(ctx, data, "teams")


async def open_station(ctx: Ctx) -> Result:
    _state(ctx, "station")
    station_id = callbacks.int_arg(ctx.args, 0)
    if station_id == 0:
        return await _stations_reply(ctx, None, edit=True)
    async with ctx.deps.db.session() as session:
        station = await stations_store.station_by_id(session, station_id=station_id)
        has_children = await stations_store.has_active_children(session, station_id=station_id)
    if station is None or not station.active:
        raise Expired()
    if has_children:
        return await _stations_reply(ctx, station_id, edit=True)
    return await _pick_station(ctx, station_id)


async def pick_station(ctx: Ctx) -> Result:
    _state(ctx, "station")
    station_id = callbacks.int_arg(ctx.args, 0)
    async with ctx.deps.db.session() as session:
        station = await station_by_id(session, station_id=station_id)
    if station is None or not station.active:
        raise Expired()
    return await _pick_station(ctx, station_id)


async def _pick_station(ctx: Ctx, station_id: int | None) -> Result:
    data = _state(ctx, "station")
    data["station_id"] = station_id
    return await _next(ctx, data, "station")


async def skip_station(ctx: Ctx) -> Result:
    return await _pick_station(ctx, None)


async def skip_text(ctx: Ctx) -> Result:
    state = ctx.dialog
    if state is None or state.flow != FLOW or state.step not in ("skills", "honours"):
        raise Expired()
    data = dict(state.data)
    data[state.step] = ""
    return await _next(ctx, data, state.step)


# ---------------------------------------------------------------- profile


async def profile_reply(ctx: Ctx, *, header: str = "", edit: bool = False) -> Reply:
    async with ctx.deps.db.session() as session:
        volunteer = await volunteers.by_person(session, ctx.person.id)  # type: ignore[arg-type]
        if volunteer is None:
            return ctx.reply("volunteer.not_volunteer")
        fields = await volunteers.describe(session, volunteer, ctx.lang)
        rating, rated = await volunteers.average_rating(session, volunteer.id)  # type: ignore[arg-type]
        done = await volunteers.done_jobs(session, volunteer.id)  # type: ignore[arg-type]
        holding = await volunteers.open_jobs(session, volunteer.id)  # type: ignore[arg-type]
    text = ctx.t(
        "volunteer.profile",
        **fields,
        hours=f"{volunteer.service_minutes / 60:.1f}",
        done=done,
        open=holding,
        stars=volunteer.star_level,
        rating=f"{rating:.1f}（{rated}）" if rating is not None else ctx.t("volunteer.unrated"),
    )
    buttons: tuple[tuple[Button, ...], ...] = ()
    if volunteer.status in volunteers.WORKING:
        edits = [
            Button(
                ctx.t(choices.VOLUNTEER_EDIT_BUTTON[f]),
                callbacks.encode(callbacks.VOL_EDIT_PROFILE, f),
            )
            for f in EDITABLE
        ]
        paused = volunteer.status == VolunteerStatus.PAUSED
        toggle = Button(
            ctx.t("volunteer.btn.resume" if paused else "volunteer.btn.pause"),
            callbacks.encode(callbacks.VOL_SET_PAUSED, 0 if paused else 1),
        )
        buttons = (*rows(*edits, per_row=3), (toggle,))
    return Reply((header + "\n\n" if header else "") + text, buttons=buttons, edit=edit)


async def profile(ctx: Ctx) -> Result:
    """/profile: the volunteer's own profile, with a button per field to change it."""
    return await profile_reply(ctx)


async def start_edit(ctx: Ctx) -> Result:
    field = callbacks.str_arg(ctx.args, 0, EDITABLE)
    volunteer = await _working(ctx)
    async with ctx.deps.db.session() as session:
        current = await volunteers.team_ids(session, volunteer.id)  # type: ignore[arg-type]
    data: dict[str, Any] = {"mode": "edit", "teams": current}
    await dialog.save(ctx, FLOW, field, data)
    return await _ask(ctx, field, data)


async def _save_edit(ctx: Ctx, data: dict[str, Any], field: str) -> Result:
    deps = ctx.deps
    async with deps.db.session() as session:
        volunteer = await volunteers.by_person(session, ctx.person.id)  # type: ignore[arg-type]
        await clear_dialog(session, person_id=ctx.person.id)  # type: ignore[arg-type]
        if volunteer is None or volunteer.status not in volunteers.WORKING:
            raise Refusal("volunteer.not_volunteer")
        if field == "teams":
            before = await volunteers.team_ids(session, volunteer.id)  # type: ignore[arg-type]
            after = await volunteers.set_teams(
                session,
                volunteer.id,  # type: ignore[arg-type]
                [int(i) for i in data.get("teams", [])],
            )
            await audit.record(
                session,
                actor_id=ctx.person.id,
                action="volunteer.teams",
                target_type="volunteer",
                target_id=volunteer.id,
                before={"teams": before},
                after={"teams": after},
            )
        elif field == "station":
            await volunteers.update_profile(
                session, volunteer, deps.now(), station_id=data.get("station_id")
            )
        else:
            await volunteers.update_profile(
                session,
                volunteer,
                deps.now(),
                **{field: data.get(field) or (volunteer.name if field == "name" else "")},
            )
    return [_ack(ctx, ctx.t("volunteer.saved")), await profile_reply(ctx)]


async def toggle_pause(ctx: Ctx) -> Result:
    pause = callbacks.str_arg(ctx.args, 0, ("0", "1")) == "1"
    volunteer = await _working(ctx)
    changed = await volunteers.set_available(ctx.deps, volunteer, not pause)
    toast = ctx.t("volunteer.paused_toast" if pause else "volunteer.resumed_toast")
    reply = await profile_reply(ctx, edit=True)
    return Outcome([reply], toast=toast if changed else None)


async def available(ctx: Ctx) -> Result:
    """/available: take offers again (and see how many requests are waiting)."""
    volunteer = await _working(ctx)
    changed = await volunteers.set_available(ctx.deps, volunteer, True)
    async with ctx.deps.db.session() as session:
        waiting = len(
            await dispatch.open_orders_for(
                session, volunteer, scope=ctx.deps.settings.escalation_scope
            )
        )
    key = "volunteer.now_available" if changed else "volunteer.already_available"
    return ctx.reply(key, n=waiting)


async def busy(ctx: Ctx) -> Result:
    """/busy: pause offers (jobs already held are not affected)."""
    volunteer = await _working(ctx)
    changed = await volunteers.set_available(ctx.deps, volunteer, False)
    return ctx.reply("volunteer.now_busy" if changed else "volunteer.already_busy")


# ---------------------------------------------------------------- the dialog as a table


async def _after_teams(ctx: Ctx, data: dict[str, Any]) -> str:
    """The station step only once an admin has set up stations."""
    if await _has_stations(ctx):
        return "station"
    data["station_id"] = None
    return "skills"


# The application, step by step; /profile's edits re-use a step and then save (``mode: edit``).
VOLUNTEER = Dialog(
    FLOW,
    steps=(
        DialogStep(
            "name",
            ask=_ask_name,
            answer=partial(_on_words, step="name"),
            next="phone",
            edits="name",
        ),
        DialogStep("phone", ask=_ask_phone, answer=_on_phone, next="teams", edits="phone"),
        DialogStep(
            "teams", ask=_ask_teams, answer=_use_buttons, next=_after_teams, edits="teams"
        ),  # buttons: toggle_team, teams_done
        DialogStep(
            "station", ask=_ask_station, answer=_use_buttons, next="skills", edits="station"
        ),  # buttons: open_station, pick_station, skip_station
        DialogStep(
            "skills",
            ask=partial(_ask_words, step="skills"),
            answer=partial(_on_words, step="skills"),
            next="honours",
            edits="skills",
        ),
        DialogStep(
            "honours",
            ask=partial(_ask_words, step="honours"),
            answer=partial(_on_words, step="honours"),
            edits="honours",
        ),  # the last: the application is submitted
    ),
)


def register(reg: Registry) -> None:
    # A volunteer's (and an admin's) menu shows what they can do now, not "apply" (issue 17).
    reg.command(
        "volunteer",
        apply,
        menu="menu.volunteer",
        hide_for=(Audience.VOLUNTEER, Audience.ADMIN),
    )
    reg.command("available", available, audience=Audience.VOLUNTEER, menu="menu.available")
    reg.command("busy", busy, audience=Audience.VOLUNTEER, menu="menu.busy")
    reg.command("profile", profile, audience=Audience.VOLUNTEER, menu="menu.profile")
    reg.dialog(FLOW, on_input)
    reg.button(callbacks.VOL_TOGGLE_TEAM, toggle_team)
    reg.button(callbacks.VOL_TEAMS_DONE, teams_done)
    reg.button(callbacks.VOL_OPEN_STATION, open_station)
    reg.button(callbacks.VOL_PICK_STATION, pick_station)
    reg.button(callbacks.VOL_SKIP_STATION, skip_station)
    reg.button(callbacks.VOL_SKIP_FIELD, skip_text)
    reg.button(callbacks.VOL_EDIT_PROFILE, start_edit)
    reg.button(callbacks.VOL_SET_PAUSED, toggle_pause)
