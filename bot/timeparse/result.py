"""What parsing gives: a window, or why a phrase is unclear (and its likeliest reading)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime


@dataclass(frozen=True)
class Window:
    """When the service may happen: ``start`` ≤ time < ``end``, aware, in the zone."""

    start: datetime
    end: datetime


@dataclass(frozen=True)
class Parsed:
    """The result of :func:`parse_detailed`: a window, or the reason it is unclear."""

    window: Window | None
    reason: str | None = None
    guess: Window | None = None  # when unclear: the likeliest reading, to offer for a tap


class _Unclear(Exception):
    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


# Reasons with one likely reading worth offering back.
_GUESSABLE = frozenset({"no_day", "ampm", "which_day"})
