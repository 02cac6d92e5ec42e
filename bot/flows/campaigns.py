"""Campaigns in chat (issue 20): ``/campaign`` and its sub-commands, 下一阶段, 揭榜, 评估.

- ``/campaign``: the current campaign's card (stage, dates, link, 下一阶段);
- ``/campaign new``: name, stage dates, teams, stations — a ``Dialog`` table;
- ``/campaign needs``: collected needs grouped by team; ``/campaign merge <code> <into>``
  drops a duplicate, ``/reroute <code> <slug>`` re-routes, ``/campaign publish [code…]``
  releases them, ``/campaign bounty <code> <deadline>`` publishes one as 揭榜;
- ``/campaign evaluate`` and ``/campaign report [xlsx]``: in ``campaign_review``.

Requesters come in by ``?start=campaign-<id>`` or by the order summary's 纳入 button.
"""

from __future__ import annotations

from datetime import datetime, time, timedelta
from typing import Any

from bot import callbacks, campaign_bounty, campaigns, roles
from bot.callbacks import encode, int_arg, str_arg
from bot.context import Ctx
from bot.dialog import Dialog, Step, clear
from bot.durations import parse_duration
from bot.errors import Expired
from bot.flows import campaign_review
from bot.flows import order_prompts as prompts
from bot.flows.admin_common import args as admin_args
from bot.flows.admin_common import order_in_scope, short
from bot.flows.campaign_review import after, current_campaign, go
from bot.flows.order_draft import Step as OrderStep
from bot.flows.order_draft import (
    limit_reached,
    new_draft,
    other_dialog,
    require,
)
from bot.flows.order_draft import save as save_draft
from bot.people import volunteer_of
from bot.registry import Audience, Registry, Result
from bot.reply import Button, Reply
from bot.texts import choices
from store import campaigns as store
from store.models import Campaign, CampaignStage, OrderStatus
from store.orders import order_by_id
from store.stations import station_by_code, stations_by_id
from store.teams import team_by_slug, teams

NEW_FLOW = "campaign_new"
ALL_WORDS = ("全部", "所有", "all", "-")


# ---------------------------------------------------------------- the card


def _link(ctx: Ctx, campaign: Campaign) -> str:
    from bot.reports.posters import links

    payload = f"campaign-{campaign.id}"
    found = [link.url for link in links(ctx.deps.settings, payload)]
    return " ".join(found) or f"/start {payload}"


async def card(ctx: Ctx, campaign: Campaign, *, edit: bool = False) -> Reply:
    """The campaign's card: its stage and dates, who takes part, its link, 下一阶段."""
    async with ctx.deps.db.session() as session:
        team_rows = {tm.id: tm.name for tm in await teams(session)}
        station_rows = await stations_by_id(session)
        needs = await store.needs_with_orders(session, campaign_id=campaign.id)  # type: ignore[arg-type]
    lines = [
        ctx.t("campaigns.card.title", name=campaign.name),
        ctx.t("campaigns.card.stage", stage=campaigns.stage_name(ctx.lang, campaign.stage)),
    ]
    for stage in campaigns.STAGES:
        day = (campaign.schedule or {}).get(stage)
        mark = "▶" if stage == campaign.stage else "·"
        lines.append(
            ctx.t(
                "campaigns.card.date",
                mark=mark,
                stage=campaigns.stage_name(ctx.lang, stage),
                day=day or ctx.t("campaigns.card.by_hand"),
            )
        )
    every = ctx.t("campaigns.card.every")
    lines.append(
        ctx.t(
            "campaigns.card.teams",
            teams="、".join(team_rows.get(i, "?") for i in campaign.team_ids) or every,
        )
    )
    lines.append(
        ctx.t(
            "campaigns.card.stations",
            stations="、".join(
                station_rows[i].name for i in campaign.station_ids if i in station_rows
            )
            or every,
        )
    )
    held = sum(1 for n, _ in needs if n.held)
    lines.append(ctx.t("campaigns.card.needs", n=len(needs), held=held))
    lines.append(ctx.t("campaigns.card.link", link=_link(ctx, campaign)))
    buttons: tuple[tuple[Button, ...], ...] = ()
    following = campaigns.next_stage(campaign.stage)
    if following is not None:
        label = ctx.t("campaigns.btn.next", stage=campaigns.stage_name(ctx.lang, following))
        buttons = ((Button(label, encode(callbacks.CAMPAIGN_NEXT, campaign.id, campaign.stage)),),)
    return Reply("\n".join(lines), buttons=buttons, edit=edit)


