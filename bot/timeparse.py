"""Chinese time phrases ("周六上午", "11月30日下午3点", "12-01 14:30" …) → a time window.

A worker says when a volunteer may come in their own words; this module turns
that into an aware ``(start, end)`` window in the configured zone, or says why
it cannot. It is pure (the caller passes ``now`` and the zone) and it never
decides a guess: when a phrase has two plausible readings the answer is
"unclear", but with the likeliest reading as ``guess`` so the bot can offer it
as a one-tap correction ("是指 12月6日(周六) 09:30 吗？") instead of refusing.
The decisions, so callers and tests agree on them:

* **A day is required.** "下午" or "3点" alone is unclear (``no_day``): today
  or tomorrow? "今晚7点" carries its day. The guess is the next time it comes.
* **Morning or afternoon must be clear.** "明天3点" could be 03:00 or 15:00, so
  "N点" with N from 0 to 12 needs 上午/下午/晚上 … (``ampm``). Hours 13–23 and
  the colon form ("14:30", "09:30") are 24-hour times, taken as written,
  except 00:00–05:59 without 凌晨, which nobody books on purpose (``ampm``).
  The guess reads 7–11 as morning, 12 as noon and 1–6 as afternoon.
* **Several days are one window**: "下周一或周二", "周二周三都行", "周一到周五",
  "工作日" run from the first day to the end of the last (with a part of the
  day, from its start on the first day to its end on the last).
* **Spans from now**: "这两天" (today and tomorrow), "这几天" / "最近几天"
  (three days), "三天内", "一周内", "本周内", "今天之内"; "月底" (its last three
  days), "月底前", "月初" / "下个月初" (days 1–5), "月中" (11–20), "元旦".
* **Everyday moments** are parts of the day: "下班后" 18–21, "晚饭后" 19–21,
  "午饭后" / "午休" 12–14.
* **A bare weekday ("周六") is its next occurrence**, today included; "本周X"
  / "这周X" is this week's (Monday-based) and "下周X" next week's.
* **Month-day without a year ("11月30日", "12-01")** is this year's date if it
  has not passed; a date that has passed means next year only when that is
  within :data:`NEXT_YEAR_WITHIN` (January in late autumn), otherwise it is a
  mistake (``past``). A bare day ("30号") is this month's, or next month's
  when it has passed.
* **Windows:** a day is 00:00–24:00; parts of the day are fixed spans
  (:data:`PARTS`); a clock time is a one-hour window from it; "X点到Y点" is
  that range; "周末" is Saturday 00:00 to Monday 00:00 (with a part of the day
  it is unclear which day, ``which_day``); "下周" is that Monday-to-Monday
  week. "…之前" runs from now to the point named; "3点以后" from 3 o'clock to
  the end of that day. "尽快" and its synonyms are the next 24 hours, "随时"
  the next 7 days.
* A window that has already ended is ``past``; the part already gone of a
  window that has begun is cut off ("今天下午" at 14:00 is 14:00–18:00). A
  window starting more than :data:`MAX_AHEAD` from now is ``too_far``.
* Traditional characters read as their simplified forms ("下週一上午", "3點"), and
  common English ("tomorrow 3pm", "next monday morning") as its Chinese equivalent.
* Anything left over that is not a known filler ("左右", "吧", "的" …) makes
  the whole phrase unclear (``unknown``): "周六或后天" is not read as 周六.
"""

from __future__ import annotations

import functools
import re
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import opencc

from bot.texts import date_text

ASAP_SPAN = timedelta(hours=24)
ANYTIME_SPAN = timedelta(days=7)
CLOCK_SPAN = timedelta(hours=1)
MAX_AHEAD = timedelta(days=365)
NEXT_YEAR_WITHIN = timedelta(days=120)

