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

from bot.timeparse.display import format_window
from bot.timeparse.english import english_to_chinese
from bot.timeparse.grammar import parse, parse_detailed
from bot.timeparse.result import Parsed, Window
from bot.timeparse.vocabulary import (
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
    cn_number,
)

__all__ = [
    "AMPM",
    "ANYTIME_SPAN",
    "ASAP_SPAN",
    "CLOCK_SPAN",
    "MAX_AHEAD",
    "NEXT_YEAR_WITHIN",
    "NO_DAY",
    "PARTS",
    "PAST",
    "TOO_FAR",
    "UNKNOWN",
    "WHICH_DAY",
    "Parsed",
    "Window",
    "cn_number",
    "english_to_chinese",
    "format_window",
    "parse",
    "parse_detailed",
]
