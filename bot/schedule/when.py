"""Times and durations as people read them, in the association's time zone."""

from __future__ import annotations

import math
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from bot.texts import date_text, t


def when(lang: str | None, at: datetime, tz: ZoneInfo) -> str:
    """``11月24日（周二）14:00`` / ``Tue 11/24 14:00``, in the configured time zone."""
    return date_text(lang, "date.when", at.astimezone(tz))


def day(lang: str | None, at: datetime, tz: ZoneInfo) -> str:
    """``11月24日（周二）`` / ``Tue 11/24``: the local date alone."""
    return date_text(lang, "date.day", at.astimezone(tz))


def span(lang: str | None, delta: timedelta) -> str:
    """A rough length of time: ``2天``, ``24小时``, ``15分钟`` (never less than one minute)."""
    seconds = max(delta.total_seconds(), 0)
    if seconds >= 48 * 3600:
        return t(lang, "schedule.span.days", n=round(seconds / 86400))
    if seconds >= 3600:
        return t(lang, "schedule.span.hours", n=round(seconds / 3600))
    return t(lang, "schedule.span.minutes", n=max(math.ceil(seconds / 60), 1))


def summary(text: str, limit: int = 60) -> str:
    """The start of an order's text, for a one-line mention."""
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1] + "…"
