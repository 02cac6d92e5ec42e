"""The volunteer's side of a job and the requester's verdict.

Offers (认领 / 不方便), /jobs (my open jobs, each with its actions), /board
(企业问题清单: unclaimed orders of my teams, nearest first), the lifecycle
buttons 约定时间 / 开始服务 / 完成服务 / 放弃 with their short dialogs, and the
requester's 已解决 / 未解决. The decisions themselves live in bot.dispatch and
bot.jobs; this module checks who may press what and says what happened.
"""

from __future__ import annotations

import dataclasses
from typing import Any

from bot import (
    callbacks,
    dialog,
    dispatch,
    jobcards,
    jobs,
    jobtext,
    lifecycle,
    orders,
    relay,
    timeparse,
    volunteers,
)
from bot.context import Ctx
from bot.errors import Expired, Refusal
from bot.events import Kind
from bot.registry import Audience, Registry, Result
from bot.reply import Button, Outcome, Reply
from bot.texts import choices
from store.models import Order, OrderStatus, Volunteer
from store.offers import offer_by_id, offer_on_message
from store.orders import order_by_id, orders_held_by
from store.tracked import has_card

APPOINT_FLOW = "jobappt"
FINISH_FLOW = "jobdone"
QUIT_FLOW = "jobquit"
BOARD_LIMIT = 10
JOBS_LIMIT = 10
QUIT_REASON_MAX = 200
_FINISH_WORDS = {"提交", "完成", "好了", "好", "没有", "无", "没有照片", "submit", "done"}


# ---------------------------------------------------------------- helpers


async def _volunteer(ctx: Ctx) -> Volunteer | None:
    async with ctx.deps.db.session() as session:
        return await volunteers.by_person(session, ctx.person.id)  # type: ignore[arg-type]


async def _card(
    ctx: Ctx, order: Order, header: str = "jobs.card.item", *, edit: bool = False
) -> Reply:
    async with ctx.deps.db.session() as session:
        fresh = await order_by_id(session, order_id=order.id)
        assert fresh is not None
        card = await jobtext.job_card(session, fresh, ctx.lang, ctx.deps.settings.tz, header=header)
    return dataclasses.replace(card, edit=edit)


async def _held(ctx: Ctx, allowed: tuple[str, ...]) -> tuple[Order, Volunteer]:
    """The job named by the button, if the actor holds it and it is in an ``allowed`` status."""
    order_id = callbacks.int_arg(ctx.args, 0)
    async with ctx.deps.db.session() as session:
        order = await order_by_id(session, order_id=order_id)
        volunteer = await volunteers.by_person(session, ctx.person.id)  # type: ignore[arg-type]
    if order is None or volunteer is None or order.volunteer_id != volunteer.id:
        raise Expired()
    if order.status not in allowed:
        raise Refusal(
            "jobs.wrong_state", toast=True, status=orders.status_label(ctx.lang, order.status)
        )
    return order, volunteer


def _dialog_data(ctx: Ctx, flow: str) -> dict[str, Any]:
    state = ctx.dialog
    if state is None or state.flow != flow:
        raise Expired()
    return dict(state.data)


# ---------------------------------------------------------------- offers and the board


