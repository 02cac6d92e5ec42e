"""Messages to WeChat people who are not talking to the bot: window, template, errors, token."""

from __future__ import annotations

import pytest
from sqlmodel import select

from bot import notify
from bot.notifier import DeliveryError
from bot.reply import Button, Reply
from handlers.wechat.api import WeChatApi
from store.models import Person, WechatToken
from tests.wechat.conftest import CHAT_URL, WxRig
from tests.wechat.driver import WeChatUser

CUSTOM = "/cgi-bin/message/custom/send"
NOTICE = Reply(
    "已由志愿者<b>李建国</b>认领\n订单 JX-000001", buttons=((Button("联系", "relay:1"),),)
)


async def met(wx: WxRig, openid: str) -> tuple[WeChatUser, Person]:
    """A WeChat person the bot knows (they said hello)."""
    u = wx.wechat_user(openid)
    await u.subscribe()
    await u.next_message()
    return u, await person(wx, openid)


async def person(wx: WxRig, openid: str) -> Person:
    async with wx.db.session() as s:
        found = (await s.exec(select(Person).where(Person.external_id == openid))).one()
    return found


async def test_within_the_window_a_customer_service_message(wx: WxRig) -> None:
    u, p = await met(wx, "oWX_window_open_000000000001")
    assert await notify.deliver(wx.deps, p, NOTICE) is not None
    sent = await u.next_message()
    assert sent.kind == "msgmenu" and "李建国" in sent.text and "<b>" not in sent.text
    assert sent.options == ["联系"]


async def test_closed_window_falls_back_to_the_template(wx: WxRig) -> None:
    u, p = await met(wx, "oWX_window_closed_0000000001")
    wx.wechat.advance(49 * 3600)
    assert await notify.deliver(wx.deps, p, NOTICE) is not None
    sent = await u.next_message()
    assert sent.kind == "template" and sent.body["url"] == CHAT_URL
    assert "已由志愿者李建国认领" in sent.text and "JX-000001" in sent.text
    assert (await person(wx, u.openid)).reachable


async def test_quota_used_falls_back_to_the_template(wx: WxRig) -> None:
    u, p = await met(wx, "oWX_quota_00000000000000001")  # the greeting used one of five
    for i in range(4):
        await notify.deliver(wx.deps, p, Reply(f"进度 {i}"))
    assert [m.kind for m in u.drain()] == ["text"] * 4
    await notify.deliver(wx.deps, p, NOTICE)  # the sixth since they last wrote: 45047
    assert (await u.next_message()).kind == "template"
    await u.send("/help")  # writing again gives five more
    assert (await u.next_message()).kind == "text"


@pytest.mark.settings(wechat_template_notice=None)
async def test_closed_window_without_a_template_is_unreachable(wx: WxRig) -> None:
    u, p = await met(wx, "oWX_no_template_00000000001")
    wx.wechat.advance(49 * 3600)
    assert await notify.deliver(wx.deps, p, NOTICE) is None
    assert not (await person(wx, u.openid)).reachable
    # Writing again opens the window and makes them reachable.
    await u.send("/help")
    await u.next_message()
    assert (await person(wx, u.openid)).reachable


async def test_unsubscribed_person_is_unreachable_until_they_return(wx: WxRig) -> None:
    u, p = await met(wx, "oWX_unsubscribe_00000000001")
    await u.unsubscribe()
    await wx.settle()
    assert not (await person(wx, u.openid)).reachable
    p = await person(wx, u.openid)
    assert await notify.deliver(wx.deps, p, NOTICE) is None  # skipped: nothing sent
    assert u.drain() == []
    await u.subscribe()
    await u.next_message()
    assert (await person(wx, u.openid)).reachable


async def test_not_subscribed_answer_marks_unreachable(wx: WxRig) -> None:
    u, p = await met(wx, "oWX_gone_000000000000000001")
    wx.wechat.follower(u.openid).subscribed = False  # unfollowed, and the event got lost
    assert await notify.deliver(wx.deps, p, NOTICE) is None
    assert not (await person(wx, u.openid)).reachable
    assert u.drain() == []


