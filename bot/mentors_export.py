"""The 名师带徒 export (``/export mentors``, issue 20): one row per pairing under way in
the period, with its hours together, check-ins, milestones and ratings."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlmodel.ext.asyncio.session import AsyncSession

from bot.texts import t
from bot.texts.choices import PAIRING_STATUS
from store import mentors as store
from store.volunteers import volunteers_by_id

COLUMNS = (
    "pair_id",
    "pair_mentor",
    "pair_apprentice",
    "pair_skill",
    "pair_status",
    "pair_start",
    "pair_end",
    "pair_hours",
    "pair_checkins",
    "pair_milestones",
    "pair_completed",
    "pair_mentor_rating",
    "pair_apprentice_rating",
)


async def rows(
    session: AsyncSession,
    start: datetime,
    end: datetime,
    lang: str | None,
    stations: set[int] | None,
) -> tuple[tuple[str, ...], list[list[Any]]]:
    """Pairings that had begun by ``end`` and were not completed before ``start``."""
    found = [
        p
        for p in await store.pairings(session, stations=stations)
        if p.starts_at < end and (p.completed_at is None or p.completed_at >= start)
    ]
    mentors = await volunteers_by_id(session, ids=[p.mentor_id for p in found])
    out = []
    for p in reversed(found):
        checkins = await store.checkins(session, pairing_id=p.id)  # type: ignore[arg-type]
        stones = await store.milestones(session, pairing_id=p.id)  # type: ignore[arg-type]
        mentor = mentors.get(p.mentor_id)
        out.append(
            [
                p.id,
                mentor.name if mentor else "",
                p.apprentice_name,
                p.skill,
                t(lang, PAIRING_STATUS[p.status]),
                p.starts_at,
                p.ends_at,
                round(p.minutes / 60, 1),
                f"{sum(1 for c in checkins if c.answered_at is not None)}/{len(checkins)}",
                len(stones),
                p.completed_at,
                p.mentor_rating if p.mentor_rating is not None else "",
                p.apprentice_rating if p.apprentice_rating is not None else "",
            ]
        )
    return COLUMNS, out