async def press_claim(ctx: Ctx) -> Result:
    """认领 on an offer or a board item: the atomic claim; exactly one presser wins."""
    order_id = callbacks.int_arg(ctx.args, 0)
    async with ctx.deps.db.session() as session:
        order = await order_by_id(session, order_id=order_id)
        volunteer = await volunteers.by_person(session, ctx.person.id)  # type: ignore[arg-type]
        if order is None:
            raise Expired()
        if volunteer is None or volunteer.status not in volunteers.WORKING:
            raise Refusal("jobs.not_volunteer", toast=True)
        if order.volunteer_id == volunteer.id:
            return Outcome(toast=ctx.t("jobs.claim.yours"))
        if order.team_id not in await volunteers.team_ids(session, volunteer.id):  # type: ignore[arg-type]
            raise Expired()  # forged, or the order moved to another team
        if order.requester_id == ctx.person.id:
            raise Refusal("jobs.claim.own", toast=True)
        if order.status in OrderStatus.OPEN and await dispatch.released_by(
            session,
            volunteer.id,  # type: ignore[arg-type]
            [order_id],
        ):
            # They gave it up: the requester and admins were told it is being passed on,
            # so taking it back goes through an admin (/assign), not an old button.
            raise Refusal("jobs.claim.released")
        if order.status in OrderStatus.OPEN:
            holding = await volunteers.open_jobs(session, volunteer.id)  # type: ignore[arg-type]
            if holding >= volunteer.max_open_jobs:
                raise Refusal("jobs.claim.too_many", n=holding)
    won = await dispatch.claim(ctx.deps, order_id, volunteer.id, wait=False)  # type: ignore[arg-type]
    if not won:
        return await _claim_lost(ctx, order_id, volunteer.id)  # type: ignore[arg-type]
    replies = []
    if not await _pressed_offer(ctx, order_id, volunteer.id):  # type: ignore[arg-type]
        # A board item: claim() only edits offer messages, so say it here.
        replies.append(Reply(ctx.t("jobs.board.claimed", code=order.code), edit=True))
    return Outcome(replies, toast=ctx.t("jobs.claim.won"))


async def _pressed_offer(ctx: Ctx, order_id: int, volunteer_id: int) -> bool:
    ref = ctx.event.message
    if ref is None:
        return False
    async with ctx.deps.db.session() as session:
        return await offer_on_message(
            session,
            order_id=order_id,
            volunteer_id=volunteer_id,
            chat_id=ref.chat_id,
            message_id=ref.message_id,
        )


async def _claim_lost(ctx: Ctx, order_id: int, volunteer_id: int) -> Result:
    async with ctx.deps.db.session() as session:
        order = await order_by_id(session, order_id=order_id)
        assert order is not None
        if order.volunteer_id == volunteer_id:  # a double press that won the first time
            return Outcome(toast=ctx.t("jobs.claim.yours"))
        facts = await jobtext.facts(session, order, ctx.lang, ctx.deps.settings.tz)
    if await _pressed_offer(ctx, order_id, volunteer_id):
        # The winner's claim edits every offer message it closed (bot.dispatch.claim), this
        # one included: a second, identical edit here is only "message is not modified".
        return Outcome(toast=ctx.t("jobs.claim.lost"))
    key = (
        "dispatch.offer.withdrawn"
        if order.status == OrderStatus.CANCELLED
        else "dispatch.offer.taken"
    )
    closed = jobtext.closed_offer(ctx.lang, facts, key)
    return Outcome([Reply(closed.text, edit=True)], toast=ctx.t("jobs.claim.lost"))


async def press_decline(ctx: Ctx) -> Result:
    """不方便: close my offer; the next candidate is offered at once (in the background)."""
    offer_id = callbacks.int_arg(ctx.args, 0)
    async with ctx.deps.db.session() as session:
        offer = await offer_by_id(session, offer_id=offer_id)
        volunteer = await volunteers.by_person(session, ctx.person.id)  # type: ignore[arg-type]
        if offer is None or volunteer is None or offer.volunteer_id != volunteer.id:
            raise Expired()
    declined = await dispatch.decline(ctx.deps, offer_id, wait=False)
    async with ctx.deps.db.session() as session:
        offer = await offer_by_id(session, offer_id=offer_id)
        order = await order_by_id(session, order_id=offer.order_id) if offer else None
        if offer is None or order is None:
            raise Expired()
        await session.refresh(offer)
        facts = await jobtext.facts(session, order, ctx.lang, ctx.deps.settings.tz)
    key = "dispatch.offer.declined" if declined else dispatch.CLOSED_KEY.get(offer.status)
    if key is None:
        raise Expired()
    closed = jobtext.closed_offer(ctx.lang, facts, key)
    toast = ctx.t("jobs.decline.done") if declined else None
    return Outcome([Reply(closed.text, edit=True)], toast=toast)