async def test_expired_token_is_refreshed_once_and_the_message_sent_once(wx: WxRig) -> None:
    u, p = await met(wx, "oWX_token_00000000000000001")
    fetches = wx.wechat.state.token_fetches
    wx.wechat.expire_tokens()
    await notify.deliver(wx.deps, p, Reply("您好"))
    assert (await u.next_message()).text == "您好"
    assert wx.wechat.state.token_fetches == fetches + 1
    await u.expect_no_message(within=0.1)


async def test_busy_is_retried_with_back_off(wx: WxRig) -> None:
    u, p = await met(wx, "oWX_busy_000000000000000001")
    wx.wechat.fail_next(CUSTOM, -1, times=2)
    await notify.deliver(wx.deps, p, Reply("稍后"))
    assert (await u.next_message()).text == "稍后"
    await u.expect_no_message(within=0.1)
    # Busy beyond the retries: a passing failure, not an unreachable person.
    wx.wechat.fail_next(CUSTOM, -1, times=4)
    with pytest.raises(DeliveryError):
        await notify.deliver(wx.deps, p, Reply("还是忙"))
    assert (await person(wx, u.openid)).reachable


async def test_instances_share_one_token(wx: WxRig) -> None:
    u, _ = await met(wx, "oWX_instances_000000000001")
    fetches = wx.wechat.state.token_fetches
    other = WeChatApi(wx.settings, wx.db, wx.deps.now)  # a second instance on the same database
    try:
        await other.send_custom({"touser": u.openid, "msgtype": "text", "text": {"content": "1"}})
    finally:
        await other.close()
    assert wx.wechat.state.token_fetches == fetches
    async with wx.db.session() as s:
        assert len((await s.exec(select(WechatToken))).all()) == 1


async def test_token_is_refreshed_shortly_before_it_expires(wx: WxRig) -> None:
    u, p = await met(wx, "oWX_token_expiry_00000000001")
    fetches = wx.wechat.state.token_fetches
    from datetime import timedelta

    wx.clock.advance(timedelta(seconds=7200 - 60))
    await notify.deliver(wx.deps, p, Reply("新令牌"))
    assert (await u.next_message()).text == "新令牌"
    assert wx.wechat.state.token_fetches == fetches + 1


async def _order_for(wx: WxRig, p: Person) -> str:
    from tests.utils import volunteers as f

    oid = await f.order(wx.deps, p, address="解放路88号", contact_phone="13812345678")
    async with wx.db.session() as s:
        from store.models import Order

        order = await s.get(Order, oid)
    assert order is not None
    return order.code


async def test_admins_hear_when_a_requester_unfollows_with_an_order_under_way(wx: WxRig) -> None:
    admin = wx.user(1, "管理员")
    await admin.send("/start")
    await admin.next_message()
    u, p = await met(wx, "oWX_alert_unfollow_00000001")
    code = await _order_for(wx, p)
    await u.unsubscribe()
    alert = await admin.next_message()
    assert code in alert.text and "微信公众号" in alert.text and "13812345678" in alert.text
    # Someone without an order under way unfollows quietly.
    other, _ = await met(wx, "oWX_alert_quiet_0000000001")
    await other.unsubscribe()
    await wx.settle()
    await admin.expect_no_message(within=0.3)


async def test_admins_hear_when_no_message_type_reaches_a_requester(wx: WxRig) -> None:
    admin = wx.user(1, "管理员")
    await admin.send("/start")
    await admin.next_message()
    u, p = await met(wx, "oWX_alert_gone_000000000001")
    code = await _order_for(wx, p)
    wx.wechat.follower(u.openid).subscribed = False  # the unsubscribe event never came
    assert await notify.notify(wx.deps, p, NOTICE) is None
    alert = await admin.next_message()
    assert code in alert.text and "微信公众号" in alert.text


async def test_media_is_fetched_with_the_shared_token(wx: WxRig) -> None:
    from handlers.wechat.api import WeChatError

    media_id = wx.wechat.add_media(b"\xff\xd8photo\xff\xd9")
    assert await wx.channel.api.get_media(media_id) == b"\xff\xd8photo\xff\xd9"
    with pytest.raises(WeChatError) as refused:
        await wx.channel.api.get_media("media-gone")
    assert refused.value.errcode == 40007
