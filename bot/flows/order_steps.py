"""The steps of the ordering dialog: what each one asks, what it accepts, where it leads.

Every prompt carries a way out (an inline 取消 button, or 取消 on the reply
keyboard), and every step answers an unexpected message with the hint for that
step and its buttons again, leaving the draft untouched. Steps that show a
reply keyboard (place, phone) are followed by a short acknowledgement that
removes it before the next inline-button prompt, since one message cannot both
remove a reply keyboard and carry inline buttons.
"""

from __future__ import annotations

import dataclasses
from typing import Any
from zoneinfo import ZoneInfo

from bot import phones, timeparse
from bot.callbacks import encode, str_arg
from bot.context import Ctx
from bot.deps import Deps
from bot.errors import Expired
from bot.events import Kind
from bot.flows.order_draft import (
    EDIT_FIELDS,
    MAX_ADDRESS,
    MAX_PHOTOS,
    MAX_TEXT,
    MAX_TIME_TEXT,
    NO_TEAM,
    TIME_PHRASES,
    TIME_PREFS,
    V_CLOSE,
    V_EDIT,
    V_PHOTOS,
    V_SUMMARY,
    V_TEAM,
    V_TIME,
    Step,
    active_teams,
    parse_iso,
    require,
    save,
    team_by_slug,
    team_label,
)
from bot.reply import Button, KeyButton, Reply, rows
from bot.routing import normalize
from bot.routing.stopwords import CHITCHAT
from bot.routing_feedback import record_label
from bot.texts import LANGUAGES, Safe, t
from store.models import RoutingLabel, Station, Team

# ---------------------------------------------------------------- chit-chat

# Words that may pad a greeting ("谢谢师傅", "你好呀") without making it a request.
_PADDING = frozenset(
    {
        "的",
        "了",
        "啊",
        "呀",
        "吗",
        "呢",
        "吧",
        "哦",
        "哈",
        "师傅",
        "老师",
        "您",
        "你",
        "们",
        "bot",
        "机器人",
        "小助手",
    }
)
_SMALL_TALK = sorted(CHITCHAT | _PADDING, key=len, reverse=True)


def is_chitchat(text: str) -> bool:
    """True when ``text`` is only greetings, thanks and fillers (or only emoji/punctuation)."""
    for chunk in normalize(text).split():
        i = 0
        while i < len(chunk):
            word = next((w for w in _SMALL_TALK if chunk.startswith(w, i)), None)
            if word is None:
                return False
            i += len(word)
    return True


# Typed answers to "您的需求将由【…】处理，对吗？" (normalised forms): people answer the
# question in words as often as with the buttons, and must not have it appended to the need.
_YES = frozenset(
    {
        "对",
        "对的",
        "对啊",
        "对呀",
        "是",
        "是的",
        "是啊",
        "没错",
        "好",
        "好的",
        "可以",
        "行",
        "嗯",
        "嗯嗯",
        "确认",
        "正确",
        "yes",
        "y",
        "ok",
        "okay",
        "right",
        "correct",
        "sure",
    }
)
_NO = frozenset({"不对", "不是", "不是的", "错了", "不", "都不是", "no", "n", "nope", "wrong"})


def yes_or_no(text: str) -> bool | None:
    """True for "对"/"是的"…, False for "不对"/"不是"…, None for anything else."""
    words = normalize(text).split()
    if not words or any(w not in _YES | _NO for w in words):
        return None
    return not any(w in _NO for w in words)


# ---------------------------------------------------------------- labels typed back


def labels(key: str, **kwargs: Any) -> set[str]:
    """A reply-keyboard label in every language, as it comes back when tapped."""
    return {t(lang, key, **kwargs).casefold() for lang in LANGUAGES}


def is_label(ctx: Ctx, key: str, **kwargs: Any) -> bool:
    return ctx.event.text.strip().casefold() in labels(key, **kwargs)


def close_button(ctx: Ctx, data: dict[str, Any]) -> Button:
    return Button(ctx.t("ordering.btn.cancel"), encode(V_CLOSE, data["tok"]))


def _ack(text: str) -> Reply:
    """A short confirmation that also takes the reply keyboard away."""
    return Reply(text, remove_keyboard=True)


# ---------------------------------------------------------------- routing the need


