"""The steps of the ordering dialog as a table, and how each reads its answer.

``ORDER`` below declares the dialog: for every step its question (in
``order_prompts``), the function that reads a message sent at it, the step
that follows, and which 修改 field comes back to it. Every step answers an
unexpected message with its hint and its buttons again, leaving the draft
untouched; a step finished from 修改 returns to the summary.
"""

from __future__ import annotations

import dataclasses
import re
from datetime import datetime
from functools import partial
from typing import Any

from bot import callbacks, phones, timeparse
from bot.callbacks import encode, str_arg
from bot.context import Ctx
from bot.dialog import Dialog
from bot.dialog import Step as DialogStep
from bot.errors import Expired
from bot.events import Kind
from bot.flows.order_draft import (
    EDIT_FIELDS,
    FLOW,
    MAX_ADDRESS,
    MAX_PHOTOS,
    MAX_TEXT,
    MAX_TIME_TEXT,
    NO_TEAM,
    TIME_PHRASES,
    TIME_PREFS,
    Step,
    cached_team,
    cached_teams,
    new_draft,
    require,
    save,
    team_label,
)
from bot.flows.order_prompts import (
    ack,
    close_button,
    example_day,
    located_at,
    photo_buttons,
    place_display,
    prompt_confirm,
    prompt_describe,
    prompt_edit,
    prompt_phone,
    prompt_photos,
    prompt_place,
    prompt_summary,
    prompt_time,
    prompt_time_text,
    when,
)
from bot.flows.order_words import is_chitchat, is_label, yes_or_no
from bot.jobtext import shorten
from bot.reply import Button, KeyButton, Reply, rows
from bot.routing_feedback import record_label
from bot.stations import nearest_station
from bot.texts import choices
from store.models import RoutingLabel

# ---------------------------------------------------------------- routing the need


async def route_into(ctx: Ctx, data: dict[str, Any]) -> None:
    """Route ``data["text"]`` and keep the offer (top team and up to two alternatives)."""
    result = await ctx.deps.router.route_async(data["text"])
    active = {team.slug for team in await cached_teams(ctx.deps)}
    ranked = [c.team for c in result.candidates if c.team in active]
    likely = [slug for slug in result.choices if slug in active]
    data["choices"] = likely if len(likely) >= 2 else []  # unsure: offer these as buttons
    data["picking"] = False  # fresh words: ask about the new top team again
    data["route_score"] = result.score if result.candidates else None
    data["route_matched"] = list(result.matched)
    if result.team is not None and result.team in active:
        data["options"] = [result.team, *[s for s in ranked if s != result.team]][:3]
        data["weak"] = []
    else:
        data["options"] = []
        data["weak"] = ranked  # listed first when the person picks from the list


# ---------------------------------------------------------------- a new need mid-dialog

_LATIN = re.compile(r"[A-Za-z]")


def _mostly_latin(text: str) -> bool:
    letters = [ch for ch in text if ch.isalpha()]
    return bool(letters) and sum(bool(_LATIN.match(ch)) for ch in letters) * 2 > len(letters)


async def new_need(ctx: Ctx, data: dict[str, Any], text: str) -> Reply | None:
    """``text`` as a need of its own rather than an answer to this step, or None.

    It is one when routing sends it, alone and without doubt, to a team other than the
    one the draft is about ("my boss has not paid me" after "my washing machine is
    broken"): the unfinished draft is set aside, said so, and the new need starts.
    More words about the same problem route to the same team (or nowhere) and stay
    the step's answer (issue 17.9).
    """
    if not (data.get("text") or "").strip():
        return None
    result = await ctx.deps.router.route_async(text)
    if result.team is None or result.choices:
        return None
    about = data.get("team") or next(iter(data.get("options") or []), None)
    if about is None or result.team == about:
        return None
    old = data.get("text") or ""
    fresh = new_draft(
        text=text[:MAX_TEXT], source=data.get("source") or "text", station_id=data.get("station_id")
    )
    await route_into(ctx, fresh)
    asked = await goto(ctx, fresh, Step.CONFIRM_TEAM)
    note = ctx.t("worker.new_need", old=shorten(old, 40))
    return dataclasses.replace(asked, text=note + "\n\n" + asked.text)


# ---------------------------------------------------------------- moving between steps


