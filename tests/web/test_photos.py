"""Photos in the web chat: upload, attach to an order, and who may see them."""

from __future__ import annotations

import io

from sqlmodel import select

from bot import dispatch
from store.models import Order, Person, Role, Volunteer
from tests.utils import volunteers as make
from tests.utils import webrig
from tests.utils.signing import sign_in
from tests.utils.webrig import Browser, WebRig

web = webrig.web

JPEG = b"\xff\xd8\xff\xe0" + b"\x00\x10JFIF" + bytes(range(256)) * 4


async def _upload(b: Browser, body: bytes, kind: str = "image/jpeg") -> tuple[int, dict]:
    headers = {"Origin": b.origin, "Content-Type": kind}
    data = io.BytesIO(body)
    async with b.session.post(b.url("/chat/photo"), data=data, headers=headers) as resp:
        return resp.status, (await resp.json() if resp.status == 200 else {})


async def _get(b: Browser, url: str) -> int:
    async with b.session.get(b.url(url)) as resp:
        await resp.read()
        return resp.status


async def test_upload_checks_type_and_size_and_only_the_uploader_sees_it(web: WebRig) -> None:
    b = web.browser()
    await b.connect()  # a visitor: the upload (writing) makes the person
    status, body = await _upload(b, JPEG)
    assert (status, body) == (200, {"photo": "web:1"})
    async with b.session.get(b.url("/chat/photo/1")) as resp:
        assert resp.status == 200 and await resp.read() == JPEG
        assert resp.headers["Content-Type"] == "image/jpeg"
    stranger = web.browser()
    await stranger.connect()
    assert await _get(stranger, "/chat/photo/1") == 404
    assert (await _upload(b, b"<svg onload=alert(1)>", "image/jpeg"))[0] == 415
    assert (await _upload(b, b"\xff\xd8\xff" + bytes(5 * 1024 * 1024)))[0] == 413


async def test_a_photo_joins_the_order_and_the_claiming_volunteer_sees_it(web: WebRig) -> None:
    b = web.browser()
    sock = await b.connect()
    confirm = await sock.say("家里空调不制冷了，想请师傅上门修一下")
    await sock.press("✅ 对，交给", confirm, prefix=True)
    await sock.edited()
    await sock.bot_message()  # where?
    await sock.say("余杭区仓前街道文一西路 1 号")
    when = await sock.bot_message()
    await sock.press("明天", when)
    await sock.edited()
    await sock.bot_message()  # phone?
    await sock.say("13800138000")
    await sock.bot_message()  # photos?
    _, body = await _upload(b, JPEG)
    await sock.send({"type": "photo", "photo": body["photo"]})
    echo = await sock.echo()
    assert echo["images"] == ["/chat/photo/1"]
    got = await sock.bot_message()
    assert "已收到第1张照片" in got["text"]
    # Someone else's photo id cannot be attached.
    await sock.send({"type": "photo", "photo": "web:999"})
    assert "无法识别" in await sock.toast()
    await sock.press("完成", got)
    assert "请核对" in (await sock.edited())["text"]  # the photos message, now the summary

    await sign_in(web, b, "13800138000")
    sock = await b.connect()
    summary = [m for m in sock.messages.values() if "请核对" in m["text"]][-1]
    await sock.press("确认提交", summary)
    await sock.shows("JX-000001")
    async with web.deps.db.session() as s:
        order = (await s.exec(select(Order))).one()
    assert order.photos == ["web:1"]

    # A web volunteer: nothing before the claim, the photo after it.
    helper = web.browser()
    await helper.open_page()
    await sign_in(web, helper, "13900139000")
    async with web.deps.db.session() as s:
        person = (await s.exec(select(Person).where(Person.phone == "13900139000"))).one()
    v = await make.volunteer(web.deps, "unused", "李师傅", teams=("convenience",))
    async with web.deps.db.session() as s:
        row = await s.get(Volunteer, v.id)
        assert row is not None
        row.person_id = person.id  # type: ignore[assignment]
        s.add(row)
    assert await _get(helper, "/chat/photo/1") == 404
    assert await dispatch.claim(web.deps, order.id, v.id)  # type: ignore[arg-type]
    assert await _get(helper, "/chat/photo/1") == 200

    # An admin may see it too.
    boss = web.browser()
    await boss.open_page()
    await sign_in(web, boss, "13700137000")
    assert await _get(boss, "/chat/photo/1") == 404
    async with web.deps.db.session() as s:
        admin = (await s.exec(select(Person).where(Person.phone == "13700137000"))).one()
        admin.roles = [Role.ADMIN]
        s.add(admin)
    assert await _get(boss, "/chat/photo/1") == 200
