"""Service-month campaigns (劳模工匠志愿服务月): stages, collected needs, 揭榜, evaluation, cases.

A campaign runs through ``CampaignStage.ORDER``: 需求征集 → 对接认领 → 服务 → 评估 →
选树优秀案例 → closed. Each stage after the first starts on its date (a durable
``campaign_stage`` task per stage) or earlier when an admin presses 下一阶段; both
move the stage with one conditional UPDATE, so whichever comes second does nothing.

An order made through the campaign's link (``?start=campaign-<id>``) or marked in the
order dialog during 需求征集 or 对接认领 is *held*: it is an order with a code, but
dispatch leaves it alone (``store.campaigns.is_held``) until an admin publishes it,
or until 服务 begins. A 揭榜 need skips the waves: every active volunteer of its team,
in any station, may apply until the deadline, and the admin picks one (an assignment).
During 服务 new orders within the campaign's teams and stations are tagged with it.
"""

from __future__ import annotations

import re
import unicodedata
from datetime import date, datetime, time, timedelta
from typing import Any

from bot import audit, dispatch, orders
from bot.deps import Deps
from bot.notify import notify, notify_admins
from bot.reply import Reply
from bot.stations import ancestors
from bot.texts import choices, t
from store import campaigns as store
from store import tasks
from store.engine import Session
from store.models import (
    Campaign,
    CampaignStage,
    Order,
    OrderStatus,
    Person,
    Task,
)
from store.people import person_by_id

STAGE_TASK = "campaign_stage"
STAGES = CampaignStage.ORDER[:-1]  # the five stages with dates (closed has none)
HOLDING = (CampaignStage.COLLECT, CampaignStage.MATCH)  # needs are collected, not dispatched
SERVED = (OrderStatus.DONE, OrderStatus.CONFIRMED, OrderStatus.RATED)
MATCHED = (*OrderStatus.ACTIVE, *SERVED)


def next_stage(stage: str) -> str | None:
    order = CampaignStage.ORDER
    i = order.index(stage)
    return order[i + 1] if i + 1 < len(order) else None


def stage_name(lang: str | None, stage: str) -> str:
    return t(lang, choices.CAMPAIGN_STAGE[stage])


# ---------------------------------------------------------------- schedule


def parse_dates(text: str, today: date) -> list[date | None] | None:
    """Dates like ``2027-03-01``, ``3-1``, ``3/1`` or ``3月1日`` in order, ``-`` for none;
    None if a part is neither."""
    s = unicodedata.normalize("NFKC", text)
    out: list[date | None] = []
    for part in re.split(r"[\s,，、;；]+", s.strip()):
        if not part:
            continue
        if part in ("-", "—"):
            out.append(None)
            continue
        m = re.fullmatch(r"(?:(\d{4})[-/.年])?(\d{1,2})[-/.月](\d{1,2})日?", part)
        if m is None:
            return None
        year = int(m.group(1)) if m.group(1) else today.year
        try:
            day = date(year, int(m.group(2)), int(m.group(3)))
        except ValueError:
            return None
        if not m.group(1) and day < today - timedelta(days=31):
            day = day.replace(year=year + 1)  # "3-1" typed in December means next March
        out.append(day)
    return out


def schedule_from(days: list[date | None]) -> dict[str, str] | None:
    """Five stage start dates (and an optional end) → ``{stage: ISO date}``.

    ``-`` leaves a stage without a date: it starts only when an admin presses 下一阶段
    (so a stage can run late). The first stage needs a date; the dates must increase.
    """
    if len(days) not in (len(STAGES), len(STAGES) + 1) or days[0] is None:
        return None
    given = [d for d in days if d is not None]
    if given != sorted(set(given)):
        return None
    out = {stage: d.isoformat() for stage, d in zip(CampaignStage.ORDER, days, strict=False) if d}
    return out


def stage_start(deps: Deps, campaign: Campaign, stage: str) -> datetime | None:
    """The moment (local midnight) ``stage`` is planned to begin."""
    day = (campaign.schedule or {}).get(stage)
    if not day:
        return None
    return datetime.combine(date.fromisoformat(day), time(0), tzinfo=deps.settings.tz)


