"""Normalising a phrase: full-width forms, traditional characters, English words."""

from __future__ import annotations

import functools
import re
import unicodedata
from collections.abc import Callable

import opencc


@functools.cache
def _t2s() -> opencc.OpenCC:
    """Traditional → simplified, built once (workers on traditional-set phones type 週六、3點)."""
    return opencc.OpenCC("t2s")


def normalise(text: str) -> str:
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