async def board(ctx: Ctx) -> Result:
    """/board (企业问题清单): unclaimed requests of my teams, nearest first, with 认领."""
    volunteer = await _volunteer(ctx)
    if volunteer is None or volunteer.status not in volunteers.WORKING:
        return ctx.reply("jobs.not_volunteer")
    tz = ctx.deps.settings.tz
    async with ctx.deps.db.session() as session:
        ranked = await dispatch.open_orders_for(
            session, volunteer, scope=ctx.deps.settings.escalation_scope
        )
        items = [
            jobtext.board_reply(
                ctx.lang,
                await jobtext.facts(session, order, ctx.lang, tz),
                order,
                ctx.t(choices.JOB_RING[ring]),
            )
            for order, ring in ranked[:BOARD_LIMIT]
        ]
    if not ranked:
        return ctx.reply("jobs.board.empty")
    return [ctx.reply("jobs.board.head", n=len(ranked), shown=len(items)), *items]


async def my_jobs(ctx: Ctx) -> Result:
    """/jobs: the jobs I hold (and those waiting for the requester), each with its actions."""
    volunteer = await _volunteer(ctx)
    if volunteer is None:
        return ctx.reply("jobs.not_volunteer")
    tz = ctx.deps.settings.tz
    async with ctx.deps.db.session() as session:
        held = await orders_held_by(
            session,
            volunteer_id=volunteer.id,  # type: ignore[arg-type]
            statuses=(*OrderStatus.ACTIVE, OrderStatus.DONE),
        )
        found = sorted(
            held,
            key=lambda o: (
                o.status == OrderStatus.DONE,
                o.appointment_at.timestamp() if o.appointment_at else float("inf"),
                o.id,
            ),
        )
        cards = [
            await jobtext.job_card(session, o, ctx.lang, tz, header="jobs.card.item")
            for o in found[:JOBS_LIMIT]
        ]
    if not found:
        return ctx.reply("jobs.none")
    return [ctx.reply("jobs.list_head", n=len(found), shown=len(cards)), *cards]


# ---------------------------------------------------------------- 约定时间


async def press_appoint(ctx: Ctx) -> Result:
    order, _ = await _held(ctx, (OrderStatus.CLAIMED, OrderStatus.SCHEDULED))
    await dialog.save(ctx, APPOINT_FLOW, "time", {"order_id": order.id})
    return ctx.reply("jobs.appointment.ask", code=order.code)


async def appointment_input(ctx: Ctx) -> Result:
    data = _dialog_data(ctx, APPOINT_FLOW)
    if ctx.event.kind != Kind.TEXT:
        return ctx.reply("jobs.appointment.text_please")
    parsed = timeparse.parse_detailed(ctx.event.text, ctx.deps.now(), ctx.deps.settings.tz)
    window = parsed.window
    if window is None:
        return ctx.reply(choices.APPOINTMENT_UNCLEAR[parsed.reason or "unknown"])
    if window.end - window.start != timeparse.CLOCK_SPAN:
        return ctx.reply("jobs.appointment.need_clock")
    volunteer = await _volunteer(ctx)
    await dialog.clear(ctx)
    order = None
    if volunteer is not None:
        order = await jobs.set_appointment(
            ctx.deps,
            int(data["order_id"]),
            volunteer.id,  # type: ignore[arg-type]
            window.start,
        )
    if order is None:
        return ctx.reply("jobs.moved_on")
    when = jobtext.fmt_time(window.start, ctx.deps.settings.tz, ctx.lang)
    done = ctx.reply("jobs.appointment.done", code=order.code, at=when)
    async with ctx.deps.db.read() as session:
        shown = await has_card(session, order_id=order.id, person_id=ctx.person.id)  # type: ignore[arg-type]
    # The job card already shows the time and 修改时间 (bot.jobcards): no second card.
    return done if shown else [done, await _card(ctx, order)]


# ---------------------------------------------------------------- 开始服务