# Parts of the day: (start hour, end hour, how a 12-hour clock inside reads).
# "am": 1–12 as written; "pm": 1–11 → +12; "noon": 11–12 as written, 1–2 → +12.
PARTS: dict[str, tuple[int, int, str]] = {
    "凌晨": (0, 6, "night"),
    "清晨": (6, 9, "am"),
    "早晨": (6, 9, "am"),
    "早上": (6, 9, "am"),
    "一早": (6, 9, "am"),
    "上午": (8, 12, "am"),
    "中午": (11, 13, "noon"),
    "午后": (13, 18, "pm"),
    "下午": (13, 18, "pm"),
    "傍晚": (17, 19, "pm"),
    "晚上": (18, 23, "pm"),
    "晚间": (18, 23, "pm"),
    "夜里": (18, 23, "pm"),
    "夜间": (18, 23, "pm"),
    "晚": (18, 23, "pm"),
    "下班以后": (18, 21, "pm"),
    "下班后": (18, 21, "pm"),
    "晚饭后": (19, 21, "pm"),
    "午饭后": (12, 14, "noon"),
    "午休": (12, 14, "noon"),
    "白天": (8, 18, "day"),
    "全天": (0, 24, "day"),
    "一整天": (0, 24, "day"),
    "整天": (0, 24, "day"),
}

# Reasons a phrase is unclear, for a precise follow-up question.
NO_DAY = "no_day"
AMPM = "ampm"
PAST = "past"
TOO_FAR = "too_far"
WHICH_DAY = "which_day"
UNKNOWN = "unknown"

_CN_DIGITS = {
    "零": 0,
    "〇": 0,
    "一": 1,
    "二": 2,
    "两": 2,
    "三": 3,
    "四": 4,
    "五": 5,
    "六": 6,
    "七": 7,
    "八": 8,
    "九": 9,
}
_CN_NUM = "[零〇一二两三四五六七八九十]{1,3}"
_NUM2 = rf"(?:\d{{1,2}}|{_CN_NUM})"
_WEEKDAYS = {
    "一": 0,
    "二": 1,
    "三": 2,
    "四": 3,
    "五": 4,
    "六": 5,
    "日": 6,
    "天": 6,
    "七": 6,
    "1": 0,
    "2": 1,
    "3": 2,
    "4": 3,
    "5": 4,
    "6": 5,
    "7": 6,
}
_RELATIVE_DAYS = {
    "今天": 0,
    "今日": 0,
    "今儿": 0,
    "明天": 1,
    "明日": 1,
    "明儿": 1,
    "后天": 2,
    "大后天": 3,
}
_SHORT = {
    "今晚": (0, "晚上"),
    "今夜": (0, "晚上"),
    "明晚": (1, "晚上"),
    "明夜": (1, "晚上"),
    "今早": (0, "早上"),
    "明早": (1, "早上"),
}
_WEEK_PREFIX = {None: 0, "本": 0, "这": 0, "这个": 0, "下": 1, "下个": 1, "下下": 2, "下下个": 2}

_POLITE_HEAD = r"^(?:请|麻烦|最好|希望|能|能够)*"
_POLITE_TAIL = r"(?:吧|啊|呀|哦|了|行|就行|就好|都行|都可以|可以|过来|上门|来|处理|安排)*$"
_ASAP = re.compile(
    _POLITE_HEAD
    + r"(?:尽快|尽早|越快越好|越早越好|马上|立刻|立即|现在|赶紧|赶快|很急|急|紧急|加急)"
    + _POLITE_TAIL
)
_ANYTIME = re.compile(
    _POLITE_HEAD
    + r"(?:随时|什么时候都|哪天都|时间不限|不限时间|不限|都|随便|看你们方便|看师傅方便|"
    r"师傅方便的时候|你们方便的时候|方便的时候|你们定|师傅定|听你们安排|听安排)" + _POLITE_TAIL
)
_PUNCT = re.compile(r"[\s,，、。.!！?？~～]+")

