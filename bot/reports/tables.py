"""The export tables as typed rows: dates stay datetimes, numbers stay numbers.

Each builder returns column keys and rows; ``bot.reports.xlsx`` writes them
as real Excel cells and ``to_csv_bytes`` as the CSV Excel opens. Headers are
the text keys ``admin.csv.<column>`` (Chinese by default).

Privacy: phone and address columns are dropped unless ``private`` (super-admins).
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from sqlmodel.ext.asyncio.session import AsyncSession

from bot.reports.csvfile import PRIVATE_COLUMNS, to_csv
from bot.texts import choices, t
from store import reports as queries
from store.campaigns import campaign_names
from store.models import Station, Team
from store.stations import stations_by_id
from store.teams import teams_by_id
from store.volunteers import all_volunteers, team_memberships, volunteer_names

ORDER_COLUMNS = (
    "code", "status", "team", "team_slug", "station", "source", "requester_type", "org_name",
    "expected_people", "served_people", "text", "contact_name", "contact_phone", "address",
    "latitude", "longitude", "volunteer", "created_at", "claimed_at", "appointment_at",
    "done_at", "service_minutes", "resolved", "rating", "comment", "cancel_reason",
    "campaign",
)  # fmt: skip
VOLUNTEER_COLUMNS = (
    "id", "name", "phone", "station", "teams", "status", "star_level", "total_hours",
    "month_sessions", "month_hours", "skills", "honours", "approved_at",
)  # fmt: skip
FEEDBACK_COLUMNS = (
    "code", "team", "station", "volunteer", "rating", "comment", "resolved", "rated_at",
)  # fmt: skip
HOURS_COLUMNS = (
    "id", "name", "phone", "station", "teams", "month_sessions", "participations",
    "month_hours", "total_hours",
)  # fmt: skip


@dataclass(frozen=True)
class Table:
    kind: str
    columns: tuple[str, ...]
    rows: list[list[Any]]

    def header(self, lang: str | None) -> list[str]:
        return [t(lang, choices.CSV_COLUMN[c]) for c in self.columns]

    def redacted(self) -> Table:
        """The same table without phones and addresses."""
        kept = tuple(c for c in self.columns if c not in PRIVATE_COLUMNS)
        index = [self.columns.index(c) for c in kept]
        return Table(self.kind, kept, [[row[i] for i in index] for row in self.rows])


Builder = Callable[
    [AsyncSession, datetime, datetime, str | None, "set[int] | None"], Awaitable[Table]
]


def to_csv_bytes(table: Table, lang: str | None, tz: ZoneInfo) -> bytes:
    """The table as CSV (UTF-8 with BOM), dates written as local ``YYYY-MM-DD HH:MM``."""

    def plain(v: Any) -> Any:
        if isinstance(v, datetime):
            return v.astimezone(tz).strftime("%Y-%m-%d %H:%M")
        return v

    return to_csv(table.header(lang), ([plain(v) for v in row] for row in table.rows))


def _yes_no(lang: str | None, value: bool | None) -> str:
    return "" if value is None else t(lang, "common.yes" if value else "common.no")


def requester_type_label(lang: str | None, value: str | None) -> str:
    return t(lang, choices.REQUESTER_TYPE[value]) if value else ""


async def _lookups(session: AsyncSession) -> tuple[dict[int, Team], dict[int, Station]]:
    return await teams_by_id(session), await stations_by_id(session)


async def orders(
    session: AsyncSession, start: datetime, end: datetime, lang: str | None, within: set[int] | None
) -> Table:
    """Orders created in the period, one row each."""
    found = await queries.orders_created_with_feedback(
        session, start=start, end=end, stations=within
    )
    teams, stations = await _lookups(session)
    names = await volunteer_names(session)
    tagged = await campaign_names(session, order_ids=[o.id for o, _, _ in found])  # issue 20
    rows = []
    for o, rating, comment in found:
        team = teams.get(o.team_id)  # type: ignore[arg-type]
        station = stations.get(o.station_id)  # type: ignore[arg-type]
        rows.append(
            [
                o.code,
                t(lang, choices.ORDER_STATUS[o.status]),
                team.name if team else "",
                team.slug if team else "",
                station.name if station else "",
                o.source,
                requester_type_label(lang, o.requester_type),
                o.org_name,
                o.expected_people,
                o.served_people,
                o.text,
                o.contact_name,
                o.contact_phone,
                o.address,
                o.latitude,
                o.longitude,
                names.get(o.volunteer_id, "") if o.volunteer_id else "",  # type: ignore[arg-type]
                o.created_at,
                o.claimed_at,
                o.appointment_at,
                o.done_at,
                o.service_minutes,
                _yes_no(lang, o.resolved),
                rating,
                comment,
                o.cancel_reason,
                tagged.get(o.id, ""),  # type: ignore[arg-type]
            ]
        )
    return Table("orders", ORDER_COLUMNS, rows)


async def _memberships(session: AsyncSession, teams: dict[int, Team]) -> dict[int, list[str]]:
    out: dict[int, list[str]] = {}
    for vid, team_id in await team_memberships(session):
        team = teams.get(team_id)
        if team is not None:
            out.setdefault(vid, []).append(team.name)
    return out


async def _work(
    session: AsyncSession, start: datetime, end: datetime
) -> dict[int, tuple[int, int]]:
    """Per volunteer: finished jobs and minutes in the period."""
    return await queries.work_by_volunteer(session, start=start, end=end)


async def volunteers(
    session: AsyncSession, start: datetime, end: datetime, lang: str | None, within: set[int] | None
) -> Table:
    """Every volunteer with the period's sessions and hours."""
    teams, stations = await _lookups(session)
    member = await _memberships(session, teams)
    work = await _work(session, start, end)
    rows = []
    for v in await all_volunteers(session, stations=within):
        station = stations.get(v.station_id)  # type: ignore[arg-type]
        sessions, minutes = work.get(v.id, (0, 0))  # type: ignore[arg-type]
        rows.append(
            [
                v.id,
                v.name,
                v.phone,
                station.name if station else "",
                "、".join(member.get(v.id, [])),  # type: ignore[arg-type]
                t(lang, choices.VOLUNTEER_STATUS_ADMIN[v.status]),
                v.star_level,
                round(v.service_minutes / 60, 1),
                sessions,
                round(minutes / 60, 1),
                v.skills,
                v.honours,
                v.approved_at,
            ]
        )
    return Table("volunteers", VOLUNTEER_COLUMNS, rows)


