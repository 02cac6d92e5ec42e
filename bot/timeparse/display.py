"""Windows shown to people: "11月28日(周六) 08:00–12:00"."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from bot.texts import date_text


def format_window(start: datetime, end: datetime, tz: ZoneInfo, lang: str | None = "zh") -> str:
    """A short human form: "11月28日(周六) 08:00–12:00"; whole days without hours."""
    a, b = start.astimezone(tz), end.astimezone(tz)

    def day(d: date) -> str:
        return date_text(lang, "date.window_day", d)

    midnight = time(0)
    if b.time() == midnight:
        last = b.date() - timedelta(days=1)  # the last day the window covers
        first = day(a.date()) if a.time() == midnight else f"{day(a.date())} {a:%H:%M}"
        if last == a.date():
            return first if a.time() == midnight else f"{first}–24:00"
        return f"{first}–{day(last)}"
    if a.date() == b.date():
        return f"{day(a.date())} {a:%H:%M}–{b:%H:%M}"
    return f"{day(a.date())} {a:%H:%M}–{day(b.date())} {b:%H:%M}"
