"""A campaign's 评估 and 选树 (issue 20): the admins' evaluation of each finished job, the
nominated case it makes, and the report's figures per team and station.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from bot.campaigns import MATCHED, SERVED
from bot.deps import Deps
from bot.texts import t
from store import campaigns as store
from store.engine import Session
from store.models import Campaign, CampaignCase, CampaignNeed, CaseStatus, Order, Person
from store.volunteers import volunteers_by_id


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
