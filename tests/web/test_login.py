"""Phone sign-in on the web chat: the HTTP contract, its limits, and identity across devices.

Browsers are aiohttp clients with their own cookie jars on the real app (SQLite
and PostgreSQL); the SMS gateway records the codes it was asked to send.
"""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlmodel import select

from bot import dispatch, signin
from bot.clock import FixedClock
from bot.orders import create_order
from bot.sms import SmsError
from handlers.web.keys import SESSIONS
from store.models import DialogState, LoginCode, Order, Person, VerifiedPhone, WebSession
from tests.utils import volunteers as make
from tests.utils import webrig
from tests.utils.notifier import RecordingNotifier
from tests.utils.signing import post, recording_sms, sign_in
from tests.utils.webrig import Browser, Socket, WebRig

web = webrig.web

PHONE = "13800138000"
PUBLIC = "https://chat.example.org"  # the web chat's address behind a reverse proxy


async def _summary(sock: Socket) -> dict:
    """Fill an order up to its summary (anonymous so far)."""
    confirm = await sock.say("家里空调不制冷了，想请师傅上门修一下")
    await sock.press("✅ 对，交给", confirm, prefix=True)
    await sock.edited()
    await sock.bot_message()  # where?
    await sock.say("余杭区仓前街道文一西路 1 号")
    when = await sock.bot_message()
    await sock.press("明天", when)
    await sock.edited()
    await sock.bot_message()  # phone?
    await sock.say(PHONE)
    photos = await sock.bot_message()
    await sock.press("跳过", photos)
    summary = await sock.edited()  # the photos message becomes the summary
    assert "请核对" in summary["text"]
    return summary


def _summary_in(sock: Socket) -> dict:
    found = [m for m in sock.messages.values() if "请核对" in m["text"]]
    assert found, sock.texts()
    return found[-1]


# ---------------------------------------------------------------- the HTTP contract


async def test_code_then_login_sets_a_new_signed_cookie(web: WebRig) -> None:
    sms = recording_sms(web)
    b = web.browser()
    await b.open_page()
    anonymous = b.cookie
    status, body = await post(b, "/chat/login/code", {"phone": "138 0013 8000"})
    assert (status, body) == (200, {"sent": True, "retry_after": 60})
    code = sms.last_code(PHONE)
    assert len(code) == 6 and code.isdigit()
    status, body = await post(b, "/chat/login", {"phone": PHONE, "code": code})
    assert status == 200 and body == {"ok": True, "phone": "138****8000"}
    assert b.cookie and b.cookie != anonymous  # a fresh session id on sign-in
    async with web.deps.db.session() as s:
        (row,) = (await s.exec(select(LoginCode))).all()
        verified = await s.get(VerifiedPhone, PHONE)
    assert code not in (row.code_hash, row.phone, row.ip) and len(row.code_hash) == 64
    assert row.used_at is not None and verified is not None


async def test_a_code_is_used_once(web: WebRig) -> None:
    sms = recording_sms(web)
    b = web.browser()
    await sign_in(web, b, PHONE)
    other = web.browser()
    await other.open_page()
    status, _ = await post(other, "/chat/login", {"phone": PHONE, "code": sms.last_code(PHONE)})
    assert status == 401


async def test_wrong_code_is_401_and_five_wrong_tries_burn_the_code(web: WebRig) -> None:
    sms = recording_sms(web)
    b = web.browser()
    await b.open_page()
    await post(b, "/chat/login/code", {"phone": PHONE})
    good = sms.last_code(PHONE)
    wrong = f"{(int(good) + 1) % 10**6:06d}"
    for _ in range(5):
        status, body = await post(b, "/chat/login", {"phone": PHONE, "code": wrong})
        assert (status, body) == (401, {"ok": False})
    status, _ = await post(b, "/chat/login", {"phone": PHONE, "code": good})
    assert status == 401  # burnt: the right code no longer works


async def test_codes_expire_after_five_minutes(web: WebRig, clock: FixedClock) -> None:
    sms = recording_sms(web)
    b = web.browser()
    await b.open_page()
    await post(b, "/chat/login/code", {"phone": PHONE})
    clock.advance(timedelta(minutes=5, seconds=1))
    status, _ = await post(b, "/chat/login", {"phone": PHONE, "code": sms.last_code(PHONE)})
    assert status == 401


async def test_one_code_per_phone_per_minute_and_five_an_hour(
    web: WebRig, clock: FixedClock
) -> None:
    sms = recording_sms(web)
    b = web.browser()
    await b.open_page()
    assert (await post(b, "/chat/login/code", {"phone": PHONE}))[0] == 200
    clock.advance(timedelta(seconds=20))
    status, body = await post(b, "/chat/login/code", {"phone": PHONE})
    assert (status, body) == (429, {"sent": False, "retry_after": 40})
    for _ in range(4):
        clock.advance(timedelta(seconds=61))
        assert (await post(b, "/chat/login/code", {"phone": PHONE}))[0] == 200
    clock.advance(timedelta(seconds=61))
    status, body = await post(b, "/chat/login/code", {"phone": PHONE})
    assert status == 429 and 0 < body["retry_after"] <= 3600
    assert len(sms.to(PHONE)) == 5
    clock.advance(timedelta(hours=1))
    assert (await post(b, "/chat/login/code", {"phone": PHONE}))[0] == 200


