"""The words and patterns of time phrases: parts of the day, days, clocks, fillers."""

from __future__ import annotations

import re
from datetime import date, timedelta

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


def _date(year: int, month: int, day: int) -> date | None:
    try:
        return date(year, month, day)
    except ValueError:
        return None
