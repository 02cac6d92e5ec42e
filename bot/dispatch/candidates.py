"""Who may be offered an order, best first, and what a volunteer may still see."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlmodel.ext.asyncio.session import AsyncSession

from bot.dispatch.common import EPOCH, NEUTRAL_RATING, RELEASE_ACTION
from bot.stations import ancestors, nearness
from store import offers
from store.audit import entries_about
from store.models import (
    Order,
    Volunteer,
)
from store.orders import open_for_volunteer


@dataclass(frozen=True)
class Candidate:
    volunteer_id: int
    ring: int  # 0 same point, 1 same town, 2 same county, 3 elsewhere/unknown
    open_jobs: int
    last_job_at: datetime | None
    rating: float | None

    def rank(self) -> tuple[int, int, datetime, float, int]:
        """Nearer, then fewer open jobs, then longest since the last job, then better rated."""
        rating = self.rating if self.rating is not None else NEUTRAL_RATING
        return (self.ring, self.open_jobs, self.last_job_at or EPOCH, -rating, self.volunteer_id)


# How far escalation may widen (JIANGXIN_ESCALATION_SCOPE): the widest ring it reaches.
SCOPE_RINGS = {"station": 0, "town": 1, "county": 2, "all": 3}


async def candidates(session: AsyncSession, order: Order, *, scope: str = "all") -> list[Candidate]:
    """Who may be offered ``order`` now, best first.

    Active (not paused) volunteers of the order's team whom the bot can reach,
    under their limit of open jobs, who are not the requester and have no
    offer of this order they could still answer or have answered (declined,
    claimed, undeliverable; see ``store.offers.candidate_rows``). Offers that
    ended because someone else took the order or it was withdrawn do not count:
    after a release they may be offered again.

    ``scope`` (station, town, county or all) leaves out volunteers known to be
    farther away: a 临海 volunteer never gets a 三门 order under ``county``; the
    admins take over instead. A volunteer or an order with no station is not
    known to be far, so stays in.
    """
    widest = SCOPE_RINGS.get(scope, 3)
    if order.team_id is None:
        return []
    rows = await offers.candidate_rows(session, order=order)
    order_chain = await ancestors(session, order.station_id)
    chains: dict[int | None, list[int]] = {}
    out = []
    for vid, station_id, last_job_at, n, rating in rows:
        if station_id not in chains:
            chains[station_id] = await ancestors(session, station_id)
        ring = nearness(order_chain, chains[station_id])
        if ring > widest and order_chain and chains[station_id]:
            continue
        out.append(
            Candidate(
                volunteer_id=vid,
                ring=ring,
                open_jobs=int(n),
                last_job_at=last_job_at,
                rating=float(rating) if rating is not None else None,
            )
        )
    return sorted(out, key=Candidate.rank)


async def released_by(session: AsyncSession, volunteer_id: int, order_ids: list[int]) -> set[int]:
    """Those of ``order_ids`` this volunteer gave up (放弃, or 去不了 at reconfirmation).

    The audit trail of ``release`` is the record: the offer row alone cannot tell a
    release from a 不方便, and a 不方便 may be taken back (a change of mind).
    """
    if not order_ids:
        return set()
    entries = await entries_about(
        session,
        action=RELEASE_ACTION,
        target_type="order",
        target_ids=[str(i) for i in order_ids],
    )
    return {
        int(row.target_id)  # type: ignore[arg-type]
        for row in entries
        if (row.before or {}).get("volunteer_id") == volunteer_id
    }


async def open_orders_for(
    session: AsyncSession, volunteer: Volunteer, *, scope: str = "all"
) -> list[tuple[Order, int]]:
    """Unclaimed orders of the volunteer's teams with their ring, nearest first, then oldest.

    This is the board (企业问题清单); the requester's own orders are left out, and
    so are orders the volunteer gave up (放弃): the requester and the admins were
    told it is being passed on, so taking it back is an admin's call (/assign).
    """
    found = await open_for_volunteer(
        session,
        volunteer_id=volunteer.id,  # type: ignore[arg-type]
        person_id=volunteer.person_id,
    )
    gave_up = await released_by(session, volunteer.id, [o.id for o in found])  # type: ignore[arg-type,misc]
    found = [o for o in found if o.id not in gave_up]
    mine = await ancestors(session, volunteer.station_id)
    chains: dict[int | None, list[int]] = {}
    ranked = []
    for order in found:
        if order.station_id not in chains:
            chains[order.station_id] = await ancestors(session, order.station_id)
        ring = nearness(mine, chains[order.station_id])
        if ring > SCOPE_RINGS.get(scope, 3) and mine and chains[order.station_id]:
            continue  # beyond the escalation scope: not theirs to take
        ranked.append((order, ring))
    ranked.sort(key=lambda pair: (pair[1], pair[0].created_at, pair[0].id))
    return ranked