async def test_twenty_codes_per_ip_an_hour(web: WebRig) -> None:
    b = web.browser()
    await b.open_page()
    recording_sms(web)
    for i in range(20):
        assert (await post(b, "/chat/login/code", {"phone": f"1390000{i:04d}"}))[0] == 200
    status, body = await post(b, "/chat/login/code", {"phone": "13700000000"})
    assert status == 429 and body["retry_after"] > 0


@pytest.mark.settings(web_public_url=PUBLIC)
async def test_behind_a_proxy_the_limit_is_per_browser_address(web: WebRig) -> None:
    """Behind a reverse proxy on this host every request comes from 127.0.0.1: the limit
    counts the address the proxy forwards, or 20 codes an hour would stop everyone."""
    b = web.browser()
    await b.open_page()
    recording_sms(web)

    async def code(phone: str, address: str) -> int:
        headers = {"Origin": PUBLIC, "X-Forwarded-For": address}
        async with b.session.post(
            b.url("/chat/login/code"), json={"phone": phone}, headers=headers
        ) as resp:
            return resp.status

    for i in range(20):
        assert await code(f"1390000{i:04d}", f"203.0.113.{i + 1}") == 200
    assert await code("13700000000", "198.51.100.7") == 200  # another browser
    for i in range(19):
        assert await code(f"1360000{i:04d}", "198.51.100.7") == 200
    assert await code("13500000000", "198.51.100.7") == 429  # that browser's 21st


async def test_bad_requests_are_refused(web: WebRig) -> None:
    b = web.browser()
    await b.open_page()
    recording_sms(web)
    assert (await post(b, "/chat/login/code", {"phone": "12345"}))[0] == 400
    async with b.session.post(
        b.url("/chat/login/code"), json={"phone": PHONE}, headers={"Origin": "https://evil.example"}
    ) as resp:
        assert resp.status == 403  # no sign-in requests from other sites
    assert (await post(b, "/chat/login", {"phone": PHONE, "code": "abc"}))[0] == 401


# ---------------------------------------------------------------- when sign-in is asked for


async def test_anonymous_order_asks_for_sign_in_at_submit_and_then_goes_through(
    web: WebRig,
) -> None:
    b = web.browser()
    sock = await b.connect()
    summary = await _summary(sock)
    await sock.press("确认提交", summary)
    ask = await sock.bot_message_with("手机号登录")
    assert ask["buttons"][0][0]["url"] == "#login"
    async with web.deps.db.session() as s:
        assert (await s.exec(select(Order))).first() is None
    await sign_in(web, b, PHONE)
    await sock.close()
    sock = await b.connect()  # the page reconnects after signing in
    summary = _summary_in(sock)
    await sock.press("确认提交", summary)  # the same summary, carried over
    submitted = await sock.edited()
    assert submitted["id"] == summary["id"] and "JX-000001" in submitted["text"]
    async with web.deps.db.session() as s:
        order = (await s.exec(select(Order))).one()
        owner = await s.get(VerifiedPhone, PHONE)
    assert owner is not None and order.requester_id == owner.person_id


async def test_a_second_device_sees_the_same_orders_and_history(
    web: WebRig, clock: FixedClock
) -> None:
    first = web.browser()
    sock = await first.connect()
    await sign_in(web, first, PHONE)
    sock = await first.connect()
    await sock.press("确认提交", await _summary(sock))
    await sock.shows("JX-000001")

    second = web.browser()
    other = await second.connect()
    await other.send({"type": "text", "text": "/myorders"})
    ask = await other.bot_message_with("其他设备")  # anonymous: told to sign in
    assert "JX-000001" not in " ".join(other.texts()) and ask
    clock.advance(timedelta(minutes=2))
    await sign_in(web, second, PHONE)
    other = await second.connect()
    assert any("JX-000001" in text for text in other.texts())  # the same transcript
    await other.send({"type": "text", "text": "/myorders"})
    await other.bot_message_with("JX-000001")
    async with web.deps.db.session() as s:
        sessions = (await s.exec(select(WebSession))).all()
    assert len({row.person_id for row in sessions}) == 1 and len(sessions) == 2


async def test_a_phone_already_used_on_telegram_links_to_that_person(web: WebRig) -> None:
    async with web.deps.db.session() as s:
        tg_person = Person(platform="telegram", external_id="4242", display_name="王", phone=PHONE)
        s.add(tg_person)
        await s.flush()
        await create_order(s, requester_id=tg_person.id, text="修水管", now=web.deps.now())
        tg_id = tg_person.id
    b = web.browser()
    sock = await b.connect()
    await sign_in(web, b, PHONE)
    sock = await b.connect()
    await sock.send({"type": "text", "text": "/myorders"})
    await sock.bot_message_with("JX-000001")  # the Telegram person's order
    async with web.deps.db.session() as s:
        verified = await s.get(VerifiedPhone, PHONE)
        web_people = (await s.exec(select(Person).where(Person.platform == "web"))).all()
    assert verified is not None and verified.person_id == tg_id
    assert web_people == []  # no second phone person (and the visitor never wrote as one)


