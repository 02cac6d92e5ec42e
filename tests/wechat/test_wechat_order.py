"""Whole conversations on WeChat: order with free text and msgmenu taps, served via Telegram."""

from __future__ import annotations

import pytest
from sqlmodel import select
from yarl import URL

from bot import dispatch
from store.models import Order, OrderStatus, Person
from tests.utils.webrig import Browser
from tests.wechat.conftest import WxRig
from tests.wechat.driver import WeChatUser


class _Server:
    """Where the rig's web server listens, as the web ring's Browser expects it."""

    host = "127.0.0.1"

    def __init__(self, port: int) -> None:
        self.port = port

    def make_url(self, path: str) -> URL:
        return URL(f"http://{self.host}:{self.port}{path}")


YES_TECH = "✅ 对，交给技术攻关服务队"
PHONE = "13812345678"


async def order_by_wechat(wx: WxRig, u: WeChatUser, *, text: str = "注塑件毛边太多怎么办") -> str:
    """Free text → team confirmed by a msgmenu tap → place, time, phone → order code."""
    await u.send(text)
    confirm = await u.message_with("技术攻关服务队")
    assert confirm.kind == "msgmenu" and YES_TECH in confirm.options
    await u.tap(YES_TECH, confirm)
    place = await u.message_with("服务地点")
    assert place.kind == "msgmenu" and "跳过" in place.options
    assert "＋" in place.text  # WeChat cannot share a location from a button: say how
    await u.send_location(29.87, 121.84, "宁波市北仑区大碶街道")
    when = await u.message_with("什么时候")
    await u.tap("尽快", when)
    phone = await u.message_with("电话")
    await u.send(PHONE)
    photos = await u.message_with("跳过")
    await u.send_image()
    got = await u.message_with("第1张")
    await u.tap("完成", got)
    summary = await u.message_with("确认提交")
    assert text in summary.text and PHONE in summary.text
    assert phone.text and photos.text
    await u.tap("确认提交", summary)
    done = await u.message_with("JX-")
    await wx.settle()
    await dispatch.settle(wx.deps)
    return done.text


async def test_order_by_wechat_and_claim_by_telegram(wx: WxRig) -> None:
    from tests.utils import volunteers as f

    master = wx.user(3001, "李建国", started=True)
    await f.volunteer(wx.deps, 3001, "李建国", honours="全国劳动模范")
    u = wx.wechat_user("oWX_requester_00000000000001")
    await u.subscribe()
    await u.message_with("匠心点单")
    done = await order_by_wechat(wx, u)
    assert "JX-000001" in done
    async with wx.db.session() as s:
        [order] = (await s.exec(select(Order))).all()
        requester = await s.get(Person, order.requester_id)
    assert requester is not None and requester.platform == "wechat"
    assert order.latitude == pytest.approx(29.87) and order.contact_phone == PHONE
    assert len(order.photos) == 1
    # The Telegram volunteer claims; the WeChat requester hears who is coming.
    offer = await master.next_message()
    assert "注塑件毛边" in offer.text and PHONE not in offer.text
    await master.press("认领", message=offer)
    assert (await master.last_callback_answer()).text == "认领成功！"
    told = await u.message_with("认领")
    assert "李建国" in told.text and "全国劳动模范" in told.text and PHONE not in told.text
    async with wx.db.session() as s:
        order = await s.get(Order, order.id)
    assert order is not None and order.status == OrderStatus.CLAIMED
    # A web-chat admin sees the WeChat order, claimed through Telegram.
    admin = Browser(_Server(wx.web.port))  # type: ignore[arg-type]
    try:
        page = await admin.connect()
        await page.say("/help")  # a visitor who wrote: now a person, who can be made admin
        async with wx.db.session() as s:
            web_admin = (await s.exec(select(Person).where(Person.platform == "web"))).one()
            web_admin.roles = ["admin"]
            s.add(web_admin)
        listing = await page.say("/orders")
        assert "JX-000001" in listing["text"] and "已认领" in listing["text"]
    finally:
        await admin.close()


async def test_safe_mode_conversation(wx: WxRig) -> None:
    u = wx.wechat_user("oWX_safe_mode_00000000000001", safe=True)
    await u.send("老板拖欠工资三个月了")
    confirm = await u.message_with("法律维权服务队")
    assert confirm.kind == "msgmenu"