_FULL_DATE = re.compile(r"(?P<y>\d{4})[年\-/.](?P<m>\d{1,2})[月\-/.](?P<d>\d{1,2})[日号]?")
_MONTH_DAY = re.compile(rf"(?P<m>{_NUM2})月(?P<d>{_NUM2})[日号]?")
_NUMERIC_MD = re.compile(r"(?P<m>\d{1,2})[\-/.](?P<d>\d{1,2})(?![\d:：点时])")
_DAY_ONLY = re.compile(rf"(?P<d>{_NUM2})[日号]")
_RELATIVE = re.compile(r"大后天|后天|明天|明日|明儿|今天|今日|今儿")
_SHORT_RE = re.compile(r"(?P<k>今晚|今夜|明晚|明夜|今早|明早)上?")
_WEEKDAY = re.compile(
    r"(?P<pre>下下个|下下|下个|这个|下|本|这)?(?:周|星期|礼拜)(?P<wd>[一二三四五六日天七1-7])"
)
_WEEKEND = re.compile(r"(?P<pre>下下个|下下|下个|这个|下|本|这)?周末")
_WEEK = re.compile(r"(?P<pre>下下个|下下|下个|这个|下|本|这)(?:周|星期|礼拜)")
_PART = re.compile("|".join(sorted(PARTS, key=len, reverse=True)))
_CLOCK = re.compile(
    rf"(?P<h>{_NUM2})(?:"
    rf"[:：](?P<mm>\d{{2}})"
    rf"|(?:点|时)钟?(?:(?P<half>半)|(?P<q1>一刻)|(?P<q3>三刻)|零?(?P<min>{_NUM2})分?)?"
    r")"
)
_RANGE = re.compile(r"到|至|-|~|～|—|–")
_BEFORE = re.compile(r"之前|以前|前")
_AFTER = re.compile(r"之后|以后|后")
# Words that add nothing to when: skipped between the parts of a phrase.
_FILLER = re.compile(
    r"[\s,，、。.!！?？~～]+|的|左右|前后|上下|大概|大约|差不多|约|最好|希望|能|吧|呢|啊|呀|"
    r"可以|都行|都可以|行|比较好|方便|有空|过来|上门|来|去|在家|在|安排|这边|时间|时候|"
    r"随时|任何时间|就|都"
)
# Joins two days into one window: "下周一或周二", "周一到周五", "周二、周三".
_DAY_JOIN = re.compile(r"或者|或是|或|还是|和|、|到|至|-|~|～|—")
# Spans that start now: "这两天", "三天内", "本周内" … (the day count, or "week").
_SPAN = re.compile(
    rf"(?P<soon>这两天|这一两天|最近两天|近两天|这几天|最近几天|近几天|最近)"
    rf"|(?P<n>{_NUM2}|一两|两三)(?:天|日)(?:之内|以内|内)"
    r"|(?P<week>一周|一个?星期|一个?礼拜|本周|这周|这个星期|这星期)(?:之内|以内|内)"
    r"|(?P<today>今天|今日)(?:之内|以内|内)"
)
_MONTH_PART = re.compile(
    r"(?P<pre>下个?|这个?|本)?月(?P<part>底|末|初|中)"
    r"|(?P<holiday>元旦)"
)
_WORKDAYS = re.compile(r"(?P<pre>下下个|下下|下个|这个|下|本|这)?(?:工作日|周一到周五)")


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


def cn_number(s: str) -> int | None:
    """``"12"``, ``"十二"``, ``"二十一"``, ``"两"`` → int (up to 99); None otherwise."""
    if s.isdigit():
        return int(s)
    if not s or any(c not in _CN_DIGITS and c != "十" for c in s):
        return None
    if "十" not in s:
        return _CN_DIGITS[s] if len(s) == 1 else None
    tens, _, ones = s.partition("十")
    if "十" in ones or len(tens) > 1 or len(ones) > 1:
        return None
    t = 1 if not tens else _CN_DIGITS[tens]
    o = 0 if not ones else _CN_DIGITS[ones]
    return t * 10 + o


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


@functools.cache
def _t2s() -> opencc.OpenCC:
    """Traditional → simplified, built once (workers on traditional-set phones type 週六、3點)."""
    return opencc.OpenCC("t2s")


def _normalise(text: str) -> str:
    """Full-width digits and colons to ASCII, traditional characters to simplified, lower
    case, trimmed; English words in their Chinese forms (see :func:`english_to_chinese`)."""
    s = _t2s().convert(unicodedata.normalize("NFKC", text)).strip().lower()
    return english_to_chinese(s) if _LATIN.search(s) else s


# ------------------------------------------------------------------ English phrases