async def create(
    deps: Deps,
    *,
    name: str,
    schedule: dict[str, str],
    team_ids: list[int],
    station_ids: list[int],
    by: Person,
) -> Campaign:
    """Open a campaign in 需求征集, with a task for each later stage's date."""
    now = deps.now()
    async with deps.db.session() as session:
        campaign = await store.add_campaign(
            session,
            campaign=Campaign(
                name=name,
                schedule=schedule,
                team_ids=team_ids,
                station_ids=station_ids,
                created_by=by.id,
                created_at=now,
                stage_at=now,
            ),
        )
        for stage in CampaignStage.ORDER[1:]:
            due = stage_start(deps, campaign, stage)
            if due is not None:
                await tasks.enqueue(
                    session,
                    STAGE_TASK,
                    max(due, now),
                    {"campaign_id": campaign.id, "stage": stage},
                    key=f"campaign:{campaign.id}:stage:{stage}",
                )
        await audit.record(
            session,
            actor_id=by.id,
            action="campaign.create",
            target_type="campaign",
            target_id=campaign.id,
            after={"name": name, **schedule},
        )
    return campaign


async def current(deps: Deps) -> Campaign | None:
    async with deps.db.session() as session:
        found = await store.open_campaigns(session)
    return found[0] if found else None


async def advance(deps: Deps, campaign_id: int, *, expect: str, by: Person | None) -> bool:
    """Move the campaign on from ``expect`` (a 下一阶段 press, or the stage's date); once."""
    target = next_stage(expect)
    if target is None:
        return False
    now = deps.now()
    async with deps.db.session() as session:
        moved = await store.move_stage(
            session, campaign_id=campaign_id, from_stage=expect, to_stage=target, now=now
        )
        if moved:
            await audit.record(
                session,
                actor_id=by.id if by else None,
                action="campaign.stage",
                target_type="campaign",
                target_id=campaign_id,
                before={"stage": expect},
                after={"stage": target},
            )
        campaign = await store.campaign_by_id(session, campaign_id=campaign_id)
    if not moved or campaign is None:
        return False
    if target == CampaignStage.SERVE:  # what was never published is served now
        await publish_needs(deps, campaign, None, by=by)
    lang = deps.settings.language
    key = choices.CAMPAIGN_STAGE_NEXT[target]
    await notify_admins(
        deps,
        Reply(
            t(lang, "campaigns.stage.moved", name=campaign.name, stage=stage_name(lang, target))
            + "\n"
            + t(lang, key)
        ),
    )
    return True


async def run_stage(deps: Deps, task: Task) -> None:
    """The ``campaign_stage`` task: the planned date of a stage has come."""
    stage = str(task.payload["stage"])
    previous = CampaignStage.ORDER[CampaignStage.ORDER.index(stage) - 1]
    await advance(deps, int(task.payload["campaign_id"]), expect=previous, by=None)


# ---------------------------------------------------------------- which orders belong


async def covers(
    session: Session, campaign: Campaign, team_id: int | None, station_id: int | None
) -> bool:
    """Whether a team and station are among the campaign's (empty lists: all)."""
    if campaign.team_ids and team_id not in campaign.team_ids:
        return False
    if campaign.station_ids:
        chain = await ancestors(session, station_id)
        return any(s in chain for s in campaign.station_ids)
    return True


async def collecting(
    session: Session, team_id: int | None, station_id: int | None
) -> Campaign | None:
    """The newest campaign collecting needs (需求征集 or 对接认领) for this team and station."""
    for campaign in await store.open_campaigns(session, stages=HOLDING):
        if await covers(session, campaign, team_id, station_id):
            return campaign
    return None


