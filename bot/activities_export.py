"""The activities export (``/export activities``): one row per activity held in the period,
kept apart from the one-to-one orders (issue 18). ``bot.reports.tables`` writes it as
XLSX or CSV; times stay datetimes (real Excel dates; local text in CSV)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlmodel.ext.asyncio.session import AsyncSession

from bot.texts import t
from bot.texts.choices import ACTIVITY_STATUS
from store.activities import held_between, joined_totals
from store.stations import stations_by_id
from store.teams import teams_by_id

COLUMNS = (
    "act_id",
    "act_title",
    "act_team",
    "act_station",
    "act_start",
    "act_end",
    "act_place",
    "act_volunteers",
    "act_residents",
    "act_participants",
    "act_attended",
    "act_served",
    "act_hours",
    "act_status",
    "act_summary",
)


async def rows(
    session: AsyncSession,
    start: datetime,
    end: datetime,
    lang: str | None,
    stations: set[int] | None,
) -> tuple[tuple[str, ...], list[list[Any]]]:
    """Activities held in [start, end) (at ``stations``, when given)."""
    teams = {tid: tm.name for tid, tm in (await teams_by_id(session)).items()}
    names = {sid: st.name for sid, st in (await stations_by_id(session)).items()}
    counts = await joined_totals(session)
    out = []
    for a in await held_between(session, start=start, end=end, stations=stations):
        n, attended, minutes = counts.get(a.id, (0, 0, 0))  # type: ignore[arg-type]
        out.append(
            [
                a.id,
                a.title,
                teams.get(a.team_id, ""),  # type: ignore[arg-type]
                names.get(a.station_id, ""),  # type: ignore[arg-type]
                a.starts_at,
                a.ends_at,
                t(lang, "act.online") if a.online else a.place,
                f"{a.volunteers_joined}/{a.volunteer_slots}",
                f"{a.residents_joined}/{a.resident_slots}" if a.resident_slots else "",
                n,
                attended,
                a.served_count if a.served_count is not None else "",
                round(minutes / 60, 1),
                t(lang, ACTIVITY_STATUS[a.status]),
                a.summary or "",
            ]
        )
    return COLUMNS, out
