"""Service hours for people: /hours (own, correctable for 48 h; admins correct anyone's in
their stations with a reason), /addhours for offline work, and the short-job question's
buttons (issue 18). The rules live in bot.activities_hours."""

from __future__ import annotations

from typing import Any

from bot import activities_hours as hours
from bot import callbacks, dialog, roles
from bot.callbacks import encode, int_arg
from bot.context import Ctx
from bot.errors import Refusal
from bot.events import Kind
from bot.people import volunteer_of
from bot.registry import Audience, Registry, Result
from bot.reply import Button, Outcome, Reply
from bot.texts.choices import HOURS_SOURCE
from store import activities as store
from store.models import HoursEntry, Volunteer
from store.volunteers import volunteer_by_id, volunteers_named

HOURS_FLOW = "hrsedit"


async def _volunteer(ctx: Ctx) -> Volunteer | None:
    if not ctx.is_volunteer:
        return None
    async with ctx.deps.db.session() as session:
        return await volunteer_of(session, ctx.person)


def _entry_line(ctx: Ctx, e: HoursEntry, tz: Any) -> str:
    when = e.created_at.astimezone(tz).strftime("%m-%d %H:%M")
    what = ctx.t(HOURS_SOURCE[e.source])
    return ctx.t(
        "hours.line", id=e.id, when=when, what=what, hours=hours.label(ctx.lang, e.minutes)
    )


async def my_hours(ctx: Ctx) -> Result:
    """/hours: your recent service time (with 修改 for 48 h); admins: /hours <#id> <时长> <原因>
    corrects an entry, /hours <volunteer> lists theirs."""
    args = list(ctx.event.args) if ctx.event.kind == Kind.COMMAND else []
    if args and ctx.is_admin:
        return await _admin_hours(ctx, args)
    volunteer = await _volunteer(ctx)
    if volunteer is None:
        return ctx.reply("hours.admin_usage" if ctx.is_admin else "volunteer.not_volunteer")
    tz = ctx.deps.settings.tz
    async with ctx.deps.db.session() as session:
        entries = await store.entries_of(session, volunteer_id=volunteer.id)  # type: ignore[arg-type]
        total = (await volunteer_by_id(session, volunteer_id=volunteer.id)).service_minutes  # type: ignore[union-attr]
    lines = [ctx.t("hours.head", total=hours.label(ctx.lang, total))]
    buttons = []
    now = ctx.deps.now()
    for e in entries:
        lines.append(_entry_line(ctx, e, tz))
        if now - e.created_at <= hours.SELF_CORRECT_WITHIN:
            buttons.append((Button(ctx.t("hours.btn.fix", id=e.id), encode(hours.EDIT, e.id)),))
    return Reply("\n".join(lines), buttons=tuple(buttons))


async def _admin_volunteer(ctx: Ctx, who: str) -> Volunteer:
    async with ctx.deps.db.session() as session:
        if who.isdigit():
            one = await volunteer_by_id(session, volunteer_id=int(who))
            found = [one] if one is not None else []
        else:
            found = await volunteers_named(session, name=who, limit=2)
        if len(found) != 1:
            raise Refusal("hours.no_volunteer", who=who)
        await roles.require_scope(session, ctx, found[0].station_id)
    return found[0]