async def route_into(ctx: Ctx, data: dict[str, Any]) -> None:
    """Route ``data["text"]`` and keep the offer (top team and up to two alternatives)."""
    result = await ctx.deps.router.route_async(data["text"])
    async with ctx.deps.db.session() as session:
        active = {team.slug for team in await active_teams(session)}
    ranked = [c.team for c in result.candidates if c.team in active]
    choices = [slug for slug in result.choices if slug in active]
    data["choices"] = choices if len(choices) >= 2 else []  # unsure: offer these as buttons
    data["picking"] = False  # fresh words: ask about the new top team again
    data["route_score"] = result.score if result.candidates else None
    data["route_matched"] = list(result.matched)
    if result.team is not None and result.team in active:
        data["options"] = [result.team, *[s for s in ranked if s != result.team]][:3]
        data["weak"] = []
    else:
        data["options"] = []
        data["weak"] = ranked  # listed first when the person picks from the list


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
    async with ctx.deps.db.session() as session:
        teams = await active_teams(session)
    by_slug = {team.slug: team for team in teams}
    tok = data["tok"]
    options = [by_slug[s] for s in data.get("options", []) if s in by_slug]
    triage = Button(ctx.t("ordering.btn.triage"), encode(V_TEAM, tok, NO_TEAM))
    choices = [by_slug[s] for s in data.get("choices") or [] if s in by_slug]
    if len(choices) >= 2 and not data.get("editing") and not data.get("picking"):
        buttons = [Button(team_label(c, ctx.lang), encode(V_TEAM, tok, c.slug)) for c in choices]
        text = ctx.t("ordering.confirm.choose", text=data["text"])
        return Reply(text, buttons=rows(*buttons, triage, close_button(ctx, data)))
    if options and not data.get("editing") and not data.get("picking"):
        top, *others = options
        buttons = [
            Button(
                ctx.t("ordering.btn.yes_team", team=team_label(top, ctx.lang)),
                encode(V_TEAM, tok, top.slug),
            )
        ]
        buttons += [
            Button(
                ctx.t("ordering.btn.alt_team", team=team_label(o, ctx.lang)),
                encode(V_TEAM, tok, o.slug),
            )
            for o in others
        ]
        text = ctx.t("ordering.confirm.ask", team=team_label(top, ctx.lang), text=data["text"])
        return Reply(text, buttons=rows(*buttons, triage, close_button(ctx, data)))
    weak = [by_slug[s] for s in data.get("weak", []) if s in by_slug]
    listed = weak + [team for team in teams if team not in weak]
    team_buttons = rows(
        *(Button(team_label(team, ctx.lang), encode(V_TEAM, tok, team.slug)) for team in listed),
        per_row=2,
    )
    picking = data.get("editing") or data.get("picking")
    key = "ordering.confirm.pick" if picking else "ordering.confirm.unsure"
    return Reply(
        ctx.t(key, text=data["text"]),
        buttons=(*team_buttons, (triage,), (close_button(ctx, data),)),
    )


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
        return Button(ctx.t(f"ordering.time.btn.{pref}"), encode(V_TIME, tok, pref))

    return (
        (b("asap"), b("today")),
        (b("tomorrow"), b("weekend")),
        (b("custom"),),
        (close_button(ctx, data),),
    )


def prompt_time(ctx: Ctx, data: dict[str, Any]) -> Reply:
    return Reply(ctx.t("ordering.time.ask"), buttons=_time_buttons(ctx, data))


def prompt_time_text(ctx: Ctx, data: dict[str, Any]) -> Reply:
    return Reply(ctx.t("ordering.time.custom"), buttons=rows(close_button(ctx, data)))


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


def _photo_buttons(ctx: Ctx, data: dict[str, Any]) -> tuple[tuple[Button, ...], ...]:
    label = "ordering.btn.photos_done" if data["photos"] else "ordering.btn.photos_skip"
    return rows(
        Button(ctx.t(label), encode(V_PHOTOS, data["tok"], "done")), close_button(ctx, data)
    )


def prompt_photos(ctx: Ctx, data: dict[str, Any]) -> Reply:
    return Reply(ctx.t("ordering.photos.ask", limit=MAX_PHOTOS), buttons=_photo_buttons(ctx, data))


