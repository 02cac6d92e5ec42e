"""What each step of the ordering dialog asks, and how the draft's values are shown.

Every prompt carries a way out (an inline 取消 button, or 取消 on the reply
keyboard). Steps that show a reply keyboard (place, phone) are followed by a
short acknowledgement that removes it before the next inline-button prompt,
since one message cannot both remove a reply keyboard and carry inline buttons.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any
from zoneinfo import ZoneInfo

from bot import callbacks, jobtext, phones, timeparse
from bot.callbacks import encode
from bot.context import Ctx
from bot.deps import Deps
from bot.flows import campaign_summary
from bot.flows.order_draft import (
    EDIT_FIELDS,
    MAX_PHOTOS,
    NO_TEAM,
    cached_teams,
    parse_iso,
    team_label,
)
from bot.reply import Button, KeyButton, Reply, rows
from bot.texts import Safe, choices, date_text, t
from store.models import Station, Team
from store.stations import station_by_id
from store.teams import team_by_id

# ---------------------------------------------------------------- buttons on every step


def close_button(ctx: Ctx, data: dict[str, Any]) -> Button:
    return Button(ctx.t("ordering.btn.cancel"), encode(callbacks.ORDER_CLOSE, data["tok"]))


def ack(text: str) -> Reply:
    """A short confirmation that also takes the reply keyboard away."""
    return Reply(text, remove_keyboard=True)


# ---------------------------------------------------------------- prompts


def prompt_describe(
    ctx: Ctx, data: dict[str, Any], *, team: Team | None = None, station: Station | None = None
) -> Reply:
    if team is not None:
        text = ctx.t("ordering.describe.team", team=team_label(team, ctx.lang))
    elif station is not None:
        text = ctx.t("ordering.describe.station", station=station.name)
    elif data.get("editing"):
        text = ctx.t("ordering.describe.edit", text=data["text"])
    else:
        text = ctx.t("ordering.describe.ask")
    return Reply(text, buttons=rows(close_button(ctx, data)))


async def prompt_confirm(ctx: Ctx, data: dict[str, Any]) -> Reply:
    """ "您的需求将由【…】处理，对吗？", or the list of teams when routing found none."""
    teams = await cached_teams(ctx.deps)
    by_slug = {team.slug: team for team in teams}
    tok = data["tok"]
    options = [by_slug[s] for s in data.get("options", []) if s in by_slug]
    triage = Button(ctx.t("ordering.btn.triage"), encode(callbacks.ORDER_PICK_TEAM, tok, NO_TEAM))
    unsure = [by_slug[s] for s in data.get("choices") or [] if s in by_slug]
    if len(unsure) >= 2 and not data.get("editing") and not data.get("picking"):
        return _prompt_choices(ctx, data, unsure)
    if options and not data.get("editing") and not data.get("picking"):
        top, *others = options
        buttons = [
            Button(
                ctx.t("ordering.btn.yes_team", team=team_label(top, ctx.lang)),
                encode(callbacks.ORDER_PICK_TEAM, tok, top.slug),
            )
        ]
        buttons += [
            Button(
                ctx.t("ordering.btn.alt_team", team=team_label(o, ctx.lang)),
                encode(callbacks.ORDER_PICK_TEAM, tok, o.slug),
            )
            for o in others
        ]
        text = ctx.t("ordering.confirm.ask", team=team_label(top, ctx.lang), text=data["text"])
        return Reply(text, buttons=rows(*buttons, triage, close_button(ctx, data)))
    weak = [by_slug[s] for s in data.get("weak", []) if s in by_slug]
    listed = weak + [team for team in teams if team not in weak]
    team_buttons = rows(
        *(
            Button(team_label(team, ctx.lang), encode(callbacks.ORDER_PICK_TEAM, tok, team.slug))
            for team in listed
        ),
        per_row=2,
    )
    picking = data.get("editing") or data.get("picking")
    key = "ordering.confirm.pick" if picking else "ordering.confirm.unsure"
    return Reply(
        ctx.t(key, text=data["text"]),
        buttons=(*team_buttons, (triage,), (close_button(ctx, data),)),
    )


def _prompt_choices(ctx: Ctx, data: dict[str, Any], likely: list[Team]) -> Reply:
    """Routing is unsure: the likely teams as buttons, plus 都不是，请人工分配."""
    tok = data["tok"]
    buttons = [
        Button(team_label(team, ctx.lang), encode(callbacks.ORDER_PICK_CHOICE, tok, team.slug))
        for team in likely
    ]
    triage = Button(ctx.t("ordering.btn.triage"), encode(callbacks.ORDER_PICK_CHOICE, tok, NO_TEAM))
    text = ctx.t("ordering.confirm.choose", text=data["text"])
    return Reply(text, buttons=rows(*buttons, triage, close_button(ctx, data)))


def prompt_place(ctx: Ctx, data: dict[str, Any]) -> Reply:
    return Reply(
        ctx.t("ordering.place.ask"),
        keyboard=(
            (KeyButton(ctx.t("ordering.kb.location"), request="location"),),
            (KeyButton(ctx.t("ordering.kb.skip")), KeyButton(ctx.t("ordering.kb.cancel"))),
        ),
    )


def _time_buttons(ctx: Ctx, data: dict[str, Any]) -> tuple[tuple[Button, ...], ...]:
    tok = data["tok"]

    def b(pref: str) -> Button:
        return Button(
            ctx.t(choices.TIME_PREF_BUTTON[pref]), encode(callbacks.ORDER_PICK_TIME, tok, pref)
        )

    return (
        (b("asap"), b("today")),
        (b("tomorrow"), b("weekend")),
        (b("custom"),),
        (close_button(ctx, data),),
    )


def prompt_time(ctx: Ctx, data: dict[str, Any]) -> Reply:
    return Reply(
        ctx.t("ordering.time.ask", example=example_day(ctx)), buttons=_time_buttons(ctx, data)
    )


def prompt_time_text(ctx: Ctx, data: dict[str, Any]) -> Reply:
    return Reply(
        ctx.t("ordering.time.custom", example=example_day(ctx)),
        buttons=rows(close_button(ctx, data)),
    )


def example_day(ctx: Ctx) -> str:
    """A real day a few days ahead for "e.g." texts, never a date that has passed."""
    day = ctx.deps.now().astimezone(ctx.deps.settings.tz).date() + timedelta(days=4)
    return date_text(ctx.lang, "date.example", day)


def prompt_phone(ctx: Ctx, data: dict[str, Any]) -> Reply:
    keyboard: list[tuple[KeyButton, ...]] = [
        (KeyButton(ctx.t("ordering.kb.contact"), request="contact"),)
    ]
    saved = ctx.person.phone
    if saved:
        keyboard.append(
            (KeyButton(ctx.t("ordering.kb.saved_phone", phone=phones.mask_phone(saved))),)
        )
    keyboard.append((KeyButton(ctx.t("ordering.kb.cancel")),))
    key = "ordering.phone.ask_saved" if saved else "ordering.phone.ask"
    return Reply(ctx.t(key), keyboard=tuple(keyboard))


def photo_buttons(ctx: Ctx, data: dict[str, Any]) -> tuple[tuple[Button, ...], ...]:
    label = "ordering.btn.photos_done" if data["photos"] else "ordering.btn.photos_skip"
    return rows(
        Button(ctx.t(label), encode(callbacks.ORDER_PHOTOS_DONE, data["tok"], "done")),
        close_button(ctx, data),
    )


def prompt_photos(ctx: Ctx, data: dict[str, Any]) -> Reply:
    have = len(data.get("photos") or [])
    if have:  # the photo the need came with (issue 17.6)
        text = ctx.t("worker.photos.ask_more", count=have, left=max(MAX_PHOTOS - have, 0))
        return Reply(text, buttons=photo_buttons(ctx, data))
    return Reply(ctx.t("ordering.photos.ask", limit=MAX_PHOTOS), buttons=photo_buttons(ctx, data))


async def detail_lines(deps: Deps, lang: str | None, data: dict[str, Any]) -> list[str]:
    """The draft's fields, one line each (the worker's summary and the admins' notice)."""
    async with deps.db.read() as session:
        team = await team_by_id(session, team_id=data.get("team_id"))
        station = await station_by_id(session, station_id=data.get("station_id"))
    tz = deps.settings.tz
    lines = [
        t(lang, "ordering.summary.text", text=data["text"]),
        t(
            lang,
            "ordering.summary.team",
            team=team_label(team, lang) if team else t(lang, "order.no_team"),
        ),
    ]
    if station is not None:
        lines.append(t(lang, "ordering.summary.station", station=station.name))
    lines += [
        t(lang, "ordering.summary.place", place=place_display(lang, data)),
        t(lang, "ordering.summary.time", time=time_display(lang, tz, data)),
        t(lang, "ordering.summary.phone", phone=data.get("phone") or "—"),
        t(lang, "ordering.summary.photos", count=len(data.get("photos") or [])),
    ]
    return lines


