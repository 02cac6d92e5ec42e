"""Activities for people: /newactivity, /activities, the sign-up buttons, check-in/out, the
organiser's view, and the /stats lines (issue 18). Hours: bot.flows.activities_hours."""

from __future__ import annotations

import re
import unicodedata
from datetime import datetime, timedelta
from typing import Any, Protocol

from bot import activities as acts
from bot import activities_hours as hours
from bot import callbacks, dialog, roles
from bot.callbacks import encode, int_arg
from bot.context import Ctx
from bot.deps import Deps
from bot.errors import Expired, Forbidden
from bot.events import Kind
from bot.people import volunteer_of
from bot.registry import Audience, Registry, Result
from bot.reply import Button, KeyButton, Outcome, Reply
from bot.texts.choices import ACTIVITY_NEW_ASK, ACTIVITY_ROLE
from bot.timeparse import parse_detailed
from store import activities as store
from store.models import (
    Activity,
    ActivityStatus,
    SignupStatus,
    Volunteer,
)
from store.stations import stations_by_id
from store.teams import teams as active_teams

NEW_FLOW = "actnew"
MESSAGE_FLOW = "actmsg"
REPORT_FLOW = "actrep"
LOCATION_FLOW = "actloc"
# Dialog buttons of /newactivity.
PICK_TEAM = callbacks.ACTIVITY_NEW_TEAM  # act_nt:<team id | 0>
PICK_STATION = callbacks.ACTIVITY_NEW_STATION  # act_ns:<station id | 0>
ONLINE = callbacks.ACTIVITY_NEW_ONLINE
SKIP = callbacks.ACTIVITY_NEW_SKIP
PUBLISH = callbacks.ACTIVITY_PUBLISH
REPORT_DONE = callbacks.ACTIVITY_REPORT_DONE
TITLE_MAX, PLACE_MAX, DESC_MAX, SUMMARY_MAX, MESSAGE_MAX = 64, 200, 500, 1000, 1000
SLOTS_MAX = 1000
LIST_LIMIT = 10
STATION_BUTTONS = 12

# "社区周六有义诊活动，我想报名参加": someone who wants to join an activity, not order a service.
# "请劳模来参加我们的活动做讲座" is a booking (an order): joining needs 报名 or a first person.
_SIGNUP = re.compile(
    r"报名.{0,12}活动|活动.{0,12}报名"
    r"|(?:我|我们|怎么|如何|想|要|能)去?(?:参加|参与|加入).{0,12}活动"
    r"|活动.{0,12}(?:我|我们)(?:想|要)?去?(?:参加|参与)"
)


def looks_like_signup(text: str) -> bool:
    return _SIGNUP.search(unicodedata.normalize("NFKC", text)) is not None


async def signup_hint(ctx: Ctx) -> Result:
    """Free text about joining an activity: point to /activities instead of ordering."""
    return ctx.reply("act.route_hint")


# ---------------------------------------------------------------- /newactivity


async def _put(ctx: Ctx, flow: str, step: str, data: dict[str, Any]) -> None:
    await dialog.save(ctx, flow, step, data)


async def _clear(ctx: Ctx) -> None:
    await dialog.clear(ctx)


def _in_step(ctx: Ctx, flow: str, step: str) -> dict[str, Any]:
    """The dialog's data when the person is at ``step`` of ``flow``; Expired otherwise."""
    state = ctx.dialog
    if state is None or state.flow != flow or state.step != step:
        raise Expired()
    return dict(state.data)


async def new_activity(ctx: Ctx) -> Result:
    await _put(ctx, NEW_FLOW, "title", {})
    return ctx.reply("act.new.ask_title")


