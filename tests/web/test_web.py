"""The web ring: the chat page and its WebSocket, health, metrics and Telegram's webhook.

The chat runs through the real core (``Engine`` and the registered flows) on
SQLite and PostgreSQL; browsers are aiohttp clients with their own cookie jars.
The webhook tests run the whole composition (``jiangxin.app.assemble``) in webhook
mode against the fake Bot API and POST its updates to the web server.
"""

from __future__ import annotations

import asyncio
import io
import json
import re
import socket
from types import SimpleNamespace

import aiohttp
import pytest
from sqlalchemy import func
from sqlmodel import select

from bot.notify import edit, notify
from bot.orders import create_order
from bot.reply import Button, Document, Reply
from handlers.web import messages
from handlers.web.identity import COOKIE
from handlers.web.webhook import SECRET_HEADER, WebhookConfigError, webhook_secret
from jiangxin.app import serve
from store import poison
from store.engine import Database
from store.models import InboxUpdate, Meta, Order, OrderStatus, Person
from tests.utils import tgrig, webrig
from tests.utils.env import T0
from tests.utils.fakebot import fixtures
from tests.utils.settings import make_settings
from tests.utils.signing import sign_in_at_summary
from tests.utils.tgrig import TgRig
from tests.utils.webrig import WebRig

# Fixtures used here (module attributes, so pytest finds them and ruff sees no shadowing).
fake_bot_api = fixtures.fake_bot_api
tg = tgrig.tg
web = webrig.web

# ---------------------------------------------------------------- the page and its session


async def test_page_is_chinese_and_sets_a_signed_session_cookie(web: WebRig) -> None:
    b = web.browser()
    resp = await b.open_page()
    html = await resp.text()
    assert "匠心点单" in html and 'lang="zh-CN"' in html
    assert "/chat/static/chat.js?v=" in html  # versioned, so upgrades are not cached stale
    cookie = resp.headers["Set-Cookie"]
    assert cookie.startswith(f"{COOKIE}=") and "HttpOnly" in cookie and "SameSite=Lax" in cookie
    assert "script-src 'self'" in resp.headers["Content-Security-Policy"]
    first = b.cookie
    await b.open_page()
    assert b.cookie == first  # the same session on every visit


async def test_page_follows_the_browsers_language(web: WebRig) -> None:
    resp = await web.browser().open_page(headers={"Accept-Language": "en-US,en;q=0.9"})
    assert "Describe what you need" in await resp.text()


async def test_static_files_are_served(web: WebRig) -> None:
    async with aiohttp.ClientSession() as s:
        for name, kind in (("chat.js", "javascript"), ("chat.css", "css")):
            async with s.get(web.url(f"/chat/static/{name}")) as resp:
                assert resp.status == 200 and kind in resp.headers["Content-Type"]
        async with s.get(web.url("/"), allow_redirects=False) as resp:
            assert resp.status == 302 and resp.headers["Location"].startswith("/chat")


async def test_session_key_is_generated_once_and_kept(web: WebRig) -> None:
    async with web.deps.db.session() as s:
        stored = await s.get(Meta, "web_secret")
    assert stored is not None and len(stored.value) == 64


# ---------------------------------------------------------------- who may open the socket


async def test_socket_without_a_valid_session_is_refused(web: WebRig) -> None:
    b = web.browser()
    await b.open_page()
    sid, _, sig = (b.cookie or "").partition(".")
    forged = f"{sid[:-1]}{'A' if sid[-1] != 'A' else 'B'}.{sig}"
    async with aiohttp.ClientSession(cookies={COOKIE: forged}) as s:
        with pytest.raises(aiohttp.WSServerHandshakeError) as exc:
            await s.ws_connect(web.url("/chat/ws"), origin=b.origin)
    assert exc.value.status == 401