async def summary_lines(ctx: Ctx, data: dict[str, Any]) -> list[str]:
    """The draft as the worker checks it (and reads it again once submitted)."""
    lines = await detail_lines(ctx.deps, ctx.lang, data)
    lines += await campaign_summary.lines(ctx, data)  # 纳入服务月需求征集 (issue 20)
    return lines


async def summary_text(ctx: Ctx, data: dict[str, Any]) -> str:
    return "\n".join([ctx.t("ordering.summary.title"), *await summary_lines(ctx, data)])


async def prompt_summary(ctx: Ctx, data: dict[str, Any], *, edit: bool = False) -> Reply:
    tok = data["tok"]
    buttons = (
        (Button(ctx.t("ordering.btn.submit"), encode(callbacks.ORDER_SUMMARY, tok, "ok")),),
        (
            Button(ctx.t("ordering.btn.edit"), encode(callbacks.ORDER_SUMMARY, tok, "edit")),
            close_button(ctx, data),
        ),
        *await campaign_summary.buttons(ctx, data),
    )
    return Reply(await summary_text(ctx, data), buttons=buttons, edit=edit)


async def prompt_edit(ctx: Ctx, data: dict[str, Any], *, edit: bool = False) -> Reply:
    tok = data["tok"]
    fields = [
        Button(ctx.t(choices.ORDER_EDIT_FIELD[f]), encode(callbacks.ORDER_EDIT_FIELD, tok, f))
        for f in EDIT_FIELDS
    ]
    back = Button(ctx.t("ordering.btn.back"), encode(callbacks.ORDER_EDIT_FIELD, tok, "back"))
    text = await summary_text(ctx, data) + "\n\n" + ctx.t("ordering.edit.ask")
    return Reply(text, buttons=(*rows(*fields, per_row=2), (back,)), edit=edit)


