"""One pass over a normalised phrase: [day] [part of day] [clock [to clock]] [before/after]."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from bot.timeparse.english import normalise as _normalise
from bot.timeparse.result import _GUESSABLE, Parsed, Window, _Unclear
from bot.timeparse.vocabulary import (  # the grammar reads the vocabulary
    _AFTER,
    _ANYTIME,
    _ASAP,
    _BEFORE,
    _CLOCK,
    _DAY_JOIN,
    _DAY_ONLY,
    _FILLER,
    _FULL_DATE,
    _MONTH_DAY,
    _MONTH_PART,
    _NUMERIC_MD,
    _PART,
    _PUNCT,
    _RANGE,
    _RELATIVE,
    _RELATIVE_DAYS,
    _SHORT,
    _SHORT_RE,
    _SPAN,
    _WEEK,
    _WEEK_PREFIX,
    _WEEKDAY,
    _WEEKDAYS,
    _WEEKEND,
    _WORKDAYS,
    AMPM,
    ANYTIME_SPAN,
    ASAP_SPAN,
    CLOCK_SPAN,
    MAX_AHEAD,
    NEXT_YEAR_WITHIN,
    NO_DAY,
    PARTS,
    PAST,
    TOO_FAR,
    UNKNOWN,
    WHICH_DAY,
    _date,
    cn_number,
)


def parse(text: str, now: datetime, tz: ZoneInfo) -> Window | None:
    """The window ``text`` names, or None when it is unclear (see the module docstring)."""
    return parse_detailed(text, now, tz).window


def parse_detailed(text: str, now: datetime, tz: ZoneInfo) -> Parsed:
    """Like :func:`parse`, with the reason when unclear (one of the reason constants)."""
    if now.tzinfo is None:
        raise ValueError("now must be timezone-aware")
    local = now.astimezone(tz)
    try:
        return Parsed(_Parser(text, local, tz).run())
    except _Unclear as exc:
        if exc.reason not in _GUESSABLE:
            return Parsed(None, exc.reason)
        try:
            return Parsed(None, exc.reason, _Parser(text, local, tz, guess=True).run())
        except _Unclear:
            return Parsed(None, exc.reason)


@dataclass
class _Clock:
    hour: int
    minute: int
    colon: bool  # written as 14:30, i.e. a 24-hour time


class _Parser:
    """One pass over a normalised phrase: [day] [part of day] [clock [to clock]] [before/after]."""

    def __init__(self, text: str, now: datetime, tz: ZoneInfo, *, guess: bool = False) -> None:
        self.s = _normalise(text)
        self.pos = 0
        self.now = now
        self.tz = tz
        self.guess = guess  # read the likeliest way where a phrase is ambiguous

    # -------------------------------------------------------------- the grammar

    def run(self) -> Window:
        core = _PUNCT.sub("", self.s)
        if _ASAP.match(core):
            return Window(self.now, self.now + ASAP_SPAN)
        if _ANYTIME.match(core):
            return Window(self.now, self.now + ANYTIME_SPAN)
        self._skip()
        if (span := self._span()) is not None:
            self._skip()
            if self.pos == len(self.s):
                return self._finish(span)
            raise _Unclear(UNKNOWN)
        days = self._days()  # (first day, number of days, joined) or None
        self._skip()
        part = self._part()
        self._skip()
        clock = self._clock()
        end_part: str | None = None
        end_clock: _Clock | None = None
        if clock is not None:
            self._skip()
            if self._eat(_RANGE):
                self._skip()
                end_part = self._part()
                self._skip()
                end_clock = self._clock()
                if end_clock is None:
                    raise _Unclear(UNKNOWN)
                self._skip()
        before = after = False
        if self._eat(_BEFORE):
            before = True
        elif self._eat(_AFTER):
            after = True
        self._skip()
        if self.pos < len(self.s) or (days is None and part is None and clock is None):
            raise _Unclear(UNKNOWN)
        if days is None:
            if not self.guess:
                raise _Unclear(NO_DAY)
            return self._next_occurrence(part, clock, end_part, end_clock, before, after)
        first, count, joined = days
        if count > 1 and clock is not None:
            raise _Unclear(WHICH_DAY)
        if count > 1 and part is not None:
            if joined:  # "下周二或周三上午": from the part's start to its end on the last day
                lo, hi, _ = PARTS[part]
                last = first + timedelta(days=count - 1)
                return self._finish(Window(self._at_hour(first, lo), self._at_hour(last, hi)))
            if not self.guess:
                raise _Unclear(WHICH_DAY)
            count = 1  # "周末上午": the first of the days is the likeliest
        window = self._window(first, count, part, clock, end_part, end_clock, before, after)
        return self._finish(window)

    def _next_occurrence(
        self,
        part: str | None,
        clock: _Clock | None,
        end_part: str | None,
        end_clock: _Clock | None,
        before: bool,
        after: bool,
    ) -> Window:
        """A day-less phrase read as today, or tomorrow once today's is over (guess mode)."""
        today = self.now.date()
        for day in (today, today + timedelta(days=1)):
            try:
                window = self._window(day, 1, part, clock, end_part, end_clock, before, after)
                return self._finish(window)
            except _Unclear as exc:
                if exc.reason != PAST:
                    raise
        raise _Unclear(PAST)

    def _window(
        self,
        first: date,
        count: int,
        part: str | None,
        clock: _Clock | None,
        end_part: str | None,
        end_clock: _Clock | None,
        before: bool,
        after: bool,
    ) -> Window:
        day_start = self._at(first, 0, 0)
        day_end = self._at(first + timedelta(days=count), 0, 0)
        if clock is None:
            if part is not None:
                lo, hi, _ = PARTS[part]
                start, end = self._at_hour(first, lo), self._at_hour(first, hi)
            else:
                start, end = day_start, day_end
            if after:
                raise _Unclear(UNKNOWN)  # "周五以后": open-ended, ask for a day
            return Window(self.now, end) if before else Window(start, end)
        at = self._resolve(first, clock, part)
        if end_clock is not None:
            if before or after:
                raise _Unclear(UNKNOWN)
            until = self._resolve(first, end_clock, end_part or part)
            if until <= at:
                raise _Unclear(UNKNOWN)
            return Window(at, until)
        if before:
            return Window(self.now, at)
        if after:
            return Window(at, day_end)
        if at < self.now:
            raise _Unclear(PAST)  # a moment that has passed, not a window still open
        return Window(at, at + CLOCK_SPAN)

    def _finish(self, window: Window) -> Window:
        if window.end <= self.now or window.end <= window.start:
            raise _Unclear(PAST)
        if window.start - self.now > MAX_AHEAD:
            raise _Unclear(TOO_FAR)
        return Window(max(window.start, self.now), window.end)

    # -------------------------------------------------------------- components

    def _days(self) -> tuple[date, int, bool] | None:
        """One day or span, or several joined ("周二或周三", "周一到周五") as one span."""
        if m := self._eat(_WORKDAYS):
            return (*self._workdays(m["pre"]), True)
        found = self._day()
        if found is None:
            return None
        first, count = found
        if self._dated:
            self._same_day_weekday(first, count)
        end = first + timedelta(days=count)
        joined = False
        while True:
            mark = self.pos
            self._skip()
            self._eat(_DAY_JOIN)
            self._skip()
            start = self.pos
            more = self._day()
            if more is None:
                self.pos = mark
                break
            bare = _WEEKDAY.match(self.s, start)
            if more[0] < first and bare is not None and bare["pre"] is None:
                # a bare weekday after another day: its next occurrence from there
                more = (more[0] + timedelta(weeks=(first - more[0]).days // 7 + 1), more[1])
            if more[0] < first:
                raise _Unclear(UNKNOWN)
            end = max(end, more[0] + timedelta(days=more[1]))
            joined = True
        return first, (end - first).days, joined

    def _same_day_weekday(self, day: date, count: int) -> None:
        """Skip a weekday that repeats the date ("12月6日周六"); a wrong one is unclear."""
        mark = self.pos
        self._skip()
        m = self._eat(_WEEKDAY)
        if m is None or m["pre"] is not None:
            self.pos = mark
            return
        if count != 1 or _WEEKDAYS[m["wd"]] != day.weekday():
            raise _Unclear(UNKNOWN)

    def _workdays(self, prefix: str | None) -> tuple[date, int]:
        """Monday to Friday of this week (what is left of it), or of the week named."""
        today = self.now.date()
        monday = today - timedelta(days=today.weekday())
        weeks = _WEEK_PREFIX[prefix]
        if prefix is None and today.weekday() >= 5:
            weeks = 1  # at the weekend, "工作日" means the coming ones
        first = monday + timedelta(weeks=weeks)
        return first, 5

    def _span(self) -> Window | None:
        """Spans that run from now ("这两天", "三天内") or name part of a month ("月底前")."""
        today = self.now.date()
        if m := self._eat(_SPAN):
            if m["soon"]:
                days = 2 if "两" in m["soon"] else 3
            elif m["week"]:
                days = 7 - today.weekday() if m["week"][0] in "本这" else 7
            elif m["today"]:
                days = 1
            else:
                days = {"一两": 2, "两三": 3}.get(m["n"]) or cn_number(m["n"]) or 0
                if not 1 <= days <= 60:
                    raise _Unclear(UNKNOWN)
            return Window(self.now, self._at(today + timedelta(days=days), 0, 0))
        if m := self._eat(_MONTH_PART):
            first, last = self._month_part(m)
            self._skip()
            if self._eat(_BEFORE):
                return Window(self.now, self._at(last, 0, 0))
            return Window(self._at(first, 0, 0), self._at(last, 0, 0))
        return None

    def _month_part(self, m: re.Match[str]) -> tuple[date, date]:
        """[first day, day after the last) of "月底" / "下个月初" / "月中" / "元旦"."""
        today = self.now.date()
        if m["holiday"]:
            new_year = date(today.year + 1, 1, 1)
            return new_year, new_year + timedelta(days=1)
        year, month = today.year, today.month
        if m["pre"] and m["pre"].startswith("下"):
            year, month = (year + 1, 1) if month == 12 else (year, month + 1)
        start = date(year, month, 1)
        following = date(year + 1, 1, 1) if month == 12 else date(year, month + 1, 1)
        first, last = {
            "初": (start, start + timedelta(days=5)),
            "中": (start + timedelta(days=10), start + timedelta(days=20)),
            "底": (following - timedelta(days=3), following),
            "末": (following - timedelta(days=3), following),
        }[m["part"]]
        if last <= today and not m["pre"]:  # "月初" once it is over: next month's
            return self._month_part_next(m["part"], following)
        return first, last

    @staticmethod
    def _month_part_next(part: str, start: date) -> tuple[date, date]:
        following = (
            date(start.year + 1, 1, 1)
            if start.month == 12
            else date(start.year, start.month + 1, 1)
        )
        return {
            "初": (start, start + timedelta(days=5)),
            "中": (start + timedelta(days=10), start + timedelta(days=20)),
        }.get(part, (following - timedelta(days=3), following))

    _dated = False  # whether the last day read was written as a date

    def _day(self) -> tuple[date, int] | None:
        today = self.now.date()
        self._dated = bool(
            _FULL_DATE.match(self.s, self.pos)
            or _MONTH_DAY.match(self.s, self.pos)
            or _NUMERIC_MD.match(self.s, self.pos)
            or _DAY_ONLY.match(self.s, self.pos)
        )
        if m := self._eat(_FULL_DATE):
            d = _date(int(m["y"]), int(m["m"]), int(m["d"]))
            if d is None:
                raise _Unclear(UNKNOWN)
            return d, 1
        if m := self._eat(_MONTH_DAY) or self._eat(_NUMERIC_MD):
            month, day = cn_number(m["m"]), cn_number(m["d"])
            if month is None or day is None:
                raise _Unclear(UNKNOWN)
            return self._month_day(month, day), 1
        if m := self._eat(_SHORT_RE):
            offset, self._implied_part = _SHORT[m["k"]]
            return today + timedelta(days=offset), 1
        if m := self._eat(_RELATIVE):
            return today + timedelta(days=_RELATIVE_DAYS[m.group()]), 1
        if m := self._eat(_WEEKEND):
            monday = today - timedelta(days=today.weekday())
            monday += timedelta(weeks=_WEEK_PREFIX[m["pre"]])
            return monday + timedelta(days=5), 2
        if m := self._eat(_WEEKDAY):
            return self._weekday(m["pre"], _WEEKDAYS[m["wd"]]), 1
        if m := self._eat(_WEEK):
            monday = today - timedelta(days=today.weekday())
            return monday + timedelta(weeks=_WEEK_PREFIX[m["pre"]]), 7
        if m := self._eat(_DAY_ONLY):
            day = cn_number(m["d"])
            if day is None:
                raise _Unclear(UNKNOWN)
            return self._day_of_month(day), 1
        return None

    _implied_part: str | None = None

    def _part(self) -> str | None:
        implied, self._implied_part = self._implied_part, None
        m = self._eat(_PART)
        if m is None:
            return implied
        if implied is not None and PARTS[m.group()][2] != PARTS[implied][2]:
            raise _Unclear(UNKNOWN)  # "明早下午" contradicts itself
        return m.group()

    def _clock(self) -> _Clock | None:
        m = self._eat(_CLOCK)
        if m is None:
            return None
        hour = cn_number(m["h"])
        if m["mm"] is not None:
            minute: int | None = int(m["mm"])
        elif m["half"]:
            minute = 30
        elif m["q1"]:
            minute = 15
        elif m["q3"]:
            minute = 45
        elif m["min"]:
            minute = cn_number(m["min"])
        else:
            minute = 0
        if hour is None or minute is None or hour > 24 or minute > 59:
            raise _Unclear(UNKNOWN)
        return _Clock(hour, minute, colon=m["mm"] is not None)

    # -------------------------------------------------------------- resolution

    def _resolve(self, day: date, clock: _Clock, part: str | None) -> datetime:
        """The moment ``clock`` names on ``day``, read through the part of the day."""
        hour, minute = clock.hour, clock.minute
        kind = PARTS[part][2] if part is not None else None
        if hour == 24:
            if minute or kind not in (None, "day", "pm"):
                raise _Unclear(UNKNOWN)
            return self._at(day + timedelta(days=1), 0, 0)
        if kind in (None, "day"):
            if hour >= 13 or (clock.colon and hour >= 6):
                return self._at(day, hour, minute)
            if not self.guess:
                raise _Unclear(AMPM)
            # Working hours: 7–11 in the morning, 12 at noon, 1–6 in the afternoon.
            return self._at(day, hour + 12 if 1 <= hour <= 6 else hour, minute)
        if kind == "night":
            if hour == 12:
                hour = 0
            if hour > 6:
                raise _Unclear(UNKNOWN)
        elif kind == "am":
            if hour == 0 or hour > 12:
                raise _Unclear(UNKNOWN)
        elif kind == "noon":
            if hour in (1, 2):
                hour += 12
            elif hour not in (11, 12, 13, 14):
                raise _Unclear(UNKNOWN)
        else:  # pm
            if 1 <= hour <= 11:
                hour += 12
            elif hour < 13:  # 0 or 12 in the afternoon/evening: noon or midnight?
                if not self.guess or hour == 0:
                    raise _Unclear(AMPM)
                return (
                    self._at(day + timedelta(days=1), 0, minute)
                    if part in ("晚上", "晚间", "夜里", "夜间", "晚")
                    else self._at(day, 12, minute)
                )
        return self._at(day, hour, minute)

    def _month_day(self, month: int, day: int) -> date:
        today = self.now.date()
        this_year = _date(today.year, month, day)
        if this_year is None:
            raise _Unclear(UNKNOWN)
        if this_year >= today:
            return this_year
        next_year = _date(today.year + 1, month, day)
        if next_year is not None and next_year - today <= NEXT_YEAR_WITHIN:
            return next_year
        raise _Unclear(PAST)

    def _day_of_month(self, day: int) -> date:
        today = self.now.date()
        this_month = _date(today.year, today.month, day)
        if this_month is not None and this_month >= today:
            return this_month
        year, month = (today.year + 1, 1) if today.month == 12 else (today.year, today.month + 1)
        following = _date(year, month, day)
        if following is None:
            raise _Unclear(UNKNOWN)
        return following

    def _weekday(self, prefix: str | None, weekday: int) -> date:
        today = self.now.date()
        if prefix is None:
            return today + timedelta(days=(weekday - today.weekday()) % 7)
        monday = today - timedelta(days=today.weekday())
        return monday + timedelta(weeks=_WEEK_PREFIX[prefix], days=weekday)

    def _at(self, day: date, hour: int, minute: int) -> datetime:
        return datetime.combine(day, time(hour, minute), tzinfo=self.tz)

    def _at_hour(self, day: date, hour: int) -> datetime:
        return self._at(day + timedelta(days=hour // 24), hour % 24, 0)

    # -------------------------------------------------------------- scanning

    def _eat(self, pattern: re.Pattern[str]) -> re.Match[str] | None:
        m = pattern.match(self.s, self.pos)
        if m is not None and m.end() > self.pos:
            self.pos = m.end()
            return m
        return None

    def _skip(self) -> None:
        while self._eat(_FILLER):
            pass