@pytest.mark.parametrize("origin", ["http://evil.example", "null", None])
async def test_socket_from_another_origin_is_refused(web: WebRig, origin: str | None) -> None:
    b = web.browser()
    await b.open_page()
    with pytest.raises(aiohttp.WSServerHandshakeError) as exc:
        await b.connect(origin=origin)
    assert exc.value.status == 403


@pytest.mark.settings(web_origins=["https://wx.example.org"])
async def test_listed_origin_is_allowed(web: WebRig) -> None:
    sock = await web.browser().connect(origin="https://wx.example.org")
    assert sock.seen[0]["type"] == "history"


# ---------------------------------------------------------------- talking through the core


async def test_first_visit_is_greeted_by_the_core(web: WebRig) -> None:
    b = web.browser()
    sock = await b.connect()
    history = sock.seen[0]["messages"]
    assert len(history) == 1 and "匠心点单" in history[0]["text"]
    menu = sock.seen[1]["commands"]
    assert {"command": "help", "label": "帮助"} in menu
    # A visit writes nothing (issue 13): the person is made when they first write.
    assert await _web_people(web.deps.db) == []
    await sock.say("/help")
    [person] = await _web_people(web.deps.db)
    assert person.language == "zh"
    again = await b.connect()  # the greeting opens the stored transcript
    assert [m["role"] for m in again.seen[0]["messages"]] == ["bot", "user", "bot"]
    assert "匠心点单" in again.seen[0]["messages"][0]["text"]


async def test_commands_and_text_go_to_the_same_flows_as_telegram(web: WebRig) -> None:
    sock = await web.browser().connect()
    await sock.send({"type": "text", "text": "/help"})
    echo = await sock.next("message")
    assert echo["message"] == {**echo["message"], "role": "user", "text": "/help"}
    answer = await sock.bot_message()
    assert "/myorders" in answer["text"]
    assert "没有进行中的操作" in (await sock.say("/cancel"))["text"]
    assert "/help" in (await sock.say("/nosuchcommand"))["text"]


async def test_reconnecting_page_receives_the_whole_transcript(web: WebRig) -> None:
    b = web.browser()
    sock = await b.connect()
    await sock.say("/help")
    shown = sock.texts()
    await sock.close()
    again = await b.connect()
    assert again.texts() == shown and len(shown) == 3  # greeting, "/help", the help text
    roles = [m["role"] for m in again.seen[0]["messages"]]
    assert roles == ["bot", "user", "bot"]


async def test_messages_sent_while_offline_arrive_on_reconnect(web: WebRig) -> None:
    b = web.browser()
    sock = await b.connect()
    await sock.say("/help")
    await sock.close()
    person = await _web_person(web.deps.db)
    offer = Reply("订单 <b>JX-000001</b> 有新进展", buttons=((Button("查看", data="xview:1"),),))
    ref = await notify(web.deps, person, offer)
    assert ref is not None and ref.platform == "web"
    again = await b.connect()
    last = again.seen[0]["messages"][-1]
    assert last["text"] == offer.text and last["buttons"] == [
        [{"label": "查看", "data": "xview:1"}]
    ]


async def test_live_delivery_and_edits_reach_every_open_tab(web: WebRig) -> None:
    b = web.browser()
    tab1 = await b.connect()
    tab2 = await b.connect()
    await tab2.say("/help")  # the visitor writes in one tab: both tabs are theirs
    assert "/myorders" in (await tab1.bot_message())["text"]
    person = await _web_person(web.deps.db)
    ref = await notify(
        web.deps,
        person,
        Reply(
            "有志愿者认领了您的订单",
            buttons=((Button("联系志愿者", url="https://example.org/v"),),),
        ),
    )
    assert ref is not None
    for tab in (tab1, tab2):
        msg = (await tab.next("message"))["message"]
        assert msg["id"] == int(ref.message_id)
        assert msg["buttons"] == [[{"label": "联系志愿者", "url": "https://example.org/v"}]]
    assert await edit(web.deps, ref, Reply("已改期"))
    for tab in (tab1, tab2):
        changed = (await tab.next("edit"))["message"]
        assert changed["text"] == "已改期" and changed["buttons"] == [] and changed["edited"]
    third = await b.connect()  # the stored row was edited too
    assert third.seen[0]["messages"][-1]["text"] == "已改期"