async def detail_lines(deps: Deps, lang: str | None, data: dict[str, Any]) -> list[str]:
    """The draft's fields, one line each (the worker's summary and the admins' notice)."""
    async with deps.db.session() as session:
        team = await session.get(Team, data["team_id"]) if data.get("team_id") else None
        station = await session.get(Station, data["station_id"]) if data.get("station_id") else None
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


async def summary_text(ctx: Ctx, data: dict[str, Any]) -> str:
    lines = await detail_lines(ctx.deps, ctx.lang, data)
    return "\n".join([ctx.t("ordering.summary.title"), *lines])


async def prompt_summary(ctx: Ctx, data: dict[str, Any], *, edit: bool = False) -> Reply:
    tok = data["tok"]
    buttons = (
        (Button(ctx.t("ordering.btn.submit"), encode(V_SUMMARY, tok, "ok")),),
        (
            Button(ctx.t("ordering.btn.edit"), encode(V_SUMMARY, tok, "edit")),
            close_button(ctx, data),
        ),
    )
    return Reply(await summary_text(ctx, data), buttons=buttons, edit=edit)


async def prompt_edit(ctx: Ctx, data: dict[str, Any], *, edit: bool = False) -> Reply:
    tok = data["tok"]
    fields = [
        Button(ctx.t(f"ordering.edit.field.{f}"), encode(V_EDIT, tok, f)) for f in EDIT_FIELDS
    ]
    back = Button(ctx.t("ordering.btn.back"), encode(V_EDIT, tok, "back"))
    text = await summary_text(ctx, data) + "\n\n" + ctx.t("ordering.edit.ask")
    return Reply(text, buttons=(*rows(*fields, per_row=2), (back,)), edit=edit)


async def prompt(ctx: Ctx, data: dict[str, Any], step: str) -> Reply:
    """The question of ``step`` (also re-sent, under a hint, after unexpected input)."""
    if step == Step.DESCRIBE:
        return prompt_describe(ctx, data)
    if step == Step.CONFIRM_TEAM:
        return await prompt_confirm(ctx, data)
    if step == Step.PLACE:
        return prompt_place(ctx, data)
    if step == Step.TIME:
        return prompt_time(ctx, data)
    if step == Step.TIME_TEXT:
        return prompt_time_text(ctx, data)
    if step == Step.PHONE:
        return prompt_phone(ctx, data)
    if step == Step.PHOTOS:
        return prompt_photos(ctx, data)
    if step == Step.EDIT_CHOICE:
        return await prompt_edit(ctx, data)
    return await prompt_summary(ctx, data)


async def hint(
    ctx: Ctx, data: dict[str, Any], step: str, key: str | None = None, **kwargs: Any
) -> Reply:
    """The step's hint (or ``key``) with the step's buttons; the draft is unchanged."""
    again = await prompt(ctx, data, step)
    if step == Step.PHOTOS:
        kwargs.setdefault("limit", MAX_PHOTOS)
    text = ctx.t(key or f"ordering.hint.{step}", **kwargs)
    if step in (Step.SUMMARY, Step.EDIT_CHOICE):
        text = again.text + "\n\n" + text  # the summary itself is what to act on
    return Reply(text, buttons=again.buttons, keyboard=again.keyboard)


async def goto(ctx: Ctx, data: dict[str, Any], step: str) -> Reply:
    """Move the draft to ``step`` (renewing its token) and ask that step's question."""
    await save(ctx, step, data)
    return await prompt(ctx, data, step)


_NEXT = {
    Step.CONFIRM_TEAM: Step.PLACE,
    Step.PLACE: Step.TIME,
    Step.TIME: Step.PHONE,
    Step.TIME_TEXT: Step.PHONE,
    Step.PHONE: Step.PHOTOS,
    Step.PHOTOS: Step.SUMMARY,
}


async def advance(ctx: Ctx, data: dict[str, Any], done: str) -> Reply:
    """Go on after ``done``: the next step, or back to the summary when editing."""
    if data.get("editing"):
        data["editing"] = False
        return await goto(ctx, data, Step.SUMMARY)
    if done == Step.DESCRIBE:
        if data.get("team_chosen"):
            return await goto(ctx, data, Step.PLACE)
        await route_into(ctx, data)
        return await goto(ctx, data, Step.CONFIRM_TEAM)
    return await goto(ctx, data, _NEXT[done])


# ---------------------------------------------------------------- showing values