# ---------------------------------------------------------------- showing values


def located_at(lang: str | None, data: dict[str, Any]) -> str | None:
    """A shared location in words: its nearest station, else readable coordinates."""
    if data.get("latitude") is None or data.get("longitude") is None:
        return None
    return data.get("near") or jobtext.coords_label(lang, data["latitude"], data["longitude"])


def place_display(lang: str | None, data: dict[str, Any]) -> str:
    located = located_at(lang, data)
    if data.get("address"):
        if located and data.get("house_asked"):  # a door number added to a shared location
            return t(lang, "staff.place.with_house", house=data["address"], place=located)
        return str(data["address"])
    if located and data.get("near"):
        return t(lang, "staff.place.near", place=located)
    if located:
        return t(lang, "ordering.place.location", place=located)
    return t(lang, "ordering.place.none")


def time_display(lang: str | None, tz: ZoneInfo, data: dict[str, Any]) -> str:
    """The preferred time as plain (unescaped) text: the preset or the words, and the window."""
    pref = data.get("time_pref")
    if pref is None:
        return "—"
    start, end = parse_iso(data.get("window_start")), parse_iso(data.get("window_end"))
    label = t(lang, choices.TIME_PREF_BUTTON[pref]) if pref != "custom" else data["time_text"]
    if pref == "asap" or start is None or end is None:
        return str(label)
    window = timeparse.format_window(start, end, tz, lang)
    # Plain text like the other branches: whoever shows it escapes it (once).
    return t(lang, "ordering.time.with_window", label=Safe(label), window=Safe(window))


def when(ctx: Ctx, data: dict[str, Any]) -> str:
    return time_display(ctx.lang, ctx.deps.settings.tz, data)
