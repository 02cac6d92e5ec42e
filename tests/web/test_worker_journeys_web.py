"""Issue 17.5 in the web chat: a step's buttons go quiet once the person moves on."""

from __future__ import annotations

from tests.utils import webrig
from tests.utils.webrig import WebRig

web = webrig.web  # the web ring's fixture, used by name


async def test_typing_instead_of_pressing_takes_the_old_buttons_away(web: WebRig) -> None:
    sock = await web.browser().connect()
    confirm = await sock.say("注塑件毛边太多怎么办")
    assert any(b["label"].startswith("✅ 对") for row in confirm["buttons"] for b in row)
    await sock.send({"type": "text", "text": "对"})
    quiet = await sock.edited()
    assert quiet["id"] == confirm["id"] and quiet["buttons"] == []
    assert "技术攻关服务队" in quiet["text"]  # the text stays readable
    place = await sock.bot_message()
    assert "技术攻关服务队" in place["text"] and "服务地点" in place["text"]  # one message
    await sock.send({"type": "text", "text": "北仑区大碶街道1号"})
    await sock.bot_message()
    times = await sock.bot_message()
    assert any(b["label"] == "尽快" for row in times["buttons"] for b in row)
    await sock.send({"type": "text", "text": "明天上午"})
    quiet = await sock.edited()
    assert quiet["id"] == times["id"] and quiet["buttons"] == []