async def press_start(ctx: Ctx) -> Result:
    order, volunteer = await _held(ctx, (OrderStatus.CLAIMED, OrderStatus.SCHEDULED))
    started = await jobs.start_service(ctx.deps, order.id, volunteer.id)  # type: ignore[arg-type]
    if started is None:
        raise Refusal("jobs.moved_on", toast=True)
    return Outcome([await _card(ctx, started, edit=True)], toast=ctx.t("jobs.started.toast"))


# ---------------------------------------------------------------- 完成服务


def _submit_button(ctx: Ctx, order_id: int) -> tuple[tuple[Button, ...], ...]:
    return (
        (
            Button(
                ctx.t("jobs.btn.submit"), callbacks.encode(callbacks.JOB_SUBMIT_REPORT, order_id)
            ),
        ),
    )


async def press_finish(ctx: Ctx) -> Result:
    order, _ = await _held(ctx, (OrderStatus.IN_PROGRESS,))
    await dialog.save(ctx, FINISH_FLOW, "summary", {"order_id": order.id, "photos": []})
    return ctx.reply("jobs.done.ask_summary", code=order.code)


async def finish_input(ctx: Ctx) -> Result:
    state = ctx.dialog
    assert state is not None
    data, event = dict(state.data), ctx.event
    order_id = int(data["order_id"])
    photos: list[str] = list(data.get("photos", []))
    if event.kind == Kind.PHOTO and event.photo:
        if len(photos) >= jobs.MAX_PHOTOS:
            return Reply(
                ctx.t("jobs.done.photo_limit", n=jobs.MAX_PHOTOS),
                buttons=_submit_button(ctx, order_id),
            )
        photos.append(event.photo)
        data["photos"] = photos
        caption = (event.text or "").strip()
        if caption and not data.get("summary") and len(caption) <= jobs.SUMMARY_MAX:
            data["summary"] = caption
        if data.get("summary"):
            await dialog.save(ctx, FINISH_FLOW, "photos", data)
            return Reply(
                ctx.t("jobs.done.photo_saved", n=len(photos)), buttons=_submit_button(ctx, order_id)
            )
        await dialog.save(ctx, FINISH_FLOW, "summary", data)
        return ctx.reply("jobs.done.photo_first")
    if event.kind != Kind.TEXT:
        return ctx.reply("jobs.done.text_please")
    text = event.text.strip()
    if state.step == "photos":
        if text.lower() in _FINISH_WORDS:
            return await _finish(ctx, data)
        return Reply(ctx.t("jobs.done.use_submit"), buttons=_submit_button(ctx, order_id))
    if not text:
        return ctx.reply("jobs.done.ask_summary_again")
    if len(text) > jobs.SUMMARY_MAX:
        return ctx.reply("common.too_long", length=len(text), limit=jobs.SUMMARY_MAX)
    data["summary"] = text
    await dialog.save(ctx, FINISH_FLOW, "photos", data)
    return Reply(
        ctx.t("jobs.done.ask_photos", n=jobs.MAX_PHOTOS), buttons=_submit_button(ctx, order_id)
    )


async def press_submit(ctx: Ctx) -> Result:
    data = _dialog_data(ctx, FINISH_FLOW)
    if int(data.get("order_id", 0)) != callbacks.int_arg(ctx.args, 0) or not data.get("summary"):
        raise Expired()
    return await _finish(ctx, data)