async def campaign_cmd(ctx: Ctx) -> Result:
    """/campaign [new|needs|publish|merge|bounty|evaluate|report]."""
    words = admin_args(ctx)
    sub = words[0].lower() if words else ""
    handlers = {
        "new": start_new,
        "needs": needs_cmd,
        "publish": publish_cmd,
        "merge": merge_cmd,
        "bounty": bounty_cmd,
        "evaluate": campaign_review.evaluate_cmd,
        "report": campaign_review.report_cmd,
    }
    if not sub:
        return await card(ctx, await current_campaign(ctx))
    handler = handlers.get(sub)
    if handler is None:
        return ctx.reply("campaigns.usage")
    return await handler(ctx)


async def next_button(ctx: Ctx) -> Result:
    """下一阶段: move on now, whatever the date says."""
    campaign_id = int_arg(ctx.args, 0)
    stage = str_arg(ctx.args, 1, CampaignStage.ORDER)
    if not await campaigns.advance(ctx.deps, campaign_id, expect=stage, by=ctx.person):
        raise Expired()  # pressed twice, or the date moved it meanwhile
    async with ctx.deps.db.session() as session:
        campaign = await store.campaign_by_id(session, campaign_id=campaign_id)
    assert campaign is not None
    return await card(ctx, campaign, edit=True)


# ---------------------------------------------------------------- /campaign new


async def start_new(ctx: Ctx) -> Result:
    if ctx.dialog is not None:
        return ctx.reply("ordering.busy_elsewhere")
    return await go(ctx, NEW, {}, "name")


async def _answer_name(ctx: Ctx, data: dict[str, Any]) -> Result:
    name = ctx.event.text.strip()
    if not name or len(name) > 64:
        return [ctx.reply("campaigns.new.bad_name"), await NEW.ask(ctx, data, "name")]
    data["name"] = name
    return await after(ctx, NEW, data, "name")


async def _answer_dates(ctx: Ctx, data: dict[str, Any]) -> Result:
    today = ctx.deps.now().astimezone(ctx.deps.settings.tz).date()
    days = campaigns.parse_dates(ctx.event.text, today)
    schedule = campaigns.schedule_from(days) if days is not None else None
    if schedule is None:
        return [ctx.reply("campaigns.new.bad_dates"), await NEW.ask(ctx, data, "dates")]
    data["schedule"] = schedule
    return await after(ctx, NEW, data, "dates")


async def _answer_teams(ctx: Ctx, data: dict[str, Any]) -> Result:
    words = ctx.event.text.replace("，", " ").replace(",", " ").split()
    ids: list[int] = []
    unknown = None
    if not (len(words) == 1 and words[0].lower() in ALL_WORDS):
        async with ctx.deps.db.session() as session:
            for word in words:
                team = await team_by_slug(session, slug=word.lower())
                if team is None:
                    unknown = word
                    break
                ids.append(team.id)  # type: ignore[arg-type]
    if unknown is not None:
        return [
            ctx.reply("campaigns.new.bad_team", slug=unknown),
            await NEW.ask(ctx, data, "teams"),
        ]
    data["team_ids"] = ids
    return await after(ctx, NEW, data, "teams")


async def _answer_stations(ctx: Ctx, data: dict[str, Any]) -> Result:
    words = ctx.event.text.replace("，", " ").replace(",", " ").split()
    ids: list[int] = []
    unknown = None
    if not (len(words) == 1 and words[0].lower() in ALL_WORDS):
        async with ctx.deps.db.session() as session:
            for word in words:
                station = await station_by_code(session, code=word)
                if station is None:
                    unknown = word
                    break
                ids.append(station.id)  # type: ignore[arg-type]
    if unknown is not None:
        return [
            ctx.reply("campaigns.new.bad_station", code=unknown),
            await NEW.ask(ctx, data, "stations"),
        ]
    data["station_ids"] = ids
    return await after(ctx, NEW, data, "stations")


async def _answer_confirm(ctx: Ctx, data: dict[str, Any]) -> Result:
    return await NEW.ask(ctx, data, "confirm")  # a button answers this step


