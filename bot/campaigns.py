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
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from typing import Any

from bot import audit, callbacks, dispatch, orders
from bot.deps import Deps
from bot.notify import notify, notify_admins
from bot.reply import Button, Reply
from bot.stations import ancestors
from bot.texts import choices, t
from store import campaigns as store
from store import tasks
from store.engine import Session
from store.models import (
    Campaign,
    CampaignCase,
    CampaignNeed,
    CampaignStage,
    CaseStatus,
    Order,
    OrderStatus,
    Person,
    Task,
    Volunteer,
)
from store.people import person_by_id
from store.volunteers import volunteers_by_id

STAGE_TASK = "campaign_stage"
BOUNTY_TASK = "campaign_bounty"
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
        await _tell_requester(deps, order, "campaigns.requester.matching", campaign.name)
    return released


async def _tell_requester(deps: Deps, order: Order, key: str, name: str) -> None:
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
    await _tell_requester(deps, order, "campaigns.requester.merged", into.code or "")
    return True


# ---------------------------------------------------------------- 揭榜


async def publish_bounty(
    deps: Deps, campaign: Campaign, order: Order, until: datetime, *, by: Person
) -> int | None:
    """Publish a hard need as 揭榜 until ``until``; returns how many volunteers were told."""
    now = deps.now()
    async with deps.db.session() as session:
        if not await store.publish(session, order_id=order.id, now=now, bounty_until=until):  # type: ignore[arg-type]
            return None
        await tasks.enqueue(
            session,
            BOUNTY_TASK,
            until,
            {"order_id": order.id},
            key=f"order:{order.id}:bounty",
        )
        await audit.record(
            session,
            actor_id=by.id,
            action="campaign.bounty",
            target_type="order",
            target_id=order.id,
            after={"until": until.isoformat()},
        )
        qualified = await _qualified(session, order)
        people = {v.id: await person_by_id(session, person_id=v.person_id) for v in qualified}
    told = 0
    for volunteer in qualified:
        person = people.get(volunteer.id)
        if person is None:
            continue
        lang = person.language
        text = t(
            lang,
            "campaigns.bounty.offer",
            name=campaign.name,
            code=order.code,
            text=order.text,
            until=_local(deps, until),
        )
        button = Button(
            t(lang, "campaigns.btn.bid"), callbacks.encode(callbacks.CAMPAIGN_BID, order.id)
        )
        if await notify(deps, person, Reply(text, buttons=((button,),))) is not None:
            told += 1
    await _tell_requester(deps, order, "campaigns.requester.matching", campaign.name)
    return told


def _local(deps: Deps, moment: datetime) -> str:
    return moment.astimezone(deps.settings.tz).strftime("%Y-%m-%d %H:%M")


async def _qualified(session: Session, order: Order) -> list[Volunteer]:
    """Every working volunteer of the order's team, whatever their station."""
    from store.activities import invitees

    if order.team_id is None:
        return []
    ids = [vid for vid, _ in await invitees(session, team_id=order.team_id, stations=None)]
    found = await volunteers_by_id(session, ids=ids)
    return [found[i] for i in ids if i in found]


async def bid(deps: Deps, volunteer: Volunteer, order_id: int) -> str:
    """A volunteer applies (揭榜); the text key of what they are told."""
    now = deps.now()
    async with deps.db.session() as session:
        need = await store.need_of(session, order_id=order_id)
        order = await session.get(Order, order_id)
        if (
            need is None
            or order is None
            or need.bounty_until is None
            or need.bounty_closed_at is not None
            or need.bounty_until <= now
            or order.status not in OrderStatus.OPEN
        ):
            return "campaigns.bid.closed"
        qualified = {v.id for v in await _qualified(session, order)}
        if volunteer.id not in qualified:
            return "campaigns.bid.not_qualified"
        if not await store.add_bid(session, order_id=order_id, volunteer_id=volunteer.id, now=now):  # type: ignore[arg-type]
            return "campaigns.bid.again"
    return "campaigns.bid.done"


