"""The activities export (``/export activities``): one row per activity held in the month,
kept apart from the one-to-one orders (issue 18)."""

from __future__ import annotations

from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import case, func
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from bot.stats import Month
from bot.texts import t
from store.models import Activity, ActivitySignup, SignupStatus, Station, Team

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
    session: AsyncSession, month: Month, tz: ZoneInfo, lang: str | None, stations: set[int] | None
) -> tuple[tuple[str, ...], list[list[Any]]]:
    start, end = month.bounds(tz)
    stmt = select(Activity).where(col(Activity.starts_at) >= start, col(Activity.starts_at) < end)
    if stations is not None:
        stmt = stmt.where(col(Activity.station_id).in_(stations or {-1}))
    teams = {tm.id: tm.name for tm in (await session.exec(select(Team))).all()}
    names = {s.id: s.name for s in (await session.exec(select(Station))).all()}
    counts: dict[int, tuple[int, int, int]] = {
        aid: (int(n), int(attended or 0), int(minutes or 0))
        for aid, n, attended, minutes in (
            await session.exec(
                select(  # type: ignore[call-overload]
                    col(ActivitySignup.activity_id),
                    func.count(),
                    func.sum(case((col(ActivitySignup.attended), 1), else_=0)),
                    func.sum(ActivitySignup.minutes),
                )
                .where(col(ActivitySignup.status) == SignupStatus.JOINED)
                .group_by(col(ActivitySignup.activity_id))
            )
        ).all()
    }
    out = []
    for a in (await session.exec(stmt.order_by(col(Activity.starts_at), col(Activity.id)))).all():
        n, attended, minutes = counts.get(a.id, (0, 0, 0))  # type: ignore[arg-type]
        out.append(
            [
                a.id,
                a.title,
                teams.get(a.team_id, ""),  # type: ignore[arg-type]
                names.get(a.station_id, ""),  # type: ignore[arg-type]
                a.starts_at.astimezone(tz).strftime("%Y-%m-%d %H:%M"),
                a.ends_at.astimezone(tz).strftime("%Y-%m-%d %H:%M"),
                t(lang, "act.online") if a.online else a.place,
                f"{a.volunteers_joined}/{a.volunteer_slots}",
                f"{a.residents_joined}/{a.resident_slots}" if a.resident_slots else "",
                n,
                attended,
                a.served_count if a.served_count is not None else "",
                round(minutes / 60, 1),
                t(lang, f"act.status.{a.status}"),
                a.summary or "",
            ]
        )
    return COLUMNS, out