async def _ask(ctx: Ctx, step: str, data: dict[str, Any]) -> Reply:
    await _put(ctx, NEW_FLOW, step, data)
    if step == "team":
        async with ctx.deps.db.session() as session:
            teams = await active_teams(session, active_only=True)
        buttons = [Button(tm.name, encode(PICK_TEAM, tm.id)) for tm in teams]
        buttons.append(Button(ctx.t("act.any_team"), encode(PICK_TEAM, 0)))
        return Reply(ctx.t("act.new.ask_team"), buttons=tuple((b,) for b in buttons))
    if step == "station":
        async with ctx.deps.db.session() as session:
            allowed = await roles.scope_ids(session, ctx)
            stations = [
                s
                for _, s in sorted((await stations_by_id(session)).items())
                if s.active and (allowed is None or s.id in allowed)
            ]
        buttons = [Button(s.name, encode(PICK_STATION, s.id)) for s in stations[:STATION_BUTTONS]]
        if allowed is None:
            buttons.append(Button(ctx.t("act.new.all_stations"), encode(PICK_STATION, 0)))
        return Reply(ctx.t("act.new.ask_station"), buttons=tuple((b,) for b in buttons))
    if step == "place":
        return Reply(
            ctx.t("act.new.ask_place"), buttons=((Button(ctx.t("act.online"), encode(ONLINE)),),)
        )
    if step == "desc":
        return Reply(
            ctx.t("act.new.ask_desc"), buttons=((Button(ctx.t("act.btn.skip"), encode(SKIP)),),)
        )
    if step == "preview":
        draft = _draft(data)
        preview = Activity(**_activity_fields(draft))
        text = ctx.t("act.new.preview") + "\n" + await acts.describe(ctx.deps, preview, ctx.lang)
        return Reply(text, buttons=((Button(ctx.t("act.btn.publish"), encode(PUBLISH)),),))
    return ctx.reply(ACTIVITY_NEW_ASK[step])


def _draft(data: dict[str, Any]) -> acts.Draft:
    return acts.Draft(
        title=data["title"],
        team_id=data.get("team_id"),
        station_id=data.get("station_id"),
        starts_at=datetime.fromisoformat(data["starts_at"]),
        ends_at=datetime.fromisoformat(data["ends_at"]),
        place=data.get("place", ""),
        online=bool(data.get("online")),
        volunteer_slots=int(data["slots"]),
        resident_slots=int(data.get("residents", 0)),
        description=data.get("description", ""),
    )


def _activity_fields(d: acts.Draft) -> dict[str, Any]:
    return {
        "title": d.title,
        "team_id": d.team_id,
        "station_id": d.station_id,
        "starts_at": d.starts_at,
        "ends_at": d.ends_at,
        "place": d.place,
        "online": d.online,
        "volunteer_slots": d.volunteer_slots,
        "resident_slots": d.resident_slots,
        "description": d.description,
    }


def _number(text: str, low: int, high: int) -> int | None:
    s = unicodedata.normalize("NFKC", text).strip().removesuffix("人").removesuffix("名")
    return int(s) if s.isdigit() and low <= int(s) <= high else None


async def new_activity_input(ctx: Ctx) -> Result:
    """Typed answers of the /newactivity dialog, step by step."""
    state = ctx.dialog
    assert state is not None
    data, step = dict(state.data), state.step
    if ctx.event.kind != Kind.TEXT:
        return ctx.reply("act.new.text_please")
    text = ctx.event.text.strip()
    if step == "title":
        if not text or len(text) > TITLE_MAX:
            return ctx.reply("act.new.bad_title", limit=TITLE_MAX)
        data["title"] = text
        return await _ask(ctx, "team", data)
    if step == "time":
        parsed = parse_detailed(text, ctx.deps.now(), ctx.deps.settings.tz)
        w = parsed.window
        if w is None or w.end - w.start >= timedelta(days=1) or w.start <= ctx.deps.now():
            return ctx.reply("act.new.bad_time")
        data["starts_at"], data["ends_at"] = w.start.isoformat(), w.end.isoformat()
        return await _ask(ctx, "place", data)
    if step == "place":
        if not text or len(text) > PLACE_MAX:
            return ctx.reply("act.new.bad_place", limit=PLACE_MAX)
        data["place"], data["online"] = text, False
        return await _ask(ctx, "slots", data)
    if step == "slots":
        n = _number(text, 1, SLOTS_MAX)
        if n is None:
            return ctx.reply("act.new.bad_number", low=1, high=SLOTS_MAX)
        data["slots"] = n
        return await _ask(ctx, "residents", data)
    if step == "residents":
        n = _number(text, 0, SLOTS_MAX)
        if n is None:
            return ctx.reply("act.new.bad_number", low=0, high=SLOTS_MAX)
        data["residents"] = n
        return await _ask(ctx, "desc", data)
    if step == "desc":
        if len(text) > DESC_MAX:
            return ctx.reply("act.new.bad_desc", limit=DESC_MAX)
        data["description"] = text
        return await _ask(ctx, "preview", data)
    return ctx.reply("act.new.use_buttons")


