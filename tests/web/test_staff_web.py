"""Issue 17 on the web ring: the chat's input hint follows the step (item 19), and a
web-only deployment's admin named by phone in JIANGXIN_ADMIN_IDS (item 13)."""

from __future__ import annotations

import logging
import re

import pytest

from jiangxin.app import warn_if_no_admin
from store.models import Volunteer, VolunteerStatus
from tests.utils import volunteers as f
from tests.utils import webrig
from tests.utils.browsing import CHROMIUM_ARGS, STEP_TIMEOUT_MS, chromium_path
from tests.utils.signing import sign_in
from tests.utils.webrig import WebRig

web = webrig.web


async def test_item19_the_input_hint_follows_the_step(web: WebRig) -> None:
    sock = await web.browser().connect()
    assert not sock.seen[0]["messages"][0].get("hint")  # the greeting: the page's own hint
    confirm = await sock.say("家里空调不制冷了，想请师傅上门修一下")
    await sock.press("✅ 对，交给", confirm, prefix=True)
    await sock.edited()
    place = await sock.bot_message()
    assert place["hint"].startswith("例如：") and "路" in place["hint"]
    await sock.send({"type": "text", "text": "玉环市玉城街道解放路88号"})
    await sock.echo()
    await sock.bot_message()  # 已记录地点
    time = await sock.bot_message()
    assert "周六上午" in time["hint"]
    assert not (await sock.say("/cancel")).get("hint")  # out of the dialog: back to default


@pytest.mark.browser
@pytest.mark.parametrize("db", ["sqlite"], indirect=True)
async def test_item19_the_page_shows_the_hint_in_the_input(web: WebRig) -> None:
    from playwright.async_api import async_playwright, expect

    chromium = chromium_path()
    async with async_playwright() as pw:
        browser = await pw.chromium.launch(
            executable_path=str(chromium), args=CHROMIUM_ARGS, headless=True
        )
        try:
            page = await (await browser.new_context(locale="zh-CN")).new_page()
            page.set_default_timeout(STEP_TIMEOUT_MS)
            expect.set_options(timeout=STEP_TIMEOUT_MS)
            await page.goto(web.url("/chat"))
            log, field = page.locator("#log"), page.locator("#input")
            await expect(log.locator(".msg-bot").first).to_contain_text("匠心点单")
            default = await field.get_attribute("placeholder")
            await field.fill("家里空调不制冷了，想请师傅上门修一下")
            await page.press("#input", "Enter")
            await log.get_by_role("button", name=re.compile("^✅ 对，交给")).click()
            await expect(field).to_have_attribute("placeholder", re.compile("^例如：.*路"))
            await field.fill("/cancel")
            await page.press("#input", "Enter")
            await expect(field).to_have_attribute("placeholder", default or "")
        finally:
            await browser.close()


# ---------------------------------------------------------------- item 13

ADMIN_PHONE = "13800138000"


@pytest.mark.settings(admin_ids=f"phone:{ADMIN_PHONE}")
async def test_item13_a_web_admin_named_by_phone_approves_a_web_volunteer(
    web: WebRig, caplog: pytest.LogCaptureFixture
) -> None:
    """A web-only deployment: the admin is named by phone and signs in on the web chat."""
    pending = await f.volunteer(
        web.deps, "w-77", "李建国", platform="web", status=VolunteerStatus.PENDING
    )
    b = web.browser()
    anonymous = await b.connect()
    assert (await anonymous.say("/admin"))["text"] == "无权限"  # not before the phone is proven
    await anonymous.close()
    await sign_in(web, b, ADMIN_PHONE)
    sock = await b.connect()
    menu = [c["command"] for c in next(e for e in sock.seen if e["type"] == "menu")["commands"]]
    assert "orders" in menu and "volunteers" in menu
    assert "管理菜单" in (await sock.say("/admin"))["text"]
    await sock.send({"type": "text", "text": "/volunteers pending"})
    listing = await sock.bot_message_with(f"批准 #{pending.id} 李建国")
    await sock.press(f"批准 #{pending.id} 李建国", listing)
    assert "已批准" in await sock.toast()
    async with web.deps.db.session() as s:
        row = await s.get(Volunteer, pending.id)
    assert row is not None and row.status == VolunteerStatus.ACTIVE
    # Nobody is warned at start-up: this deployment can reach its admin.
    with caplog.at_level(logging.WARNING, logger="jiangxin"):
        await warn_if_no_admin(web.deps)
    assert "no admin can be reached" not in caplog.text


async def test_item13_start_up_warns_when_no_admin_can_be_reached(
    web: WebRig, caplog: pytest.LogCaptureFixture
) -> None:
    """The default test settings name Telegram id 1, but no Telegram token is set."""
    with caplog.at_level(logging.WARNING, logger="jiangxin"):
        await warn_if_no_admin(web.deps)
    assert "no admin can be reached" in caplog.text and "phone:" in caplog.text
