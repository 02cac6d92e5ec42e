"""Monthly service statistics: the figures associations report upward.

Definitions (a month is a calendar month in ``settings.tz``):

- 服务场次 (sessions): orders finished in the month — status done, confirmed
  or rated, with ``done_at`` in the month.
- 参与志愿者人数: distinct volunteers of those orders.
- 服务人次: distinct requesters of those orders.
- 服务时长: the sum of their ``service_minutes``, in hours.
- 平均评分: the average rating of those orders (and how many were rated).
- The same five figures by team and by station (the order's own station).
- 无人认领率: of the orders created in the month, the share that went
  unclaimed through every offer wave (``expired_at`` set; admins took over).
- 接单中位时长: the median time from creation to claim of the orders created
  in the month that were claimed.

The queries only read the month's rows; the arithmetic is in pure functions
(``figures``, ``median``) so it is tested without a database.
"""

from __future__ import annotations

import re
import statistics
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from sqlmodel.ext.asyncio.session import AsyncSession

from store import stats as queries
from store.models import OrderStatus

_MONTH = re.compile(r"^([0-9]{4})[-/.年]?([0-9]{1,2})月?$")


@dataclass(frozen=True, order=True)
class Month:
    year: int
    month: int

    @classmethod
    def parse(cls, text: str) -> Month | None:
        """``2026-11``, ``2026/11``, ``202611`` or ``2026年11月``; None if not a month."""
        m = _MONTH.match(unicodedata.normalize("NFKC", text).strip())  # ２０２６－１１ too
        if not m:
            return None
        year, month = int(m.group(1)), int(m.group(2))
        return cls(year, month) if 2000 <= year <= 2100 and 1 <= month <= 12 else None

    @classmethod
    def containing(cls, at: datetime, tz: ZoneInfo) -> Month:
        local = at.astimezone(tz)
        return cls(local.year, local.month)

    def next(self) -> Month:
        return Month(self.year + self.month // 12, self.month % 12 + 1)

    def bounds(self, tz: ZoneInfo) -> tuple[datetime, datetime]:
        """[start, end) of the month in ``tz``, as aware UTC datetimes."""
        nxt = self.next()
        start = datetime(self.year, self.month, 1, tzinfo=tz)
        end = datetime(nxt.year, nxt.month, 1, tzinfo=tz)
        return start.astimezone(UTC), end.astimezone(UTC)

    @property
    def label(self) -> str:
        return f"{self.year}-{self.month:02d}"


@dataclass(frozen=True)
class Served:
    """One finished order, as far as the figures are concerned."""

    order_id: int
    team_id: int | None
    station_id: int | None
    volunteer_id: int | None
    requester_id: int
    minutes: int
    rating: int | None


@dataclass(frozen=True)
class Figures:
    sessions: int = 0  # 服务场次
    volunteers: int = 0  # 参与志愿者人数
    people: int = 0  # 服务人次 (distinct requesters)
    hours: float = 0.0  # 服务时长
    rating: float | None = None  # 平均评分
    ratings: int = 0


def figures(rows: Iterable[Served]) -> Figures:
    rows = list(rows)
    ratings = [r.rating for r in rows if r.rating is not None]
    return Figures(
        sessions=len(rows),
        volunteers=len({r.volunteer_id for r in rows if r.volunteer_id is not None}),
        people=len({r.requester_id for r in rows}),
        hours=round(sum(r.minutes for r in rows) / 60, 1),
        rating=round(sum(ratings) / len(ratings), 2) if ratings else None,
        ratings=len(ratings),
    )


def median(values: Iterable[timedelta]) -> timedelta | None:
    seconds = [v.total_seconds() for v in values]
    return timedelta(seconds=statistics.median(seconds)) if seconds else None


@dataclass
class MonthStats:
    month: Month
    total: Figures
    by_team: dict[int | None, Figures] = field(default_factory=dict)
    by_station: dict[int | None, Figures] = field(default_factory=dict)
    created: int = 0  # orders created in the month
    cancelled: int = 0  # … of which cancelled
    unclaimed: int = 0  # … of which went unclaimed through every wave
    median_to_claim: timedelta | None = None
    claimed: int = 0  # orders the median is taken over

    @property
    def unclaimed_rate(self) -> float | None:
        return self.unclaimed / self.created if self.created else None


def _grouped(rows: list[Served], key: str) -> dict[int | None, Figures]:
    groups: dict[int | None, list[Served]] = {}
    for r in rows:
        groups.setdefault(getattr(r, key), []).append(r)
    return {k: figures(v) for k, v in groups.items()}


async def month_stats(
    session: AsyncSession, month: Month, tz: ZoneInfo, stations: set[int] | None = None
) -> MonthStats:
    """The month's figures; ``stations`` limits them to orders at those stations."""
    start, end = month.bounds(tz)
    served = [
        Served(oid, team, station, vol, req, minutes or 0, rating)
        for oid, team, station, vol, req, minutes, rating in await queries.served_in(
            session, start=start, end=end, stations=stations
        )
    ]
    created = await queries.created_in(session, start=start, end=end, stations=stations)
    waits = [claimed - made for _s, made, claimed, _e in created if claimed is not None]
    return MonthStats(
        month=month,
        total=figures(served),
        by_team=_grouped(served, "team_id"),
        by_station=_grouped(served, "station_id"),
        created=len(created),
        cancelled=sum(1 for s, *_ in created if s == OrderStatus.CANCELLED),
        unclaimed=sum(1 for *_, expired in created if expired is not None),
        median_to_claim=median(waits),
        claimed=len(waits),
    )
