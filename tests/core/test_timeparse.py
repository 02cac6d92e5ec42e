"""bot.timeparse: Chinese time phrases → windows in the configured zone; unclear ones carry
the likeliest reading as a guess to offer back, never taken on their own."""

from __future__ import annotations

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import pytest

from bot.timeparse import (
    AMPM,
    NO_DAY,
    PAST,
    TOO_FAR,
    UNKNOWN,
    WHICH_DAY,
    cn_number,
    format_window,
    parse,
    parse_detailed,
)

SH = ZoneInfo("Asia/Shanghai")
MONDAY_10 = datetime(2026, 11, 23, 10, 0, tzinfo=SH)  # the tests' T0


def local(text: str) -> datetime:
    """'11-28 08:00' (2026) or '2027-01-05 00:00' → an aware Shanghai datetime."""
    if text.count("-") == 1:
        text = "2026-" + text
    return datetime.strptime(text, "%Y-%m-%d %H:%M").replace(tzinfo=SH)


def window(text: str, now: datetime = MONDAY_10) -> tuple[datetime, datetime] | None:
    w = parse(text, now, SH)
    return (w.start, w.end) if w else None


@pytest.mark.parametrize(
    ("phrase", "start", "end"),
    [
        # the and the brief's examples
        ("尽快", "11-23 10:00", "11-24 10:00"),
        ("今天", "11-23 10:00", "11-24 00:00"),
        ("明天", "11-24 00:00", "11-25 00:00"),
        ("后天", "11-25 00:00", "11-26 00:00"),
        ("大后天下午", "11-26 13:00", "11-26 18:00"),
        ("本周末", "11-28 00:00", "11-30 00:00"),
        ("周末", "11-28 00:00", "11-30 00:00"),
        ("下周末", "12-05 00:00", "12-07 00:00"),
        ("周六上午", "11-28 08:00", "11-28 12:00"),
        ("下周三下午", "12-02 13:00", "12-02 18:00"),
        ("11月30日下午3点", "11-30 15:00", "11-30 16:00"),
        ("十一月三十日下午三点", "11-30 15:00", "11-30 16:00"),
        ("12-01 14:30", "12-01 14:30", "12-01 15:30"),
        ("12/01", "12-01 00:00", "12-02 00:00"),
        ("2026年12月1日", "12-01 00:00", "12-02 00:00"),
        ("今晚7点", "11-23 19:00", "11-23 20:00"),
        ("今晚上8点", "11-23 20:00", "11-23 21:00"),
        ("明早8点", "11-24 08:00", "11-24 09:00"),
        ("明天上午10点半", "11-24 10:30", "11-24 11:30"),
        ("明天下午三点一刻", "11-24 15:15", "11-24 16:15"),
        ("明天下午3点45分", "11-24 15:45", "11-24 16:45"),
        ("明天中午12点半", "11-24 12:30", "11-24 13:30"),
        ("明天中午1点", "11-24 13:00", "11-24 14:00"),
        ("明天凌晨2点", "11-24 02:00", "11-24 03:00"),
        ("礼拜六下午两点", "11-28 14:00", "11-28 15:00"),
        ("星期天上午", "11-29 08:00", "11-29 12:00"),
        ("周日晚上", "11-29 18:00", "11-29 23:00"),
        # 24-hour times are taken as written
        ("明天15点", "11-24 15:00", "11-24 16:00"),
        ("明天 09:30", "11-24 09:30", "11-24 10:30"),
        ("明天１５：３０", "11-24 15:30", "11-24 16:30"),  # full-width digits and colon
        # ranges, before and after
        ("明天上午9点到下午3点", "11-24 09:00", "11-24 15:00"),
        ("周六下午2点到4点", "11-28 14:00", "11-28 16:00"),
        ("明天 14:00-16:00", "11-24 14:00", "11-24 16:00"),
        ("明天下午3点以后", "11-24 15:00", "11-25 00:00"),
        ("周五前", "11-23 10:00", "11-28 00:00"),
        ("明天中午之前", "11-23 10:00", "11-24 13:00"),
        # a window already under way is cut at now
        ("今天上午", "11-23 10:00", "11-23 12:00"),
        ("周一", "11-23 10:00", "11-24 00:00"),  # bare weekday: today counts
        ("本周三", "11-25 00:00", "11-26 00:00"),
        ("下周一", "11-30 00:00", "12-01 00:00"),
        ("下下周一", "12-07 00:00", "12-08 00:00"),
        ("下周", "11-30 00:00", "12-07 00:00"),
        # day of month: this month's, or next month's once passed
        ("30号", "11-30 00:00", "12-01 00:00"),
        ("20号上午", "12-20 08:00", "12-20 12:00"),
        # fillers do not matter
        ("明天下午3点左右吧", "11-24 15:00", "11-24 16:00"),
        ("最好周六上午", "11-28 08:00", "11-28 12:00"),
        ("周六 上午 10点", "11-28 10:00", "11-28 11:00"),
        ("随时都可以", "11-23 10:00", "11-30 10:00"),
        ("越快越好", "11-23 10:00", "11-24 10:00"),
        ("请尽快上门", "11-23 10:00", "11-24 10:00"),
        # several days are one window
        ("周六或周日", "11-28 00:00", "11-30 00:00"),
        ("下周一或周二", "11-30 00:00", "12-02 00:00"),
        ("周二周三都行", "11-24 00:00", "11-26 00:00"),
        ("下周二或者周三上午", "12-01 08:00", "12-02 12:00"),
        ("周一到周五", "11-23 10:00", "11-28 00:00"),
        ("工作日晚上", "11-23 18:00", "11-27 23:00"),
        ("11月28日周六上午", "11-28 08:00", "11-28 12:00"),  # a weekday that agrees
        # spans from now, and parts of a month
        ("这两天都行", "11-23 10:00", "11-25 00:00"),
        ("这几天", "11-23 10:00", "11-26 00:00"),
        ("三天内", "11-23 10:00", "11-26 00:00"),
        ("本周内", "11-23 10:00", "11-30 00:00"),
        ("月底前", "11-23 10:00", "12-01 00:00"),
        ("月底", "11-28 00:00", "12-01 00:00"),
        ("下个月初", "12-01 00:00", "12-06 00:00"),
        ("元旦前", "11-23 10:00", "2027-01-02 00:00"),
        # everyday moments and "any time" said politely
        ("明天下班后", "11-24 18:00", "11-24 21:00"),
        ("周末随时", "11-28 00:00", "11-30 00:00"),
        ("看你们方便", "11-23 10:00", "11-30 10:00"),
        ("今天下午就来", "11-23 13:00", "11-23 18:00"),
    ],
)
def test_phrases_become_windows(phrase: str, start: str, end: str) -> None:
    assert window(phrase) == (local(start), local(end))