async def hours(
    session: AsyncSession, start: datetime, end: datetime, lang: str | None, within: set[int] | None
) -> Table:
    """Volunteers who served in the period, most hours first: the hours ledger."""
    teams, stations = await _lookups(session)
    member = await _memberships(session, teams)
    work = await _work(session, start, end)
    rows: list[list[Any]] = []
    for v in await all_volunteers(session, stations=within):
        if v.id not in work:
            continue
        sessions, minutes = work[v.id]  # type: ignore[index]
        station = stations.get(v.station_id)  # type: ignore[arg-type]
        rows.append(
            [
                v.id,
                v.name,
                v.phone,
                station.name if station else "",
                "、".join(member.get(v.id, [])),  # type: ignore[arg-type]
                sessions,
                sessions,  # one participation per job; activities add theirs
                round(minutes / 60, 1),
                round(v.service_minutes / 60, 1),
            ]
        )
    rows.sort(key=lambda r: (-float(r[7]), int(r[0])))
    return Table("hours", HOURS_COLUMNS, rows)


async def feedback(
    session: AsyncSession, start: datetime, end: datetime, lang: str | None, within: set[int] | None
) -> Table:
    """Ratings given in the period."""
    found = await queries.feedback_with_orders(session, start=start, end=end, stations=within)
    teams, stations = await _lookups(session)
    names = await volunteer_names(session)
    rows = []
    for f, o in found:
        team = teams.get(o.team_id)  # type: ignore[arg-type]
        station = stations.get(o.station_id)  # type: ignore[arg-type]
        vid = f.volunteer_id or o.volunteer_id
        rows.append(
            [
                o.code,
                team.name if team else "",
                station.name if station else "",
                names.get(vid, "") if vid else "",
                f.rating,
                f.comment,
                _yes_no(lang, o.resolved),
                f.created_at,
            ]
        )
    return Table("feedback", FEEDBACK_COLUMNS, rows)


async def activities(
    session: AsyncSession, start: datetime, end: datetime, lang: str | None, within: set[int] | None
) -> Table:
    """Activities held in the period (issue 18), apart from the one-to-one orders."""
    from bot import activities_export

    columns, rows = await activities_export.rows(session, start, end, lang, within)
    return Table("activities", columns, rows)


async def mentors(
    session: AsyncSession, start: datetime, end: datetime, lang: str | None, within: set[int] | None
) -> Table:
    """名师带徒 pairings under way in the period (issue 20)."""
    from bot import mentors_export

    columns, rows = await mentors_export.rows(session, start, end, lang, within)
    return Table("mentors", columns, rows)


# Kinds /export offers.
BUILDERS: dict[str, Builder] = {
    "orders": orders,
    "volunteers": volunteers,
    "feedback": feedback,
    "activities": activities,
    "hours": hours,
    "mentors": mentors,
}
KINDS: Sequence[str] = tuple(BUILDERS)