async def test_one_person_cannot_edit_or_download_anothers_messages(web: WebRig) -> None:
    alice, bob = web.browser(), web.browser()
    await (await alice.connect()).say("/help")
    bob_sock = await bob.connect()
    await bob_sock.say("/help")
    a, b = await _web_people(web.deps.db)
    ref = await notify(web.deps, a, Reply("导出", document=Document("订单.csv", b"code\nJX-1\n")))
    assert ref is not None
    forged = type(ref)("web", str(b.id), ref.message_id)  # Bob's id, Alice's message
    assert not await edit(web.deps, forged, Reply("篡改"))
    await bob_sock.expect_quiet()
    url = f"/chat/file/{ref.message_id}"
    async with bob.session.get(bob.url(url)) as resp:
        assert resp.status == 404
    async with alice.session.get(alice.url(url)) as resp:
        assert resp.status == 200 and await resp.read() == b"code\nJX-1\n"
        assert "attachment" in resp.headers["Content-Disposition"]


async def test_buttons_answer_with_toasts_and_forged_ones_expire(web: WebRig) -> None:
    sock = await web.browser().connect()
    await sock.send({"type": "button", "data": "nosuchverb:1", "message": 1})
    assert await sock.toast() == "已过期"
    await sock.send({"type": "button", "data": "bad data with spaces"})
    assert await sock.toast() == "已过期"
    await sock.send({"type": "button", "data": "nosuchverb:1", "message": 10**12})
    assert await sock.toast() == "已过期"