async def _finish(ctx: Ctx, data: dict[str, Any]) -> Result:
    volunteer = await _volunteer(ctx)
    await dialog.clear(ctx)
    order = None
    if volunteer is not None:
        order = await jobs.finish_service(
            ctx.deps,
            int(data["order_id"]),
            volunteer.id,  # type: ignore[arg-type]
            summary=str(data.get("summary", "")),
            photos=list(data.get("photos", [])),
        )
    if order is None:
        return ctx.reply("jobs.moved_on")
    minutes = order.service_minutes or 0
    text = ctx.t("jobs.done.saved", code=order.code, hours=minutes // 60, minutes=minutes % 60)
    return Reply(text, edit=ctx.event.kind == Kind.BUTTON)


# ---------------------------------------------------------------- 放弃


async def press_quit(ctx: Ctx) -> Result:
    order, _ = await _held(ctx, OrderStatus.ACTIVE)
    await dialog.save(ctx, QUIT_FLOW, "reason", {"order_id": order.id})
    return ctx.reply("jobs.quit.ask", code=order.code)


async def quit_input(ctx: Ctx) -> Result:
    data = _dialog_data(ctx, QUIT_FLOW)
    if ctx.event.kind != Kind.TEXT:
        return ctx.reply("jobs.quit.text_please")
    reason = volunteers.clean_line(ctx.event.text, QUIT_REASON_MAX)
    if reason is None:
        return ctx.reply("jobs.quit.bad_reason", limit=QUIT_REASON_MAX)
    volunteer = await _volunteer(ctx)
    await dialog.clear(ctx)
    released = volunteer is not None and await dispatch.release(
        ctx.deps,
        int(data["order_id"]),
        reason=reason,
        by=ctx.person,
        volunteer_id=volunteer.id,
        wait=False,
    )
    return ctx.reply("jobs.quit.done" if released else "jobs.moved_on")


# ---------------------------------------------------------------- the requester's verdict


async def _verdict(ctx: Ctx, resolved: bool) -> Result:
    order_id = callbacks.int_arg(ctx.args, 0)
    async with ctx.deps.db.session() as session:
        order = await order_by_id(session, order_id=order_id)
    if order is None or order.requester_id != ctx.person.id:
        raise Expired()
    confirmed = await jobs.confirm(
        ctx.deps,
        order_id,
        ctx.person.id,  # type: ignore[arg-type]
        resolved=resolved,
    )
    if confirmed is None:
        if order.status in (OrderStatus.CONFIRMED, OrderStatus.RATED):
            return Outcome(toast=ctx.t("jobs.confirm.already"))
        raise Expired()
    key = "jobs.confirm.resolved" if resolved else "jobs.confirm.unresolved"
    return Reply(ctx.t(key, code=order.code), edit=True)


async def press_resolved(ctx: Ctx) -> Result:
    return await _verdict(ctx, True)


async def press_unresolved(ctx: Ctx) -> Result:
    return await _verdict(ctx, False)


def register(reg: Registry) -> None:
    reg.command("jobs", my_jobs, audience=Audience.VOLUNTEER, menu="menu.jobs")
    reg.command("board", board, audience=Audience.VOLUNTEER, menu="menu.board")
    reg.button(callbacks.JOB_CLAIM, press_claim)
    reg.button(callbacks.JOB_DECLINE, press_decline)
    reg.button(callbacks.JOB_SET_TIME, press_appoint)
    reg.button(callbacks.JOB_START, press_start)
    reg.button(callbacks.JOB_FINISH, press_finish)
    reg.button(callbacks.JOB_SUBMIT_REPORT, press_submit)
    reg.button(callbacks.JOB_GIVE_UP, press_quit)
    reg.button(callbacks.JOB_RESOLVED, press_resolved)
    reg.button(callbacks.JOB_UNRESOLVED, press_unresolved)
    reg.dialog(APPOINT_FLOW, appointment_input)
    reg.dialog(FINISH_FLOW, finish_input)
    reg.dialog(QUIT_FLOW, quit_input)
    relay.register(reg)
    jobcards.register(reg)  # cards, board items and 联系志愿者 notices follow the order
    # Dispatch follows the order's life: new → offer it; cancelled → withdraw the offers;
    # moved to another team → withdraw and offer it to the new team.
    reg.listen("order_created", dispatch.on_order_created)
    reg.listen("order_cancelled", dispatch.on_order_cancelled)
    reg.listen("order_rerouted", dispatch.on_order_rerouted)
    reg.listen(dispatch.OFFER_DELIVERED, dispatch.offer_delivered)  # sent from the outbox
    reg.listen(lifecycle.STARTED, dispatch.recover)  # offers a crash left in flight
    reg.task(dispatch.WAVE_TASK, dispatch.run_wave)
    reg.task(orders.DISPATCH_START, dispatch.run_start)
    reg.task(dispatch.FOLLOWUP_TASK, dispatch.run_followup)