async def hold(session: Session, campaign_id: int | None, order: Order, now: datetime) -> bool:
    """Tag a just-created order with the campaign it was made for; True when it is held.

    Called in the transaction that creates the order: a held order gets no dispatch
    safety net, since dispatch must not start until it is published.
    """
    campaign = await store.campaign_by_id(session, campaign_id=campaign_id)
    if campaign is None or campaign.id is None or order.id is None:
        return False
    if campaign.stage not in (*HOLDING, CampaignStage.SERVE):
        return False  # over (or not begun): an ordinary order
    held = campaign.stage in HOLDING
    await store.tag_order(
        session,
        campaign_id=campaign.id,
        order_id=order.id,
        stage=campaign.stage,
        held=held,
        now=now,
    )
    return held


async def on_order_created(deps: Deps, order_id: int, **_: Any) -> None:
    """During 服务, an order within a campaign's teams and stations is tagged with it."""
    async with deps.db.session() as session:
        if await store.need_of(session, order_id=order_id) is not None:
            return
        order = await session.get(Order, order_id)
        if order is None:
            return
        for campaign in await store.open_campaigns(session, stages=(CampaignStage.SERVE,)):
            if await covers(session, campaign, order.team_id, order.station_id):
                await store.tag_order(
                    session,
                    campaign_id=campaign.id,  # type: ignore[arg-type]
                    order_id=order_id,
                    stage=campaign.stage,
                    held=False,
                    now=deps.now(),
                )
                return


async def on_activity_published(deps: Deps, activity_id: int, **_: Any) -> None:
    """An activity published during 服务 is held under the newest campaign serving."""
    async with deps.db.session() as session:
        serving = await store.open_campaigns(session, stages=(CampaignStage.SERVE,))
        if serving:
            await store.tag_activity(
                session,
                campaign_id=serving[0].id,  # type: ignore[arg-type]
                activity_id=activity_id,
            )


# ---------------------------------------------------------------- publishing


async def publish_needs(
    deps: Deps, campaign: Campaign, order_ids: list[int] | None, *, by: Person | None
) -> list[Order]:
    """Release collected needs (all, or ``order_ids``) to their teams' volunteers."""
    now = deps.now()
    released: list[Order] = []
    async with deps.db.session() as session:
        rows = await store.needs_with_orders(session, campaign_id=campaign.id, held=True)  # type: ignore[arg-type]
        for need, order in rows:
            if order_ids is not None and order.id not in order_ids:
                continue
            if not await store.publish(session, order_id=need.order_id, now=now):
                continue
            if order.status == OrderStatus.NEW:  # not cancelled by its requester meanwhile
                await orders.guard_dispatch(session, order, now)
                released.append(order)
        if released and by is not None:
            await audit.record(
                session,
                actor_id=by.id,
                action="campaign.publish",
                target_type="campaign",
                target_id=campaign.id,
                after={"orders": [o.code for o in released]},
            )
    for order in released:
        dispatch.spawn(deps, dispatch.start(deps, order.id))  # type: ignore[arg-type]
        await tell_requester(deps, order, "campaigns.requester.matching", campaign.name)
    return released


async def tell_requester(deps: Deps, order: Order, key: str, name: str) -> None:
    async with deps.db.session() as session:
        requester = await person_by_id(session, person_id=order.requester_id)
    if requester is not None:
        await notify(deps, requester, Reply(t(requester.language, key, code=order.code, name=name)))


async def merge(deps: Deps, order: Order, into: Order, *, by: Person) -> bool:
    """A duplicate need: cancelled with a pointer to the one it duplicates."""
    now = deps.now()
    async with deps.db.session() as session:
        if not await store.merge(session, order_id=order.id, into_id=into.id):  # type: ignore[arg-type]
            return False
        reason = t(deps.settings.language, "campaigns.merged.reason", code=into.code)
        await orders.transition(
            session,
            order.id,  # type: ignore[arg-type]
            OrderStatus.CANCELLED,
            now,
            expect=OrderStatus.OPEN,
            cancel_reason=reason[:300],
            cancelled_by=by.id,
        )
        await audit.record(
            session,
            actor_id=by.id,
            action="campaign.merge",
            target_type="order",
            target_id=order.id,
            after={"into": into.code},
        )
    await tell_requester(deps, order, "campaigns.requester.merged", into.code or "")
    return True