def place_display(lang: str | None, data: dict[str, Any]) -> str:
    if data.get("address"):
        return str(data["address"])
    if data.get("latitude") is not None and data.get("longitude") is not None:
        return t(
            lang,
            "ordering.place.location",
            lat=f"{data['latitude']:.5f}",
            lon=f"{data['longitude']:.5f}",
        )
    return t(lang, "ordering.place.none")


def time_display(lang: str | None, tz: ZoneInfo, data: dict[str, Any]) -> str:
    """The preferred time as plain (unescaped) text: the preset or the words, and the window."""
    pref = data.get("time_pref")
    if pref is None:
        return "—"
    start, end = parse_iso(data.get("window_start")), parse_iso(data.get("window_end"))
    label = t(lang, f"ordering.time.btn.{pref}") if pref != "custom" else data["time_text"]
    if pref == "asap" or start is None or end is None:
        return str(label)
    window = timeparse.format_window(start, end, tz, lang)
    # Plain text like the other branches: whoever shows it escapes it (once).
    return t(lang, "ordering.time.with_window", label=Safe(label), window=Safe(window))


def _when(ctx: Ctx, data: dict[str, Any]) -> str:
    return time_display(ctx.lang, ctx.deps.settings.tz, data)


# ---------------------------------------------------------------- step inputs


async def on_describe(ctx: Ctx, data: dict[str, Any]) -> Reply | list[Reply]:
    if ctx.event.kind != Kind.TEXT or not ctx.event.text.strip():
        return await hint(ctx, data, Step.DESCRIBE)
    text = ctx.event.text.strip()
    if len(text) > MAX_TEXT:
        return await hint(ctx, data, Step.DESCRIBE, "ordering.hint.too_long", limit=MAX_TEXT)
    if is_chitchat(text):  # "谢谢", "好的", "👍": not a need to send a volunteer for
        return await hint(ctx, data, Step.DESCRIBE)
    data["text"] = text
    return await advance(ctx, data, Step.DESCRIBE)


async def choose_team(ctx: Ctx, data: dict[str, Any], slug: str, *, edit: bool) -> list[Reply]:
    """The routing confirmation answered with a team (or NO_TEAM: admin triage)."""
    offered = data.pop("choices", None) or []
    if offered and not data.get("editing"):  # a pick among offered choices is a label
        await record_label(
            ctx.deps,
            text=data["text"],
            team_slug=None if slug == NO_TEAM else slug,
            source=RoutingLabel.PICK,
            actor_id=ctx.person.id,
            offered=offered,
        )
    if slug == NO_TEAM:
        data.update(team=None, team_id=None, team_chosen=True)
        chosen = ctx.t("ordering.confirm.triage")
    else:
        async with ctx.deps.db.session() as session:
            team = await team_by_slug(session, slug)
        if team is None:
            raise Expired()
        data.update(team=team.slug, team_id=team.id, team_chosen=True)
        chosen = ctx.t("ordering.confirm.chosen", team=team_label(team, ctx.lang))
    return [Reply(chosen, edit=edit), await advance(ctx, data, Step.CONFIRM_TEAM)]


async def on_confirm_text(ctx: Ctx, data: dict[str, Any]) -> Reply | list[Reply]:
    """Words at the routing confirmation: "对" takes the proposed team, "不对" lists every
    team; anything else is more about the need, added to it and routed again.

    (When the person came from 修改 to change the team, words are not a team: hint.)"""
    if data.get("editing"):
        return await hint(ctx, data, Step.CONFIRM_TEAM, "ordering.hint.pick_team")
    if ctx.event.kind != Kind.TEXT or not ctx.event.text.strip():
        return await hint(ctx, data, Step.CONFIRM_TEAM)
    answer = yes_or_no(ctx.event.text)
    options = list(data.get("options") or [])
    if answer and options and not data.get("picking"):
        return await choose_team(ctx, data, options[0], edit=False)
    if answer is not None:  # "不对", or "对" with no team proposed: every team to pick from
        weak = [s for s in data.get("weak") or [] if s not in options]
        data.update(options=[], weak=[*options, *weak], picking=True)
        return await goto(ctx, data, Step.CONFIRM_TEAM)
    if is_chitchat(ctx.event.text):
        return await hint(ctx, data, Step.CONFIRM_TEAM)
    combined = f"{data['text']}\n{ctx.event.text.strip()}"
    if len(combined) > MAX_TEXT:
        return await hint(ctx, data, Step.CONFIRM_TEAM, "ordering.hint.too_long", limit=MAX_TEXT)
    data["text"] = combined
    await route_into(ctx, data)
    return await goto(ctx, data, Step.CONFIRM_TEAM)


