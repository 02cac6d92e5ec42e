"""The Bot API transport (handlers/telegram/transport.py): python-telegram-bot over aiohttp.

It must behave as PTB's default httpx request does: the same form and multipart
bodies (a document arrives whole at the fake server), proxies from the environment
with NO_PROXY honoured, and failures as TimedOut / NetworkError so the send
limiter's retry policy sees what it always saw.
"""

from __future__ import annotations

import asyncio
import socket
from collections.abc import AsyncIterator

import pytest
from aiohttp import web
from telegram import Bot, InputFile
from telegram.error import NetworkError, TimedOut

from handlers.telegram.transport import AiohttpRequest
from tests.utils.fakebot.driver import FakeBotApi

pytestmark = pytest.mark.telegram


async def test_messages_and_documents_go_through_as_with_httpx(fake_bot_api: FakeBotApi) -> None:
    user = fake_bot_api.user(4242, "王师傅", started=True)
    bot = Bot(
        fake_bot_api.token,
        base_url=fake_bot_api.base_url,
        base_file_url=fake_bot_api.base_file_url,
        request=AiohttpRequest(connection_pool_size=4),
        get_updates_request=AiohttpRequest(connection_pool_size=1),
    )
    async with bot:
        assert bot.username  # getMe answered at initialize
        sent = await bot.send_message(user.id, "<b>你好</b>", parse_mode="HTML")
        await bot.send_document(
            user.id, InputFile(b"a,b\n1,2\n", filename="orders.csv"), caption="导出"
        )
    text, document = await user.next_messages(2)
    assert (text.text, text.message_id) == ("你好", sent.message_id)
    assert document.caption == "导出"
    assert [(f.filename, f.content) for f in document.files] == [("orders.csv", b"a,b\n1,2\n")]


async def test_proxies_come_from_the_environment_as_httpx_reads_them(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("HTTPS_PROXY", "http://proxy.example:3128")
    monkeypatch.setenv("HTTP_PROXY", "proxy.example:8080")  # no scheme: http://
    monkeypatch.setenv("NO_PROXY", "localhost,127.0.0.1,.internal.example")
    request = AiohttpRequest()
    await request.initialize()
    try:
        assert request._proxy("https://api.telegram.org/bot1:x/getMe") == (
            "http://proxy.example:3128"
        )
        assert request._proxy("http://files.example/x") == "http://proxy.example:8080"
        assert request._proxy("http://127.0.0.1:8081/bot1:x/getMe") is None
        assert request._proxy("https://api.internal.example/bot1:x/getMe") is None
    finally:
        await request.shutdown()


@pytest.fixture
async def proxy() -> AsyncIterator[tuple[str, list[str]]]:
    """A plain HTTP proxy that answers every request itself and notes what it was asked."""
    asked: list[str] = []

    async def answer(request: web.Request) -> web.Response:
        asked.append(str(request.url))
        return web.json_response({"ok": True, "result": True})

    app = web.Application()
    app.router.add_route("*", "/{tail:.*}", answer)
    runner = web.AppRunner(app)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    port = runner.addresses[0][1]
    try:
        yield f"http://127.0.0.1:{port}", asked
    finally:
        await runner.cleanup()


async def test_requests_go_through_the_proxy(
    monkeypatch: pytest.MonkeyPatch, proxy: tuple[str, list[str]]
) -> None:
    url, asked = proxy
    monkeypatch.setenv("HTTP_PROXY", url)
    monkeypatch.delenv("NO_PROXY", raising=False)
    monkeypatch.delenv("no_proxy", raising=False)
    request = AiohttpRequest()
    await request.initialize()
    try:
        status, body = await request.do_request("http://api.telegram.test/bot1:x/close", "POST")
    finally:
        await request.shutdown()
    assert (status, body) == (200, b'{"ok": true, "result": true}')
    assert asked == ["http://api.telegram.test/bot1:x/close"]


async def test_a_refused_connection_is_a_network_error() -> None:
    with socket.socket() as s:  # a port nobody listens on
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    request = AiohttpRequest()
    await request.initialize()
    try:
        with pytest.raises(NetworkError, match="aiohttp"):
            await request.do_request(f"http://127.0.0.1:{port}/bot1:x/getMe", "POST")
    finally:
        await request.shutdown()


async def test_no_answer_within_the_read_timeout_is_timed_out() -> None:
    async def slow(_request: web.Request) -> web.Response:
        await asyncio.sleep(5)
        return web.json_response({"ok": True, "result": True})

    app = web.Application()
    app.router.add_post("/{tail:.*}", slow)
    runner = web.AppRunner(app)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    port = runner.addresses[0][1]
    request = AiohttpRequest(read_timeout=0.2)
    await request.initialize()
    try:
        with pytest.raises(TimedOut):
            await request.do_request(f"http://127.0.0.1:{port}/bot1:x/getMe", "POST")
    finally:
        await request.shutdown()
        await runner.cleanup()
