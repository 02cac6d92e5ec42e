"""Ordering (点单): from a need in the worker's own words to an order with a public code.

Three ways in — free text, the ``/order`` service list, and poster deep links
(``/start team-<slug>``, ``/start station-<code>``) — lead into one durable
dialog (see ``order_draft`` for the draft and ``order_steps`` for the steps):
routing confirmation, place, time, phone, photos, summary, submit.

Submitting is safe against double presses and a second bot instance: the
dialog row is locked (``SELECT … FOR UPDATE`` on PostgreSQL; SQLite's
``BEGIN IMMEDIATE`` serialises writers), checked, and deleted in the same
transaction that inserts the order, so only one press finds it.
"""

from __future__ import annotations

import dataclasses
from typing import Any

from bot import callbacks, campaigns, dispatch, order_actions, orders
from bot.callbacks import encode, str_arg
from bot.context import Ctx
from bot.dialog import clear
from bot.errors import Expired
from bot.events import Kind
from bot.flows import activities, service_menu
from bot.flows import mentors as mentor_flows
from bot.flows import order_prompts as prompts
from bot.flows import order_steps as steps
from bot.flows.order_draft import (
    FLOW,
    MAX_TEXT,
    Step,
    active_team,
    cached_teams,
    current,
    limit_reached,
    new_draft,
    other_dialog,
    parse_iso,
    require,
    save,
    team_label,
)
from bot.flows.order_words import is_chitchat, is_label
from bot.lifecycle import emit
from bot.mentors import looks_like_mentorship
from bot.notify import notify, notify_admins
from bot.registry import Handler, Registry, Result
from bot.reply import Button, Reply, rows
from bot.signin import signin_prompt
from bot.texts import t
from store.dialogs import clear_dialog, dialog_of
from store.engine import Session
from store.models import Order, Team, utcnow
from store.people import person_by_id
from store.stations import station_by_code
from store.teams import team_by_id

# Reply-keyboard labels of the dialog: typed outside it they come from a stale keyboard.
_KEYBOARD_KEYS = ("ordering.kb.location", "ordering.kb.skip", "ordering.kb.contact")


# ---------------------------------------------------------------- starting an order


async def _cannot_start(ctx: Ctx) -> Reply | None:
    """Why a new order cannot start now (another dialog, the daily limit), or None."""
    if other_dialog(ctx):
        return ctx.reply("ordering.busy_elsewhere")
    async with ctx.deps.db.read() as session:
        if await limit_reached(session, ctx.deps, ctx.person.id):  # type: ignore[arg-type]
            return ctx.reply("ordering.limit", limit=ctx.deps.settings.max_orders_per_day)
    return None


def _carried_station(ctx: Ctx) -> int | None:
    """A station from a poster link survives starting the order over (e.g. via /order)."""
    previous = current(ctx)
    return previous.get("station_id") if previous else None


async def free_text(ctx: Ctx) -> Result:
    """Text outside any dialog: the need itself, routed and offered for confirmation.

    A photo with a caption is a need with a photo; a photo alone starts the order and
    asks for the words (issue 17.6).
    """
    text = ctx.event.text.strip()
    photo = ctx.event.photo if ctx.event.kind == Kind.PHOTO else None
    if photo is not None and not text:
        return await _photo_first(ctx, photo)
    if is_label(ctx, "ordering.kb.cancel"):
        return Reply(ctx.t("common.nothing_to_cancel"), remove_keyboard=True)
    if any(is_label(ctx, key) for key in _KEYBOARD_KEYS):
        return Reply(ctx.t("ordering.stale_keyboard"), remove_keyboard=True)
    if is_chitchat(text):
        return ctx.reply("ordering.chitchat")
    if activities.looks_like_signup(text):  # "我想报名参加义诊活动" is not a service order
        return await activities.signup_hint(ctx)
    if looks_like_mentorship(text) and not other_dialog(ctx):  # "想拜师学焊接": 名师带徒
        return await mentor_flows.offer_request(ctx, text)
    refusal = await _cannot_start(ctx)
    if refusal is not None:
        return refusal
    source = "web" if ctx.actor.platform == "web" else "text"
    data = new_draft(text=text[:MAX_TEXT], source=source)
    if photo is not None:
        data["photos"] = [photo]
    await steps.route_into(ctx, data)
    return await steps.goto(ctx, data, Step.CONFIRM_TEAM)


async def _photo_first(ctx: Ctx, photo: str) -> Result:
    """A photo without words: kept for the order, and the need asked for in words."""
    refusal = await _cannot_start(ctx)
    if refusal is not None:
        return refusal
    source = "web" if ctx.actor.platform == "web" else "text"
    data = new_draft(source=source)
    data["photos"] = [photo]
    await save(ctx, Step.DESCRIBE, data, renew=False)
    asked = prompts.prompt_describe(ctx, data)
    return dataclasses.replace(asked, text=ctx.t("worker.photo.first") + "\n" + asked.text)


