"""Driving the real page in headless Chromium, and signing in on it: the sign-in
dialog, with the code read from the ``log`` SMS provider's line (``SMS to <phone>: …``),
as a person running ``make run`` would."""

from __future__ import annotations

import asyncio
import re
from pathlib import Path

import pytest

from tests.utils.env import IN_CI

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
STEP_TIMEOUT_MS = 10_000
CODE = re.compile(r"验证码是 (\d{6})")
LINK = re.compile(r"(https?://\S+/chat/l/[A-Za-z0-9_-]+)")


def chromium_path() -> Path:
    """Debian's Chromium; skips without it (fails under ``CI=true``, which installs it)."""
    if not CHROMIUM.exists():
        reason = f"no Chromium at {CHROMIUM} (apt-get install chromium)"
        if IN_CI:
            pytest.fail(f"{reason}; CI=true requires the browser test to run")
        pytest.skip(reason)
    return CHROMIUM


async def sms_line(caplog: pytest.LogCaptureFixture, phone: str, pattern: re.Pattern[str]) -> str:
    """The first match of ``pattern`` in an SMS log line to ``phone`` (waits up to 10 s)."""
    for _ in range(200):
        for record in caplog.records:
            message = record.getMessage()
            if record.name == "bot.sms" and message.startswith(f"SMS to {phone}: "):
                found = pattern.search(message)
                if found:
                    return found.group(1)
        await asyncio.sleep(0.05)
    raise AssertionError(f"no SMS to {phone} matching {pattern.pattern}")


async def sign_in_on_page(page, caplog: pytest.LogCaptureFixture, phone: str, name: str) -> None:  # type: ignore[no-untyped-def]
    """Press the chat's 📱 手机号登录 button and go through the dialog."""
    from playwright.async_api import expect

    caplog.set_level("INFO", logger="bot.sms")
    caplog.clear()
    await page.locator("#log").get_by_role("button", name="📱 手机号登录").last.click()
    dialog = page.locator("#login")
    await expect(dialog).to_be_visible()
    await page.fill("#login-name", name)
    await page.fill("#login-phone", phone)
    await page.click("#login-get")
    await expect(page.locator("#login-get")).to_contain_text("秒后可重发")
    await page.fill("#login-code", await sms_line(caplog, phone, CODE))
    await page.click("#login-submit")
    await expect(dialog).to_be_hidden()