@pytest.mark.parametrize(
    ("phrase", "reason"),
    [
        ("下午", NO_DAY),  # which day?
        ("3点", NO_DAY),
        ("下午3点", NO_DAY),
        ("明天3点", AMPM),  # 03:00 or 15:00?
        ("明天10点左右", AMPM),
        ("今天9点", AMPM),
        ("明天晚上12点", AMPM),  # noon or midnight?
        ("明天3:00", AMPM),  # 03:00 written as 24-hour, without 凌晨: a slip, ask
        ("下午2点到4点", NO_DAY),
        ("今天上午9点", PAST),
        ("11月20日", PAST),
        ("2025年12月1日", PAST),
        ("周末上午", WHICH_DAY),
        ("2030年1月1日", TOO_FAR),
        ("周六或后天", UNKNOWN),  # the second day comes first
        ("2月30日", UNKNOWN),
        ("明天25点", UNKNOWN),
        ("明早下午3点", UNKNOWN),  # contradicts itself
        ("明天下午3点到2点", UNKNOWN),
        ("周五以后", UNKNOWN),  # open-ended: ask for a day
        ("<b>x</b>", UNKNOWN),
        ("", UNKNOWN),
        ("看情况", UNKNOWN),
    ],
)
def test_unclear_phrases_are_not_guessed(phrase: str, reason: str) -> None:
    parsed = parse_detailed(phrase, MONDAY_10, SH)
    assert parsed.window is None
    assert parsed.reason == reason


