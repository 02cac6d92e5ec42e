"""The text catalogs: both languages alike, every key used and every used key there.

The source is read with ``ast``, so a key built at run time (an f-string) is caught
here rather than as a ``KeyError`` in front of a user.
"""

from __future__ import annotations

import ast
import re
import string
import tomllib
from datetime import UTC, date, datetime
from pathlib import Path

import pytest

from bot import texts
from bot.texts import choices

ROOT = Path(__file__).resolve().parents[2]
CATALOGS = ROOT / "bot" / "texts"
SOURCE_DIRS = ("bot", "scheduler", "handlers", "bench")
STATIC = ROOT / "handlers" / "web" / "static"

# Calls that take a text key, and at which position: t(lang, key), ctx.t(key), …
KEY_ARG = {"t": 1, "has": 0, "date_text": 1, "Refusal": 0, "BadFrame": 0}
KEY_ARG_OF_METHOD = {"t": 0, "reply": 0}
# The Telegram subset of HTML the replies use.
TAGS = {"b", "i", "u", "s", "code", "pre", "a", "blockquote", "tg-spoiler"}


def _files(lang: str) -> dict[str, dict[str, str]]:
    return {
        p.stem: tomllib.loads(p.read_text(encoding="utf-8"))
        for p in sorted((CATALOGS / lang).glob("*.toml"))
    }


def _sources() -> list[tuple[Path, ast.Module]]:
    """The code that uses texts (an old-style dict module defines them, so it is left out)."""
    return [
        (path, ast.parse(path.read_text(encoding="utf-8"), filename=str(path)))
        for folder in SOURCE_DIRS
        for path in sorted((ROOT / folder).rglob("*.py"))
        if path.parent != CATALOGS or path.name == "choices.py"
    ]


def _key_args(tree: ast.Module) -> list[ast.expr]:
    """The expressions passed where a text key goes."""
    found = []
    for node in ast.walk(tree):
        if not isinstance(node, ast.Call):
            continue
        if isinstance(node.func, ast.Name):
            pos = KEY_ARG.get(node.func.id)
        elif isinstance(node.func, ast.Attribute):
            pos = KEY_ARG_OF_METHOD.get(node.func.attr)
        else:
            pos = None
        if pos is not None and len(node.args) > pos:
            found.append(node.args[pos])
    return found


def _placeholders(text: str) -> set[str]:
    return {field for _, field, _, _ in string.Formatter().parse(text) if field is not None}


def _areas() -> set[str]:
    return {key.split(".")[0] + "." for key in texts.keys("zh")}


# ---------------------------------------------------------------- the catalogs


def test_both_languages_have_the_same_files_and_keys() -> None:
    zh, en = _files("zh"), _files("en")
    assert set(zh) == set(en)
    for area in zh:
        assert list(zh[area]) == list(en[area]), area
    assert texts.keys("zh") == texts.keys("en")


def test_both_languages_have_the_same_placeholders() -> None:
    differ = {
        key: (_placeholders(texts.t("zh", key)), _placeholders(texts.t("en", key)))
        for key in texts.keys("zh")
        if _placeholders(texts.t("zh", key)) != _placeholders(texts.t("en", key))
    }
    assert not differ, differ


@pytest.mark.parametrize("lang", texts.LANGUAGES)
def test_html_tags_are_balanced(lang: str) -> None:
    broken = {}
    for key in texts.keys(lang):
        open_tags: list[str] = []
        for closing, tag in re.findall(r"<(/?)([a-z][a-z-]*)[^<>]*>", texts.t(lang, key)):
            if tag not in TAGS:
                broken[key] = f"unknown tag <{tag}>"
            elif not closing:
                open_tags.append(tag)
            elif not open_tags or open_tags.pop() != tag:
                broken[key] = f"</{tag}> closes nothing"
        if open_tags:
            broken[key] = f"<{open_tags[-1]}> never closed"
    assert not broken, broken


def test_a_key_defined_twice_is_refused() -> None:
    catalog: dict[str, str] = {"common.yes": "是"}
    with pytest.raises(RuntimeError, match="defined twice"):
        texts._add(catalog, {"common.yes": "对"}, "zh/extra.toml")


# ---------------------------------------------------------------- keys in the source


def test_no_key_is_built_at_run_time() -> None:
    areas = tuple(_areas())
    built = []
    for path, tree in _sources():
        for node in ast.walk(tree):
            if isinstance(node, ast.JoinedStr) and node.values:
                first = node.values[0]
                head = first.value if isinstance(first, ast.Constant) else ""
                if isinstance(head, str) and head.startswith(areas) and " " not in head:
                    built.append(f"{path.relative_to(ROOT)}:{node.lineno}")
        for arg in _key_args(tree):
            if isinstance(arg, ast.JoinedStr | ast.BinOp):
                built.append(f"{path.relative_to(ROOT)}:{arg.lineno}")
    assert not built, built


def test_every_key_the_source_passes_exists() -> None:
    defined = texts.keys()
    missing = [
        f"{path.relative_to(ROOT)}:{arg.lineno} {arg.value}"
        for path, tree in _sources()
        for arg in _key_args(tree)
        if isinstance(arg, ast.Constant) and isinstance(arg.value, str)
        if arg.value not in defined and arg.value not in texts.LANGUAGES
    ]
    assert not missing, missing