def _ask_name(ctx: Ctx, data: dict[str, Any]) -> Reply:
    return ctx.reply("campaigns.new.ask_name")


def _ask_dates(ctx: Ctx, data: dict[str, Any]) -> Reply:
    return ctx.reply("campaigns.new.ask_dates")


async def _ask_teams(ctx: Ctx, data: dict[str, Any]) -> Reply:
    async with ctx.deps.db.session() as session:
        slugs = " ".join(tm.slug for tm in await teams(session, active_only=True))
    return ctx.reply("campaigns.new.ask_teams", slugs=slugs)


def _ask_stations(ctx: Ctx, data: dict[str, Any]) -> Reply:
    return ctx.reply("campaigns.new.ask_stations")


async def _ask_confirm(ctx: Ctx, data: dict[str, Any]) -> Reply:
    lines = [ctx.t("campaigns.new.summary", name=data["name"])]
    for stage in campaigns.STAGES:
        lines.append(
            ctx.t(
                "campaigns.card.date",
                mark="·",
                stage=campaigns.stage_name(ctx.lang, stage),
                day=data["schedule"].get(stage) or ctx.t("campaigns.card.by_hand"),
            )
        )
    lines.append(
        ctx.t("campaigns.new.scope", teams=len(data["team_ids"]), stations=len(data["station_ids"]))
    )
    buttons = (
        (
            Button(ctx.t("campaigns.btn.create"), encode(callbacks.CAMPAIGN_CREATE, "ok")),
            Button(ctx.t("campaigns.btn.drop"), encode(callbacks.CAMPAIGN_CREATE, "no")),
        ),
    )
    return Reply("\n".join(lines), buttons=buttons)


NEW = Dialog(
    NEW_FLOW,
    (
        Step("name", ask=_ask_name, answer=_answer_name, next="dates"),
        Step("dates", ask=_ask_dates, answer=_answer_dates, next="teams"),
        Step("teams", ask=_ask_teams, answer=_answer_teams, next="stations"),
        Step("stations", ask=_ask_stations, answer=_answer_stations, next="confirm"),
        Step("confirm", ask=_ask_confirm, answer=_answer_confirm),
    ),
)


async def create_button(ctx: Ctx) -> Result:
    choice = str_arg(ctx.args, 0, ("ok", "no"))
    if ctx.dialog is None or ctx.dialog.flow != NEW_FLOW or ctx.dialog.step != "confirm":
        raise Expired()
    data = dict(ctx.dialog.data or {})
    await clear(ctx)
    if choice == "no":
        return Reply(ctx.t("campaigns.new.dropped"), edit=True)
    campaign = await campaigns.create(
        ctx.deps,
        name=data["name"],
        schedule=data["schedule"],
        team_ids=data["team_ids"],
        station_ids=data["station_ids"],
        by=ctx.person,
    )
    return [
        Reply(ctx.t("campaigns.new.created", name=campaign.name), edit=True),
        await card(ctx, campaign),
    ]


async def on_dialog(ctx: Ctx) -> Result:
    """Messages inside /campaign new: each goes to its step."""
    assert ctx.dialog is not None
    step = NEW.step(ctx.dialog.step)
    if step is None:
        await clear(ctx)
        return ctx.reply("campaigns.lost")
    return await step.answer(ctx, dict(ctx.dialog.data or {}))


# ---------------------------------------------------------------- needs


