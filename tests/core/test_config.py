"""Configuration: defaults, parsing, and one clear line for every bad value."""

from __future__ import annotations

import os
import subprocess
import sys
from datetime import timedelta

import pytest

from bot.config import ConfigError, load_settings
from bot.durations import format_duration, parse_duration


@pytest.fixture(autouse=True)
def _clean_env(monkeypatch: pytest.MonkeyPatch, tmp_path) -> None:  # type: ignore[no-untyped-def]
    for key in list(os.environ):
        if key.startswith("JIANGXIN_"):
            monkeypatch.delenv(key)
    monkeypatch.chdir(tmp_path)  # no stray .env


def test_defaults() -> None:
    s = load_settings()
    assert s.database_url.startswith("sqlite+aiosqlite:///./data/")
    assert s.telegram_api_url == "https://api.telegram.org/bot"
    assert s.timezone == "Asia/Shanghai"
    assert s.reminder_offsets == [timedelta(hours=24), timedelta(hours=1)]
    assert s.offer_wave_interval == timedelta(minutes=15)
    assert s.max_orders_per_day == 5
    assert s.token is None


def test_env_values_are_parsed(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("JIANGXIN_ADMIN_IDS", "42, 7，9")
    monkeypatch.setenv("JIANGXIN_REMINDER_OFFSETS", "1h,90m")
    monkeypatch.setenv("JIANGXIN_DATABASE_URL", "postgresql://u@h/db")
    monkeypatch.setenv("JIANGXIN_TELEGRAM_TOKEN", "123:abc")
    s = load_settings()
    assert s.admin_ids == [42, 7, 9]
    assert s.reminder_offsets == [timedelta(minutes=90), timedelta(hours=1)]
    assert s.database_url == "postgresql+asyncpg://u@h/db"
    assert s.token == "123:abc" and "123:abc" not in repr(s)


def test_dotenv_is_read(tmp_path) -> None:  # type: ignore[no-untyped-def]
    (tmp_path / ".env").write_text("JIANGXIN_WEB_PORT=9090\n")
    assert load_settings().web_port == 9090


@pytest.mark.parametrize(
    ("key", "value", "fragment"),
    [
        ("TIMEZONE", "Mars/Olympus", "unknown time zone"),
        ("ADMIN_IDS", "12,abc", "'abc' is not a numeric"),
        ("TELEGRAM_API_URL", "ftp://x", "not an http(s) URL"),
        ("TICK_INTERVAL", "soon", "not a duration"),
        ("DATABASE_URL", "mysql://x", "sqlite+aiosqlite"),
        ("WEB_PORT", "http", "integer"),
        ("STAR_HOURS", "50,20", "increasing"),
    ],
)
def test_bad_value_names_the_setting(
    monkeypatch: pytest.MonkeyPatch, key: str, value: str, fragment: str
) -> None:
    monkeypatch.setenv(f"JIANGXIN_{key}", value)
    with pytest.raises(ConfigError) as info:
        load_settings()
    assert str(info.value).startswith(f"JIANGXIN_{key} is invalid")
    assert fragment in str(info.value)


def test_cli_exits_2_with_one_line(tmp_path) -> None:  # type: ignore[no-untyped-def]
    env = {k: v for k, v in os.environ.items() if not k.startswith("JIANGXIN_")}
    env["JIANGXIN_TIMEZONE"] = "Nowhere/City"
    proc = subprocess.run(
        [sys.executable, "-m", "jiangxin", "db", "current"],
        cwd=tmp_path,
        env={**env, "PYTHONPATH": _repo()},
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert proc.returncode == 2
    lines = proc.stderr.strip().splitlines()
    assert len(lines) == 1 and "JIANGXIN_TIMEZONE" in lines[0]
    assert "Traceback" not in proc.stderr


def _repo() -> str:
    from pathlib import Path

    return str(Path(__file__).resolve().parents[2])


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("90s", timedelta(seconds=90)),
        ("15m", timedelta(minutes=15)),
        ("1h30m", timedelta(minutes=90)),
        ("2d", timedelta(days=2)),
        (" 24H ", timedelta(hours=24)),
    ],
)
def test_parse_duration(text: str, expected: timedelta) -> None:
    assert parse_duration(text) == expected
    assert parse_duration(format_duration(expected)) == expected


@pytest.mark.parametrize("bad", ["", "10", "h", "1x", "-5m", "1h 2"])
def test_parse_duration_refuses(bad: str) -> None:
    with pytest.raises(ValueError):
        parse_duration(bad)
