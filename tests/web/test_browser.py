"""The chat page in a real headless Chromium: place an order by clicking, see it listed.

Driven by Playwright against Debian's ``chromium`` (``/usr/bin/chromium``); no
browser is downloaded. Without that binary the test skips, except under
``CI=true`` where it fails (``.ci/run`` installs Chromium).
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from sqlalchemy import func
from sqlmodel import select

from bot.notify import notify
from bot.reply import Reply
from store.models import Person, WebMessage
from tests.utils import webrig
from tests.utils.browsing import CHROMIUM_ARGS, STEP_TIMEOUT_MS, chromium_path, sign_in_on_page
from tests.utils.webrig import WebRig

web = webrig.web  # fixture
pytestmark = pytest.mark.browser


@pytest.fixture
def chromium() -> Path:
    return chromium_path()


# The page is the same on both databases; one is enough for the browser.
@pytest.mark.parametrize("db", ["sqlite"], indirect=True)
async def test_order_placed_in_the_browser_is_listed(
    web: WebRig, chromium: Path, caplog: pytest.LogCaptureFixture
) -> None:
    from playwright.async_api import async_playwright, expect

    errors: list[str] = []
    async with async_playwright() as pw:
        browser = await pw.chromium.launch(
            executable_path=str(chromium), args=CHROMIUM_ARGS, headless=True
        )
        try:
            context = await browser.new_context(
                locale="zh-CN",
                viewport={"width": 390, "height": 844},
                is_mobile=True,
                has_touch=True,
                geolocation={"latitude": 30.2741, "longitude": 120.1551},
                permissions=["geolocation"],
            )
            page = await context.new_page()
            page.set_default_timeout(STEP_TIMEOUT_MS)
            expect.set_options(timeout=STEP_TIMEOUT_MS)
            page.on("pageerror", lambda exc: errors.append(str(exc)))
            page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)

            await page.goto(web.url("/chat"))
            log = page.locator("#log")
            await expect(log.locator(".msg-bot").first).to_contain_text("匠心点单")

            # The need, with markup a malicious page might try: it must stay text.
            need = "家里空调不制冷了<img src=x onerror=alert(1)>，想请师傅上门修一下"
            await page.fill("#input", need)
            await page.press("#input", "Enter")
            await expect(log.locator(".msg-user .text").last).to_have_text(need)
            await log.get_by_role("button", name=re.compile("^✅ 对，交给")).click()

            # Place: the reply keyboard's location key uses the browser's geolocation.
            keyboard = page.locator("#keyboard")
            await keyboard.get_by_role("button", name="📍 发送当前位置").click()
            await expect(log.locator(".msg-user").last).to_contain_text("30.27410")
            await keyboard.get_by_role("button", name="不用了").click()  # the door number

            await log.get_by_role("button", name="明天", exact=True).click()

            # Phone: the contact key is a phone form on the web.
            phone = keyboard.locator("input[type=tel]")
            await phone.fill("138 0013 8000")
            await keyboard.get_by_role("button", name="提交号码").click()
            await expect(log.locator(".msg-bot").last).to_contain_text("照片")

            await log.get_by_role("button", name="跳过", exact=True).click()
            await expect(log.locator(".msg-bot").last).to_contain_text("请核对您的需求")
            await log.get_by_role("button", name="确认提交").click()
            # Submitting asks an anonymous web person to sign in (issue 15).
            await sign_in_on_page(page, caplog, "13800138000", "王师傅")
            await log.get_by_role("button", name="确认提交").last.click()
            submitted = log.locator(".msg-bot", has_text="提交成功")
            await expect(submitted).to_contain_text("JX-000001")
            await expect(submitted.locator("b", has_text="JX-000001")).to_have_count(1)
            assert await page.locator("#log img").count() == 0
            await expect(keyboard).to_be_hidden()

            # My orders, from the page's menu: the listing has a button for the order.
            await page.click("#menu-toggle")
            await page.locator("#menu").get_by_role("button", name=re.compile("我的订单")).click()
            await expect(log.locator(".msg-user .text").last).to_have_text("/myorders")
            listed = log.get_by_role("button", name=re.compile(r"^JX-000001 · "))
            await expect(listed).to_be_visible()

            # Bot text is rebuilt from a whitelist: no scripts, no javascript: links.
            (person,) = await _web_people(web)
            hostile = (
                '<a href="javascript:alert(1)">坏链接</a> <script>alert(2)</script>'
                '<a href="https://example.org/x">好链接</a> <i onclick="alert(3)">斜体</i>'
            )
            assert await notify(web.deps, person, Reply(hostile)) is not None
            last = log.locator(".msg-bot").last
            await expect(last).to_contain_text("好链接")
            assert await last.locator("a[href='https://example.org/x']").count() == 1
            assert await last.locator("a[href^='javascript'], script, [onclick]").count() == 0

            # A reload shows the whole conversation again, from the server's transcript.
            await page.reload()
            await expect(log.locator(".msg")).to_have_count(await _stored_messages(web))
            await expect(listed).to_be_visible()
        finally:
            await browser.close()
    assert errors == []


async def _stored_messages(web: WebRig) -> int:
    async with web.deps.db.session() as s:
        return int((await s.exec(select(func.count()).select_from(WebMessage))).one())


async def _web_people(web: WebRig) -> list[Person]:
    async with web.deps.db.session() as s:
        return list((await s.exec(select(Person).where(Person.platform == "web"))).all())