async def browse(ctx: Ctx) -> Result:
    """/order: the service list, one button per active team.

    An admin's ``/order <code>`` shows that order's admin timeline instead (issue 7).
    """
    if ctx.event.args and ctx.is_admin:
        from bot.flows import admin_orders

        return await admin_orders.order_detail(ctx)
    return await _service_list(ctx)


async def _service_list(ctx: Ctx) -> Reply:
    teams = await cached_teams(ctx.deps)
    lines = [ctx.t("ordering.browse.title")]
    lines += [
        ctx.t("ordering.browse.item", team=team_label(team, ctx.lang), description=team.description)
        for team in teams
    ]
    buttons = rows(
        *(
            Button(team_label(team, ctx.lang), encode(callbacks.ORDER_BROWSE_TEAM, team.slug))
            for team in teams
        ),
        per_row=2,
    )
    return Reply("\n".join(lines), buttons=buttons)


async def _start_with_team(
    ctx: Ctx, team: Team, source: str, extra: dict[str, Any] | None = None
) -> Result:
    refusal = await _cannot_start(ctx)
    if refusal is not None:
        return refusal
    data = new_draft(source=source, team=team, station_id=_carried_station(ctx))
    data.update(extra or {})  # a service picked from a list (bot.flows.services)
    await save(ctx, Step.DESCRIBE, data, renew=False)
    return prompts.prompt_describe(ctx, data, team=team)


async def browse_pick(ctx: Ctx) -> Result:
    """A team chosen from the /order list."""
    slug = str_arg(ctx.args, 0)
    async with ctx.deps.db.session() as session:
        team = await active_team(session, slug)
    if team is None:
        raise Expired()
    started = await _start_with_team(ctx, team, "browse")
    return await service_menu.with_team_menu(ctx, team, started)  # its services (issue 19)


async def link_team(ctx: Ctx) -> Result:
    """``/start team-<slug>``: a poster for one team; routing is skipped."""
    slug = ctx.event.args[0].partition("-")[2]
    async with ctx.deps.db.session() as session:
        team = await active_team(session, slug)
    if team is None:
        return [ctx.reply("ordering.link.unknown_team"), await _service_list(ctx)]
    return await _start_with_team(ctx, team, "link")


async def link_station(ctx: Ctx) -> Result:
    """``/start station-<code>``: a service station's poster; the order records the station."""
    from bot.flows.start import start as greet

    code = ctx.event.args[0].partition("-")[2]
    async with ctx.deps.db.session() as session:
        station = await station_by_code(session, code=code) if code else None
    if station is None or not station.active:
        plain = dataclasses.replace(ctx, event=dataclasses.replace(ctx.event, args=()))
        greeting = await greet(plain)
        return [ctx.reply("ordering.link.unknown_station"), greeting]  # type: ignore[list-item]
    refusal = await _cannot_start(ctx)
    if refusal is not None:
        return refusal
    data = new_draft(source="link", station_id=station.id)
    await save(ctx, Step.DESCRIBE, data, renew=False)
    return prompts.prompt_describe(ctx, data, station=station)


# ---------------------------------------------------------------- buttons


async def team_button(ctx: Ctx) -> Result:
    """The routing confirmation: a team, or "都不是，请人工分配" (admin triage)."""
    choice = str_arg(ctx.args, 1)
    data = require(ctx, str_arg(ctx.args, 0), Step.CONFIRM_TEAM)
    return await steps.choose_team(ctx, data, choice, edit=True)


async def choice_button(ctx: Ctx) -> Result:
    """Routing was unsure: one of the likely teams it offered, or 都不是，请人工分配."""
    choice = str_arg(ctx.args, 1)
    data = require(ctx, str_arg(ctx.args, 0), Step.CONFIRM_TEAM)
    return await steps.choose_team(ctx, data, choice, edit=True, picked=True)


async def close_button(ctx: Ctx) -> Result:
    """取消 on any step's message: leave the dialog, nothing is kept."""
    require(ctx, str_arg(ctx.args, 0))
    await clear(ctx)
    return Reply(ctx.t("ordering.cancelled"), edit=True)


async def summary_button(ctx: Ctx) -> Result:
    """确认提交 / 修改 on the summary."""
    tok = str_arg(ctx.args, 0)
    action = str_arg(ctx.args, 1, ("ok", "edit"))
    data = require(ctx, tok, Step.SUMMARY)
    if action == "edit":
        await save(ctx, Step.EDIT_CHOICE, data)
        return await prompts.prompt_edit(ctx, data, edit=True)
    # Submitting needs a verified phone on the web (the summary stays; press it again).
    prompt = await signin_prompt(ctx)
    if prompt is not None:
        return prompt
    return await submit(ctx, tok)