@pytest.mark.parametrize(
    ("phrase", "reason", "start", "end"),
    [
        ("下午3点", NO_DAY, "11-23 15:00", "11-23 16:00"),  # still ahead today
        ("上午9点", NO_DAY, "11-24 09:00", "11-24 10:00"),  # over today: tomorrow
        ("14:30", NO_DAY, "11-23 14:30", "11-23 15:30"),
        ("晚上在家", NO_DAY, "11-23 18:00", "11-23 23:00"),
        ("明天10点", AMPM, "11-24 10:00", "11-24 11:00"),
        ("明天两点", AMPM, "11-24 14:00", "11-24 15:00"),
        ("周六十点", AMPM, "11-28 10:00", "11-28 11:00"),
        ("九点半", NO_DAY, "11-24 09:30", "11-24 10:30"),
        ("周末上午", WHICH_DAY, "11-28 08:00", "11-28 12:00"),
    ],
)
def test_unclear_phrases_carry_the_likeliest_reading(
    phrase: str, reason: str, start: str, end: str
) -> None:
    parsed = parse_detailed(phrase, MONDAY_10, SH)
    assert parsed.window is None and parsed.reason == reason
    assert parsed.guess is not None
    assert (parsed.guess.start, parsed.guess.end) == (local(start), local(end))


@pytest.mark.parametrize("phrase", ["明天晚上0点", "看情况", "11月20日", "2030年1月1日"])
def test_no_guess_where_no_reading_is_likely(phrase: str) -> None:
    assert parse_detailed(phrase, MONDAY_10, SH).guess is None


def test_a_part_of_today_that_is_over_is_past() -> None:
    # At 10:00 the morning is still running (a cut window); at 13:00 it is over.
    assert window("本周一上午") == (local("11-23 10:00"), local("11-23 12:00"))
    after_lunch = datetime(2026, 11, 23, 13, 0, tzinfo=SH)
    assert parse_detailed("本周一上午", after_lunch, SH).reason == PAST
    assert parse_detailed("今天上午", after_lunch, SH).reason == PAST


def test_month_day_of_early_next_year_is_next_year() -> None:
    assert window("1月5日") == (local("2027-01-05 00:00"), local("2027-01-06 00:00"))
    # …but a date long past is a mistake, not next year.
    assert parse_detailed("9月1日", MONDAY_10, SH).reason == PAST


def test_day_of_month_rolls_into_january() -> None:
    dec_20 = datetime(2026, 12, 20, 9, 0, tzinfo=SH)
    assert window("5号", dec_20) == (local("2027-01-05 00:00"), local("2027-01-06 00:00"))


def test_weekend_on_sunday_is_what_is_left_of_it() -> None:
    sunday_evening = datetime(2026, 11, 29, 20, 0, tzinfo=SH)
    assert window("本周末", sunday_evening) == (sunday_evening, local("11-30 00:00"))
    assert window("周六", sunday_evening) == (local("12-05 00:00"), local("12-06 00:00"))


def test_now_in_another_zone_is_read_in_the_configured_one() -> None:
    # 2026-11-23 17:00 UTC is already Tuesday 01:00 in Shanghai: "今天" is Tuesday.
    now = datetime(2026, 11, 23, 17, 0, tzinfo=UTC)
    w = parse("今天", now, SH)
    assert w is not None and w.start == local("11-24 01:00") and w.end == local("11-25 00:00")
    assert w.start.tzinfo is not None


