"""The figures union staff report upward, and their roll-up along the station tree.

Definitions (a period is local calendar months in ``settings.tz``):

- 场次: jobs finished in the period (done, confirmed or rated, by ``done_at``).
  Activities add their own 场次 elsewhere.
- 人次: every volunteer participation — one per finished job with a volunteer
  (not distinct requesters: 3 jobs by 2 people are 3 人次).
- 服务时长: the sum of ``service_minutes``, in hours.
- 服务企业: distinct enterprises among the jobs' requesters (by organisation
  name, or by person when the name is missing).
- 解决技术难题: finished jobs of the technical teams (tech, electric,
  environment) marked resolved.
- 惠及人数: people reached — the actual number served when recorded, else the
  expected number, else one.
- 平均评分 and how many were rated; 接单中位时长 over the orders created in the
  period that were claimed.

Station figures are rolled up: a town's row counts its own jobs and every
point below it; a county's row counts its towns too.
"""

from __future__ import annotations

import statistics
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import timedelta

from store.models import OrderStatus, RequesterType, Station, StationLevel
from store.reports import CreatedRow, ServedRow

TECH_TEAMS = frozenset({"tech", "electric", "environment"})


@dataclass(frozen=True)
class Figures:
    sessions: int = 0  # 场次
    participations: int = 0  # 人次
    volunteers: int = 0  # 参与志愿者 (distinct)
    hours: float = 0.0  # 服务时长
    enterprises: int = 0  # 服务企业
    tech_solved: int = 0  # 解决技术难题
    reached: int = 0  # 惠及人数
    rating: float | None = None  # 平均评分
    ratings: int = 0


def _org_key(row: ServedRow) -> str:
    name = "".join((row.org_name or "").split()).casefold()
    return f"org:{name}" if name else f"person:{row.requester_id}"


def figures(rows: Iterable[ServedRow], tech_team_ids: frozenset[int] = frozenset()) -> Figures:
    """The figures of these finished jobs."""
    rows = list(rows)
    ratings = [r.rating for r in rows if r.rating is not None]
    return Figures(
        sessions=len(rows),
        participations=sum(1 for r in rows if r.volunteer_id is not None),
        volunteers=len({r.volunteer_id for r in rows if r.volunteer_id is not None}),
        hours=round(sum(r.minutes for r in rows) / 60, 1),
        enterprises=len(
            {_org_key(r) for r in rows if r.requester_type == RequesterType.ENTERPRISE}
        ),
        tech_solved=sum(1 for r in rows if r.team_id in tech_team_ids and r.resolved),
        reached=sum(_reached(r) for r in rows),
        rating=round(sum(ratings) / len(ratings), 2) if ratings else None,
        ratings=len(ratings),
    )


def _reached(row: ServedRow) -> int:
    for n in (row.served_people, row.expected_people):
        if n is not None and n > 0:
            return n
    return 1


def median(values: Iterable[timedelta]) -> timedelta | None:
    seconds = [v.total_seconds() for v in values]
    return timedelta(seconds=statistics.median(seconds)) if seconds else None


@dataclass(frozen=True)
class StationLine:
    """One row of the station roll-up: a station with its subtree's figures."""

    station: Station
    depth: int
    figures: Figures
    subtotal: bool  # True for towns and counties (their row sums the subtree)


@dataclass
class Report:
    total: Figures
    by_team: dict[int | None, Figures] = field(default_factory=dict)
    stations: list[StationLine] = field(default_factory=list)
    no_station: Figures | None = None
    created: int = 0
    cancelled: int = 0
    unclaimed: int = 0
    median_to_claim: timedelta | None = None
    claimed: int = 0

    @property
    def unclaimed_rate(self) -> float | None:
        return self.unclaimed / self.created if self.created else None


def _children(stations: dict[int, Station]) -> dict[int | None, list[Station]]:
    out: dict[int | None, list[Station]] = {}
    for s in sorted(stations.values(), key=lambda s: (s.code, s.id or 0)):
        out.setdefault(s.parent_id if s.parent_id in stations else None, []).append(s)
    return out


def roll_up(
    rows: Sequence[ServedRow],
    stations: dict[int, Station],
    roots: Iterable[int] | None = None,
    tech_team_ids: frozenset[int] = frozenset(),
) -> list[StationLine]:
    """Depth-first station lines with subtree figures; stations with no jobs are left out."""
    children = _children(stations)
    by_station: dict[int | None, list[ServedRow]] = {}
    for r in rows:
        by_station.setdefault(r.station_id, []).append(r)
    lines: list[StationLine] = []

    def walk(station: Station, depth: int) -> list[ServedRow]:
        index = len(lines)
        mine = list(by_station.get(station.id, []))
        for child in children.get(station.id, []):
            mine.extend(walk(child, depth + 1))
        if mine:
            subtotal = station.level in (StationLevel.COUNTY, StationLevel.TOWN)
            line = StationLine(station, depth, figures(mine, tech_team_ids), subtotal)
            lines.insert(index, line)
        return mine

    start = [stations[i] for i in roots] if roots is not None else children.get(None, [])
    for root in start:
        walk(root, 0)
    return lines


def build_report(
    served: Sequence[ServedRow],
    created: Sequence[CreatedRow],
    stations: dict[int, Station],
    *,
    tech_team_ids: frozenset[int] = frozenset(),
    roots: Iterable[int] | None = None,
) -> Report:
    """Everything /stats and the workbook's summary sheet show, from the period's rows."""
    teams: dict[int | None, list[ServedRow]] = {}
    for r in served:
        teams.setdefault(r.team_id, []).append(r)
    lost = [r for r in served if r.station_id is None or r.station_id not in stations]
    waits = [c.claimed_at - c.created_at for c in created if c.claimed_at is not None]
    return Report(
        total=figures(served, tech_team_ids),
        by_team={k: figures(v, tech_team_ids) for k, v in teams.items()},
        stations=roll_up(served, stations, roots, tech_team_ids),
        no_station=figures(lost, tech_team_ids) if lost else None,
        created=len(created),
        cancelled=sum(1 for c in created if c.status == OrderStatus.CANCELLED),
        unclaimed=sum(1 for c in created if c.expired_at is not None),
        median_to_claim=median(waits),
        claimed=len(waits),
    )