async def prompt(ctx: Ctx, data: dict[str, Any], step: str) -> Reply:
    """The question of ``step`` (also re-sent, under a hint, after unexpected input)."""
    return await ORDER.ask(ctx, data, step if ORDER.step(step) else Step.SUMMARY)


async def hint(
    ctx: Ctx, data: dict[str, Any], step: str, key: str | None = None, **kwargs: Any
) -> Reply:
    """The step's hint (or ``key``) with the step's buttons; the draft is unchanged."""
    again = await prompt(ctx, data, step)
    if step == Step.PHOTOS:
        kwargs.setdefault("limit", MAX_PHOTOS)
    text = ctx.t(key or choices.ORDER_HINT[step], **kwargs)
    if step in (Step.SUMMARY, Step.EDIT_CHOICE):
        text = again.text + "\n\n" + text  # the summary itself is what to act on
    return Reply(text, buttons=again.buttons, keyboard=again.keyboard, hint=again.hint)


async def goto(ctx: Ctx, data: dict[str, Any], step: str) -> Reply:
    """Move the draft to ``step`` (renewing its token) and ask that step's question."""
    await save(ctx, step, data)
    return await prompt(ctx, data, step)


async def advance(ctx: Ctx, data: dict[str, Any], done: str) -> Reply:
    """Go on after ``done``: the next step, or back to the summary when editing."""
    if data.get("editing") and ORDER.returns_to:
        data["editing"] = False
        return await goto(ctx, data, ORDER.returns_to)
    following = await ORDER.next_after(ctx, data, done)
    assert following is not None, f"{done} is not answered by a message"
    return await goto(ctx, data, following)


def then(said: Reply, following: Reply) -> list[Reply]:
    """What was noted and the next question, as one message where one can carry both
    (nothing of its own to show or take away, and neither replaces a pressed message)."""
    plain = not (said.buttons or said.keyboard or said.remove_keyboard or said.photos)
    if plain and not said.edit and not following.edit and said.document is None:
        return [dataclasses.replace(following, text=said.text + "\n\n" + following.text)]
    return [said, following]


async def _after_describe(ctx: Ctx, data: dict[str, Any]) -> str:
    """A team picked already (list, poster) skips the routing confirmation."""
    if data.get("team_chosen"):
        return Step.PLACE
    await route_into(ctx, data)
    return Step.CONFIRM_TEAM


# ---------------------------------------------------------------- step inputs


async def on_describe(ctx: Ctx, data: dict[str, Any]) -> Reply | list[Reply]:
    photo = ctx.event.photo if ctx.event.kind == Kind.PHOTO else None
    if photo is not None and len(data.get("photos") or []) < MAX_PHOTOS:
        data["photos"] = [*(data.get("photos") or []), photo]  # kept for the order
        if not ctx.event.text.strip():
            await save(ctx, Step.DESCRIBE, data, renew=False)
            return await hint(ctx, data, Step.DESCRIBE, "worker.photo.kept")
    elif ctx.event.kind != Kind.TEXT or not ctx.event.text.strip():
        return await hint(ctx, data, Step.DESCRIBE)
    text = ctx.event.text.strip()
    if len(text) > MAX_TEXT:
        return await hint(ctx, data, Step.DESCRIBE, "ordering.hint.too_long", limit=MAX_TEXT)
    if is_chitchat(text):  # "谢谢", "好的", "👍": not a need to send a volunteer for
        return await hint(ctx, data, Step.DESCRIBE)
    data["text"] = text
    return await advance(ctx, data, Step.DESCRIBE)


async def choose_team(
    ctx: Ctx, data: dict[str, Any], slug: str, *, edit: bool, picked: bool = False
) -> list[Reply]:
    """The routing confirmation answered with a team (or NO_TEAM: admin triage).

    ``picked``: the answer is one of the choice buttons routing offered when unsure;
    that pick is a label routing may learn from.
    """
    offered = data.pop("choices", None) or []
    if picked and offered and not data.get("editing"):
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
        team = await cached_team(ctx.deps, slug)
        if team is None:
            raise Expired()
        data.update(team=team.slug, team_id=team.id, team_chosen=True)
        chosen = ctx.t("ordering.confirm.chosen", team=team_label(team, ctx.lang))
    return then(Reply(chosen, edit=edit), await advance(ctx, data, Step.CONFIRM_TEAM))


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
    if not data.get("picking"):  # after a "不对", more words explain the same need
        fresh = await new_need(ctx, data, ctx.event.text.strip())
        if fresh is not None:
            return fresh
    combined = f"{data['text']}\n{ctx.event.text.strip()}"
    if len(combined) > MAX_TEXT:
        return await hint(ctx, data, Step.CONFIRM_TEAM, "ordering.hint.too_long", limit=MAX_TEXT)
    data["text"] = combined
    await route_into(ctx, data)
    return await goto(ctx, data, Step.CONFIRM_TEAM)