def test_naive_now_is_refused() -> None:
    with pytest.raises(ValueError):
        parse("明天", datetime(2026, 11, 23, 10, 0), SH)


def test_another_zone_setting_changes_midnight() -> None:
    utc = ZoneInfo("UTC")
    w = parse("明天", datetime(2026, 11, 23, 2, 0, tzinfo=UTC), utc)
    assert w is not None
    assert w.start == datetime(2026, 11, 24, tzinfo=utc)


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("12", 12),
        ("十", 10),
        ("十二", 12),
        ("二十", 20),
        ("三十一", 31),
        ("两", 2),
        ("零", 0),
        ("十十", None),
        ("abc", None),
        ("", None),
    ],
)
def test_chinese_numbers(text: str, value: int | None) -> None:
    assert cn_number(text) == value


@pytest.mark.parametrize(
    ("start", "end", "zh", "en"),
    [
        ("11-24 00:00", "11-25 00:00", "11月24日(周二)", "Tue 24 Nov"),
        ("11-28 00:00", "11-30 00:00", "11月28日(周六)–11月29日(周日)", "Sat 28 Nov–Sun 29 Nov"),
        ("11-28 08:00", "11-28 12:00", "11月28日(周六) 08:00–12:00", "Sat 28 Nov 08:00–12:00"),
        ("11-23 10:00", "11-24 00:00", "11月23日(周一) 10:00–24:00", "Mon 23 Nov 10:00–24:00"),
        (
            "11-23 10:00",
            "11-24 10:00",
            "11月23日(周一) 10:00–11月24日(周二) 10:00",
            "Mon 23 Nov 10:00–Tue 24 Nov 10:00",
        ),
    ],
)
def test_format_window(start: str, end: str, zh: str, en: str) -> None:
    assert format_window(local(start), local(end), SH, "zh") == zh
    assert format_window(local(start), local(end), SH, "en") == en


@pytest.mark.parametrize(
    ("traditional", "simplified"),
    [
        ("下週一上午", "下周一上午"),
        ("明天下午3點", "明天下午3点"),
        ("禮拜六上午", "礼拜六上午"),
        ("後天上午十點半", "后天上午十点半"),
        ("週末", "周末"),
        ("這週六晚上7點", "这周六晚上7点"),
        ("11月30號下午兩點", "11月30号下午两点"),
        ("儘快", "尽快"),
    ],
)
def test_traditional_characters_read_as_simplified(traditional: str, simplified: str) -> None:
    assert window(simplified) is not None
    assert window(traditional) == window(simplified)


@pytest.mark.parametrize(
    ("english", "chinese"),
    [
        ("tomorrow afternoon", "明天下午"),
        ("Tomorrow 3pm", "明天下午3点"),
        ("tomorrow at 3:30 p.m.", "明天下午3点30分"),
        ("next Monday morning", "下周一上午"),
        ("Saturday morning", "周六上午"),
        ("this weekend", "本周末"),
        ("ASAP", "尽快"),
        ("tonight 8pm", "今晚8点"),
        ("Nov 30 2pm", "11月30日下午2点"),
        ("30th November afternoon", "11月30日下午"),
        ("sunday 12pm", "周日中午12点"),
        ("the day after tomorrow", "后天"),
        ("friday 10am", "周五上午10点"),
    ],
)
def test_common_english_reads_like_its_chinese(english: str, chinese: str) -> None:
    assert window(chinese) is not None
    assert window(english) == window(chinese)


@pytest.mark.parametrize(
    ("english", "reason"),
    [
        ("3pm tomorrow", UNKNOWN),  # the day must come first, as in Chinese
        ("tomorrow or friday", UNKNOWN),
        ("15pm tomorrow", UNKNOWN),
        ("in the afternoon", NO_DAY),
        ("tomorrow at 3", UNKNOWN),
    ],
)
def test_unclear_english_is_asked_again(english: str, reason: str) -> None:
    assert parse_detailed(english, MONDAY_10, SH).reason == reason