async def applicants_reply(deps: Deps, order: Order, lang: str | None) -> Reply:
    """The admins' list of who applied, with a 选定 button for each."""
    async with deps.db.session() as session:
        bids = await store.bids_of(session, order_id=order.id)  # type: ignore[arg-type]
    if not bids:
        return Reply(t(lang, "campaigns.bounty.nobody", code=order.code))
    lines = [t(lang, "campaigns.bounty.applicants", code=order.code, n=len(bids))]
    buttons = []
    for _, volunteer in bids:
        lines.append(
            t(
                lang,
                "campaigns.bounty.applicant",
                name=volunteer.name,
                honours=volunteer.honours or "—",
            )
        )
        buttons.append(
            (
                Button(
                    t(lang, "campaigns.btn.pick", name=volunteer.name),
                    callbacks.encode(callbacks.CAMPAIGN_PICK, order.id, volunteer.id),
                ),
            )
        )
    return Reply("\n".join(lines), buttons=tuple(buttons))


async def run_bounty(deps: Deps, task: Task) -> None:
    """The ``campaign_bounty`` task: the deadline passed; the admins pick (or it is dispatched)."""
    order_id = int(task.payload["order_id"])
    async with deps.db.session() as session:
        closed = await store.close_bounty(session, order_id=order_id, now=deps.now())
        order = await session.get(Order, order_id)
    if not closed or order is None:
        return
    reply = await applicants_reply(deps, order, deps.settings.language)
    await notify_admins(deps, reply, station_id=order.station_id)
    async with deps.db.session() as session:
        nobody = not await store.bids_of(session, order_id=order_id)
    if nobody:  # nobody applied: the team's volunteers get it the usual way
        await dispatch.start(deps, order_id)


async def pick(deps: Deps, order_id: int, volunteer_id: int, *, by: Person) -> bool:
    """The admin's choice among the applicants: the order is assigned to them."""
    async with deps.db.session() as session:
        bids = await store.bids_of(session, order_id=order_id)
        if volunteer_id not in {v.id for _, v in bids}:
            return False
        await store.close_bounty(session, order_id=order_id, now=deps.now())
    if not await dispatch.assign(deps, order_id, volunteer_id, by=by):
        return False
    async with deps.db.session() as session:
        await store.mark_picked(session, order_id=order_id, volunteer_id=volunteer_id)
        order = await session.get(Order, order_id)
        others = [
            await person_by_id(session, person_id=v.person_id)
            for _, v in bids
            if v.id != volunteer_id
        ]
    for person in others:
        if person is not None and order is not None:
            await notify(
                deps, person, Reply(t(person.language, "campaigns.bid.not_picked", code=order.code))
            )
    return True


# ---------------------------------------------------------------- evaluation and cases


async def to_evaluate(deps: Deps, campaign: Campaign) -> list[tuple[CampaignNeed, Order]]:
    """Finished campaign jobs no admin has evaluated yet."""
    async with deps.db.session() as session:
        rows = await store.needs_with_orders(session, campaign_id=campaign.id)  # type: ignore[arg-type]
    return [(n, o) for n, o in rows if o.status in SERVED and n.evaluated_at is None]


async def record_evaluation(
    deps: Deps, order_id: int, *, effect: str, benefit: str, nominated: bool, by: Person
) -> CampaignCase | None:
    """The admin's evaluation; 推荐为优秀案例 makes a nominated case from the job's record."""
    now = deps.now()
    async with deps.db.session() as session:
        need = await store.evaluate(
            session,
            order_id=order_id,
            effect=effect,
            benefit=benefit,
            nominated=nominated,
            by=by.id,
            now=now,
        )
        order = await session.get(Order, order_id)
        if need is None or order is None or not nominated:
            return None
        case = await store.case_of_order(session, order_id=order_id)
        if case is not None:
            return case
        names = await _volunteer_names(session, order)
        return await store.add_case(
            session,
            case=CampaignCase(
                campaign_id=need.campaign_id,
                order_id=order_id,
                status=CaseStatus.NOMINATED,
                title=order.text[:40],
                problem=order.text[:1000],
                action=(order.summary or "")[:1000],
                result=effect[:1000],
                volunteers="、".join(names)[:200],
                photos=list(order.result_photos or order.photos or [])[:5],
                station_id=order.station_id,
                team_id=order.team_id,
                updated_by=by.id,
                created_at=now,
                updated_at=now,
            ),
        )