async def on_place(ctx: Ctx, data: dict[str, Any]) -> list[Reply] | Reply:
    kind = ctx.event.kind
    if kind == Kind.LOCATION and ctx.event.latitude is not None:
        # A channel that names the place (WeChat's Label) gives the address with the pin.
        label = " ".join(ctx.event.text.split())[:MAX_ADDRESS] or None
        data.update(address=label, latitude=ctx.event.latitude, longitude=ctx.event.longitude)
        await _name_location(ctx, data)
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
        # An English sentence without a number in it is rather a new need than a place.
        if _mostly_latin(address) and not any(ch.isdigit() for ch in address):
            fresh = await new_need(ctx, data, address)
            if fresh is not None:
                return fresh
        data.update(address=address, latitude=None, longitude=None)
    else:
        return await hint(ctx, data, Step.PLACE)
    following = await advance(ctx, data, Step.PLACE)
    if following.keyboard:  # the door number: its question names the place, its keyboard
        return following  # replaces this one, so no acknowledgement is needed before it
    saved = ack(ctx.t("ordering.place.saved", place=place_display(ctx.lang, data)))
    return [saved, following]


async def _name_location(ctx: Ctx, data: dict[str, Any]) -> None:
    """A shared location is named by its nearest known station, which becomes the order's
    station unless a poster's link chose one (issue 17)."""
    async with ctx.deps.db.session() as session:
        near = await nearest_station(session, data["latitude"], data["longitude"])
    data["near"] = near.name if near is not None else None
    if near is not None and not data.get("station_id"):
        data["station_id"] = near.id


async def _after_place(ctx: Ctx, data: dict[str, Any]) -> str:
    """After a shared location that came without words (a channel's place name), the door
    number is asked — once for the order, whether a known station is near or not; a
    typed address or 跳过 (无需上门) goes on to the time."""
    if data.get("latitude") is not None and not data.get("address") and not data.get("house_asked"):
        data["house_asked"] = True
        return Step.HOUSE
    return Step.TIME


async def on_house(ctx: Ctx, data: dict[str, Any]) -> list[Reply] | Reply:
    """The door number after a shared location (or 不用了): kept beside the location."""
    if ctx.event.kind != Kind.TEXT or is_chitchat(ctx.event.text):
        return await hint(ctx, data, Step.HOUSE)
    if not is_label(ctx, "staff.place.house_skip"):
        house = " ".join(ctx.event.text.split())
        if len(house) > MAX_ADDRESS:
            return await hint(ctx, data, Step.HOUSE, "ordering.hint.place_long", limit=MAX_ADDRESS)
        data["address"] = house
    saved = ack(ctx.t("ordering.place.saved", place=place_display(ctx.lang, data)))
    return [saved, await advance(ctx, data, Step.HOUSE)]


def prompt_house(ctx: Ctx, data: dict[str, Any]) -> Reply:
    return Reply(
        ctx.t("staff.place.house_ask", place=located_at(ctx.lang, data) or "—"),
        keyboard=(
            (
                KeyButton(ctx.t("staff.place.house_skip")),
                KeyButton(ctx.t("ordering.kb.cancel")),
            ),
        ),
    )


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
    preset = next((p for p in TIME_PHRASES if is_label(ctx, choices.TIME_PREF_BUTTON[p])), None)
    if preset is not None:
        window = preset_window(ctx, preset)
        pref = preset
    else:
        parsed = timeparse.parse_detailed(text, ctx.deps.now(), ctx.deps.settings.tz)
        window, pref = parsed.window, "custom"
        if window is None and parsed.guess is not None:
            return await offer_guess(ctx, data, text, parsed.guess)
        if window is None and (fresh := await new_need(ctx, data, text)) is not None:
            return fresh  # not a time at all: a new need
        if window is None:
            # Asked again in words only: the preset buttons were shown once already.
            if step != Step.TIME_TEXT:
                await save(ctx, Step.TIME_TEXT, data)
            key = choices.ORDER_TIME_UNCLEAR[parsed.reason or "unknown"]
            return await hint(ctx, data, Step.TIME_TEXT, key, text=text, example=example_day(ctx))
    if window is None:
        return await hint(ctx, data, step)
    set_time(ctx, data, pref, text, window)
    saved = ctx.t("ordering.time.saved", time=when(ctx, data))
    return then(Reply(saved), await advance(ctx, data, step))


