"""A campaign's 评估 and report in chat (issue 20): ``/campaign evaluate`` with its
evaluation dialog (effect, benefit, 推荐为优秀案例?), ``/campaign report [xlsx]`` and the
/stats line; and the small dialog helpers the campaign flows share.
"""

from __future__ import annotations

from typing import Any

from bot import callbacks, campaign_review, campaigns, roles
from bot.callbacks import encode, int_arg, str_arg
from bot.context import Ctx
from bot.dialog import Dialog, Step, clear, save
from bot.errors import Expired, Refusal
from bot.flows.admin_common import args as admin_args
from bot.flows.admin_common import short
from bot.registry import Registry, Result
from bot.reply import Button, Document, Reply, rows
from store import campaigns as store
from store.models import Campaign
from store.orders import order_by_id

EVAL_FLOW = "campaign_eval"


async def current_campaign(ctx: Ctx) -> Campaign:
    campaign = await campaigns.current(ctx.deps)
    if campaign is None:
        raise Refusal("campaigns.none")
    return campaign


async def go(ctx: Ctx, table: Dialog, data: dict[str, Any], step: str) -> Reply:
    await save(ctx, table.flow, step, data)
    return await table.ask(ctx, data, step)


async def after(ctx: Ctx, table: Dialog, data: dict[str, Any], done: str) -> Result:
    following = await table.next_after(ctx, data, done)
    assert following is not None
    return await go(ctx, table, data, following)


# ---------------------------------------------------------------- evaluation


async def evaluate_cmd(ctx: Ctx) -> Result:
    campaign = await current_campaign(ctx)
    pending = await campaign_review.to_evaluate(ctx.deps, campaign)
    if not pending:
        return ctx.reply("campaigns.evaluate.none")
    async with ctx.deps.db.session() as session:
        ratings = await store.rated_order_ids(session, order_ids=[o.id for _, o in pending])  # type: ignore[misc]
    lines = [ctx.t("campaigns.evaluate.title", n=len(pending))]
    buttons = []
    for _, order in pending:
        stars = ratings.get(order.id)  # type: ignore[arg-type]
        lines.append(
            ctx.t(
                "campaigns.evaluate.item",
                code=order.code,
                text=short(order.text, 30),
                rating=f"★{stars}" if stars else ctx.t("campaigns.evaluate.unrated"),
            )
        )
        label = ctx.t("campaigns.btn.evaluate", code=order.code)
        buttons.append(Button(label, encode(callbacks.CAMPAIGN_EVALUATE, order.id)))
    return Reply("\n".join(lines), buttons=rows(*buttons, per_row=2))


async def evaluate_button(ctx: Ctx) -> Result:
    order_id = int_arg(ctx.args, 0)
    async with ctx.deps.db.session() as session:
        need = await store.need_of(session, order_id=order_id)
        order = await order_by_id(session, order_id=order_id) if need is not None else None
        if order is None or order.status not in campaigns.SERVED:
            raise Expired()
        await roles.require_scope(session, ctx, order.station_id)
    return await go(ctx, EVALUATE, {"order_id": order_id, "code": order.code}, "effect")


def _ask_effect(ctx: Ctx, data: dict[str, Any]) -> Reply:
    return ctx.reply("campaigns.evaluate.ask_effect", code=data["code"])


def _ask_benefit(ctx: Ctx, data: dict[str, Any]) -> Reply:
    return ctx.reply("campaigns.evaluate.ask_benefit")


def _ask_nominate(ctx: Ctx, data: dict[str, Any]) -> Reply:
    buttons = (
        (
            Button(ctx.t("campaigns.btn.nominate_yes"), encode(callbacks.CAMPAIGN_NOMINATE, 1)),
            Button(ctx.t("campaigns.btn.nominate_no"), encode(callbacks.CAMPAIGN_NOMINATE, 0)),
        ),
    )
    return Reply(ctx.t("campaigns.evaluate.ask_nominate"), buttons=buttons)


async def _answer_text(ctx: Ctx, data: dict[str, Any], field_name: str) -> Result:
    text = ctx.event.text.strip()
    if not text:
        return await EVALUATE.ask(ctx, data, field_name)
    data[field_name] = text[:500]
    return await after(ctx, EVALUATE, data, field_name)


async def _answer_effect(ctx: Ctx, data: dict[str, Any]) -> Result:
    return await _answer_text(ctx, data, "effect")


