"""The /wechat callback: URL check, signatures, safe mode, replays and re-deliveries."""

from __future__ import annotations

import time

import aiohttp
from sqlmodel import select

from store.models import Person
from tests.wechat.conftest import WxRig
from tests.wechat.driver import TOKEN, sign


async def people(wx: WxRig) -> list[Person]:
    async with wx.db.session() as s:
        return list((await s.exec(select(Person).where(Person.platform == "wechat"))).all())


async def test_url_check_echoes_only_with_a_valid_signature(wx: WxRig) -> None:
    ts, nonce = str(int(time.time())), "n0nce"
    good = {"signature": sign(TOKEN, ts, nonce), "timestamp": ts, "nonce": nonce, "echostr": "e1"}
    async with aiohttp.ClientSession() as http:
        async with http.get(f"{wx.url}/wechat", params=good) as r:
            assert r.status == 200 and await r.text() == "e1"
        bad = good | {"signature": sign("other-token", ts, nonce)}
        async with http.get(f"{wx.url}/wechat", params=bad) as r:
            assert r.status == 403 and "e1" not in await r.text()


async def test_bad_signature_changes_nothing(wx: WxRig) -> None:
    u = wx.wechat_user("oWX_forger_00000000000000001")
    body = u.message("text", Content="注塑件毛边太多怎么办", MsgId=1001)
    result = await u.post_raw(body, token="not-our-token")
    assert result.status == 403
    await wx.settle()
    assert await people(wx) == [] and u.messages() == []


async def test_safe_mode_with_a_forged_message_signature_is_refused(wx: WxRig) -> None:
    u = wx.wechat_user("oWX_safe_forger_000000000001", safe=True)
    body = u.message("text", Content="你好", MsgId=1002)
    result = await u.post_raw(body, query={"msg_signature": "0" * 40})
    assert result.status == 403
    await wx.settle()
    assert await people(wx) == []


async def test_redelivery_is_processed_once(wx: WxRig) -> None:
    u = wx.wechat_user("oWX_redelivery_0000000000001")
    body = u.message("text", Content="注塑件毛边太多怎么办", MsgId=77_000_000_000_000_001)
    wx.wechat.wrote(u.openid)
    for _ in range(4):  # the first delivery and WeChat's three retries
        await u.post(body)
    await wx.settle()
    assert len(u.messages()) == 1 and u.messages()[0].kind == "msgmenu"
    # An event has no MsgId: sender + CreateTime identify it.
    click = u.message("event", Event="CLICK", EventKey="help")
    await u.post(click)
    await u.post(click)
    await wx.settle()
    assert len(u.messages()) == 2


async def test_replayed_old_request_is_refused(wx: WxRig) -> None:
    u = wx.wechat_user("oWX_replay_00000000000000001")
    body = u.message("text", Content="你好", MsgId=1003)
    old = str(int(time.time()) - 3600)
    params = {"signature": sign(TOKEN, old, "n"), "timestamp": old, "nonce": "n"}
    async with (
        aiohttp.ClientSession() as http,
        http.post(f"{wx.url}/wechat", params=params, data=body.encode()) as r,
    ):
        assert r.status == 403
    await wx.settle()
    assert await people(wx) == []


async def test_unreadable_body_is_a_bad_request(wx: WxRig) -> None:
    u = wx.wechat_user("oWX_garbage_0000000000000001")
    assert (await u.post_raw("not xml at all")).status == 400


async def test_a_persons_messages_are_handled_in_order(wx: WxRig) -> None:
    u = wx.wechat_user("oWX_order_000000000000000001")
    await u.send("/help")
    await u.send("/myorders")
    await u.send("/help")
    await wx.settle()
    texts = [m.text for m in u.messages()]
    assert len(texts) == 3 and texts[0] == texts[2] and texts[1] != texts[0]


async def test_the_answer_comes_back_at_once_even_when_sending_is_slow(wx: WxRig) -> None:
    """WeChat re-delivers after 5 s: the callback must not wait for the customer-service API."""
    wx.channel.api.busy_delays = (1.0, 1.0, 1.0)
    wx.wechat.fail_next("/cgi-bin/message/custom/send", -1, times=2)
    u = wx.wechat_user("oWX_slow_0000000000000000001")
    started = time.monotonic()
    await u.send("/help")
    assert time.monotonic() - started < 1.5  # while sending takes two 1 s back-offs
    message = await u.next_message(timeout=10)
    assert "怎么用匠心点单" in message.text
    await wx.settle()
    assert len(u.messages()) == 1
