"""Ratings: ★1–★5 after a finished job, then an optional comment.

``feedback_delay`` after ``job_done`` the requester is asked to rate (task
``feedback_ask``), and nudged once ``feedback_nudge_after`` later if they have
not (``feedback_nudge``). Only the requester may rate, once: the first press
stores a ``Feedback`` row and moves the order to RATED; a later press answers
"已评价" and changes nothing. A rating of 1 or 2 alerts the admins. The comment
is a short dialog (flow ``feedback``) that can be skipped; text sent long after
the prompt is treated as a new message, not as a comment.
"""

from __future__ import annotations

import logging
import re
from datetime import datetime, timedelta
from typing import Any

from bot import callbacks, dialog
from bot.callbacks import BadCallback, encode, int_arg
from bot.context import Ctx
from bot.deps import Deps
from bot.errors import Expired
from bot.events import Kind
from bot.notify import edit, notify
from bot.orders import team_name, transition
from bot.registry import Registry, Result
from bot.reply import Button, MessageRef, Outcome, Reply, rows
from bot.schedule import parties
from bot.schedule.delivery import deliver, tell_admins
from bot.schedule.when import summary
from bot.texts import Safe, t
from store import tasks
from store.dialogs import clear_dialog, save_dialog
from store.feedback import add_feedback, feedback_of_order
from store.models import Feedback, OrderStatus, Task
from store.orders import order_by_id

log = logging.getLogger(__name__)

ASK = "feedback_ask"
NUDGE = "feedback_nudge"
FLOW = "feedback"
RATEABLE = (OrderStatus.DONE, OrderStatus.CONFIRMED)
LOW_RATING = 2  # this or less alerts the admins
COMMENT_LIMIT = 500  # Feedback.comment's column size
# After this, text is no longer taken as the comment (the person has moved on).
COMMENT_WINDOW = timedelta(hours=1)


def prefix(order_id: int) -> str:
    return f"order:{order_id}:feedback:"


def stars(rating: int) -> str:
    return "★" * rating + "☆" * (5 - rating)


def star_buttons(lang: str | None, order_id: int) -> tuple[tuple[Button, ...], ...]:
    return rows(
        *(
            Button(t(lang, "feedback.star", n=n), encode(callbacks.FEEDBACK_RATE, order_id, n))
            for n in range(1, 6)
        ),
        per_row=5,
    )


# --- the requests ---------------------------------------------------------------------


async def on_job_done(deps: Deps, *, order_id: int, **_: Any) -> None:
    due = deps.now() + deps.settings.feedback_delay
    async with deps.db.session() as session:
        await tasks.enqueue(session, ASK, due, {"order_id": order_id}, key=f"{prefix(order_id)}ask")
    if due <= deps.now():
        deps.kick()


async def on_cancelled(deps: Deps, *, order_id: int, **_: Any) -> None:
    async with deps.db.session() as session:
        await tasks.cancel(session, key_prefix=prefix(order_id))


async def _unrated(deps: Deps, order_id: int) -> parties.Parties | None:
    async with deps.db.session() as session:
        ps = await parties.load(session, order_id)
        if ps is None or ps.order.status not in RATEABLE or ps.requester is None:
            return None
        rated = await feedback_of_order(session, order_id=order_id)
    return None if rated is not None else ps


async def _ask(deps: Deps, ps: parties.Parties, key: str) -> None:
    person, order = ps.requester, ps.order
    assert person is not None and order.id is not None
    lang = person.language
    text = t(lang, key, code=order.code, summary=summary(order.text, 40))
    await deliver(deps, person, Reply(text, buttons=star_buttons(lang, order.id)))


async def ask(deps: Deps, task: Task) -> None:
    """Task ``feedback_ask``: ask the requester to rate, and plan the one nudge."""
    order_id = task.payload["order_id"]
    ps = await _unrated(deps, order_id)
    if ps is None:
        return
    async with deps.db.session() as session:
        await tasks.enqueue(
            session,
            NUDGE,
            deps.now() + deps.settings.feedback_nudge_after,
            {"order_id": order_id},
            key=f"{prefix(order_id)}nudge",
        )
    await _ask(deps, ps, "feedback.ask")


async def nudge(deps: Deps, task: Task) -> None:
    """Task ``feedback_nudge``: still no rating; ask once more, and never again."""
    ps = await _unrated(deps, task.payload["order_id"])
    if ps is not None:
        await _ask(deps, ps, "feedback.nudge")


# --- the answers ----------------------------------------------------------------------