def test_every_key_a_choice_table_names_exists() -> None:
    tables = {
        name: table
        for name, table in vars(choices).items()
        if name.isupper() and isinstance(table, dict)
    }
    assert len(tables) > 20
    missing = [
        f"{name}[{value!r}] = {key}"
        for name, table in tables.items()
        for value, key in table.items()
        if not texts.has(key)
    ]
    assert not missing, missing


def test_every_key_the_web_page_uses_exists() -> None:
    page = (STATIC / "index.html").read_text(encoding="utf-8")
    script = (STATIC / "chat.js").read_text(encoding="utf-8")
    used = set(re.findall(r"\{\{t:([\w.]+)\}\}", page))
    used |= {f"web.js.{name}" for name in re.findall(r"\btr\('(\w+)'\)", script)}
    assert used and not used - texts.keys()


def test_every_defined_key_is_used() -> None:
    literals = {
        node.value
        for _, tree in _sources()
        for node in ast.walk(tree)
        if isinstance(node, ast.Constant) and isinstance(node.value, str)
    }
    page = (STATIC / "index.html").read_text(encoding="utf-8")
    script = (STATIC / "chat.js").read_text(encoding="utf-8")
    unused = sorted(
        key
        for key in texts.keys("zh")
        if key not in literals
        and f"{{{{t:{key}}}}}" not in page
        and not (key.startswith("web.js.") and f"'{key.removeprefix('web.js.')}'" in script)
    )
    assert not unused, unused


# ---------------------------------------------------------------- choices cover their values


def test_choice_tables_cover_every_value() -> None:
    from bot import sms, timeparse
    from bot.flows import order_draft, tracking, volunteer, webnotice
    from store.models import OrderStatus, VolunteerStatus

    def values(cls: type) -> set[str]:
        return {v for k, v in vars(cls).items() if k.isupper() and isinstance(v, str)}

    assert set(choices.ORDER_STATUS) == values(OrderStatus)
    assert set(choices.VOLUNTEER_STATUS) == values(VolunteerStatus)
    assert set(choices.VOLUNTEER_STATUS_ADMIN) == values(VolunteerStatus)
    assert set(choices.ORDER_HINT) == values(order_draft.Step)
    assert set(choices.TIME_PREF_BUTTON) == set(order_draft.TIME_PREFS)
    assert set(choices.ORDER_EDIT_FIELD) == set(order_draft.EDIT_FIELDS)
    assert set(choices.CANCEL_REASON) == set(tracking.REASONS)
    assert set(choices.VOLUNTEER_EDIT_BUTTON) == set(volunteer.EDITABLE)
    assert set(choices.VOLUNTEER_BAD) == set(volunteer.TEXT_STEPS)
    reasons = {
        timeparse.NO_DAY,
        timeparse.AMPM,
        timeparse.PAST,
        timeparse.TOO_FAR,
        timeparse.WHICH_DAY,
        timeparse.UNKNOWN,
    }
    assert set(choices.ORDER_TIME_UNCLEAR) == reasons
    assert set(choices.APPOINTMENT_UNCLEAR) == reasons
    assert set(choices.SMS_TEXT) == set(sms.TEMPLATES)
    assert set(choices.SMS_STATUS) == {*webnotice.EVENTS.values(), webnotice.REMINDER}
    from store.models import CampaignStage, CaseStatus, PairingStatus

    assert set(choices.CAMPAIGN_STAGE) == set(CampaignStage.ORDER)
    assert set(choices.CAMPAIGN_STAGE_NEXT) == set(CampaignStage.ORDER)
    assert set(choices.CASE_STATUS) == values(CaseStatus)
    assert set(choices.PAIRING_STATUS) == values(PairingStatus)


# ---------------------------------------------------------------- dates


@pytest.mark.parametrize(
    ("lang", "key", "expected"),
    [
        ("zh", "date.when", "9月1日（周二）08:05"),
        ("en", "date.when", "Tue 9/1 08:05"),
        ("zh", "date.day", "9月1日（周二）"),
        ("en", "date.day", "Tue 9/1"),
        ("zh", "date.moment", "9月1日(周二) 08:05"),
        ("en", "date.moment", "Tue 01 Sep 08:05"),
        (None, "date.moment", "9月1日(周二) 08:05"),
        ("zh", "date.month", "2026年9月"),
        ("en", "date.month", "September 2026"),
    ],
)
def test_dates_are_formatted_by_babel_in_their_own_zone(
    lang: str | None, key: str, expected: str
) -> None:
    from zoneinfo import ZoneInfo

    moment = datetime(2026, 9, 1, 0, 5, tzinfo=UTC).astimezone(ZoneInfo("Asia/Shanghai"))
    assert texts.date_text(lang, key, moment) == expected


def test_a_bare_date_is_formatted_too() -> None:
    assert texts.date_text("zh", "date.window_day", date(2026, 11, 29)) == "11月29日(周日)"
    assert texts.date_text("en", "date.window_day", date(2026, 11, 29)) == "Sun 29 Nov"