async def offer_guess(ctx: Ctx, data: dict[str, Any], text: str, guess: timeparse.Window) -> Reply:
    """An unclear time with one likely reading: offered for one tap instead of a refusal."""
    data["time_guess"] = {
        "text": text[:MAX_TIME_TEXT],
        "start": guess.start.isoformat(),
        "end": guess.end.isoformat(),
    }
    await save(ctx, Step.TIME_TEXT, data)
    tz = ctx.deps.settings.tz
    shown = timeparse.format_window(guess.start, guess.end, tz, ctx.lang)
    tok = data["tok"]
    buttons = rows(
        Button(ctx.t("ordering.btn.guess_yes"), encode(callbacks.ORDER_TIME_GUESS, tok, "yes")),
        Button(
            ctx.t("ordering.btn.guess_retype"), encode(callbacks.ORDER_TIME_GUESS, tok, "retype")
        ),
        close_button(ctx, data),
    )
    return Reply(ctx.t("ordering.time.guess", text=text, time=shown), buttons=buttons)


async def guess_button(ctx: Ctx) -> list[Reply]:
    """是的 (take the offered reading) / 重新输入 under a time the bot was unsure of."""
    data = require(ctx, str_arg(ctx.args, 0), Step.TIME_TEXT)
    answer = str_arg(ctx.args, 1, ("yes", "retype"))
    guess = data.pop("time_guess", None)
    if answer == "retype" or guess is None:
        await save(ctx, Step.TIME_TEXT, data, renew=False)
        return [dataclasses.replace(prompt_time_text(ctx, data), edit=True)]
    window = timeparse.Window(
        datetime.fromisoformat(guess["start"]), datetime.fromisoformat(guess["end"])
    )
    if window.end <= ctx.deps.now():
        raise Expired()
    set_time(ctx, data, "custom", guess["text"], window)
    saved = Reply(ctx.t("ordering.time.saved", time=when(ctx, data)), edit=True)
    return [saved, await advance(ctx, data, Step.TIME_TEXT)]


async def on_phone(ctx: Ctx, data: dict[str, Any]) -> Reply | list[Reply]:
    kind = ctx.event.kind
    phone: str | None = None
    if kind == Kind.CONTACT:
        if not ctx.event.contact_is_self:
            return await hint(ctx, data, Step.PHONE, "ordering.hint.phone_not_self")
        checked = phones.check_phone(ctx.event.phone)
        if checked.phone is None:
            # Asked to type one instead, without the share button that would send it again.
            problem = ctx.t(choices.PHONE_PROBLEM[checked.problem or phones.NOT_A_NUMBER])
            return Reply(problem, keyboard=((KeyButton(ctx.t("ordering.kb.cancel")),),))
        phone = checked.phone
    elif kind == Kind.TEXT:
        saved = ctx.person.phone
        if saved and is_label(ctx, "ordering.kb.saved_phone", phone=phones.mask_phone(saved)):
            phone = saved
        else:
            # "我的手机是138…" or "138… 谢谢" is as good as the bare number.
            checked = phones.check_phone(ctx.event.text)
            if checked.phone is None and checked.problem == phones.NOT_A_NUMBER:
                fresh = await new_need(ctx, data, ctx.event.text.strip())
                if fresh is not None:
                    return fresh  # not a number at all: a new need
            if checked.phone is None:
                key = choices.PHONE_PROBLEM[checked.problem or phones.NOT_A_NUMBER]
                return await hint(ctx, data, Step.PHONE, key)
            phone = checked.phone
    else:
        return await hint(ctx, data, Step.PHONE)
    data["phone"] = phone
    noted = ack(ctx.t("ordering.phone.saved", phone=phone))
    return [noted, await advance(ctx, data, Step.PHONE)]


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
    return Reply(text, buttons=photo_buttons(ctx, data))