async def _admin_hours(ctx: Ctx, args: list[str]) -> Result:
    tz = ctx.deps.settings.tz
    if args[0].startswith("#") and args[0][1:].isdigit():
        if len(args) < 3:
            return ctx.reply("hours.admin_usage")
        minutes = hours.parse_minutes(args[1])
        if minutes is None:
            return ctx.reply("hours.bad")
        entry_id = int(args[0][1:])
        async with ctx.deps.db.session() as session:
            entry = await store.entry_by_id(session, entry_id=entry_id)
        if entry is None:
            return ctx.reply("hours.no_entry")
        await _admin_volunteer(ctx, str(entry.volunteer_id))
        result = await hours.correct(
            ctx.deps, entry_id, minutes, by=ctx.person, reason=" ".join(args[2:]), as_admin=True
        )
        if isinstance(result, str):
            return ctx.reply(result, limit=ctx.deps.settings.job_hours_cap)
        return ctx.reply(
            "hours.corrected",
            id=entry_id,
            before=hours.label(ctx.lang, result[0]),
            after=hours.label(ctx.lang, result[1]),
        )
    volunteer = await _admin_volunteer(ctx, args[0])
    async with ctx.deps.db.session() as session:
        entries = await store.entries_of(session, volunteer_id=volunteer.id)  # type: ignore[arg-type]
    lines = [
        ctx.t(
            "hours.of", name=volunteer.name, total=hours.label(ctx.lang, volunteer.service_minutes)
        )
    ]
    lines += [_entry_line(ctx, e, tz) for e in entries]
    return Reply("\n".join(lines))


async def add_hours(ctx: Ctx) -> Result:
    """/addhours <volunteer> <时长> <说明>: offline service hours."""
    args = list(ctx.event.args)
    if len(args) < 3:
        return ctx.reply("hours.add_usage")
    minutes = hours.parse_minutes(args[1])
    if minutes is None or minutes <= 0 or minutes > ctx.deps.settings.job_hours_cap * 60:
        return ctx.reply("hours.bad")
    volunteer = await _admin_volunteer(ctx, args[0])
    entry = await hours.add_offline(
        ctx.deps,
        volunteer.id,  # type: ignore[arg-type]
        minutes,
        " ".join(args[2:]),
        by=ctx.person,  # type: ignore[arg-type]
    )
    return ctx.reply(
        "hours.added", name=volunteer.name, hours=hours.label(ctx.lang, minutes), id=entry.id
    )


async def press_hours_set(ctx: Ctx) -> Result:
    entry_id, minutes = int_arg(ctx.args, 0), int_arg(ctx.args, 1)
    if minutes not in hours.QUICK:
        raise callbacks.BadCallback(str(minutes))
    return await _self_correct(ctx, entry_id, minutes, edit=True)


async def _self_correct(ctx: Ctx, entry_id: int, minutes: int, *, edit: bool = False) -> Result:
    result = await hours.correct(ctx.deps, entry_id, minutes, by=ctx.person)
    if isinstance(result, str):
        limit = min(hours.SELF_MAX_MINUTES // 60, ctx.deps.settings.job_hours_cap)
        answer = ctx.t(result, limit=limit)
        return Outcome(toast=answer) if edit else Outcome([Reply(answer)])
    text = ctx.t("hours.saved", hours=hours.label(ctx.lang, result[1]))
    return Outcome([Reply(text, edit=edit)], toast=text if edit else None)


async def press_hours_edit(ctx: Ctx) -> Result:
    entry_id = int_arg(ctx.args, 0)
    await dialog.save(ctx, HOURS_FLOW, "minutes", {"entry_id": entry_id})
    return ctx.reply("hours.ask")


async def hours_input(ctx: Ctx) -> Result:
    state = ctx.dialog
    assert state is not None
    minutes = hours.parse_minutes(ctx.event.text) if ctx.event.kind == Kind.TEXT else None
    if minutes is None:
        return ctx.reply("hours.bad")
    outcome = await _self_correct(ctx, int(state.data["entry_id"]), minutes)
    await dialog.clear(ctx)
    return outcome


def register(reg: Registry) -> None:
    reg.command("hours", my_hours, audience=Audience.VOLUNTEER, menu="menu.hours")
    reg.command("addhours", add_hours, audience=Audience.ADMIN, menu="menu.addhours")
    reg.dialog(HOURS_FLOW, hours_input)
    reg.button(hours.SET, press_hours_set)
    reg.button(hours.EDIT, press_hours_edit)
    reg.listen("job_done", hours.on_job_done)
