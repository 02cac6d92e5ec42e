"""Telegram-ring ordering helpers: from the place prompt to the summary, and submitting it."""

from __future__ import annotations

from bot import dispatch
from tests.utils.fakebot.driver import BotMessage, FakeUser
from tests.utils.tgrig import TgRig


async def submit(tg: TgRig, u: FakeUser, summary: BotMessage) -> BotMessage:
    """Press 确认提交; returns the summary as it became the submitted order (edited in place:
    its code, what happens next, no buttons), once dispatch has had its say."""
    await u.press("确认提交", message=summary)
    submitted = await u.next_edit(summary)
    assert "提交成功" in submitted.text and submitted.buttons == []
    await dispatch.settle(tg.deps)
    u.drain()  # e.g. "无人认领" when no volunteer serves the team yet
    return submitted


async def details(u: FakeUser, *, place: str | None = "北仑区大碶街道1号") -> BotMessage:
    """From the place prompt to the summary: place (or location), 尽快, shared phone, a photo."""
    if place is None:
        await u.tap("📍 发送当前位置", location=(29.87, 121.84))
        house = await u.next_message()  # asked once for the door number (issue 17.10)
        assert "门牌号" in house.text and u.reply_keyboard == [["不用了", "取消"]]
        await u.send("不用了")
    else:
        await u.send(place)
    saved = await u.next_message()
    assert saved.removes_reply_keyboard
    time_prompt = await u.next_message()
    await u.press("尽快", message=time_prompt)
    await u.next_edit(time_prompt)
    phone_prompt = await u.next_message()
    assert phone_prompt.reply_keyboard is not None
    await u.tap("📱 分享我的手机号")
    assert (await u.next_message()).removes_reply_keyboard
    photos_prompt = await u.next_message()
    assert photos_prompt.buttons == [["跳过"], ["取消"]]
    await u.send_photo()
    got = await u.next_message()
    assert "第1张" in got.text
    await u.press("完成", message=got)
    return await u.next_edit(got)  # the photos message becomes the summary in place