async def _volunteer_names(session: Session, order: Order) -> list[str]:
    from store.team_jobs import members

    assert order.id is not None
    ids = [v.id for _, v in await members(session, order_id=order.id) if v.id is not None]
    if order.volunteer_id is not None and order.volunteer_id not in ids:
        ids = [order.volunteer_id, *ids]
    found = await volunteers_by_id(session, ids=ids)
    return [found[i].name for i in ids if i in found]


# ---------------------------------------------------------------- figures


@dataclass
class Figures:
    """One row of the campaign report."""

    label: str
    collected: int = 0
    matched: int = 0
    served: int = 0
    rated: int = 0
    cases: int = 0

    def add(self, other: Figures) -> None:
        self.collected += other.collected
        self.matched += other.matched
        self.served += other.served
        self.rated += other.rated
        self.cases += other.cases


@dataclass
class Report:
    total: Figures
    by_team: list[Figures] = field(default_factory=list)
    by_station: list[Figures] = field(default_factory=list)
    activities: int = 0


async def report(deps: Deps, campaign: Campaign, lang: str | None) -> Report:
    """Needs collected, matched, served, rated and cases published, per team and station.

    A merged duplicate is not a need of its own; "matched" counts needs a volunteer
    took (claimed or later), "served" those finished, "rated" those the requester rated.
    """
    from store.stations import stations_by_id
    from store.teams import teams

    async with deps.db.session() as session:
        rows = await store.needs_with_orders(session, campaign_id=campaign.id)  # type: ignore[arg-type]
        ratings = await store.rated_order_ids(session, order_ids=[o.id for _, o in rows])  # type: ignore[misc]
        published = await store.cases(
            session, statuses=(CaseStatus.PUBLISHED,), campaign_id=campaign.id
        )
        team_names = {
            tm.id: tm.name_en if lang == "en" and tm.name_en else tm.name
            for tm in await teams(session)
        }
        station_names = {sid: s.name for sid, s in (await stations_by_id(session)).items()}
        acts = await store.activity_ids(session, campaign_id=campaign.id)  # type: ignore[arg-type]
    none_team, none_station = (
        t(lang, "campaigns.report.no_team"),
        t(lang, "campaigns.report.no_station"),
    )
    by_team: dict[Any, Figures] = {}
    by_station: dict[Any, Figures] = {}
    total = Figures(t(lang, "campaigns.report.total"))
    for need, order in rows:
        if need.merged_into is not None:
            continue
        one = Figures(
            "",
            collected=1,
            matched=int(order.status in MATCHED),
            served=int(order.status in SERVED),
            rated=int(order.id in ratings),
        )
        team = by_team.setdefault(order.team_id, Figures(team_names.get(order.team_id, none_team)))
        station = by_station.setdefault(
            order.station_id,
            Figures(station_names.get(order.station_id, none_station)),  # type: ignore[arg-type]
        )
        for bucket in (team, station, total):
            bucket.add(one)
    for case in published:
        one = Figures("", cases=1)
        team = by_team.setdefault(case.team_id, Figures(team_names.get(case.team_id, none_team)))
        station = by_station.setdefault(
            case.station_id,
            Figures(station_names.get(case.station_id, none_station)),  # type: ignore[arg-type]
        )
        for bucket in (team, station, total):
            bucket.add(one)
    return Report(
        total=total,
        by_team=sorted(by_team.values(), key=lambda f: (-f.collected, f.label)),
        by_station=sorted(by_station.values(), key=lambda f: (-f.collected, f.label)),
        activities=len(acts),
    )
