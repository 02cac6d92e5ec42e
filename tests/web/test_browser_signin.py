"""The issue's acceptance path in a real headless Chromium, with Telegram on the fake Bot API.

Order anonymously up to submit, sign in with the code from the ``log`` SMS
provider, submit and close the page; a Telegram volunteer claims; the SMS line
for that phone carries a link; the link, opened in a fresh browser context,
shows the order as 已认领 with its history.
"""

from __future__ import annotations

import asyncio
import re
from datetime import time
from pathlib import Path

import pytest
from sqlmodel import select

from store.models import SmsMessage, SmsState, VerifiedPhone, WebPhoto
from tests.utils import tgrig, webrig
from tests.utils import volunteers as make
from tests.utils.browsing import (
    CHROMIUM_ARGS,
    LINK,
    STEP_TIMEOUT_MS,
    chromium_path,
    sign_in_on_page,
    sms_line,
)
from tests.utils.fakebot import fixtures
from tests.utils.tgrig import TgRig
from tests.utils.webrig import WebRig

pytestmark = pytest.mark.browser
fake_bot_api = fixtures.fake_bot_api  # fixture
tg = tgrig.tg  # fixture
web = webrig.web  # fixture


@pytest.fixture
def chromium() -> Path:
    return chromium_path()


PHONE = "13800138000"


async def _until_offline(tg: TgRig, phone: str) -> None:
    async with tg.deps.db.session() as s:
        owner = await s.get(VerifiedPhone, phone)
    assert owner is not None
    for _ in range(250):
        if not await tg.deps.presence.online(owner.person_id):
            return
        await asyncio.sleep(0.02)
    raise AssertionError("the closed page still counts as open")


def _web_url(tg: TgRig) -> str:
    component = next(c for c in tg.components if c.name == "web")
    return f"http://127.0.0.1:{component.port}"  # type: ignore[attr-defined]


@pytest.mark.parametrize("db", ["sqlite"], indirect=True)
async def test_closed_page_hears_of_a_telegram_claim_by_sms_link(
    tg: TgRig, chromium: Path, caplog: pytest.LogCaptureFixture
) -> None:
    from playwright.async_api import async_playwright, expect

    base = _web_url(tg)
    tg.deps.settings.web_public_url = base  # where the SMS links point
    # The real clock runs here: no quiet hours, or after 21:00 Shanghai time the claim's SMS
    # would wait for the morning (tests/web/test_notices.py covers quiet hours, clock fixed).
    tg.deps.settings.sms_quiet_start = tg.deps.settings.sms_quiet_end = time(0, 0)
    volunteer = await make.volunteer(tg.deps, 3001, "李建国", teams=("convenience",))
    master = tg.user(3001, "李建国")
    await master.send("/start")  # the volunteer has the bot's chat open
    await master.next_message()
    errors: list[str] = []
    async with async_playwright() as pw:
        browser = await pw.chromium.launch(
            executable_path=str(chromium), args=CHROMIUM_ARGS, headless=True
        )
        try:
            context = await browser.new_context(
                locale="zh-CN", viewport={"width": 390, "height": 844}
            )
            page = await context.new_page()
            page.set_default_timeout(STEP_TIMEOUT_MS)
            expect.set_options(timeout=STEP_TIMEOUT_MS)
            page.on("pageerror", lambda exc: errors.append(str(exc)))
            await page.goto(f"{base}/chat")
            log = page.locator("#log")
            await expect(log.locator(".msg-bot").first).to_contain_text("匠心点单")

            # Anonymously, up to the summary.
            await page.fill("#input", "家里空调不制冷了，想请师傅上门修一下")
            await page.press("#input", "Enter")
            await log.get_by_role("button", name=re.compile("^✅ 对，交给")).click()
            await page.fill("#input", "余杭区仓前街道文一西路 1 号")
            await page.press("#input", "Enter")
            await log.get_by_role("button", name="明天", exact=True).click()
            phone = page.locator("#keyboard input[type=tel]")
            await phone.fill(PHONE)
            await page.locator("#keyboard").get_by_role("button", name="提交号码").click()
            await log.get_by_role("button", name="跳过", exact=True).click()
            await expect(log.locator(".msg-bot").last).to_contain_text("请核对您的需求")
            await log.get_by_role("button", name="确认提交").last.click()
            await expect(log.locator(".msg-bot").last).to_contain_text("请先用手机号登录")

            # Sign in with the code from the log line, then submit the same summary.
            await sign_in_on_page(page, caplog, PHONE, "王师傅")
            await expect(page.locator("#status")).to_have_class(re.compile("online"))
            await log.get_by_role("button", name="确认提交").last.click()
            await expect(log.locator(".msg-bot", has_text="提交成功")).to_contain_text("JX-000001")
            await page.close()  # the worker closes the tab
            await _until_offline(tg, PHONE)  # the server has noticed

            # A Telegram volunteer claims the offer.
            offer = await master.next_message()
            assert "空调" in offer.text
            await master.press("认领", message=offer)
            assert (await master.last_callback_answer()).text == "认领成功！"
            card = await master.next_message()
            assert "王师傅" in card.text

            link = await sms_line(caplog, PHONE, LINK)
            assert link.startswith(f"{base}/chat/l/")

            # The link, in a fresh browser context: signed in, on the order.
            fresh = await browser.new_context(locale="zh-CN")
            page2 = await fresh.new_page()
            page2.on("pageerror", lambda exc: errors.append(str(exc)))
            await page2.goto(link)
            log2 = page2.locator("#log")
            await expect(log2).to_contain_text("已认领")
            await expect(log2).to_contain_text("家里空调不制冷了")  # the history is there
            await expect(log2).to_contain_text("JX-000001")

            # Opened again (a forwarded SMS): no sign-in, a notice instead.
            other = await browser.new_context(locale="zh-CN")
            page3 = await other.new_page()
            await page3.goto(link)
            await expect(page3.locator("#alert")).to_be_visible()
            await expect(page3.locator("#log")).not_to_contain_text("JX-000001")
        finally:
            await browser.close()
    assert errors == []
    async with tg.deps.db.session() as s:
        rows = (await s.exec(select(SmsMessage))).all()
    assert [(r.template, r.state) for r in rows] == [("order_status", SmsState.SENT)]
    assert volunteer.id


