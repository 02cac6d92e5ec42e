"""A clock that follows real time but can be pushed forward (Telegram-ring tests)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from bot.clock import Clock


class OffsetClock(Clock):
    def __init__(self) -> None:
        self.offset = timedelta()

    def now(self) -> datetime:
        return datetime.now(UTC) + self.offset

    def advance(self, delta: timedelta) -> None:
        self.offset += delta
