"""The web chat's limits from the visitor's side (issue 13, items 6 and 7).

Before: flood limits were per WebSocket (20 sockets on one cookie wrote 320 rows),
every visit made a person row, and the Origin check trusted the request's own Host
(a DNS-rebinding page passed as same-origin). Now the budgets are per session, per
IP and in total; a visitor gets a row when they write; and same-origin only counts
for hosts no DNS answer can re-point, without a proxy in between.
"""

from __future__ import annotations

import asyncio

import aiohttp
import pytest
from sqlalchemy import func
from sqlmodel import select

from store.models import Person, WebMessage
from tests.utils import webrig
from tests.utils.webrig import Browser, Socket, WebRig

web = webrig.web

SLOW = "0.001"  # a refill so slow that no token comes back during a test


async def _user_rows(rig: WebRig) -> int:
    async with rig.deps.db.session() as s:
        stmt = select(func.count()).select_from(WebMessage)
        rows = (await s.exec(stmt)).one()
        users = [
            m for m in (await s.exec(select(WebMessage))).all() if m.payload.get("role") == "user"
        ]
    assert rows >= len(users)
    return len(users)


async def _people(rig: WebRig) -> int:
    async with rig.deps.db.session() as s:
        return int((await s.exec(select(func.count()).select_from(Person))).one())


async def _burst(sock: Socket, tag: str, n: int) -> int:
    """Send ``n`` frames at once; wait until each is answered (an echo or a 'busy' toast);
    how many were refused."""
    for j in range(n):
        await sock.send({"type": "text", "text": f"/cancel {tag}-{j}"})
    refused = accepted = 0
    while refused + accepted < n:
        event = await sock.next()
        if event["type"] == "toast":
            assert "太快" in event["text"] or "稍" in event["text"], event
            refused += 1
        elif event["type"] == "message" and event["message"]["text"].startswith(f"/cancel {tag}-"):
            accepted += 1
    return refused


@pytest.mark.settings(web_flood_session=f"8,{SLOW}")
async def test_twenty_tabs_on_one_cookie_share_one_budget(web: WebRig) -> None:
    b = web.browser()
    tabs = []
    refused_tabs = 0
    for _ in range(20):
        try:
            tabs.append(await b.connect())
        except aiohttp.WSServerHandshakeError as exc:
            assert exc.status == 429
            refused_tabs += 1
    assert len(tabs) == 5 and refused_tabs == 15  # five tabs of one browser at most
    refused = await asyncio.gather(*(_burst(t, f"t{i}", 16) for i, t in enumerate(tabs)))
    accepted = 5 * 16 - sum(refused)
    # Before: each socket had its own 8 (20 sockets wrote 320 rows). Now 8 for the session.
    assert accepted == 8 and await _user_rows(web) == 8
    assert await _people(web) == 1
    for t in tabs:
        await t.close()
    again = await b.connect()  # a closed tab frees its place
    assert again.seen[0]["type"] == "history"


@pytest.mark.settings(web_flood_session=f"8,{SLOW}", web_flood_ip=f"10,{SLOW}")
async def test_many_cookies_from_one_address_share_its_budget(web: WebRig) -> None:
    socks = [await web.browser().connect() for _ in range(4)]
    refused = await asyncio.gather(*(_burst(s, f"b{i}", 6) for i, s in enumerate(socks)))
    assert 4 * 6 - sum(refused) == 10 and await _user_rows(web) == 10
    # A browser whose every frame was refused wrote nothing, not even its person row.
    assert await _people(web) == sum(1 for r in refused if r < 6)


PUBLIC = "https://jx.example.org"  # behind a proxy, pages come from the public URL


@pytest.mark.settings(
    web_flood_ip=f"3,{SLOW}", web_flood_global=f"100,{SLOW}", web_public_url=PUBLIC
)
async def test_addresses_behind_a_local_proxy_have_budgets_of_their_own(web: WebRig) -> None:
    # The peer is loopback (a proxy on this host): its X-Forwarded-For names the client.
    socks = [
        await web.browser().connect(origin=PUBLIC, headers={"X-Forwarded-For": f"203.0.113.{i}"})
        for i in range(1, 4)
    ]
    refused = await asyncio.gather(*(_burst(s, f"p{i}", 4) for i, s in enumerate(socks)))
    assert list(refused) == [1, 1, 1]  # three each


@pytest.mark.settings(web_flood_global=f"6,{SLOW}", web_public_url=PUBLIC)
async def test_the_instance_has_a_global_budget(web: WebRig) -> None:
    socks = [
        await web.browser().connect(origin=PUBLIC, headers={"X-Forwarded-For": f"198.51.100.{i}"})
        for i in range(1, 4)
    ]
    refused = await asyncio.gather(*(_burst(s, f"g{i}", 4) for i, s in enumerate(socks)))
    assert 3 * 4 - sum(refused) == 6 and await _user_rows(web) == 6


async def test_visits_alone_write_no_rows(web: WebRig) -> None:
    for _ in range(30):
        b = web.browser()
        sock = await b.connect()
        assert "匠心点单" in sock.seen[0]["messages"][0]["text"]
        await b.close()
    assert await _people(web) == 0 and await _user_rows(web) == 0
    async with web.deps.db.session() as s:
        assert (await s.exec(select(func.count()).select_from(WebMessage))).one() == 0


# ---------------------------------------------------------------- Origin


async def _handshake(b: Browser, *, origin: str, headers: dict[str, str]) -> int:
    try:
        await b.connect(origin=origin, headers=headers)
    except aiohttp.WSServerHandshakeError as exc:
        return exc.status
    return 101


async def test_dns_rebinding_is_not_same_origin(web: WebRig) -> None:
    b = web.browser()
    await b.open_page()
    port = web.server.port
    # evil.example re-pointed at our address: its page's Origin matches the Host it sends.
    rebound = {"Host": f"evil.example:{port}"}
    assert await _handshake(b, origin=f"http://evil.example:{port}", headers=rebound) == 403
    # An IP address or localhost cannot be re-pointed: same-origin still works there.
    local = {"Host": f"localhost:{port}"}
    assert await _handshake(b, origin=f"http://localhost:{port}", headers=local) == 101
    assert await _handshake(b, origin=b.origin, headers={}) == 101


async def test_same_origin_is_not_trusted_behind_a_proxy(web: WebRig) -> None:
    b = web.browser()
    await b.open_page()
    proxied = {"X-Forwarded-For": "203.0.113.9"}
    assert await _handshake(b, origin=b.origin, headers=proxied) == 403


@pytest.mark.settings(web_public_url="https://jx.example.org", web_origins=["wx.example.org"])
async def test_configured_origins_are_allowed_through_a_proxy(web: WebRig) -> None:
    b = web.browser()
    await b.open_page()
    proxied = {"X-Forwarded-For": "203.0.113.9", "Host": "jx.example.org"}
    assert await _handshake(b, origin="https://jx.example.org", headers=proxied) == 101
    assert await _handshake(b, origin="https://wx.example.org", headers=proxied) == 101
    assert await _handshake(b, origin="http://jx.example.org", headers=proxied) == 403
    assert await _handshake(b, origin="https://evil.example", headers=proxied) == 403