async def _answer_benefit(ctx: Ctx, data: dict[str, Any]) -> Result:
    return await _answer_text(ctx, data, "benefit")


async def _answer_nominate(ctx: Ctx, data: dict[str, Any]) -> Result:
    return _ask_nominate(ctx, data)  # a button answers this step


EVALUATE = Dialog(
    EVAL_FLOW,
    (
        Step("effect", ask=_ask_effect, answer=_answer_effect, next="benefit"),
        Step("benefit", ask=_ask_benefit, answer=_answer_benefit, next="nominate"),
        Step("nominate", ask=_ask_nominate, answer=_answer_nominate),
    ),
)


async def nominate_button(ctx: Ctx) -> Result:
    nominated = str_arg(ctx.args, 0, ("1", "0")) == "1"
    if ctx.dialog is None or ctx.dialog.flow != EVAL_FLOW or ctx.dialog.step != "nominate":
        raise Expired()
    data = dict(ctx.dialog.data or {})
    await clear(ctx)
    case = await campaign_review.record_evaluation(
        ctx.deps,
        int(data["order_id"]),
        effect=data["effect"],
        benefit=data["benefit"],
        nominated=nominated,
        by=ctx.person,
    )
    if case is not None:
        return Reply(
            ctx.t("campaigns.evaluate.nominated", code=data["code"], case=case.id), edit=True
        )
    return Reply(ctx.t("campaigns.evaluate.done", code=data["code"]), edit=True)


# ---------------------------------------------------------------- report


def _figure_line(ctx: Ctx, f: campaign_review.Figures) -> str:
    return ctx.t(
        "campaigns.report.line",
        label=f.label,
        collected=f.collected,
        matched=f.matched,
        served=f.served,
        rated=f.rated,
        cases=f.cases,
    )


async def report_cmd(ctx: Ctx) -> Result:
    """/campaign report [xlsx]: the figures per team and station (and as a workbook)."""
    campaign = await current_campaign(ctx)
    figures = await campaign_review.report(ctx.deps, campaign, ctx.lang)
    lines = [
        ctx.t(
            "campaigns.report.title",
            name=campaign.name,
            stage=campaigns.stage_name(ctx.lang, campaign.stage),
        ),
        _figure_line(ctx, figures.total),
        ctx.t("campaigns.report.activities", n=figures.activities),
        ctx.t("campaigns.report.by_team"),
        *(_figure_line(ctx, f) for f in figures.by_team),
        ctx.t("campaigns.report.by_station"),
        *(_figure_line(ctx, f) for f in figures.by_station),
    ]
    reply = Reply("\n".join(lines))
    if "xlsx" not in [w.lower() for w in admin_args(ctx)[1:]]:
        return reply
    from bot.campaign_exports import report_xlsx

    content = report_xlsx(ctx.deps, campaign, figures, ctx.lang)
    doc = Document(f"campaign-{campaign.id}-report.xlsx", content, ctx.t("campaigns.report.file"))
    return [reply, Reply(ctx.t("campaigns.report.file"), document=doc)]


async def stats_lines(ctx: Ctx) -> list[str]:
    """The /stats line for the current campaign (needs, served, cases), if one runs."""
    campaign = await campaigns.current(ctx.deps)
    if campaign is None:
        return []
    figures = await campaign_review.report(ctx.deps, campaign, ctx.lang)
    return [
        ctx.t(
            "campaigns.stats.line",
            name=campaign.name,
            stage=campaigns.stage_name(ctx.lang, campaign.stage),
            collected=figures.total.collected,
            served=figures.total.served,
            cases=figures.total.cases,
        )
    ]


async def on_dialog(ctx: Ctx) -> Result:
    """Messages inside an evaluation: each goes to its step."""
    assert ctx.dialog is not None
    step = EVALUATE.step(ctx.dialog.step)
    if step is None:
        await clear(ctx)
        return ctx.reply("campaigns.lost")
    return await step.answer(ctx, dict(ctx.dialog.data or {}))


def register(reg: Registry) -> None:
    reg.dialog(EVAL_FLOW, on_dialog)
    reg.button(callbacks.CAMPAIGN_EVALUATE, evaluate_button, admin=True)
    reg.button(callbacks.CAMPAIGN_NOMINATE, nominate_button, admin=True)