async def test_stale_tap_answers_expired(wx: WxRig) -> None:
    u = wx.wechat_user("oWX_stale_000000000000000001")
    await u.send("注塑件毛边太多怎么办")
    confirm = await u.message_with("技术攻关服务队")
    await u.tap("取消", confirm)
    await u.message_with("取消")
    await u.tap(YES_TECH, confirm)  # the menu of a dialog that is gone
    assert "已过期" in (await u.next_message()).text
    await u.post(u.message("text", Content="伪造", MsgId=1, bizmsgmenuid="nonsense:1"))
    assert "已过期" in (await u.next_message()).text


async def test_numbered_choices_when_a_menu_cannot_carry_them(wx: WxRig) -> None:
    u = wx.wechat_user("oWX_numbered_0000000000000001")
    await u.send("/order")
    teams = await u.next_message()
    # More teams than a msgmenu holds: numbered lines instead, answered with the number.
    assert teams.kind == "text" and "回复 1 " in teams.text, teams.text
    line = next(ln for ln in teams.text.splitlines() if ln.startswith("回复") and "法律维权" in ln)
    number = line.split()[1]
    await u.send(number)
    assert "您选择了【法律维权服务队】" in (await u.next_message()).text
    # The number was used up: the same digits now are just text for the dialog.
    await u.send(number)
    assert "回复" not in (await u.next_message()).text


async def test_menu_clicks_scenes_voice_and_unsupported(wx: WxRig) -> None:
    u = wx.wechat_user("oWX_events_00000000000000001")
    await u.click("myorders")
    assert "订单" in (await u.next_message()).text
    await u.click("volunteer")
    assert "姓名" in (await u.message_with("姓名")).text
    await u.send("/cancel")
    await u.next_message()
    await u.scan("team-tech")
    assert "技术攻关服务队" in (await u.next_message()).text
    await u.send("/cancel")
    await u.next_message()
    await u.send_voice("空调不制冷了")
    assert "服务队" in (await u.next_message()).text
    await u.send("/cancel")
    await u.next_message()
    await u.send_voice()  # no Recognition: a clear answer instead of silence
    assert "语音" in (await u.next_message()).text


async def test_subscribe_with_a_station_scene(wx: WxRig) -> None:
    from store.models import Station

    async with wx.db.session() as s:
        s.add(Station(code="yh-cm01", name="玉环楚门服务站", level="town"))
    u = wx.wechat_user("oWX_station_0000000000000001")
    await u.subscribe("station-yh-cm01")
    assert "玉环楚门服务站" in (await u.next_message()).text


async def test_wechat_volunteer_claims_a_telegram_order(wx: WxRig) -> None:
    from tests.utils import volunteers as f

    openid = "oWX_volunteer_00000000000001"
    v = wx.wechat_user(openid)
    wx.wechat.wrote(openid)  # a follower who wrote to the account lately
    await f.volunteer(wx.deps, openid, "王师傅", platform="wechat")
    requester = wx.user(2001, "陈女士", started=True)
    person = await f.person(wx.deps, 2001, "陈女士", phone=PHONE)
    oid = await f.order(wx.deps, person, address="解放路88号", contact_phone=PHONE)
    await dispatch.start(wx.deps, oid)
    offer = await v.message_with("认领")
    assert offer.kind == "msgmenu" and offer.options == ["认领", "不方便"]
    assert PHONE not in offer.text
    await v.tap("认领", offer)
    # The answer to the tap and the job card go out concurrently: either may come first.
    seen: list[str] = []
    while not ("认领成功！" in seen and any(PHONE in text for text in seen)):
        seen.append((await v.next_message()).text)
    card = next(text for text in seen if PHONE in text)  # now the phone and the address
    assert "解放路88号" in card
    told = await requester.next_message()
    assert "王师傅" in told.text
    await wx.settle()
    await dispatch.settle(wx.deps)
    v.drain()
    await v.tap("认领", offer)  # the same offer again: already theirs, nothing twice
    await wx.settle()
    again = v.drain()
    assert again and not any("认领成功" in m.text for m in again)
    async with wx.db.session() as s:
        order = await s.get(Order, oid)
    assert order is not None and order.status == OrderStatus.CLAIMED
