"""CSV exports of orders, volunteers and feedback, made for Excel.

Files are UTF-8 with a byte-order mark (Excel otherwise reads Chinese as
GBK and shows mojibake) and CRLF line ends. Cells that start like a formula
(``=``, ``+``, ``-``, ``@``) get a leading apostrophe, so a request text such
as ``=HYPERLINK(…)`` stays text instead of running in the admin's Excel.

Privacy: phone numbers and addresses (requesters' and volunteers') are only
included when ``private`` is set — for super-admins. Other admins get the
same file without those columns, never a refusal: they still need the figures.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any
from zoneinfo import ZoneInfo

from sqlmodel.ext.asyncio.session import AsyncSession

from bot.stats import Month
from bot.texts import choices, t
from store import stats as queries
from store.models import Station, Team
from store.stations import stations_by_id
from store.teams import teams_by_id
from store.volunteers import all_volunteers, team_memberships, volunteer_names

KINDS = ("orders", "volunteers", "feedback", "activities")
BOM = "\ufeff"
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
# Columns only super-admins get.
PRIVATE_COLUMNS = frozenset(
    {"contact_name", "contact_phone", "address", "latitude", "longitude", "phone"}
)

ORDER_COLUMNS = (
    "code", "status", "team", "team_slug", "station", "source", "text", "contact_name",
    "contact_phone", "address", "latitude", "longitude", "volunteer", "created_at",
    "claimed_at", "appointment_at", "done_at", "service_minutes", "resolved", "rating",
    "comment", "cancel_reason",
)  # fmt: skip
VOLUNTEER_COLUMNS = (
    "id", "name", "phone", "station", "teams", "status", "star_level", "total_hours",
    "month_sessions", "month_hours", "skills", "honours", "approved_at",
)  # fmt: skip
FEEDBACK_COLUMNS = (
    "code", "team", "station", "volunteer", "rating", "comment", "resolved", "rated_at",
)  # fmt: skip


@dataclass(frozen=True)
class Table:
    content: bytes
    rows: int
    columns: tuple[str, ...]


def cell(value: Any) -> str | int | float:
    """A spreadsheet-safe cell: numbers as they are, text defused if it looks like a formula."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return int(value)
    if isinstance(value, (int, float)):
        return value
    text = str(value)
    return "'" + text if text.startswith(_FORMULA_START) else text


def to_csv(header: Sequence[str], rows: Iterable[Sequence[Any]]) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(header)
    for row in rows:
        writer.writerow([cell(v) for v in row])
    return (BOM + out.getvalue()).encode("utf-8")


def _columns(columns: tuple[str, ...], private: bool) -> tuple[str, ...]:
    return columns if private else tuple(c for c in columns if c not in PRIVATE_COLUMNS)


async def build(
    session: AsyncSession,
    kind: str,
    month: Month,
    tz: ZoneInfo,
    lang: str | None,
    *,
    stations: set[int] | None,
    private: bool,
) -> Table:
    """The ``kind`` export for ``month`` (limited to ``stations`` when given)."""
    if kind == "orders":
        columns, rows = await _orders(session, month, tz, lang, stations)
    elif kind == "volunteers":
        columns, rows = await _volunteers(session, month, tz, lang, stations)
    elif kind == "feedback":
        columns, rows = await _feedback(session, month, tz, lang, stations)
    elif kind == "activities":  # issue 18: activities apart from one-to-one orders
        from bot import activities_export

        columns, rows = await activities_export.rows(session, month, tz, lang, stations)
    else:
        raise ValueError(f"unknown export {kind!r}")
    kept = _columns(columns, private)
    index = [columns.index(c) for c in kept]
    header = [t(lang, choices.CSV_COLUMN[c]) for c in kept]
    content = to_csv(header, ([row[i] for i in index] for row in rows))
    return Table(content, len(rows), kept)


def _yes_no(lang: str | None, value: bool | None) -> str:
    return "" if value is None else t(lang, "common.yes" if value else "common.no")


def _fmt(dt: Any, tz: ZoneInfo) -> str:
    return dt.astimezone(tz).strftime("%Y-%m-%d %H:%M") if dt else ""


async def _lookups(session: AsyncSession) -> tuple[dict[int, Team], dict[int, Station]]:
    return await teams_by_id(session), await stations_by_id(session)


async def _orders(
    session: AsyncSession, month: Month, tz: ZoneInfo, lang: str | None, stations: set[int] | None
) -> tuple[tuple[str, ...], list[list[Any]]]:
    start, end = month.bounds(tz)
    teams, station_rows = await _lookups(session)
    names = await volunteer_names(session)
    rows = []
    for o, rating, comment in await queries.orders_created_with_feedback(
        session, start=start, end=end, stations=stations
    ):
        team = teams.get(o.team_id)  # type: ignore[arg-type]
        station = station_rows.get(o.station_id)  # type: ignore[arg-type]
        rows.append(
            [
                o.code,
                t(lang, choices.ORDER_STATUS[o.status]),
                team.name if team else "",
                team.slug if team else "",
                station.name if station else "",
                o.source,
                o.text,
                o.contact_name,
                o.contact_phone,
                o.address,
                o.latitude,
                o.longitude,
                names.get(o.volunteer_id, "") if o.volunteer_id else "",  # type: ignore[arg-type]
                _fmt(o.created_at, tz),
                _fmt(o.claimed_at, tz),
                _fmt(o.appointment_at, tz),
                _fmt(o.done_at, tz),
                o.service_minutes,
                _yes_no(lang, o.resolved),
                rating,
                comment,
                o.cancel_reason,
            ]
        )
    return ORDER_COLUMNS, rows


async def _volunteers(
    session: AsyncSession, month: Month, tz: ZoneInfo, lang: str | None, stations: set[int] | None
) -> tuple[tuple[str, ...], list[list[Any]]]:
    start, end = month.bounds(tz)
    teams, station_rows = await _lookups(session)
    memberships: dict[int, list[str]] = {}
    for vid, team_id in await team_memberships(session):
        team = teams.get(team_id)
        if team is not None:
            memberships.setdefault(vid, []).append(team.name)
    month_work = await queries.work_by_volunteer(session, start=start, end=end)
    rows = []
    for v in await all_volunteers(session, stations=stations):
        station = station_rows.get(v.station_id)  # type: ignore[arg-type]
        sessions, minutes = month_work.get(v.id, (0, 0))  # type: ignore[arg-type]
        rows.append(
            [
                v.id,
                v.name,
                v.phone,
                station.name if station else "",
                "、".join(memberships.get(v.id, [])),  # type: ignore[arg-type]
                t(lang, choices.VOLUNTEER_STATUS_ADMIN[v.status]),
                v.star_level,
                round(v.service_minutes / 60, 1),
                sessions,
                round(minutes / 60, 1),
                v.skills,
                v.honours,
                _fmt(v.approved_at, tz),
            ]
        )
    return VOLUNTEER_COLUMNS, rows


async def _feedback(
    session: AsyncSession, month: Month, tz: ZoneInfo, lang: str | None, stations: set[int] | None
) -> tuple[tuple[str, ...], list[list[Any]]]:
    start, end = month.bounds(tz)
    teams, station_rows = await _lookups(session)
    names = await volunteer_names(session)
    rows = []
    for f, o in await queries.feedback_with_orders(
        session, start=start, end=end, stations=stations
    ):
        team = teams.get(o.team_id)  # type: ignore[arg-type]
        station = station_rows.get(o.station_id)  # type: ignore[arg-type]
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
                _fmt(f.created_at, tz),
            ]
        )
    return FEEDBACK_COLUMNS, rows