async def rate(ctx: Ctx) -> Result:
    """★n pressed: store the rating (once, by the requester), then offer the comment."""
    order_id, rating = int_arg(ctx.args, 0), int_arg(ctx.args, 1)
    if not 1 <= rating <= 5:
        raise BadCallback(str(rating))
    deps, now = ctx.deps, ctx.deps.now()
    async with deps.db.session() as session:
        order = await order_by_id(session, order_id=order_id)
        if order is None or order.requester_id != ctx.person.id:
            raise Expired()
        rated = await feedback_of_order(session, order_id=order_id)
        if rated is not None or order.status == OrderStatus.RATED:
            return Outcome(toast=ctx.t("feedback.already"))
        if not await transition(session, order_id, OrderStatus.RATED, now, expect=RATEABLE):
            raise Expired()
        await add_feedback(
            session,
            feedback=Feedback(
                order_id=order_id,
                requester_id=ctx.person.id,  # type: ignore[arg-type]
                volunteer_id=order.volunteer_id,
                rating=rating,
                created_at=now,
            ),
        )
        await tasks.cancel(session, key_prefix=prefix(order_id))
        # Offer the comment unless the person is in the middle of something else.
        offer_comment = ctx.dialog is None or ctx.dialog.flow == FLOW
        if offer_comment:
            ref = ctx.event.message
            await save_dialog(
                session,
                person_id=ctx.person.id,  # type: ignore[arg-type]
                flow=FLOW,
                step="comment",
                data={
                    "order_id": order_id,
                    "rating": rating,
                    "asked_at": now.isoformat(),
                    "ref": [ref.platform, ref.chat_id, ref.message_id] if ref else None,
                },
            )
    if rating <= LOW_RATING:
        await _alert_low(deps, order_id, rating)
    await _tell_volunteer(deps, order_id, "staff.rated.volunteer", rating=rating)
    thanks = ctx.t("feedback.thanks", stars=stars(rating))
    if not offer_comment:
        return Reply(thanks, edit=True)
    return Reply(
        ctx.t("feedback.comment_prompt", thanks=Safe(thanks)),
        edit=True,
        buttons=rows(
            Button(ctx.t("feedback.skip"), encode(callbacks.FEEDBACK_SKIP_COMMENT, order_id))
        ),
        hint=ctx.t("staff.hint.comment"),
    )


async def _alert_low(deps: Deps, order_id: int, rating: int) -> None:
    async with deps.db.session() as session:
        ps = await parties.load(session, order_id)
        if ps is None:
            return
        teams = {lang: await team_name(session, ps.order.team_id, lang) for lang in ("zh", "en")}
    order = ps.order

    def render(lang: str) -> Reply:
        return Reply(
            t(
                lang,
                "feedback.low_alert",
                code=order.code,
                stars=stars(rating),
                rating=rating,
                team=teams.get(lang, teams["zh"]),
                volunteer=ps.volunteer_name(lang),
                summary=summary(order.text),
            )
        )

    await tell_admins(deps, render, order.station_id)


async def _tell_volunteer(deps: Deps, order_id: int, key: str, **kwargs: Any) -> None:
    """The volunteer who served hears the requester's ★ and comment (issue 17)."""
    async with deps.db.session() as session:
        ps = await parties.load(session, order_id)
    if ps is None or ps.volunteer_person is None:
        return
    person, order = ps.volunteer_person, ps.order
    if "rating" in kwargs:
        kwargs["stars"] = stars(kwargs["rating"])
    text = t(person.language, key, code=order.code, summary=summary(order.text, 40), **kwargs)
    await notify(deps, person, Reply(text))


def _prompt_ref(data: dict[str, Any]) -> MessageRef | None:
    ref = data.get("ref")
    return MessageRef(*ref) if isinstance(ref, list) and len(ref) == 3 else None


async def _close_prompt(ctx: Ctx, data: dict[str, Any]) -> None:
    """Take the Skip button off the prompt once the comment step is over."""
    ref, rating = _prompt_ref(data), data.get("rating")
    if ref is None or ctx.event.message == ref or not isinstance(rating, int):
        return  # (a press on the prompt itself replaces it anyway)
    await edit(ctx.deps, ref, Reply(ctx.t("feedback.thanks", stars=stars(rating))))