async def press_team(ctx: Ctx) -> Result:
    data = _in_step(ctx, NEW_FLOW, "team")
    team_id = int_arg(ctx.args, 0)
    data["team_id"] = team_id or None
    return await _ask(ctx, "station", data)


async def press_station(ctx: Ctx) -> Result:
    data = _in_step(ctx, NEW_FLOW, "station")
    station_id = int_arg(ctx.args, 0) or None
    async with ctx.deps.db.session() as session:
        if not await roles.in_scope(session, ctx, station_id):
            raise Forbidden()
    data["station_id"] = station_id
    return await _ask(ctx, "time", data)


async def press_online(ctx: Ctx) -> Result:
    data = _in_step(ctx, NEW_FLOW, "place")
    data["place"], data["online"] = "", True
    return await _ask(ctx, "slots", data)


async def press_skip(ctx: Ctx) -> Result:
    data = _in_step(ctx, NEW_FLOW, "desc")
    data["description"] = ""
    return await _ask(ctx, "preview", data)


async def press_publish(ctx: Ctx) -> Result:
    data = _in_step(ctx, NEW_FLOW, "preview")
    await _clear(ctx)
    activity = await acts.publish(ctx.deps, _draft(data), by=ctx.person, wait=False)
    return ctx.reply("act.new.published", title=activity.title, id=activity.id)


# ---------------------------------------------------------------- /activities and the card


async def _card(ctx: Ctx, activity: Activity) -> Reply:
    """The activity with the buttons this person may press now."""
    async with ctx.deps.db.session() as session:
        signup = await store.signup_of(
            session,
            activity_id=activity.id,  # type: ignore[arg-type]
            person_id=ctx.person.id,  # type: ignore[arg-type]
        )
    text = await acts.describe(ctx.deps, activity, ctx.lang)
    aid = activity.id
    status = signup.status if signup else None
    buttons: list[Button] = []
    if status == SignupStatus.JOINED:
        text += "\n" + ctx.t("act.you_joined")
        if signup and signup.checked_in_at is None and acts.checkin_open(ctx.deps, activity):
            buttons.append(Button(ctx.t("act.btn.checkin"), encode(acts.CHECKIN, aid)))
        elif signup and signup.checked_in_at is not None and signup.checked_out_at is None:
            buttons.append(Button(ctx.t("act.btn.checkout"), encode(acts.CHECKOUT, aid)))
    elif status == SignupStatus.WAITLISTED:
        text += "\n" + ctx.t("act.you_waiting")
    if status in SignupStatus.IN and not acts.cutoff_passed(ctx.deps, activity):
        buttons.append(Button(ctx.t("act.btn.leave"), encode(acts.LEAVE, aid)))
    if status not in SignupStatus.IN:
        if ctx.is_volunteer:
            buttons.append(Button(ctx.t("act.btn.join"), encode(acts.JOIN, aid)))
        elif activity.resident_slots > 0:
            buttons.append(Button(ctx.t("act.btn.resident_join"), encode(acts.JOIN, aid)))
    if ctx.is_admin:
        buttons.append(Button(ctx.t("act.btn.manage"), encode(acts.MANAGE, aid)))
    return Reply(text, buttons=tuple((b,) for b in buttons))


async def list_activities(ctx: Ctx) -> Result:
    """Upcoming activities, nearest first, each with its buttons."""
    async with ctx.deps.db.session() as session:
        rows = await store.upcoming(session, now=ctx.deps.now(), limit=LIST_LIMIT)
    if not rows:
        return ctx.reply("act.none")
    return [ctx.reply("act.list_head", n=len(rows)), *[await _card(ctx, a) for a in rows]]