# ---------------------------------------------------------------- the dialog


async def on_dialog(ctx: Ctx) -> Result:
    """Messages while ordering: each goes to its step (取消 always leaves)."""
    data = current(ctx)
    step = ctx.dialog.step if ctx.dialog else ""
    if data is None:
        return None
    if ctx.event.kind == Kind.TEXT and is_label(ctx, "ordering.kb.cancel"):
        await clear(ctx)
        return Reply(ctx.t("ordering.cancelled"), remove_keyboard=True)
    spec = steps.ORDER.step(step)
    if spec is not None and ctx.event.kind == Kind.UNSUPPORTED and ctx.event.media == "voice":
        again = await steps.hint(ctx, data, step)
        return dataclasses.replace(again, text=ctx.t("worker.voice.in_order") + "\n" + again.text)
    if spec is not None:
        return await spec.answer(ctx, data)
    await clear(ctx)  # a step this version does not know: start over rather than stick
    return Reply(ctx.t("ordering.lost"), remove_keyboard=True)


# ---------------------------------------------------------------- submitting


async def submit(ctx: Ctx, tok: str) -> Result:
    """Create the order from the summary, once, and tell the worker and the admins."""
    deps, now = ctx.deps, ctx.deps.now()
    person_id: int = ctx.person.id  # type: ignore[assignment]
    async with deps.db.session() as session:
        state = await dialog_of(session, person_id=person_id, lock=True)
        if (
            state is None
            or state.flow != FLOW
            or state.step != Step.SUMMARY
            or (state.data or {}).get("tok") != tok
        ):
            raise Expired()  # pressed twice, or on an old summary
        data: dict[str, Any] = dict(state.data)
        end = parse_iso(data.get("window_end"))
        if await limit_reached(session, deps, person_id):
            return ctx.reply("ordering.limit", limit=deps.settings.max_orders_per_day)
        if end is not None and end <= now:
            outcome = "time_passed"  # the summary sat until its time window was over
        else:
            outcome = "created"
            order, team = await _create(ctx, session, data)
            # Said as it is: a team nobody can be offered it in goes to the admins at once.
            staffed = team is not None and bool(await dispatch.candidates(session, order))
    if outcome == "time_passed":
        data["editing"] = True
        return [ctx.reply("ordering.time.passed"), await steps.goto(ctx, data, Step.TIME)]
    return await _announce(ctx, data, order, team, staffed=staffed)


async def _create(ctx: Ctx, session: Session, data: dict[str, Any]) -> tuple[Order, Team | None]:
    """The order from the draft, in the transaction that ends the dialog (so only once)."""
    now = ctx.deps.now()
    person_id: int = ctx.person.id  # type: ignore[assignment]
    team = await team_by_id(session, team_id=data.get("team_id"))
    if team is not None and not team.active:
        team = None  # retired meanwhile: admins triage it
        data.update(team=None, team_id=None)
    order = await orders.create_order(
        session,
        requester_id=person_id,
        text=data["text"],
        now=now,
        team_id=team.id if team else None,
        route_score=data.get("route_score"),
        route_matched=list(data.get("route_matched") or []),
        station_id=data.get("station_id"),
        source=data.get("source") or "text",
        address=data.get("address"),
        latitude=data.get("latitude"),
        longitude=data.get("longitude"),
        contact_name=(ctx.person.display_name or "")[:64] or None,
        contact_phone=data.get("phone"),
        time_pref=data.get("time_pref"),
        time_text=data.get("time_text"),
        window_start=parse_iso(data.get("window_start")),
        window_end=parse_iso(data.get("window_end")),
        photos=list(data.get("photos") or []),
        # picked from a service list (bot.flows.services)
        service_id=data.get("service_id"),
        volunteer_service_id=data.get("volunteer_service_id"),
        preferred_volunteer_id=data.get("preferred_volunteer_id"),
    )
    # An order for a campaign collecting needs waits to be published (issue 20).
    data["held"] = await campaigns.hold(session, data.get("campaign_id"), order, now)
    if not data["held"]:
        await orders.guard_dispatch(session, order, now)
    await clear_dialog(session, person_id=person_id)  # type: ignore[arg-type]
    person = await person_by_id(session, person_id=person_id)
    if person is not None and data.get("phone") and person.phone != data["phone"]:
        person.phone, person.updated_at = data["phone"], utcnow()
        session.add(person)
    return order, team


