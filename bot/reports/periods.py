"""Report periods: a month (``2026-11``), a quarter (``2026-Q4``) or a year (``2026``).

Bounds are local calendar bounds in ``settings.tz`` turned into aware UTC, so
an order at 00:30 Shanghai time on the 1st counts in the new month.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from datetime import UTC, datetime
from zoneinfo import ZoneInfo

_MONTH = re.compile(r"^([0-9]{4})[-/.年]?([0-9]{1,2})月?$")
_QUARTER = re.compile(r"^([0-9]{4})[-/. 年]?(?:Q|第)([1-4])(?:季度?)?$", re.IGNORECASE)
_YEAR = re.compile(r"^([0-9]{4})年?$")


@dataclass(frozen=True, order=True)
class Period:
    """``months`` consecutive calendar months starting at ``year``-``month``."""

    year: int
    month: int = 1
    months: int = 1

    @classmethod
    def parse(cls, text: str) -> Period | None:
        """A month, quarter or year as people type them; None if it is none of those."""
        s = unicodedata.normalize("NFKC", text).strip()
        if m := _YEAR.match(s):
            p = cls(int(m.group(1)), 1, 12)
        elif m := _QUARTER.match(s):
            p = cls(int(m.group(1)), (int(m.group(2)) - 1) * 3 + 1, 3)
        elif m := _MONTH.match(s):
            if not 1 <= int(m.group(2)) <= 12:
                return None
            p = cls(int(m.group(1)), int(m.group(2)), 1)
        else:
            return None
        return p if 2000 <= p.year <= 2100 else None

    @classmethod
    def month_of(cls, at: datetime, tz: ZoneInfo) -> Period:
        local = at.astimezone(tz)
        return cls(local.year, local.month, 1)

    @property
    def kind(self) -> str:
        return {1: "month", 3: "quarter", 12: "year"}.get(self.months, "month")

    def _end_month(self) -> tuple[int, int]:
        index = self.year * 12 + self.month - 1 + self.months
        return index // 12, index % 12 + 1

    def bounds(self, tz: ZoneInfo) -> tuple[datetime, datetime]:
        """[start, end) in ``tz``, as aware UTC datetimes."""
        end_year, end_month = self._end_month()
        start = datetime(self.year, self.month, 1, tzinfo=tz)
        end = datetime(end_year, end_month, 1, tzinfo=tz)
        return start.astimezone(UTC), end.astimezone(UTC)

    def contains(self, at: datetime, tz: ZoneInfo) -> bool:
        start, end = self.bounds(tz)
        return start <= at < end

    @property
    def label(self) -> str:
        """Stable ASCII label for file names: ``2026-11``, ``2026-Q4``, ``2026``."""
        if self.kind == "year":
            return f"{self.year}"
        if self.kind == "quarter":
            return f"{self.year}-Q{(self.month - 1) // 3 + 1}"
        return f"{self.year}-{self.month:02d}"

    @property
    def quarter(self) -> int:
        return (self.month - 1) // 3 + 1