async def link_activity(ctx: Ctx) -> Result:
    """``/start activity-<id>``: open that activity."""
    _, _, rest = ctx.event.args[0].partition("-")
    activity = await _load(ctx, int(rest) if rest.isdigit() else 0, refuse=False)
    if activity is None or activity.status != ActivityStatus.PUBLISHED:
        return ctx.reply("act.gone")
    return await _card(ctx, activity)


async def _load(ctx: Ctx, activity_id: int, *, refuse: bool = True) -> Activity | None:
    async with ctx.deps.db.session() as session:
        activity = await store.activity_by_id(session, activity_id=activity_id)
    if activity is None and refuse:
        raise Expired()
    return activity


async def _volunteer(ctx: Ctx) -> Volunteer | None:
    if not ctx.is_volunteer:
        return None
    async with ctx.deps.db.session() as session:
        return await volunteer_of(session, ctx.person)


async def press_join(ctx: Ctx) -> Result:
    aid = int_arg(ctx.args, 0)
    key = await acts.join(ctx.deps, aid, ctx.person, await _volunteer(ctx))
    activity = await _load(ctx, aid)
    assert activity is not None
    card = await _card(ctx, activity)
    return Outcome([Reply(card.text, buttons=card.buttons, edit=True)], toast=ctx.t(key))


async def press_decline(ctx: Ctx) -> Result:
    aid = int_arg(ctx.args, 0)
    if not await acts.decline(ctx.deps, aid, ctx.person):
        raise Expired()
    activity = await _load(ctx, aid)
    assert activity is not None
    text = await acts.describe(ctx.deps, activity, ctx.lang) + "\n" + ctx.t("act.declined")
    return Outcome([Reply(text, edit=True)], toast=ctx.t("act.declined"))


async def press_leave(ctx: Ctx) -> Result:
    aid = int_arg(ctx.args, 0)
    key = await acts.leave(ctx.deps, aid, ctx.person)
    activity = await _load(ctx, aid)
    assert activity is not None
    card = await _card(ctx, activity)
    return Outcome([Reply(card.text, buttons=card.buttons, edit=True)], toast=ctx.t(key))