async def start_edit(ctx: Ctx, data: dict[str, Any], field: str) -> list[Reply]:
    """修改 → the chosen field's step, coming back to the summary afterwards."""
    data["editing"] = True
    chosen = Reply(
        ctx.t("ordering.edit.chosen", field=ctx.t(choices.ORDER_EDIT_FIELD[field])), edit=True
    )
    step = ORDER.editing(field)
    if step.on_edit is not None:
        step.on_edit(data)
    return [chosen, await goto(ctx, data, step.name)]


async def on_summary(ctx: Ctx, data: dict[str, Any]) -> Reply:
    """Words at the summary or the 修改 menu: the buttons are what to press."""
    return await hint(ctx, data, ctx.dialog.step if ctx.dialog else Step.SUMMARY)


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
    set_time(ctx, data, pref, ctx.t(choices.TIME_PREF_BUTTON[pref]), window)
    saved = Reply(ctx.t("ordering.time.saved", time=when(ctx, data)), edit=True)
    return [saved, await advance(ctx, data, Step.TIME)]


async def photos_button(ctx: Ctx) -> list[Reply]:
    """完成 / 跳过 at the photos step."""
    data = require(ctx, str_arg(ctx.args, 0), Step.PHOTOS)
    str_arg(ctx.args, 1, ("done",))
    following = await advance(ctx, data, Step.PHOTOS)
    # The photos message becomes the summary (or the next question) in place.
    return [dataclasses.replace(following, edit=True)]


async def edit_button(ctx: Ctx) -> Reply | list[Reply]:
    """Which field to change, or 返回 to the summary."""
    data = require(ctx, str_arg(ctx.args, 0), Step.EDIT_CHOICE)
    field = str_arg(ctx.args, 1, (*EDIT_FIELDS, "back"))
    if field == "back":
        await save(ctx, Step.SUMMARY, data)
        return await prompt_summary(ctx, data, edit=True)
    return await start_edit(ctx, data, field)


# ---------------------------------------------------------------- the dialog


def _forget_teams(data: dict[str, Any]) -> None:
    data["options"], data["weak"] = [], []


def _forget_photos(data: dict[str, Any]) -> None:
    data["photos"] = []


# The ordering dialog: each step's question, how a message at it is read, the step that
# follows, and the 修改 field that returns to it (then back to the summary).
ORDER = Dialog(
    FLOW,
    steps=(
        DialogStep(
            Step.DESCRIBE,
            ask=prompt_describe,
            answer=on_describe,
            next=_after_describe,
            edits="text",
            hint="staff.hint.describe",
        ),
        DialogStep(
            Step.CONFIRM_TEAM,
            ask=prompt_confirm,
            answer=on_confirm_text,  # buttons: team_button in ordering
            next=Step.PLACE,
            edits="team",
            on_edit=_forget_teams,
        ),
        DialogStep(
            Step.PLACE,
            ask=prompt_place,
            answer=on_place,
            next=_after_place,
            edits="place",
            hint="staff.hint.place",
        ),
        DialogStep(
            Step.HOUSE, ask=prompt_house, answer=on_house, next=Step.TIME, hint="staff.hint.house"
        ),
        DialogStep(
            Step.TIME,
            ask=prompt_time,
            answer=partial(on_time_text, step=Step.TIME),  # buttons: time_button
            next=Step.PHONE,
            edits="time",
            hint="staff.hint.time",
        ),
        DialogStep(
            Step.TIME_TEXT,
            ask=prompt_time_text,
            answer=partial(on_time_text, step=Step.TIME_TEXT),
            next=Step.PHONE,
            hint="staff.hint.time",
        ),
        DialogStep(
            Step.PHONE,
            ask=prompt_phone,
            answer=on_phone,
            next=Step.PHOTOS,
            edits="phone",
            hint="staff.hint.phone",
        ),
        DialogStep(
            Step.PHOTOS,
            ask=prompt_photos,
            answer=on_photos,  # buttons: photos_button
            next=Step.SUMMARY,
            edits="photos",
            on_edit=_forget_photos,
        ),
        DialogStep(Step.SUMMARY, ask=prompt_summary, answer=on_summary),  # summary_button
        DialogStep(Step.EDIT_CHOICE, ask=prompt_edit, answer=on_summary),  # edit_button
    ),
    returns_to=Step.SUMMARY,
)