# English-speaking workers type "tomorrow 3pm" or "next monday morning"; each English
# piece is rewritten to the Chinese one the grammar above reads, in the same order, so
# "3pm tomorrow" (time before day) is as unclear as "下午3点明天" and asked again.
_LATIN = re.compile(r"[a-z]")
_EN_WEEKDAYS = {
    "monday": "一", "mon": "一", "tuesday": "二", "tue": "二", "tues": "二",
    "wednesday": "三", "wed": "三", "thursday": "四", "thu": "四", "thur": "四",
    "thurs": "四", "friday": "五", "fri": "五", "saturday": "六", "sat": "六",
    "sunday": "日", "sun": "日",
}  # fmt: skip
_EN_MONTHS = {
    "january": 1, "jan": 1, "february": 2, "feb": 2, "march": 3, "mar": 3, "april": 4,
    "apr": 4, "may": 5, "june": 6, "jun": 6, "july": 7, "jul": 7, "august": 8, "aug": 8,
    "september": 9, "sep": 9, "sept": 9, "october": 10, "oct": 10, "november": 11,
    "nov": 11, "december": 12, "dec": 12,
}  # fmt: skip
_EN_PREFIX = {None: "", "this": "本", "coming": "", "next": "下"}
_MONTH_NAMES = "|".join(sorted(_EN_MONTHS, key=len, reverse=True))


def _en_clock(m: re.Match[str]) -> str:
    hour, minute, half = int(m[1]), m[2], m[3]
    if hour == 0 or hour > 12:
        return m[0]  # "15pm": left as it is, so the phrase stays unclear
    parts = {("a", False): "上午", ("a", True): "凌晨", ("p", False): "下午", ("p", True): "中午"}
    part = parts[(half, hour == 12)]  # 12am is midnight, 12pm noon
    return f"{part}{hour}点" + (f"{minute}分" if minute else "")


_EN_RULES: tuple[tuple[re.Pattern[str], str | Callable[[re.Match[str]], str]], ...] = (
    (re.compile(r"\b(?:as soon as possible|asap|right now|now|urgent(?:ly)?)\b"), "尽快"),
    (re.compile(r"\b(?:any ?time|whenever)\b"), "随时"),
    (re.compile(r"\b(?:the )?day after tomorrow\b"), "后天"),
    (re.compile(r"\btomorrow\b"), "明天"),
    (re.compile(r"\btoday\b"), "今天"),
    (re.compile(r"\btonight\b"), "今晚"),
    (re.compile(r"\b(?:(this|next) )?weekend\b"), lambda m: _EN_PREFIX[m[1]] + "周末"),
    (
        re.compile(r"\b(?:(this|coming|next) )?(" + "|".join(_EN_WEEKDAYS) + r")\b"),
        lambda m: _EN_PREFIX[m[1]] + "周" + _EN_WEEKDAYS[m[2]],
    ),
    (re.compile(r"\b(this|next) week\b"), lambda m: _EN_PREFIX[m[1]] + "周"),
    (
        re.compile(r"\b(" + _MONTH_NAMES + r")\.? (\d{1,2})(?:st|nd|rd|th)?\b"),
        lambda m: f"{_EN_MONTHS[m[1]]}月{m[2]}日",
    ),
    (
        re.compile(r"\b(\d{1,2})(?:st|nd|rd|th)? (?:of )?(" + _MONTH_NAMES + r")\b"),
        lambda m: f"{_EN_MONTHS[m[2]]}月{m[1]}日",
    ),
    (re.compile(r"\b(?:in the )?morning\b"), "上午"),
    (re.compile(r"\b(?:in the )?afternoon\b"), "下午"),
    (re.compile(r"\b(?:in the )?(?:evening|night)\b"), "晚上"),
    (re.compile(r"\b(?:noon|midday|lunchtime)\b"), "中午"),
    (re.compile(r"\b(\d{1,2})(?::(\d{2}))? ?([ap])\.?m\b\.?"), _en_clock),
    (re.compile(r"\b(?:at|on|around|about|please|or so|the)\b"), " "),
)


def english_to_chinese(text: str) -> str:
    """Rewrite English time words in (lower-case) ``text`` to the Chinese the parser reads."""
    for pattern, repl in _EN_RULES:
        text = pattern.sub(repl, text)
    return text


def _date(year: int, month: int, day: int) -> date | None:
    try:
        return date(year, month, day)
    except ValueError:
        return None


# ------------------------------------------------------------------ display


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
