"""The web ring: the aiohttp app on a real port, and browsers that talk to it like the page.

``web`` serves ``handlers.web.app.make_app`` on the ``deps`` fixture's database
(SQLite and PostgreSQL) through aiohttp's own ``TestServer``; ``web.browser()``
is one visitor with its own cookie jar, and ``await browser.connect()`` opens
the chat socket as the page does. ``Socket`` waits for events with a timeout, so
a missing answer fails with what did arrive instead of hanging.
"""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from typing import Any

import aiohttp
import pytest
from aiohttp.test_utils import TestServer

from bot.deps import Deps
from bot.engine import Engine
from handlers.web.app import make_app
from handlers.web.identity import COOKIE


class Socket:
    """An open chat socket; events arrive in order and are read with ``next``."""

    def __init__(self, ws: aiohttp.ClientWebSocketResponse) -> None:
        self.ws = ws
        self.seen: list[dict[str, Any]] = []
        self.messages: dict[int, dict[str, Any]] = {}  # the transcript as the page shows it

    async def next(self, type_: str | None = None, wait: float = 5.0) -> dict[str, Any]:
        """The next event (of ``type_``; earlier events of other types are skipped)."""
        skipped: list[str] = []
        while True:
            try:
                msg = await self.ws.receive(timeout=wait)
            except TimeoutError:
                raise AssertionError(
                    f"no {type_ or 'event'} within {wait}s (skipped {skipped}; "
                    f"transcript {self.texts()})"
                ) from None
            if msg.type != aiohttp.WSMsgType.TEXT:
                raise AssertionError(f"socket closed or odd frame while waiting: {msg!r}")
            event = json.loads(msg.data)
            self.seen.append(event)
            self._apply(event)
            if type_ is None or event["type"] == type_:
                return event
            skipped.append(event["type"])

    def _apply(self, event: dict[str, Any]) -> None:
        if event["type"] == "history":
            self.messages = {m["id"]: m for m in event["messages"]}
        elif event["type"] in ("message", "edit"):
            self.messages[event["message"]["id"]] = event["message"]

    async def bot_message(self, wait: float = 5.0) -> dict[str, Any]:
        """The next message from the bot (the person's own echoes are skipped)."""
        while True:
            event = await self.next("message", wait)
            if event["message"]["role"] == "bot":
                return event["message"]

    async def shows(self, *texts: str, wait: float = 5.0) -> None:
        """Read events until the transcript shows every one of ``texts`` (in any message).

        For answers whose order is not the point: a flow may send one message through
        the notifier while its own reply edits another.
        """
        while not all(any(t in shown for shown in self.texts()) for t in texts):
            await self.next(wait=wait)

    async def bot_message_with(self, text: str, wait: float = 5.0) -> dict[str, Any]:
        """The next bot message containing ``text``, in its text or a button label."""
        while True:
            message = await self.bot_message(wait)
            labels = " ".join(b["label"] for row in message["buttons"] for b in row)
            if text in message["text"] or text in labels:
                return message

    async def echo(self, wait: float = 5.0) -> dict[str, Any]:
        """The next of the person's own messages, as the page shows it."""
        while True:
            event = await self.next("message", wait)
            if event["message"]["role"] == "user":
                return event["message"]

    async def toast(self, wait: float = 5.0) -> str:
        return (await self.next("toast", wait))["text"]

    async def send(self, frame: dict[str, Any] | str) -> None:
        await self.ws.send_str(frame if isinstance(frame, str) else json.dumps(frame))

    async def say(self, text: str) -> dict[str, Any]:
        """Type ``text``; returns the bot's first answer."""
        await self.send({"type": "text", "text": text})
        return await self.bot_message()

    async def press(self, label: str, message: dict[str, Any], *, prefix: bool = False) -> None:
        """Press the inline button ``label`` (or the one starting with it) on ``message``."""
        found = [
            b
            for row in message["buttons"]
            for b in row
            if b["label"] == label or (prefix and b["label"].startswith(label))
        ]
        assert len(found) == 1, f"no single button {label!r} in {message['buttons']}"
        await self.send({"type": "button", "data": found[0]["data"], "message": message["id"]})

    async def edited(self, wait: float = 5.0) -> dict[str, Any]:
        """The next edit of a message (a pressed button's message, usually)."""
        return (await self.next("edit", wait))["message"]

    def texts(self) -> list[str]:
        return [m["text"] for _, m in sorted(self.messages.items())]

    async def expect_quiet(self, within: float = 0.3) -> None:
        """Fail if any event arrives within ``within`` seconds."""
        try:
            msg = await self.ws.receive(timeout=within)
        except TimeoutError:
            return
        raise AssertionError(f"expected no event, got {msg.data if msg.data else msg!r}")

    async def close(self) -> None:
        await self.ws.close()


class Browser:
    """One visitor: a cookie jar that keeps its session across page loads and sockets."""

    def __init__(self, server: TestServer) -> None:
        self.server = server
        self.session = aiohttp.ClientSession(cookie_jar=aiohttp.CookieJar(unsafe=True))
        self.sockets: list[Socket] = []

    @property
    def origin(self) -> str:
        return f"http://{self.server.host}:{self.server.port}"

    def url(self, path: str) -> str:
        return str(self.server.make_url(path))

    async def open_page(self, headers: dict[str, str] | None = None) -> aiohttp.ClientResponse:
        resp = await self.session.get(self.url("/chat"), headers=headers)
        assert resp.status == 200, await resp.text()
        await resp.read()
        return resp

    @property
    def cookie(self) -> str | None:
        for c in self.session.cookie_jar:
            if c.key == COOKIE:
                return c.value
        return None

    async def connect(
        self,
        *,
        origin: str | None = "same",
        query: str = "",
        history: bool = True,
        headers: dict[str, str] | None = None,
    ) -> Socket:
        """Open the chat socket (loading the page first if there is no cookie yet).

        With ``history`` the history and menu events are read before returning;
        ``headers`` are sent with the handshake (a proxy's X-Forwarded-For, a Host …).
        """
        if self.cookie is None:
            await self.open_page()
        kwargs: dict[str, Any] = {"headers": headers} if headers else {}
        if origin is not None:
            kwargs["origin"] = self.origin if origin == "same" else origin
        ws = await self.session.ws_connect(self.url("/chat/ws" + query), **kwargs)
        sock = Socket(ws)
        self.sockets.append(sock)
        if history:
            await sock.next("history")
            await sock.next("menu")
        return sock

    async def close(self) -> None:
        for sock in self.sockets:
            await sock.close()
        await self.session.close()


class WebRig:
    def __init__(self, deps: Deps, server: TestServer) -> None:
        self.deps = deps
        self.server = server
        self.browsers: list[Browser] = []

    def browser(self) -> Browser:
        b = Browser(self.server)
        self.browsers.append(b)
        return b

    def url(self, path: str) -> str:
        return str(self.server.make_url(path))

    async def close(self) -> None:
        for b in self.browsers:
            await b.close()
        await self.server.close()


@pytest.fixture
async def web(deps: Deps, engine: Engine) -> AsyncIterator[WebRig]:
    """The web app on the ``deps`` database, served on 127.0.0.1 at a free port."""
    server = TestServer(make_app(deps, engine), host="127.0.0.1")
    await server.start_server()
    rig = WebRig(deps, server)
    try:
        yield rig
    finally:
        await rig.close()