async def needs_cmd(ctx: Ctx) -> Result:
    """The campaign's needs grouped by team: held ones first, then what became of the rest."""
    campaign = await current_campaign(ctx)
    async with ctx.deps.db.session() as session:
        rows = await store.needs_with_orders(session, campaign_id=campaign.id)  # type: ignore[arg-type]
        names = {tm.id: tm.name for tm in await teams(session)}
    if not rows:
        return ctx.reply("campaigns.needs.empty", name=campaign.name)
    groups: dict[int | None, list[str]] = {}
    for need, order in rows:
        if need.merged_into is not None:
            continue
        if need.held and order.status == OrderStatus.NEW:
            state = ctx.t("campaigns.needs.held")
        elif need.bounty_until is not None and need.bounty_closed_at is None:
            state = ctx.t("campaigns.needs.bounty")
        else:
            state = ctx.t(choices.ORDER_STATUS[order.status])
        groups.setdefault(order.team_id, []).append(
            ctx.t("campaigns.needs.item", code=order.code, text=short(order.text, 30), state=state)
        )
    lines = [ctx.t("campaigns.needs.title", name=campaign.name)]
    for team_id in sorted(groups, key=lambda i: (i is None, names.get(i, ""))):
        label = names.get(team_id) or ctx.t("campaigns.report.no_team")
        lines.append(ctx.t("campaigns.needs.team", team=label, n=len(groups[team_id])))
        lines += groups[team_id]
    lines.append(ctx.t("campaigns.needs.hint"))
    held = any(n.held for n, _ in rows)
    buttons = (
        (
            (
                Button(
                    ctx.t("campaigns.btn.publish_all"),
                    encode(callbacks.CAMPAIGN_PUBLISH, campaign.id),
                ),
            ),
        )
        if held
        else ()
    )
    return Reply("\n".join(lines), buttons=buttons)


async def _publish(ctx: Ctx, campaign: Campaign, codes: list[str] | None) -> Reply:
    ids: list[int] | None = None
    if codes:
        ids = []
        async with ctx.deps.db.session() as session:
            for code in codes:
                ids.append((await order_in_scope(session, ctx, code)).id)  # type: ignore[arg-type]
    released = await campaigns.publish_needs(ctx.deps, campaign, ids, by=ctx.person)
    if not released:
        return ctx.reply("campaigns.publish.none")
    codes_text = "、".join(o.code or "" for o in released)
    return ctx.reply("campaigns.publish.done", n=len(released), codes=codes_text)


async def publish_cmd(ctx: Ctx) -> Result:
    return await _publish(ctx, await current_campaign(ctx), admin_args(ctx)[1:])


async def publish_button(ctx: Ctx) -> Result:
    async with ctx.deps.db.session() as session:
        campaign = await store.campaign_by_id(session, campaign_id=int_arg(ctx.args, 0))
    if campaign is None:
        raise Expired()
    return await _publish(ctx, campaign, None)


async def merge_cmd(ctx: Ctx) -> Result:
    words = admin_args(ctx)
    if len(words) != 3:
        return ctx.reply("campaigns.merge.usage")
    async with ctx.deps.db.session() as session:
        order = await order_in_scope(session, ctx, words[1])
        into = await order_in_scope(session, ctx, words[2])
    if order.id == into.id or not await campaigns.merge(ctx.deps, order, into, by=ctx.person):
        return ctx.reply("campaigns.merge.refused", code=order.code)
    return ctx.reply("campaigns.merge.done", code=order.code, into=into.code)


def _deadline(ctx: Ctx, text: str) -> datetime | None:
    """``2027-04-20`` (the end of that day), ``4-20`` or a duration such as ``72h``/``3d``."""
    now = ctx.deps.now()
    tz = ctx.deps.settings.tz
    try:
        return now + parse_duration(text)
    except ValueError:
        pass
    days = campaigns.parse_dates(text, now.astimezone(tz).date())
    if not days or len(days) != 1 or days[0] is None:
        return None
    end = datetime.combine(days[0] + timedelta(days=1), time(0), tzinfo=tz)
    return end if end > now else None


async def bounty_cmd(ctx: Ctx) -> Result:
    """/campaign bounty <code> <deadline>: 揭榜挂帅 for a hard problem."""
    words = admin_args(ctx)
    if len(words) != 3:
        return ctx.reply("campaigns.bounty.usage")
    campaign = await current_campaign(ctx)
    async with ctx.deps.db.session() as session:
        order = await order_in_scope(session, ctx, words[1])
        need = await store.need_of(session, order_id=order.id)  # type: ignore[arg-type]
    until = _deadline(ctx, words[2])
    if until is None:
        return ctx.reply("campaigns.bounty.usage")
    if need is None or need.campaign_id != campaign.id or not need.held or order.team_id is None:
        return ctx.reply("campaigns.bounty.refused", code=order.code)
    told = await campaign_bounty.publish_bounty(ctx.deps, campaign, order, until, by=ctx.person)
    if told is None:
        return ctx.reply("campaigns.bounty.refused", code=order.code)
    when = until.astimezone(ctx.deps.settings.tz).strftime("%Y-%m-%d %H:%M")
    return ctx.reply("campaigns.bounty.published", code=order.code, n=told, until=when)


