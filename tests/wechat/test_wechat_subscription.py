"""A subscription account (订阅号): no customer-service API, so every reply is passive.

With ``JIANGXIN_WECHAT_MODE=subscription`` the callback answers each message with
the replies in its response (a text message, choices as numbered lines), and what
the bot has to say in between — a Telegram volunteer's claim — waits for the
person's next message. The fake refuses the customer-service, template, menu and
QR APIs as WeChat refuses an unverified subscription account (48001).
"""

from __future__ import annotations

import re

import pytest
from sqlmodel import select

from bot import dispatch
from store.models import Order, WechatPending
from tests.utils import volunteers as f
from tests.wechat.conftest import WxRig
from tests.wechat.driver import _MSG_IDS, WeChatUser

PHONE = "13812345678"
pytestmark = pytest.mark.settings(wechat_mode="subscription")


def number(answer: str, label: str) -> str:
    """The number of the choice ``label`` in a passive answer ("回复 2 尽快")."""
    for line in answer.splitlines():
        m = re.fullmatch(r"回复 (\d+) (.+)", line.strip())
        if m and m.group(2) == label:
            return m.group(1)
    raise AssertionError(f"no choice {label!r} in:\n{answer}")


async def _kept(wx: WxRig, openid: str) -> int:
    async with wx.db.session() as s:
        rows = (await s.exec(select(WechatPending).where(WechatPending.openid == openid))).all()
    return len(rows)


async def test_an_order_by_passive_replies_and_a_claim_told_on_the_next_message(
    wx: WxRig,
) -> None:
    wx.wechat.state.subscription = True
    master = wx.user(3001, "李建国", started=True)
    await f.volunteer(wx.deps, 3001, "李建国")
    u = wx.wechat_user("oWX_subscriber_0000000000001")
    wx.wechat.follower(u.openid)
    hello = await u.ask(u.message("event", Event="subscribe"))
    assert "匠心点单" in hello
    confirm = await u.say("注塑件毛边太多怎么办")
    assert "技术攻关服务队" in confirm and "请回复数字选择" in confirm
    place = await u.say(number(confirm, "✅ 对，交给技术攻关服务队"))
    assert "服务地点" in place
    location = u.message(
        "location", Location_X=29.87, Location_Y=121.84, Scale=15, Label="宁波市北仑区大碶街道",
        MsgId=next(_MSG_IDS),
    )  # fmt: skip
    wx.wechat.wrote(u.openid)
    when = await u.ask(location)
    assert "宁波市北仑区大碶街道" in when and "什么时候" in when
    phone = await u.say(number(when, "尽快"))
    assert "电话" in phone
    photos = await u.say(PHONE)
    assert "跳过" in photos
    media = wx.wechat.add_media()
    wx.wechat.wrote(u.openid)
    got = await u.ask(
        u.message("image", PicUrl="http://x/y.jpg", MediaId=media, MsgId=next(_MSG_IDS))
    )
    assert "第1张" in got
    summary = await u.say(number(got, "完成"))
    assert "确认提交" in summary and PHONE in summary
    done = await u.say(number(summary, "确认提交"))
    assert "JX-000001" in done
    await wx.settle()
    await dispatch.settle(wx.deps)
    # A Telegram volunteer claims: the requester cannot be messaged now, so it is kept.
    offer = await master.next_message()
    await master.press("认领", message=offer)
    assert (await master.last_callback_answer()).text == "认领成功！"
    await dispatch.settle(wx.deps)
    assert await _kept(wx, u.openid) >= 1
    mine = await u.say("/myorders")  # the next message: the kept notice comes first
    assert mine.index("已由志愿者 李建国 认领") < mine.index("我的订单")
    assert "认领" in mine
    assert await _kept(wx, u.openid) == 0
    # Nothing went through the APIs a subscription account does not have.
    assert wx.wechat.state.sent == []
    assert "/cgi-bin/message/custom/send" not in wx.wechat.state.calls
    async with wx.db.session() as s:
        [order] = (await s.exec(select(Order))).all()
    assert order.address == "宁波市北仑区大碶街道" and order.volunteer_id is not None


async def test_slow_work_answers_on_the_next_message(wx: WxRig) -> None:
    wx.wechat.state.subscription = True
    u = wx.wechat_user("oWX_subscriber_slow_00000001", safe=True)
    wx.wechat.follower(u.openid)
    wx.channel.passive_wait = 0.0  # the work cannot finish within the window
    assert await u.say("/help") == ""  # "success": WeChat shows nothing and does not retry
    await wx.settle()
    assert await _kept(wx, u.openid) == 1
    wx.channel.passive_wait = 4.0
    answer = await u.say("/cancel")  # encrypted both ways in safe mode
    assert answer.index("/myorders") < answer.index("没有")  # /help's answer first
    assert wx.wechat.state.sent == []


async def test_many_kept_messages_fit_one_answer_and_say_how_many_wait(wx: WxRig) -> None:
    from bot.notify import notify
    from bot.reply import Reply
    from store.people import person_by_platform_id

    wx.wechat.state.subscription = True
    u: WeChatUser = wx.wechat_user("oWX_subscriber_many_00000001")
    wx.wechat.follower(u.openid)
    await u.say("/help")
    async with wx.db.session() as s:
        person = await person_by_platform_id(s, platform="wechat", external_id=u.openid)
    assert person is not None
    for i in range(12):
        await notify(wx.deps, person, Reply(f"第{i}条通知：" + "很长的内容" * 40))
    first = await u.say("/cancel")
    assert "第0条通知" in first and "条消息，回复任意内容继续查看" in first
    assert len(first.encode()) <= 2048
    left = await _kept(wx, u.openid)
    assert 0 < left < 12
    while await _kept(wx, u.openid):
        await u.say("好")
    assert wx.wechat.state.sent == []