async def _announce(
    ctx: Ctx, data: dict[str, Any], order: Order, team: Team | None, *, staffed: bool
) -> Result:
    """Tell the worker (the code, what will really happen next) and, when they must act,
    the admins."""
    deps = ctx.deps
    if data.get("phone"):
        ctx.person.phone = data["phone"]
    if team is None:
        after = ctx.t("ordering.next.triage")
    elif staffed:
        after = ctx.t("ordering.next.team", team=team_label(team, ctx.lang))
    else:  # nobody in the team can take it now: dispatch hands it to the admins at once
        after = ctx.t("worker.next.unstaffed", team=team_label(team, ctx.lang))
    if data.get("held"):
        after = ctx.t("campaigns.requester.collected")
    confirmation = Reply(ctx.t("ordering.submitted", code=order.code) + "\n" + after)
    if ctx.event.message is not None:
        # The pressed summary becomes the submitted order in place (Telegram, web chat): its
        # code, what happens next and the details, with no buttons left (issue 17.5).
        details = "\n".join(await prompts.summary_lines(ctx, data))
        await _created(ctx, data, order)
        return [Reply(confirmation.text + "\n\n" + details, edit=True)]
    # No message to change (WeChat): sent before the event, so it comes ahead of anything
    # dispatch tells the worker next, and the summary is repeated marked as submitted.
    delivered = await notify(deps, ctx.person, confirmation) is not None
    await _created(ctx, data, order)
    stamped = await prompts.summary_text(ctx, data) + "\n\n" + ctx.t("ordering.submitted.stamp")
    replies = [Reply(stamped, edit=True)]
    return replies if delivered else [*replies, confirmation]


async def _created(ctx: Ctx, data: dict[str, Any], order: Order) -> None:
    """The order is in: dispatch, the survey … react; admins sort one without a team."""
    deps = ctx.deps
    await emit(deps, "order_created", order_id=order.id)
    triage = order.team_id is None and not data.get("held")  # held: sorted in /campaign needs
    # An order with a team is dispatch's to announce (offers, or admins when nobody serves it).
    if triage:
        notice = await _admin_notice(ctx, data, order.code, triage)
        notice = dataclasses.replace(  # 改派服务队 … at hand (issue 17)
            notice, buttons=order_actions.admin_buttons(deps.settings.language, order)
        )
        await notify_admins(deps, notice, station_id=order.station_id)


async def _admin_notice(ctx: Ctx, data: dict[str, Any], code: str | None, triage: bool) -> Reply:
    """What admins see of a new order (the phone included: admins may see it)."""
    lang = ctx.deps.settings.language
    head = t(lang, "ordering.admin.triage" if triage else "ordering.admin.new", code=code)
    who = t(
        lang,
        "ordering.admin.from",
        name=ctx.person.display_name or t(lang, "common.friend"),
        username=f"@{ctx.person.username}" if ctx.person.username else "",
    )
    lines = [head, who, *await prompts.detail_lines(ctx.deps, lang, data)]
    return Reply("\n".join(lines))


# ---------------------------------------------------------------- registration


def _step_buttons(reply: Reply) -> bool:
    """Every button of ``reply`` answers the ordering dialog (or its service list)."""
    verbs = [callbacks.decode(b.data)[0] for row in reply.buttons for b in row if b.data]
    return bool(verbs) and all(v.startswith("order_") or v == callbacks.SERVICE_PICK for v in verbs)


def _transient(handler: Handler) -> Handler:
    """The dialog's buttons answer one step: once the person moves on they are taken
    away (bot.live), so an old time list or summary never looks pressable."""

    async def marked(ctx: Ctx) -> Result:
        result = await handler(ctx)
        if isinstance(result, Reply):
            return dataclasses.replace(result, transient=True) if _step_buttons(result) else result
        if isinstance(result, list):
            return [
                dataclasses.replace(r, transient=True) if _step_buttons(r) else r for r in result
            ]
        return result

    marked.__name__ = marked.__qualname__ = handler.__name__
    marked.__doc__ = handler.__doc__
    return marked


def register(reg: Registry) -> None:
    reg.command("order", _transient(browse), menu="menu.order")
    reg.on_text(_transient(free_text))
    reg.start_payload("team", _transient(link_team))
    reg.start_payload("station", _transient(link_station))
    reg.dialog(FLOW, _transient(on_dialog))
    reg.button(callbacks.ORDER_BROWSE_TEAM, _transient(browse_pick))
    reg.button(callbacks.ORDER_PICK_TEAM, _transient(team_button))
    reg.button(callbacks.ORDER_PICK_CHOICE, _transient(choice_button))
    reg.button(callbacks.ORDER_CLOSE, close_button)
    reg.button(callbacks.ORDER_SUMMARY, _transient(summary_button))
    reg.button(callbacks.ORDER_PICK_TIME, _transient(steps.time_button))
    reg.button(callbacks.ORDER_TIME_GUESS, _transient(steps.guess_button))
    reg.button(callbacks.ORDER_PHOTOS_DONE, _transient(steps.photos_button))
    reg.button(callbacks.ORDER_EDIT_FIELD, _transient(steps.edit_button))