async def test_volunteer_application_asks_for_sign_in_on_the_web(web: WebRig) -> None:
    b = web.browser()
    sock = await b.connect()
    await sock.send({"type": "text", "text": "/volunteer"})
    await sock.bot_message_with("报名志愿者前请先用手机号登录")
    async with web.deps.db.session() as s:
        assert (await s.exec(select(DialogState))).first() is None
    await sign_in(web, b, PHONE)
    sock = await b.connect()
    await sock.send({"type": "text", "text": "/volunteer"})
    reply = await sock.bot_message()
    assert "登录" not in reply["text"]


async def test_logout_makes_the_browser_anonymous_again(web: WebRig) -> None:
    b = web.browser()
    await sign_in(web, b, PHONE)
    signed = b.cookie
    status, body = await post(b, "/chat/logout", {})
    assert (status, body) == (200, {"ok": True})
    assert b.cookie != signed
    async with web.deps.db.session() as s:
        assert (await s.exec(select(WebSession))).first() is None
        person = await signin.person_of_session(s, signed.partition(".")[0])
    assert person is None


# ---------------------------------------------------------------- one-time links


async def _link(web: WebRig, b: Browser) -> tuple[str, int]:
    await sign_in(web, b, PHONE)
    async with web.deps.db.session() as s:
        owner = await s.get(VerifiedPhone, PHONE)
        assert owner is not None
        order = await create_order(
            s, requester_id=owner.person_id, text="修门锁", now=web.deps.now()
        )
        token = await signin.make_link(
            s,
            person_id=owner.person_id,
            order_id=order.id,
            now=web.deps.now(),
            key=web.server.app[SESSIONS].key,
        )
    return token, order.id  # type: ignore[return-value]


async def test_a_link_opens_the_chat_signed_in_on_its_order_once(web: WebRig) -> None:
    token, order_id = await _link(web, web.browser())
    fresh = web.browser()
    async with fresh.session.get(fresh.url(f"/chat/l/{token}"), allow_redirects=False) as resp:
        assert resp.status == 302
        assert resp.headers["Location"] == f"/chat?start=order-{order_id}"
    sock = await fresh.connect(query=f"?start=order-{order_id}")
    await sock.shows("JX-000001", "修门锁")
    # Replayed (a forwarded SMS, a second tap): no sign-in the second time.
    again = web.browser()
    async with again.session.get(again.url(f"/chat/l/{token}"), allow_redirects=False) as resp:
        assert resp.status == 302 and "expired=1" in resp.headers["Location"]
    assert again.cookie is None


async def test_a_link_expires_after_a_day(web: WebRig, clock: FixedClock) -> None:
    token, _ = await _link(web, web.browser())
    clock.advance(timedelta(hours=24, seconds=1))
    fresh = web.browser()
    async with fresh.session.get(fresh.url(f"/chat/l/{token}"), allow_redirects=False) as resp:
        assert resp.status == 302 and "expired=1" in resp.headers["Location"]


async def test_a_provider_error_is_reported_and_nothing_is_sent(web: WebRig) -> None:
    sms = recording_sms(web)
    sms.fail_with = SmsError("isv.AMOUNT_NOT_ENOUGH")
    b = web.browser()
    await b.open_page()
    status, body = await post(b, "/chat/login/code", {"phone": PHONE})
    assert (status, body) == (502, {"sent": False, "error": "isv.AMOUNT_NOT_ENOUGH"})
    assert sms.sent == []


async def test_the_name_given_at_sign_in_is_what_volunteers_see(
    web: WebRig, notifier: RecordingNotifier
) -> None:
    sms = recording_sms(web)
    b = web.browser()
    await b.open_page()
    async with b.session.get(b.url("/chat/me")) as resp:
        assert await resp.json() == {"signed_in": False, "name": ""}
    await post(b, "/chat/login/code", {"phone": PHONE})
    code = sms.last_code(PHONE)
    body = {"phone": PHONE, "code": code, "name": "  王师傅 "}
    assert (await post(b, "/chat/login", body))[0] == 200
    async with b.session.get(b.url("/chat/me")) as resp:
        me = await resp.json()
    assert me == {"signed_in": True, "name": "王师傅", "phone": "138****8000"}
    async with web.deps.db.session() as s:
        owner = await s.get(VerifiedPhone, PHONE)
        assert owner is not None
        requester = await s.get(Person, owner.person_id)
    assert requester is not None and requester.display_name == "王师傅"
    # What the volunteer's job card says about the requester once they claim.
    order_id = await make.order(web.deps, requester)
    v = await make.volunteer(web.deps, 7001, "李师傅")
    assert await dispatch.claim(web.deps, order_id, v.id)  # type: ignore[arg-type]
    cards = [s.reply.text for s in notifier.sent if s.external_id == "7001"]
    assert any("求助人：王师傅" in text for text in cards), cards