async def test_a_failure_while_handling_a_frame_keeps_the_chat_open(
    web: WebRig, monkeypatch: pytest.MonkeyPatch
) -> None:
    sock = await web.browser().connect()
    real = messages.store
    calls = 0

    async def flaky(*args: object, **kwargs: object) -> object:
        nonlocal calls
        calls += 1
        if calls == 1:
            raise ConnectionError("database went away")
        return await real(*args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(messages, "store", flaky)
    await sock.send({"type": "text", "text": "/help"})
    assert "系统出了点问题" in await sock.toast()
    assert "/myorders" in (await sock.say("/help"))["text"]


@pytest.mark.parametrize(
    ("frame", "answer"),
    [
        ("not json", "无法识别"),
        ({"type": "sticker"}, "无法识别"),
        ({"type": "text", "text": 5}, "无法识别"),
        ({"type": "button", "data": "x" * 65}, "无法识别"),
        ({"type": "contact", "phone": "call me"}, "手机号码格式不正确"),
        ({"type": "location", "latitude": 91, "longitude": 0}, "位置信息无效"),
        ({"type": "location", "latitude": "30", "longitude": 120}, "位置信息无效"),
    ],
)
async def test_malformed_frames_are_answered_politely(
    web: WebRig, frame: object, answer: str
) -> None:
    sock = await web.browser().connect()
    await sock.send(frame if isinstance(frame, str) else json.dumps(frame))
    assert answer in await sock.toast()
    assert "/myorders" in (await sock.say("/help"))["text"]  # still connected and working


async def test_over_long_text_gets_the_cores_polite_answer(web: WebRig) -> None:
    sock = await web.browser().connect()
    answer = await sock.say("焊" * 1001)
    assert "1000" in answer["text"]


async def test_html_typed_by_a_person_stays_plain_text(web: WebRig) -> None:
    sock = await web.browser().connect()
    await sock.send({"type": "text", "text": "<b>hi</b>"})
    echo = (await sock.next("message"))["message"]
    assert echo["role"] == "user" and echo["text"] == "<b>hi</b>"  # the page shows it as text


async def test_flooding_is_throttled(web: WebRig) -> None:
    sock = await web.browser().connect()
    for _ in range(20):
        await sock.send("{")
    toasts = [await sock.toast() for _ in range(20)]
    assert any("太频繁" in t for t in toasts)


async def test_phone_and_location_reach_the_core_as_contact_and_location(web: WebRig) -> None:
    sock = await web.browser().connect()
    await sock.send({"type": "contact", "phone": "138 0013-8000"})
    assert "13800138000" in (await sock.echo())["text"]
    await sock.bot_message()  # outside a dialog the core says it cannot use a contact here
    await sock.send({"type": "location", "latitude": 30.27, "longitude": 120.15})
    assert "30.27000" in (await sock.echo())["text"]
    await sock.bot_message()
    registry = web.deps.metrics.registry
    for kind in ("contact", "location"):
        labels = {"platform": "web", "kind": kind}
        assert registry.get_sample_value("jiangxin_updates_handled_total", labels) == 1


# ---------------------------------------------------------------- ordering through the page


def _keys(message: dict) -> list[tuple[str, str | None]]:
    return [(k["label"], k["request"]) for row in message["keyboard"] for k in row]


async def test_an_order_placed_on_the_web_is_listed_in_myorders(web: WebRig) -> None:
    b = web.browser()
    sock = await b.connect()
    confirm = await sock.say("家里空调不制冷了，想请师傅上门修一下")
    assert "对吗" in confirm["text"]
    await sock.press("✅ 对，交给", confirm, prefix=True)
    assert "将由" in (await sock.edited())["text"]
    place = await sock.bot_message()
    assert ("📍 发送当前位置", "location") in _keys(place)
    await sock.send({"type": "location", "latitude": 30.2741, "longitude": 120.1551})
    house = await sock.bot_message()  # the door number, asked once (issue 17.10)
    assert "门牌号" in house["text"] and ("不用了", None) in _keys(house)
    await sock.send({"type": "text", "text": "不用了"})
    assert (await sock.bot_message())["remove_keyboard"]  # the place is acknowledged
    when = await sock.bot_message()
    await sock.press("明天", when)
    await sock.edited()
    phone = await sock.bot_message()
    assert ("📱 分享我的手机号", "contact") in _keys(phone)
    await sock.send({"type": "contact", "phone": "138-0013-8000"})
    assert "13800138000" in (await sock.bot_message())["text"]
    photos = await sock.bot_message()
    await sock.press("跳过", photos)
    summary = await sock.edited()  # the photos message becomes the summary
    assert "请核对" in summary["text"] and "13800138000" in summary["text"]
    sock, summary = await sign_in_at_summary(web, b, "13800138000")  # submitting needs it
    await sock.press("确认提交", summary)
    submitted = await sock.edited()  # the summary itself becomes the submitted order
    assert submitted["id"] == summary["id"] and submitted["buttons"] == []
    assert "订单号：<b>JX-000001</b>" in submitted["text"] and "接下来" in submitted["text"]

    await sock.send({"type": "text", "text": "/myorders"})
    await sock.bot_message_with("JX-000001")  # the listing, with the new order in it
    assert "/myorders" in sock.texts()
    async with web.deps.db.session() as s:
        order = (await s.exec(select(Order))).one()
        requester = await s.get(Person, order.requester_id)
    assert order.source == "web" and order.contact_phone == "13800138000"
    assert order.latitude == pytest.approx(30.2741) and order.team_id is not None
    assert requester is not None and requester.platform == "web"
    assert requester.phone == "13800138000"  # staff can call back


async def test_typed_address_and_phone_work_too_and_survive_a_reconnect(web: WebRig) -> None:
    b = web.browser()
    sock = await b.connect()
    confirm = await sock.say("工厂的电机进水了需要维修")
    await sock.press("✅ 对，交给", confirm, prefix=True)
    await sock.edited()
    await sock.bot_message()  # where?
    await sock.close()
    # The page was closed mid-order (a phone call, a lost signal): it picks up where it was.
    sock = await b.connect()
    last = sock.seen[0]["messages"][-1]
    assert ("📍 发送当前位置", "location") in _keys(last)
    await sock.say("余杭区仓前街道 <b>文一西路</b> 1号")
    when = await sock.bot_message()
    await sock.press("尽快", when)
    await sock.edited()
    await sock.bot_message()  # phone?
    await sock.say("13900139000")
    photos = await sock.bot_message()
    await sock.press("跳过", photos)
    summary = await sock.edited()  # the photos message becomes the summary
    assert "&lt;b&gt;文一西路&lt;/b&gt;" in summary["text"]  # typed markup stays text
    sock, summary = await sign_in_at_summary(web, b, "13900139000")
    await sock.press("确认提交", summary)
    submitted = await sock.edited()  # the summary itself becomes the submitted order
    assert submitted["id"] == summary["id"] and submitted["buttons"] == []
    assert "订单号：<b>JX-000001</b>" in submitted["text"] and "接下来" in submitted["text"]


async def test_poster_deep_link_opens_the_order_dialog(web: WebRig) -> None:
    sock = await web.browser().connect(query="?start=team-electric")
    prompt = sock.seen[0]["messages"][-1]
    assert "电气维修服务队" in prompt["text"]
    assert [b["label"] for row in prompt["buttons"] for b in row] == ["取消"]


async def test_a_bad_start_parameter_is_ignored(web: WebRig) -> None:
    sock = await web.browser().connect(query="?start=%3Cscript%3E")
    (greeting,) = sock.seen[0]["messages"]
    assert "匠心点单" in greeting["text"]


async def test_pressing_an_old_button_again_expires(web: WebRig) -> None:
    sock = await web.browser().connect()
    confirm = await sock.say("家里空调不制冷了，想请师傅上门修一下")
    await sock.press("取消", confirm)
    assert "已取消" in (await sock.edited())["text"]
    await sock.press("取消", confirm)
    assert await sock.toast() == "已过期"


# ---------------------------------------------------------------- health and metrics


async def test_healthz_is_ok_with_database_and_scheduler(web: WebRig) -> None:
    web.deps.scheduler = SimpleNamespace(running=True)
    async with aiohttp.ClientSession() as s, s.get(web.url("/healthz")) as resp:
        assert resp.status == 200
        assert await resp.json() == {
            "status": "ok",
            "database": "ok",
            "scheduler": "running",
            "roles": ["web", "telegram", "wechat", "scheduler"],
            "set_aside_updates_24h": 0,
        }
    async with web.deps.db.session() as session:
        await poison.set_aside(
            session, platform="telegram", update_id=9, raw={"update_id": 9}, error="TypeError"
        )
    async with aiohttp.ClientSession() as s, s.get(web.url("/healthz")) as resp:
        assert resp.status == 200 and (await resp.json())["set_aside_updates_24h"] == 1


@pytest.mark.settings(roles="web")
async def test_a_web_only_instance_says_so(web: WebRig) -> None:
    async with aiohttp.ClientSession() as s, s.get(web.url("/healthz")) as resp:
        assert (await resp.json())["roles"] == ["web"]


async def test_healthz_fails_when_the_scheduler_stopped(web: WebRig) -> None:
    web.deps.scheduler = SimpleNamespace(running=False)
    async with aiohttp.ClientSession() as s, s.get(web.url("/healthz")) as resp:
        assert resp.status == 503
        assert (await resp.json())["scheduler"] == "stopped"


async def test_healthz_absent_scheduler_counts_only_when_tasks_exist(web: WebRig) -> None:
    web.deps.scheduler = None
    assert web.deps.bus.tasks  # the flows register durable task kinds
    async with aiohttp.ClientSession() as s:
        async with s.get(web.url("/healthz")) as resp:
            assert resp.status == 503 and (await resp.json())["scheduler"] == "absent"
        web.deps.bus.tasks.clear()
        async with s.get(web.url("/healthz")) as resp:
            assert resp.status == 200 and (await resp.json())["scheduler"] == "absent"


async def test_healthz_fails_when_the_database_is_unreachable(web: WebRig) -> None:
    web.deps.scheduler = SimpleNamespace(running=True)
    real = web.deps.db
    web.deps.db = Database("postgresql+asyncpg://nobody@127.0.0.1:1/nothing")
    try:
        async with aiohttp.ClientSession() as s, s.get(web.url("/healthz")) as resp:
            assert resp.status == 503
            assert await resp.json() == {
                "status": "unavailable",
                "database": "unreachable",
                "scheduler": "running",
                "roles": ["web", "telegram", "wechat", "scheduler"],
            }
    finally:
        await web.deps.db.dispose()
        web.deps.db = real


async def test_metrics_are_prometheus_text_with_fresh_order_counts(web: WebRig) -> None:
    sock = await web.browser().connect()
    await sock.say("/help")
    person = await _web_person(web.deps.db)
    async with web.deps.db.session() as s:
        for _ in range(2):
            await create_order(s, requester_id=person.id, text="空调不制冷", now=T0)
    async with aiohttp.ClientSession() as s, s.get(web.url("/metrics")) as resp:
        assert resp.status == 200 and resp.headers["Content-Type"].startswith("text/plain")
        body = await resp.text()
    for name in (
        "jiangxin_updates_handled_total",
        "jiangxin_offers_sent_total",
        "jiangxin_time_to_claim_seconds_bucket",
        "jiangxin_scheduler_task_lag_seconds_bucket",
    ):
        assert name in body
    assert 'jiangxin_orders{status="new"} 2.0' in body
    assert 'jiangxin_orders{status="cancelled"} 0.0' in body
    assert 'jiangxin_updates_handled_total{kind="command",platform="web"}' in body
    async with web.deps.db.session() as s:
        n = (
            await s.exec(
                select(func.count()).select_from(Order).where(Order.status == OrderStatus.NEW)
            )
        ).one()
    assert n == 2


async def test_metrics_are_refused_through_a_proxy_without_a_token(web: WebRig) -> None:
    headers = {"X-Forwarded-For": "203.0.113.7"}
    async with aiohttp.ClientSession() as s, s.get(web.url("/metrics"), headers=headers) as resp:
        assert resp.status == 403 and "JIANGXIN_METRICS_TOKEN" in await resp.text()


@pytest.mark.settings(metrics_token="s3cret-scrape")
async def test_metrics_token_is_required_when_set(web: WebRig) -> None:
    async with aiohttp.ClientSession() as s:
        async with s.get(web.url("/metrics")) as resp:
            assert resp.status == 401
        wrong = {"Authorization": "Bearer nope"}
        async with s.get(web.url("/metrics"), headers=wrong) as resp:
            assert resp.status == 401
        right = {"Authorization": "Bearer s3cret-scrape", "X-Forwarded-For": "203.0.113.7"}
        async with s.get(web.url("/metrics"), headers=right) as resp:
            assert resp.status == 200 and "jiangxin_orders" in await resp.text()


# ---------------------------------------------------------------- Telegram's webhook

WEBHOOK = {
    "telegram_mode": "webhook",
    "webhook_url": "https://bot.example.org/tg/hook-7f3a",
    "webhook_secret": "s3cret-Token_1",
}
GOOD = {SECRET_HEADER: "s3cret-Token_1"}


def _hook_url(tg: TgRig) -> str:
    web_component = next(c for c in tg.components if c.name == "web")
    return f"http://127.0.0.1:{web_component.port}/tg/hook-7f3a"  # type: ignore[attr-defined]


async def _processed(db: Database, update_id: int | None = None) -> int:
    """Updates stored in the inbox (each once, whatever Telegram re-sent)."""
    async with db.session() as s:
        stmt = select(func.count()).select_from(InboxUpdate)
        if update_id is not None:
            stmt = stmt.where(InboxUpdate.key == str(update_id))
        return int((await s.exec(stmt)).one())


def test_webhook_secret_is_derived_from_the_token_when_not_configured() -> None:
    one = webhook_secret(make_settings(telegram_token="1:a"))
    assert re.fullmatch(r"[0-9a-f]{64}", one)  # within Telegram's secret_token alphabet
    assert one == webhook_secret(make_settings(telegram_token="1:a"))  # stable over restarts
    assert one != webhook_secret(make_settings(telegram_token="1:b"))
    with pytest.raises(WebhookConfigError, match="JIANGXIN_WEBHOOK_SECRET"):
        webhook_secret(make_settings(telegram_token="1:a", webhook_secret="has spaces"))


@pytest.mark.settings(**WEBHOOK)
async def test_webhook_mode_registers_the_url_and_secret_instead_of_polling(tg: TgRig) -> None:
    server = tg.api.server
    assert server.webhook is not None
    assert server.webhook["url"] == WEBHOOK["webhook_url"]
    assert server.webhook["secret_token"] == WEBHOOK["webhook_secret"]
    assert server.webhook["allowed_updates"] == ["message", "callback_query", "my_chat_member"]
    assert not server.calls_of("getUpdates")


@pytest.mark.settings(**WEBHOOK)
async def test_webhook_refuses_a_missing_or_wrong_secret(tg: TgRig) -> None:
    user = tg.user(1001, "王师傅")
    await user.send("/start")
    update = tg.api.server.updates[-1]
    async with aiohttp.ClientSession() as s:
        for headers in (
            {},
            {SECRET_HEADER: "wrong"},
            {SECRET_HEADER: "s3cret-Token_1x"},
            {SECRET_HEADER: "s3cret-Token_"},
        ):
            async with s.post(_hook_url(tg), json=update, headers=headers) as resp:
                assert resp.status == 403
    await user.expect_no_message(within=0.3)
    assert await _processed(tg.db) == 0


@pytest.mark.settings(**WEBHOOK)
async def test_webhook_update_sent_again_is_processed_once(tg: TgRig) -> None:
    user = tg.user(1001, "王师傅")
    await user.send("/start")
    update = tg.api.server.updates[-1]

    async def post() -> int:
        async with (
            aiohttp.ClientSession() as s,
            s.post(_hook_url(tg), json=update, headers=GOOD) as resp,
        ):
            return resp.status

    # Telegram re-sends when an answer is slow: twice at once, and once more later.
    assert await asyncio.gather(post(), post()) == [200, 200]
    msg = await user.next_message()
    assert "王师傅" in (msg.text or "")
    assert await post() == 200
    await user.expect_no_message(within=0.5)
    assert await _processed(tg.db, update["update_id"]) == 1
    await user.send("/help")  # a new update is still handled
    assert await post_update(tg, tg.api.server.updates[-1]) == 200
    assert "/myorders" in ((await user.next_message()).text or "")


async def post_update(tg: TgRig, update: dict) -> int:
    async with (
        aiohttp.ClientSession() as s,
        s.post(_hook_url(tg), json=update, headers=GOOD) as resp,
    ):
        return resp.status


@pytest.mark.settings(**WEBHOOK)
async def test_webhook_refuses_oversized_and_malformed_bodies(tg: TgRig) -> None:
    padding = b"a" * (1024 * 1024)
    big = b'{"update_id": 99, "padding": "' + padding + b'"}'

    async def chunks():  # no Content-Length: the limit holds while reading, too
        for i in range(0, len(big), 64 * 1024):
            yield big[i : i + 64 * 1024]

    async with aiohttp.ClientSession() as s:
        async with s.post(_hook_url(tg), data=io.BytesIO(big), headers=GOOD) as resp:
            assert resp.status == 413
        async with s.post(_hook_url(tg), data=chunks(), headers=GOOD) as resp:
            assert resp.status == 413
        async with s.post(_hook_url(tg), data=b"not json", headers=GOOD) as resp:
            assert resp.status == 400
        async with s.post(_hook_url(tg), json=[1, 2], headers=GOOD) as resp:
            assert resp.status == 400
        async with s.get(_hook_url(tg)) as resp:
            assert resp.status == 405
    assert await _processed(tg.db) == 0


async def test_with_a_token_telegram_and_the_web_chat_run_together(tg: TgRig) -> None:
    url = _hook_url(tg)
    async with aiohttp.ClientSession() as s:
        async with s.post(url, json={"update_id": 1}) as resp:
            assert resp.status == 404  # polling mode: no webhook route
        async with s.get(url.replace("/tg/hook-7f3a", "/chat")) as resp:
            assert resp.status == 200
    assert tg.api.server.webhook is None
    user = tg.user(1001, "王师傅")
    await user.send("/help")
    assert "/myorders" in ((await user.next_message()).text or "")


# ---------------------------------------------------------------- `jiangxin run`


async def test_run_without_a_token_serves_the_web_chat_and_prints_its_url(
    sqlite_db_url: str, capsys: pytest.CaptureFixture[str]
) -> None:
    settings = make_settings(database_url=sqlite_db_url, web_port=0)
    stop = asyncio.Event()
    task = asyncio.create_task(serve(settings, stop=stop))
    printed = ""
    try:
        async with asyncio.timeout(20):
            while "web chat:" not in printed:
                await asyncio.sleep(0.05)
                printed += capsys.readouterr().out
                assert not task.done(), printed
        lines = [line for line in printed.splitlines() if line.strip()]
        assert len(lines) == 1
        match = re.fullmatch(
            r"匠心点单 web chat: (http://127\.0\.0\.1:\d+/chat) "
            r"\(no JIANGXIN_TELEGRAM_TOKEN set: Telegram is off\)",
            lines[0],
        )
        assert match, lines[0]
        async with aiohttp.ClientSession() as s:
            async with s.get(match.group(1)) as resp:
                assert resp.status == 200 and "匠心点单" in await resp.text()
            async with s.get(match.group(1).replace("/chat", "/healthz")) as resp:
                assert resp.status == 200, await resp.text()
    finally:
        stop.set()
        assert await task == 0


async def test_run_stops_with_one_line_when_webhook_mode_has_no_url(
    sqlite_db_url: str, capsys: pytest.CaptureFixture[str]
) -> None:
    settings = make_settings(
        database_url=sqlite_db_url,
        web_port=0,
        telegram_mode="webhook",
        telegram_token="123456:TEST-token",
    )
    assert await serve(settings) == 2
    assert "JIANGXIN_WEBHOOK_URL is required" in capsys.readouterr().err


async def test_run_stops_with_one_line_when_the_port_is_taken(
    sqlite_db_url: str, capsys: pytest.CaptureFixture[str]
) -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        settings = make_settings(database_url=sqlite_db_url, web_port=port)
        assert await serve(settings) == 2
    err = capsys.readouterr().err
    assert f"cannot serve the web chat on 127.0.0.1:{port}" in err and "JIANGXIN_WEB_PORT" in err


# ---------------------------------------------------------------- helpers


async def _web_people(db: Database) -> list[Person]:
    async with db.session() as s:
        stmt = select(Person).where(Person.platform == "web").order_by(Person.id)
        return list((await s.exec(stmt)).all())


async def _web_person(db: Database) -> Person:
    (person,) = await _web_people(db)
    return person