async def on_place(ctx: Ctx, data: dict[str, Any]) -> list[Reply] | Reply:
    kind = ctx.event.kind
    if kind == Kind.LOCATION and ctx.event.latitude is not None:
        data.update(address=None, latitude=ctx.event.latitude, longitude=ctx.event.longitude)
    elif kind == Kind.TEXT and is_label(ctx, "ordering.kb.skip"):
        data.update(address=None, latitude=None, longitude=None)
    elif kind == Kind.TEXT:
        address = " ".join(ctx.event.text.split())
        if len(address) > MAX_ADDRESS:
            return await hint(ctx, data, Step.PLACE, "ordering.hint.place_long", limit=MAX_ADDRESS)
        if (
            len(address) < 2
            or is_label(ctx, "ordering.kb.location")
            or is_chitchat(address)  # "好的", "👍👍" are not places
        ):
            return await hint(ctx, data, Step.PLACE)
        data.update(address=address, latitude=None, longitude=None)
    else:
        return await hint(ctx, data, Step.PLACE)
    ack = _ack(ctx.t("ordering.place.saved", place=place_display(ctx.lang, data)))
    return [ack, await advance(ctx, data, Step.PLACE)]


def set_time(
    ctx: Ctx, data: dict[str, Any], pref: str, text: str, window: timeparse.Window
) -> None:
    data.update(
        time_pref=pref,
        time_text=text[:MAX_TIME_TEXT],
        window_start=window.start.isoformat(),
        window_end=window.end.isoformat(),
    )


def preset_window(ctx: Ctx, pref: str) -> timeparse.Window | None:
    return timeparse.parse(TIME_PHRASES[pref], ctx.deps.now(), ctx.deps.settings.tz)


async def on_time_text(ctx: Ctx, data: dict[str, Any], step: str) -> Reply | list[Reply]:
    """A typed time (at the time buttons or after 自己填写); unclear → asked again."""
    if ctx.event.kind != Kind.TEXT or not ctx.event.text.strip():
        return await hint(ctx, data, step)
    text = ctx.event.text.strip()
    if len(text) > MAX_TIME_TEXT:
        return await hint(ctx, data, step, "ordering.hint.time_long", limit=MAX_TIME_TEXT)
    preset = next((p for p in TIME_PHRASES if is_label(ctx, f"ordering.time.btn.{p}")), None)
    if preset is not None:
        window = preset_window(ctx, preset)
        pref = preset
    else:
        parsed = timeparse.parse_detailed(text, ctx.deps.now(), ctx.deps.settings.tz)
        window, pref = parsed.window, "custom"
        if window is None:
            return await hint(ctx, data, step, f"ordering.time.unclear.{parsed.reason}", text=text)
    if window is None:
        return await hint(ctx, data, step)
    set_time(ctx, data, pref, text, window)
    saved = ctx.t("ordering.time.saved", time=_when(ctx, data))
    return [Reply(saved), await advance(ctx, data, step)]


async def on_phone(ctx: Ctx, data: dict[str, Any]) -> Reply | list[Reply]:
    kind = ctx.event.kind
    phone: str | None = None
    if kind == Kind.CONTACT:
        if not ctx.event.contact_is_self:
            return await hint(ctx, data, Step.PHONE, "ordering.hint.phone_not_self")
        phone = phones.normalize_mobile(ctx.event.phone)
        if phone is None:
            return await hint(ctx, data, Step.PHONE, "ordering.hint.phone_foreign")
    elif kind == Kind.TEXT:
        saved = ctx.person.phone
        if saved and is_label(ctx, "ordering.kb.saved_phone", phone=phones.mask_phone(saved)):
            phone = saved
        else:
            # "我的手机是138…" or "138… 谢谢" is as good as the bare number.
            phone = phones.normalize_mobile(ctx.event.text) or phones.find_mobile(ctx.event.text)
            if phone is None:
                return await hint(ctx, data, Step.PHONE, "ordering.hint.phone_invalid")
    else:
        return await hint(ctx, data, Step.PHONE)
    data["phone"] = phone
    ack = _ack(ctx.t("ordering.phone.saved", phone=phone))
    return [ack, await advance(ctx, data, Step.PHONE)]


