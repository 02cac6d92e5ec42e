"""Loading a period's report and building export files: shared by /stats, /export,
the chart button and ``jiangxin export``."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any
from zoneinfo import ZoneInfo

from sqlmodel.ext.asyncio.session import AsyncSession

from bot.reports import tables
from bot.reports.figures import TECH_TEAMS, Figures, Report, build_report
from bot.reports.periods import Period
from bot.texts import choices, date_text, t
from store.models import Station, Team
from store.reports import CreatedRow, ServedRow, created_rows, served_rows
from store.stations import stations_by_id
from store.teams import teams_by_id


@dataclass
class Loaded:
    period: Period
    report: Report
    teams: dict[int, Team]
    stations: dict[int, Station]
    root: Station | None  # the station the report is limited to, if any
    served: list[ServedRow] = field(default_factory=list)
    created: list[CreatedRow] = field(default_factory=list)


def period_text(lang: str | None, period: Period) -> str:
    if period.kind == "year":
        return t(lang, "reports.period.year", year=period.year)
    if period.kind == "quarter":
        return t(lang, "reports.period.quarter", year=period.year, q=period.quarter)
    return date_text(lang, "date.month", date(period.year, period.month, 1))


async def load(
    session: AsyncSession,
    *,
    period: Period,
    tz: ZoneInfo,
    within: set[int] | None,
    root: Station | None,
) -> Loaded:
    """The period's report over ``within`` (None: everywhere), rolled up from ``root``."""
    start, end = period.bounds(tz)
    stations = await stations_by_id(session)
    teams = await teams_by_id(session)
    tech = frozenset(i for i, tm in teams.items() if tm.slug in TECH_TEAMS)
    served = await served_rows(session, start=start, end=end, stations=within)
    created = await created_rows(session, start=start, end=end, stations=within)
    roots = [root.id] if root is not None and root.id is not None else None
    report = build_report(served, created, stations, tech_team_ids=tech, roots=roots)
    return Loaded(period, report, teams, stations, root, served, created)


def team_order(loaded: Loaded) -> list[int | None]:
    teams = loaded.teams
    return sorted(
        loaded.report.by_team,
        key=lambda k: (teams[k].sort_order if k in teams else 1 << 30, k or 0),
    )


def team_name(lang: str | None, loaded: Loaded, team_id: int | None) -> str:
    team = loaded.teams.get(team_id) if team_id is not None else None
    return team.name if team else t(lang, "order.no_team")


def _figure_cells(f: Figures) -> list[Any]:
    return [
        f.sessions,
        f.participations,
        f.volunteers,
        f.hours,
        f.enterprises,
        f.tech_solved,
        f.reached,
        f.rating,
    ]


_FIGURE_KEYS = (
    "sessions", "participations", "volunteers", "hours", "enterprises", "tech", "reached",
    "rating",
)  # fmt: skip


def summary_lines(lang: str | None, loaded: Loaded) -> list[list[Any] | str]:
    """The 汇总 sheet: the /stats figures, then by team and by station."""
    r = loaded.report
    scope = loaded.root.name if loaded.root else t(lang, "reports.summary.scope_all")
    period = period_text(lang, loaded.period)
    minutes = (
        round(r.median_to_claim.total_seconds() / 60, 1) if r.median_to_claim is not None else None
    )
    head = [t(lang, choices.REPORT_FIGURE[k]) for k in _FIGURE_KEYS]
    lines: list[list[Any] | str] = [
        t(lang, "reports.summary.title", period=period, scope=scope),
        [t(lang, "reports.summary.item"), t(lang, "reports.summary.value")],
    ]
    values = [*_figure_cells(r.total), r.total.ratings, r.created, r.unclaimed, minutes]
    keys = [*_FIGURE_KEYS, "ratings", "created", "unclaimed", "median_minutes"]
    lines += [[t(lang, choices.REPORT_FIGURE[k]), v] for k, v in zip(keys, values, strict=True)]
    lines += ["", t(lang, "reports.summary.by_team"), [t(lang, "reports.summary.name"), *head]]
    for team_id in team_order(loaded):
        lines.append([team_name(lang, loaded, team_id), *_figure_cells(r.by_team[team_id])])
    lines += [
        "",
        t(lang, "reports.summary.by_station"),
        [t(lang, "reports.summary.name"), t(lang, "reports.summary.level"), *head],
    ]
    for line in r.stations:
        name = "　" * line.depth + line.station.name
        level = t(lang, choices.REPORT_LEVEL[line.station.level])
        lines.append([name, level, *_figure_cells(line.figures)])
    if r.no_station is not None:
        lines.append([t(lang, "reports.stats.no_station"), "", *_figure_cells(r.no_station)])
    return lines


@dataclass(frozen=True)
class ExportFile:
    filename: str
    content: bytes
    rows: int


async def export_file(
    session: AsyncSession,
    *,
    kind: str,
    period: Period,
    tz: ZoneInfo,
    lang: str | None,
    within: set[int] | None,
    root: Station | None = None,
    private: bool,
    fmt: str = "xlsx",
) -> ExportFile:
    """The ``kind`` table of ``period`` as .xlsx (with a summary sheet) or .csv.

    Raises KeyError for a kind with no builder (activities before that piece lands).
    """
    builder = tables.BUILDERS[kind]
    start, end = period.bounds(tz)
    table = await builder(session, start, end, lang, within)
    if not private:
        table = table.redacted()
    filename = f"jiangxin-{kind}-{period.label}.{fmt}"
    if fmt == "csv":
        return ExportFile(filename, tables.to_csv_bytes(table, lang, tz), len(table.rows))
    from bot.reports.xlsx import workbook

    loaded = await load(session, period=period, tz=tz, within=within, root=root)
    content = workbook(
        sheet_name=t(lang, choices.EXPORT_KIND[kind]),
        header=table.header(lang),
        rows=table.rows,
        summary_name=t(lang, "reports.sheet.summary"),
        summary=summary_lines(lang, loaded),
        tz=tz,
    )
    return ExportFile(filename, content, len(table.rows))
