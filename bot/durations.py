"""Human durations such as ``90s``, ``15m``, ``24h``, ``1h30m`` or ``2d`` for settings."""

from __future__ import annotations

import re
from datetime import timedelta

_PART = re.compile(r"(\d+)\s*([smhd])")
_UNITS = {"s": "seconds", "m": "minutes", "h": "hours", "d": "days"}


def parse_duration(text: str) -> timedelta:
    """Parse a duration; raise ValueError with a readable message on anything else."""
    s = str(text).strip().lower().replace(" ", "")
    if not s:
        raise ValueError("empty duration")
    pos, total = 0, timedelta()
    for m in _PART.finditer(s):
        if m.start() != pos:
            break
        total += timedelta(**{_UNITS[m.group(2)]: int(m.group(1))})
        pos = m.end()
    if pos != len(s):
        raise ValueError(f"'{text}' is not a duration like 90s, 15m, 24h or 1h30m")
    return total


def format_duration(td: timedelta) -> str:
    """Inverse of parse_duration, for logs and docs (largest units first)."""
    secs = int(td.total_seconds())
    if secs == 0:
        return "0s"
    out = []
    for unit, size in (("d", 86400), ("h", 3600), ("m", 60), ("s", 1)):
        n, secs = divmod(secs, size)
        if n:
            out.append(f"{n}{unit}")
    return "".join(out)