async def comment(ctx: Ctx) -> Result:
    """The dialog step after rating: the next text is the comment."""
    state = ctx.dialog
    assert state is not None
    data = dict(state.data)
    asked = data.get("asked_at")
    if asked is None or ctx.deps.now() - datetime.fromisoformat(asked) > COMMENT_WINDOW:
        return await _moved_on(ctx)
    skip = rows(
        Button(
            ctx.t("feedback.skip"), encode(callbacks.FEEDBACK_SKIP_COMMENT, data.get("order_id", 0))
        )
    )
    text = ctx.event.text.strip() if ctx.event.kind == Kind.TEXT else ""
    if not text:
        return Reply(ctx.t("feedback.comment_text_only"), buttons=skip)
    if text.lower().strip("。.!！ ") in SKIP_WORDS:  # typed 跳过 is not a comment
        await dialog.clear(ctx)
        await _close_prompt(ctx, data)
        return ctx.reply("feedback.comment_skipped")
    if await _new_need(ctx, text):  # "抽油烟机不转了，麻烦师傅看看" is an order, not a comment
        await _close_prompt(ctx, data)
        return await _moved_on(ctx)
    if len(text) > COMMENT_LIMIT:
        return Reply(
            ctx.t("feedback.comment_too_long", length=len(text), limit=COMMENT_LIMIT), buttons=skip
        )
    async with ctx.deps.db.session() as session:
        await clear_dialog(session, person_id=ctx.person.id)  # type: ignore[arg-type]
        fb = await feedback_of_order(
            session, order_id=data.get("order_id"), requester_id=ctx.person.id
        )
        if fb is not None:
            fb.comment = text
            session.add(fb)
            order = await order_by_id(session, order_id=fb.order_id)
    if fb is None:  # the rating is gone (order deleted by an admin …)
        return ctx.reply("common.expired")
    await _close_prompt(ctx, data)
    await _tell_volunteer(ctx.deps, fb.order_id, "staff.comment.volunteer", comment=text)
    if fb.rating <= LOW_RATING and order is not None:
        await tell_admins(
            ctx.deps,
            lambda lang: Reply(
                t(
                    lang,
                    "feedback.low_comment",
                    code=order.code,
                    rating=fb.rating,
                    comment=text,
                )
            ),
            order.station_id,
        )
    return ctx.reply("feedback.comment_saved")


# Typed instead of pressing 跳过.
SKIP_WORDS = frozenset(
    {"跳过", "不用了", "不用", "没有", "没了", "无", "算了", "不评价", "skip", "no", "none", "pass"}
)
# Words of a verdict on a service; a text with none of them that names a trade is a new need.
_VERDICT = re.compile(
    r"满意|谢谢|感谢|很好|挺好|不错|态度|及时|专业|好评|差评|认真|辛苦|耐心|热情|点赞|棒|"
    r"迟到|不满|修好|解决了|准时|很快|太慢|thank|great|good|bad|slow"
)


async def _new_need(ctx: Ctx, text: str) -> bool:
    """A trade named and no verdict: routed off the event loop (the model may run)."""
    if _VERDICT.search(text.lower()) is not None:
        return False
    return (await ctx.deps.router.route_async(text)).team is not None


async def _moved_on(ctx: Ctx) -> Result:
    """The prompt is old: end the comment step and treat the message as a fresh one."""
    from bot.engine import unsupported

    await dialog.clear(ctx)
    ctx.dialog = None
    fallback = ctx.routes.text_fallback
    if ctx.event.kind == Kind.TEXT and fallback is not None:
        return await fallback(ctx)
    return unsupported(ctx)


async def skip(ctx: Ctx) -> Result:
    """跳过: no comment."""
    order_id = int_arg(ctx.args, 0)
    state = ctx.dialog
    if state is None or state.flow != FLOW or state.data.get("order_id") != order_id:
        raise Expired()
    await dialog.clear(ctx)
    await _close_prompt(ctx, dict(state.data))
    return Reply(ctx.t("feedback.comment_skipped"), edit=True)


async def cancel_comment(ctx: Ctx) -> Result:
    """/cancel during the comment step is a skip."""
    state = ctx.dialog
    await dialog.clear(ctx)
    if state is not None:
        await _close_prompt(ctx, dict(state.data))
    return Reply(ctx.t("feedback.comment_skipped"), remove_keyboard=True)


def register(reg: Registry) -> None:
    reg.task(ASK, ask)
    reg.task(NUDGE, nudge)
    reg.listen("job_done", on_job_done)
    reg.listen("order_cancelled", on_cancelled)
    reg.button(callbacks.FEEDBACK_RATE, rate)
    reg.button(callbacks.FEEDBACK_SKIP_COMMENT, skip)
    reg.dialog(FLOW, comment, on_cancel=cancel_comment)