async def press_checkin(ctx: Ctx) -> Result:
    """签到; then the location is asked for (optional: 跳过 or anything else skips it)."""
    aid = int_arg(ctx.args, 0)
    key = await acts.check_in(ctx.deps, aid, ctx.person)
    activity = await _load(ctx, aid)
    assert activity is not None
    card = await _card(ctx, activity)
    replies = [Reply(card.text, buttons=card.buttons, edit=True)]
    window = int(ctx.deps.settings.checkin_window.total_seconds() // 60)
    if key == "act.checked_in":
        await _put(ctx, LOCATION_FLOW, "where", {"activity_id": aid})
        keyboard = (
            (KeyButton(ctx.t("act.kb.location"), request="location"),),
            (KeyButton(ctx.t("act.kb.skip")),),
        )
        replies.append(Reply(ctx.t("act.ask_location"), keyboard=keyboard))
    return Outcome(replies, toast=ctx.t(key, minutes=window))


async def location_input(ctx: Ctx) -> Result:
    """Where the volunteer checked in, if they share it."""
    state = ctx.dialog
    assert state is not None
    await _clear(ctx)
    if ctx.event.kind != Kind.LOCATION or ctx.event.latitude is None:
        return Reply(ctx.t("act.location_skipped"), remove_keyboard=True)
    await acts.record_location(
        ctx.deps,
        int(state.data["activity_id"]),
        ctx.person,
        ctx.event.latitude,
        ctx.event.longitude,  # type: ignore[arg-type]
    )
    return Reply(ctx.t("act.location_saved"), remove_keyboard=True)


async def press_checkout(ctx: Ctx) -> Result:
    aid = int_arg(ctx.args, 0)
    key, minutes = await acts.check_out(ctx.deps, aid, ctx.person)
    activity = await _load(ctx, aid)
    assert activity is not None
    card = await _card(ctx, activity)
    toast = ctx.t(key, hours=hours.label(ctx.lang, minutes))
    return Outcome([Reply(card.text, buttons=card.buttons, edit=True)], toast=toast)


# ---------------------------------------------------------------- the organiser


async def _managed(ctx: Ctx) -> Activity:
    activity = await _load(ctx, int_arg(ctx.args, 0))
    assert activity is not None
    async with ctx.deps.db.session() as session:
        await roles.require_scope(session, ctx, activity.station_id)
    return activity


async def press_manage(ctx: Ctx) -> Result:
    """Who signed up, who is waiting, who checked in; mark present; message; report; cancel."""
    activity = await _managed(ctx)
    aid = activity.id
    async with ctx.deps.db.session() as session:
        rows = await store.signups(session, activity_id=aid, statuses=SignupStatus.IN)  # type: ignore[arg-type]
    lines = [ctx.t("act.manage.head", title=activity.title, id=aid)]
    buttons: list[tuple[Button, ...]] = []
    for signup, person in rows:
        mark = (
            "✅" if signup.attended else ("⏳" if signup.status == SignupStatus.WAITLISTED else "•")
        )
        role = ctx.t(ACTIVITY_ROLE[signup.role])
        lines.append(f"{mark} {person.display_name} ({role})")
        if signup.status == SignupStatus.JOINED and not signup.attended:
            buttons.append(
                (
                    Button(
                        ctx.t("act.btn.mark", name=person.display_name[:20]),
                        encode(acts.MARK, signup.id),
                    ),
                )
            )
    if activity.served_count is not None:
        lines.append(ctx.t("act.manage.served", n=activity.served_count))
    buttons.append(
        (
            Button(ctx.t("act.btn.message"), encode(acts.MESSAGE, aid)),
            Button(ctx.t("act.btn.report"), encode(acts.REPORT, aid)),
        )
    )
    buttons.append((Button(ctx.t("act.btn.cancel"), encode(acts.CANCEL, aid)),))
    return Reply("\n".join(lines), buttons=tuple(buttons))


async def press_mark(ctx: Ctx) -> Result:
    signup_id = int_arg(ctx.args, 0)
    async with ctx.deps.db.session() as session:
        signup = await store.signup_by_id(session, signup_id=signup_id)
    if signup is None:
        raise Expired()
    ctx.args = [str(signup.activity_id)]
    await _managed(ctx)
    ok = await acts.mark_present(ctx.deps, signup_id, by=ctx.person)
    return Outcome(toast=ctx.t("act.marked" if ok else "act.already_marked"))


async def press_cancel(ctx: Ctx) -> Result:
    activity = await _managed(ctx)
    if not await acts.cancel(ctx.deps, activity.id, by=ctx.person):  # type: ignore[arg-type]
        raise Expired()
    return Outcome([ctx.reply("act.cancel_done", title=activity.title)])


async def press_message(ctx: Ctx) -> Result:
    activity = await _managed(ctx)
    await _put(ctx, MESSAGE_FLOW, "text", {"activity_id": activity.id})
    return ctx.reply("act.ask_message", title=activity.title)


async def message_input(ctx: Ctx) -> Result:
    state = ctx.dialog
    assert state is not None
    text = ctx.event.text.strip() if ctx.event.kind == Kind.TEXT else ""
    if not text or len(text) > MESSAGE_MAX:
        return ctx.reply("act.bad_message", limit=MESSAGE_MAX)
    await _clear(ctx)
    n = await acts.message_all(ctx.deps, int(state.data["activity_id"]), text, by=ctx.person)
    return ctx.reply("act.message_sent", n=n)


async def press_report(ctx: Ctx) -> Result:
    activity = await _managed(ctx)
    await _put(ctx, REPORT_FLOW, "served", {"activity_id": activity.id, "photos": []})
    return ctx.reply("act.report.ask_served")


async def report_input(ctx: Ctx) -> Result:
    """惠及人数 → summary → photos (optional), then 完成."""
    state = ctx.dialog
    assert state is not None
    data, step = dict(state.data), state.step
    done = Button(ctx.t("act.btn.report_done"), encode(REPORT_DONE))
    if step == "photos":
        if ctx.event.kind == Kind.PHOTO and ctx.event.photo:
            data["photos"] = [*data.get("photos", []), ctx.event.photo][:5]
            await _put(ctx, REPORT_FLOW, "photos", data)
            return Reply(ctx.t("act.report.photo_saved", n=len(data["photos"])), buttons=((done,),))
        return Reply(ctx.t("act.report.ask_photos"), buttons=((done,),))
    if ctx.event.kind != Kind.TEXT:
        return ctx.reply("act.new.text_please")
    text = ctx.event.text.strip()
    if step == "served":
        n = _number(text, 0, 1_000_000)
        if n is None:
            return ctx.reply("act.new.bad_number", low=0, high=1_000_000)
        data["served"] = n
        await _put(ctx, REPORT_FLOW, "summary", data)
        return ctx.reply("act.report.ask_summary")
    if not text or len(text) > SUMMARY_MAX:
        return ctx.reply("act.new.bad_desc", limit=SUMMARY_MAX)
    data["summary"] = text
    await _put(ctx, REPORT_FLOW, "photos", data)
    return Reply(ctx.t("act.report.ask_photos"), buttons=((done,),))


async def press_report_done(ctx: Ctx) -> Result:
    data = _in_step(ctx, REPORT_FLOW, "photos")
    await _clear(ctx)
    await acts.record_report(
        ctx.deps,
        int(data["activity_id"]),
        served=int(data["served"]),
        summary=data["summary"],
        photos=list(data.get("photos", [])),
    )
    return ctx.reply("act.report.saved", n=data["served"])


def register(reg: Registry) -> None:
    reg.command("activities", list_activities, menu="menu.activities")
    reg.command("newactivity", new_activity, audience=Audience.ADMIN, menu="menu.newactivity")
    reg.start_payload("activity", link_activity)
    reg.dialog(NEW_FLOW, new_activity_input)
    reg.dialog(MESSAGE_FLOW, message_input)
    reg.dialog(REPORT_FLOW, report_input)
    reg.dialog(LOCATION_FLOW, location_input)
    reg.button(PICK_TEAM, press_team, admin=True)
    reg.button(PICK_STATION, press_station, admin=True)
    reg.button(ONLINE, press_online, admin=True)
    reg.button(SKIP, press_skip, admin=True)
    reg.button(PUBLISH, press_publish, admin=True)
    reg.button(acts.JOIN, press_join)
    reg.button(acts.DECLINE, press_decline)
    reg.button(acts.LEAVE, press_leave)
    reg.button(acts.CHECKIN, press_checkin)
    reg.button(acts.CHECKOUT, press_checkout)
    reg.button(acts.MANAGE, press_manage, admin=True)
    reg.button(acts.MARK, press_mark, admin=True)
    reg.button(acts.MESSAGE, press_message, admin=True)
    reg.button(acts.CANCEL, press_cancel, admin=True)
    reg.button(acts.REPORT, press_report, admin=True)
    reg.button(REPORT_DONE, press_report_done, admin=True)
    reg.task(acts.OFFER_TASK, acts.run_offer)
    reg.task(acts.REMIND_TASK, acts.run_remind)


class _Speaker(Protocol):
    """What the activity lines need: a Ctx, or the monthly report's voice."""

    @property
    def deps(self) -> Deps: ...

    def t(self, key: str, **kwargs: Any) -> str: ...


async def activity_stats(
    ctx: _Speaker, start: datetime, end: datetime, within: set[int] | None
) -> list[str]:
    """/stats lines for activities, kept apart from the one-to-one jobs above them."""
    async with ctx.deps.db.session() as session:
        f = await store.figures(session, start=start, end=end, within=within)
    return [
        ctx.t(
            "act.stats.line",
            activities=f.activities,
            participants=f.participants,
            served=f.served,
            hours=f"{f.hours:.1f}",
        ),
    ]