async def bid_button(ctx: Ctx) -> Result:
    """我要揭榜, under a 揭榜 offer."""
    order_id = int_arg(ctx.args, 0)
    async with ctx.deps.db.session() as session:
        volunteer = await volunteer_of(session, ctx.person)
    if volunteer is None:
        raise Expired()
    key = await campaign_bounty.bid(ctx.deps, volunteer, order_id)
    return ctx.reply(key)


async def pick_button(ctx: Ctx) -> Result:
    order_id, volunteer_id = int_arg(ctx.args, 0), int_arg(ctx.args, 1)
    async with ctx.deps.db.session() as session:
        order = await order_by_id(session, order_id=order_id)
        if order is None:
            raise Expired()
        await roles.require_scope(session, ctx, order.station_id)
    if not await campaign_bounty.pick(ctx.deps, order_id, volunteer_id, by=ctx.person):
        raise Expired()
    return ctx.reply("campaigns.bounty.picked", code=order.code)


# ---------------------------------------------------------------- requesters


async def link_campaign(ctx: Ctx) -> Result:
    """``/start campaign-<id>``: an order for the campaign (collected while it collects)."""
    rest = ctx.event.args[0].partition("-")[2]
    async with ctx.deps.db.session() as session:
        campaign = (
            await store.campaign_by_id(session, campaign_id=int(rest)) if rest.isdigit() else None
        )
        limited = await limit_reached(session, ctx.deps, ctx.person.id)  # type: ignore[arg-type]
    live = (*campaigns.HOLDING, CampaignStage.SERVE)
    if campaign is None or campaign.stage not in live:
        return ctx.reply("campaigns.link.over")
    if other_dialog(ctx):
        return ctx.reply("ordering.busy_elsewhere")
    if limited:
        return ctx.reply("ordering.limit", limit=ctx.deps.settings.max_orders_per_day)
    data = new_draft(source="link")
    data["campaign_id"] = campaign.id
    await save_draft(ctx, OrderStep.DESCRIBE, data, renew=False)
    intro = ctx.t("campaigns.link.intro", name=campaign.name)
    if campaign.stage in campaigns.HOLDING:
        intro += "\n" + ctx.t("campaigns.link.collecting")
    return [Reply(intro), prompts.prompt_describe(ctx, data)]


async def order_campaign_button(ctx: Ctx) -> Result:
    """纳入 / 不纳入 on the order summary."""
    data = require(ctx, str_arg(ctx.args, 0), OrderStep.SUMMARY)
    campaign_id = int_arg(ctx.args, 1)
    if campaign_id:
        async with ctx.deps.db.session() as session:
            campaign = await store.campaign_by_id(session, campaign_id=campaign_id)
        if campaign is None or campaign.stage not in campaigns.HOLDING:
            raise Expired()
        data["campaign_id"] = campaign_id
    else:
        data["campaign_id"] = None
    await save_draft(ctx, OrderStep.SUMMARY, data)
    return await prompts.prompt_summary(ctx, data, edit=True)


# ---------------------------------------------------------------- registration


def register(reg: Registry) -> None:
    reg.command("campaign", campaign_cmd, audience=Audience.ADMIN, menu="menu.campaign")
    reg.dialog(NEW_FLOW, on_dialog)
    reg.start_payload("campaign", link_campaign)
    reg.button(callbacks.CAMPAIGN_NEXT, next_button, admin=True)
    reg.button(callbacks.CAMPAIGN_CREATE, create_button, admin=True)
    reg.button(callbacks.CAMPAIGN_PUBLISH, publish_button, admin=True)
    reg.button(callbacks.CAMPAIGN_BID, bid_button)
    reg.button(callbacks.CAMPAIGN_PICK, pick_button, admin=True)
    reg.button(callbacks.ORDER_CAMPAIGN, order_campaign_button)
    reg.task(campaigns.STAGE_TASK, campaigns.run_stage)
    reg.task(campaign_bounty.BOUNTY_TASK, campaign_bounty.run_bounty)
    reg.listen("order_created", campaigns.on_order_created)
    reg.listen("activity_published", campaigns.on_activity_published)
