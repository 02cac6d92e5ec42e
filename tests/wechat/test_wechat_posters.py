"""Posters carry the WeChat QR scene while the WeChat channel runs (issue 19's leftover).

An admin on Telegram asks for ``/poster team tech``; the PNG's codes decode to the
Telegram deep link and to the Official Account's parametric QR code (made through
``/cgi-bin/qrcode/create`` with the scene ``team-tech``). Scanning that code — WeChat
sends ``subscribe`` with ``qrscene_team-tech``, or ``SCAN`` for a follower — opens the
same deep link as ``?start=team-tech``.
"""

from __future__ import annotations

import io

import pytest
import zxingcpp
from PIL import Image

from tests.wechat.conftest import WxRig


async def _codes(wx: WxRig, command: str) -> list[str]:
    admin = wx.user(1, "会长", started=True)
    await admin.send(command)
    message = await admin.next_message(timeout=20)
    assert message.document is not None, message.text
    image = Image.open(io.BytesIO(message.document.content))
    return sorted(r.text for r in zxingcpp.read_barcodes(image))


@pytest.mark.settings(telegram_username="@jiangxin_bot")
async def test_a_posters_wechat_code_opens_the_same_deep_link(wx: WxRig) -> None:
    codes = await _codes(wx, "/poster team tech")
    assert "https://t.me/jiangxin_bot?start=team-tech" in codes
    [wechat_url] = [c for c in codes if c.startswith("http://weixin.qq.com/q/")]
    scene = wx.wechat.state.scene_urls[wechat_url]
    assert scene == "team-tech"
    newcomer = wx.wechat_user("oWX_poster_newcomer_00000001")
    await newcomer.subscribe(scene)  # EventKey qrscene_team-tech
    assert "技术攻关服务队" in (await newcomer.next_message()).text
    follower = wx.wechat_user("oWX_poster_follower_00000001")
    await follower.scan(scene)  # already following: SCAN with the bare scene
    assert "技术攻关服务队" in (await follower.next_message()).text


async def test_an_activity_posters_wechat_code_opens_the_activity(wx: WxRig) -> None:
    from datetime import timedelta

    from bot import activities as acts
    from store.people import person_by_platform_id
    from tests.utils import volunteers as f

    admin = wx.user(1, "会长", started=True)
    await admin.send("/start")
    await admin.next_message()
    async with wx.db.session() as s:
        boss = await person_by_platform_id(s, platform="telegram", external_id="1")
    assert boss is not None
    starts = wx.deps.now() + timedelta(days=3)
    draft = acts.Draft(
        title="城东村健康义诊",
        team_id=await f.team_id(wx.deps, "health"),
        station_id=None,
        starts_at=starts,
        ends_at=starts + timedelta(hours=2),
        place="城东村文化礼堂",
        online=False,
        volunteer_slots=5,
        resident_slots=5,
        description="量血压",
    )
    activity = await acts.publish(wx.deps, draft, by=boss)
    codes = await _codes(wx, f"/poster activity {activity.id}")
    [wechat_url] = codes  # no Telegram username or web URL configured: the WeChat code only
    scene = wx.wechat.state.scene_urls[wechat_url]
    assert scene == f"activity-{activity.id}"
    resident = wx.wechat_user("oWX_poster_resident_00000001")
    await resident.subscribe(scene)
    assert "城东村健康义诊" in (await resident.message_with("城东村健康义诊")).text