async def on_photos(ctx: Ctx, data: dict[str, Any]) -> Reply | list[Reply]:
    kind = ctx.event.kind
    if kind == Kind.TEXT and (
        is_label(ctx, "ordering.btn.photos_done") or is_label(ctx, "ordering.btn.photos_skip")
    ):
        return await advance(ctx, data, Step.PHOTOS)
    if kind != Kind.PHOTO or not ctx.event.photo:
        return await hint(ctx, data, Step.PHOTOS)
    photos = list(data.get("photos") or [])
    if len(photos) >= MAX_PHOTOS:  # only reachable by a race; the step ends at the limit
        return await advance(ctx, data, Step.PHOTOS)
    photos.append(ctx.event.photo)
    data["photos"] = photos
    if len(photos) >= MAX_PHOTOS:
        got = Reply(ctx.t("ordering.photos.full", limit=MAX_PHOTOS))
        return [got, await advance(ctx, data, Step.PHOTOS)]
    await save(ctx, Step.PHOTOS, data, renew=False)  # earlier 完成 buttons stay valid
    text = ctx.t("ordering.photos.got", count=len(photos), left=MAX_PHOTOS - len(photos))
    return Reply(text, buttons=_photo_buttons(ctx, data))


async def start_edit(ctx: Ctx, data: dict[str, Any], field: str) -> list[Reply]:
    """修改 → the chosen field's step, coming back to the summary afterwards."""
    data["editing"] = True
    chosen = Reply(
        ctx.t("ordering.edit.chosen", field=ctx.t(f"ordering.edit.field.{field}")), edit=True
    )
    if field == "text":
        return [chosen, await goto(ctx, data, Step.DESCRIBE)]
    if field == "team":
        data["options"], data["weak"] = [], []
        return [chosen, await goto(ctx, data, Step.CONFIRM_TEAM)]
    if field == "place":
        return [chosen, await goto(ctx, data, Step.PLACE)]
    if field == "time":
        return [chosen, await goto(ctx, data, Step.TIME)]
    if field == "phone":
        return [chosen, await goto(ctx, data, Step.PHONE)]
    data["photos"] = []
    return [chosen, await goto(ctx, data, Step.PHOTOS)]


# ---------------------------------------------------------------- buttons of the steps


async def time_button(ctx: Ctx) -> list[Reply]:
    """尽快 / 今天 / 明天 / 本周末 / 自己填写."""
    tok = str_arg(ctx.args, 0)
    pref = str_arg(ctx.args, 1, TIME_PREFS)
    data = require(ctx, tok, Step.TIME)
    if pref == "custom":
        await save(ctx, Step.TIME_TEXT, data)
        return [dataclasses.replace(prompt_time_text(ctx, data), edit=True)]
    window = preset_window(ctx, pref)
    if window is None:  # e.g. "今天" pressed a second before midnight
        raise Expired()
    set_time(ctx, data, pref, ctx.t(f"ordering.time.btn.{pref}"), window)
    saved = Reply(ctx.t("ordering.time.saved", time=_when(ctx, data)), edit=True)
    return [saved, await advance(ctx, data, Step.TIME)]


async def photos_button(ctx: Ctx) -> list[Reply]:
    """完成 / 跳过 at the photos step."""
    data = require(ctx, str_arg(ctx.args, 0), Step.PHOTOS)
    str_arg(ctx.args, 1, ("done",))
    done = Reply(ctx.t("ordering.photos.saved", count=len(data["photos"])), edit=True)
    return [done, await advance(ctx, data, Step.PHOTOS)]


async def edit_button(ctx: Ctx) -> Reply | list[Reply]:
    """Which field to change, or 返回 to the summary."""
    data = require(ctx, str_arg(ctx.args, 0), Step.EDIT_CHOICE)
    field = str_arg(ctx.args, 1, (*EDIT_FIELDS, "back"))
    if field == "back":
        await save(ctx, Step.SUMMARY, data)
        return await prompt_summary(ctx, data, edit=True)
    return await start_edit(ctx, data, field)
