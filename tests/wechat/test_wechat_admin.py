"""Menu and QR codes (CLI and chat), and the web chat signed in with WeChat's OAuth."""

from __future__ import annotations

from urllib.parse import parse_qs, urlsplit

import aiohttp
from sqlmodel import select

from handlers.wechat.cli import run
from store.models import Order, Person
from tests.utils.settings import make_settings
from tests.wechat.conftest import WxRig

WECHAT_UA = "Mozilla/5.0 (iPhone) AppleWebKit/605.1.15 MicroMessenger/8.0.50 NetType/WIFI"


async def test_cli_publishes_the_default_menu(wx: WxRig) -> None:
    assert await run(wx.settings, "menu", None) == 0
    [menu] = wx.wechat.state.menus
    names = [b["name"] for b in menu["button"]]
    assert names == ["点单", "我的订单", "更多"]
    more = [b["name"] for b in menu["button"][2]["sub_button"]]
    assert more[:3] == ["志愿者", "服务清单", "帮助"]
    # Every CLICK key is one the callback understands.
    u = wx.wechat_user("oWX_menu_0000000000000000001")
    for b in [*menu["button"][:2], *menu["button"][2]["sub_button"]]:
        if b["type"] == "click":
            await u.click(b["key"])
            assert (await u.next_message()).text


async def test_cli_qrcode_for_a_team_and_refusal_of_unknown_ones(wx: WxRig, capsys) -> None:  # type: ignore[no-untyped-def]
    assert await run(wx.settings, "qrcode", "team-tech") == 0
    out = capsys.readouterr().out.strip()
    assert out.startswith("https://mp.weixin.qq.com/cgi-bin/showqrcode?ticket=")
    assert list(wx.wechat.state.qrcodes.values()) == ["team-tech"]
    assert await run(wx.settings, "qrcode", "team-nope") == 1
    assert len(wx.wechat.state.qrcodes) == 1


async def test_cli_without_wechat_settings_says_what_is_missing(capsys) -> None:  # type: ignore[no-untyped-def]
    assert await run(make_settings(), "menu", None) == 2
    assert "JIANGXIN_WECHAT_APP_ID" in capsys.readouterr().err


async def test_admin_gets_a_qrcode_in_chat(wx: WxRig) -> None:
    admin = wx.user(1, "管理员", started=True)
    await admin.send("/wechatqr team-tech")
    answer = await admin.next_message()
    assert "showqrcode?ticket=" in answer.text and "team-tech" in answer.text
    await admin.send("/wechatqr team-nope")
    assert "用法" in (await admin.next_message()).text
    stranger = wx.wechat_user("oWX_not_admin_00000000000001")
    await stranger.send("/wechatqr team-tech")
    assert "无权限" in (await stranger.next_message()).text
    assert len(wx.wechat.state.qrcodes) == 1


async def test_web_chat_in_wechat_is_the_official_account_person(wx: WxRig) -> None:
    openid = "oWX_oauth_00000000000000001"
    u = wx.wechat_user(openid)
    await u.send("注塑件毛边太多怎么办")
    await u.next_message()
    jar = aiohttp.CookieJar(unsafe=True)
    async with aiohttp.ClientSession(cookie_jar=jar, headers={"User-Agent": WECHAT_UA}) as http:
        async with http.get(f"{wx.url}/chat", allow_redirects=False) as r:
            assert r.status == 302
            location = r.headers["Location"]
        assert location.startswith("https://open.weixin.qq.com/connect/oauth2/authorize?")
        assert "scope=snsapi_base" in location and location.endswith("#wechat_redirect")
        state = parse_qs(urlsplit(location).query)["state"][0]
        # A code brought back with another state is someone else's sign-in: refused.
        forged = (
            f"{wx.url}/chat/wechat/oauth?code={wx.wechat.oauth_code('oWX_attacker_00000000000001')}"
        )
        async with http.get(forged, params={"state": "guess"}, allow_redirects=False) as r:
            assert r.status == 302 and r.headers["Location"] == "/chat?wx=0"
        # WeChat sends the browser back with a code and the state it was given.
        code = wx.wechat.oauth_code(openid)
        back = f"{wx.url}/chat/wechat/oauth?code={code}&state={state}"
        async with http.get(back, params={"next": "/chat"}, allow_redirects=False) as r:
            assert r.status == 302 and r.headers["Location"] == "/chat"
        async with http.get(f"{wx.url}/chat", allow_redirects=False) as r:
            assert r.status == 200
        headers = {"Origin": wx.url}
        async with http.ws_connect(f"{wx.url}/chat/ws", headers=headers) as ws:
            history = await ws.receive_json(timeout=5)
            while history.get("type") != "history":
                history = await ws.receive_json(timeout=5)
            await ws.send_json({"type": "text", "text": "/cancel"})
            reply = await ws.receive_json(timeout=5)
            while reply.get("type") != "message" or reply["message"].get("from") == "user":
                reply = await ws.receive_json(timeout=5)
    async with wx.db.session() as s:
        everyone = (await s.exec(select(Person))).all()
    # One person, the WeChat one: the page spoke as them (their dialog, now cancelled).
    assert [(p.platform, p.external_id) for p in everyone] == [("wechat", openid)]
    async with wx.db.session() as s:
        assert (await s.exec(select(Order))).all() == []


async def test_failed_oauth_leaves_the_plain_web_chat(wx: WxRig) -> None:
    async with aiohttp.ClientSession(headers={"User-Agent": WECHAT_UA}) as http:
        back = f"{wx.url}/chat/wechat/oauth?code=forged&state=jx"
        async with http.get(back, allow_redirects=False) as r:
            assert r.status == 302 and r.headers["Location"] == "/chat?wx=0"
        async with http.get(f"{wx.url}/chat?wx=0", allow_redirects=False) as r:
            assert r.status == 200
    # Outside WeChat nothing changes.
    async with aiohttp.ClientSession() as http, http.get(f"{wx.url}/chat") as r:
        assert r.status == 200 and str(r.url).endswith("/chat")