def _png(width: int, height: int) -> bytes:
    """A plain RGB PNG (a gradient, so it does not compress to nothing)."""
    import struct
    import zlib

    def chunk(kind: bytes, data: bytes) -> bytes:
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))

    row = bytes((x * 7) % 256 for x in range(width * 3))
    raw = b"".join(b"\x00" + row for _ in range(height))
    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(raw, 6))
        + chunk(b"IEND", b"")
    )


def _jpeg_size(data: bytes) -> tuple[int, int]:
    """Width and height from a JPEG's start-of-frame marker."""
    i = 2
    while i < len(data):
        marker, length = data[i + 1], int.from_bytes(data[i + 2 : i + 4], "big")
        if marker in (0xC0, 0xC1, 0xC2):
            height = int.from_bytes(data[i + 5 : i + 7], "big")
            width = int.from_bytes(data[i + 7 : i + 9], "big")
            return width, height
        i += 2 + length
    raise AssertionError("no SOF marker")


@pytest.mark.parametrize("db", ["sqlite"], indirect=True)
async def test_a_photo_is_compressed_in_the_browser_and_shown_as_a_thumbnail(
    web: WebRig, chromium: Path, tmp_path: Path
) -> None:
    from playwright.async_api import async_playwright, expect

    big = tmp_path / "big.png"
    big.write_bytes(_png(3200, 2000))
    errors: list[str] = []
    async with async_playwright() as pw:
        browser = await pw.chromium.launch(
            executable_path=str(chromium), args=CHROMIUM_ARGS, headless=True
        )
        try:
            page = await (await browser.new_context(locale="zh-CN")).new_page()
            page.set_default_timeout(STEP_TIMEOUT_MS)
            expect.set_options(timeout=STEP_TIMEOUT_MS)
            page.on("pageerror", lambda exc: errors.append(str(exc)))
            await page.goto(web.url("/chat"))
            await expect(page.locator("#status")).to_have_class(re.compile("online"))
            await page.set_input_files("#photo-input", str(big))
            thumb = page.locator("#log .msg-user img.thumb")
            await expect(thumb).to_have_count(1)
            await expect(thumb).to_have_attribute("src", "/chat/photo/1")
            assert await thumb.evaluate("img => img.naturalWidth") == 1600
        finally:
            await browser.close()
    assert errors == []
    async with web.deps.db.session() as s:
        (photo,) = (await s.exec(select(WebPhoto))).all()
    assert photo.content_type == "image/jpeg" and len(photo.content) <= 5 * 1024 * 1024
    assert _jpeg_size(photo.content) == (1600, 1000)
