"""Two app instances on one database: a page on instance A receives what instance B sends.

On PostgreSQL the push is live (LISTEN/NOTIFY); on SQLite, which has no such
channel, the page catches up from the transcript when it reconnects.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from datetime import timedelta

import pytest
from aiohttp.test_utils import TestServer
from sqlmodel import select

from bot.clock import FixedClock
from bot.deps import Deps
from bot.engine import Engine
from bot.notifier import MultiNotifier
from bot.notify import edit, notify
from bot.registry import Registry
from bot.reply import Reply
from handlers.web.app import make_app
from store.engine import Database
from store.models import Person, WebPresence
from tests.utils import webrig
from tests.utils.webrig import WebRig

web = webrig.web


@pytest.fixture
async def second(deps: Deps, routes: Registry) -> AsyncIterator[tuple[Deps, TestServer]]:
    """Instance B: its own engine, notifier, connection pool and web server, same database."""
    db = Database(deps.db.url)
    other = Deps(
        settings=deps.settings,
        db=db,
        router=deps.router,
        bus=deps.bus,
        notifier=MultiNotifier(),
        clock=deps.clock,
    )
    server = TestServer(make_app(other, Engine(other, routes)), host="127.0.0.1")
    await server.start_server()
    try:
        yield other, server
    finally:
        await server.close()
        await db.dispose()


async def _person(deps: Deps) -> Person:
    async with deps.db.session() as s:
        return (await s.exec(select(Person).where(Person.platform == "web"))).one()


async def test_a_page_on_one_instance_gets_what_another_sends(
    web: WebRig, second: tuple[Deps, TestServer]
) -> None:
    other, _ = second
    b = web.browser()
    sock = await b.connect()  # on instance A
    await sock.say("/help")  # a visitor who wrote: now a person
    person = await _person(web.deps)
    ref = await notify(other, person, Reply("来自另一台服务器的消息"))  # sent by instance B
    assert ref is not None
    if web.deps.db.url.startswith("postgresql"):
        message = await sock.bot_message()
        assert message["text"] == "来自另一台服务器的消息"
        assert await edit(other, ref, Reply("已更新的消息"))
        assert (await sock.edited())["text"] == "已更新的消息"
    else:
        await sock.expect_quiet(0.3)  # SQLite: no live channel between instances
        sock = await b.connect()
        assert "来自另一台服务器的消息" in sock.texts()


async def test_tabs_on_two_instances_both_see_the_reply(
    web: WebRig, second: tuple[Deps, TestServer]
) -> None:
    if not web.deps.db.url.startswith("postgresql"):
        pytest.skip("live pushes between instances need PostgreSQL LISTEN/NOTIFY")
    _, server_b = second
    b = web.browser()
    on_a = await b.connect()
    tab_b = webrig.Browser(server_b)
    tab_b.session.cookie_jar.update_cookies({webrig.COOKIE: b.cookie or ""})
    try:
        on_b = await tab_b.connect(history=True)
        await on_a.send({"type": "text", "text": "/help"})
        await on_a.bot_message()
        await on_b.shows("/myorders")  # the reply to A's tab reached the tab on B
    finally:
        await tab_b.close()


async def test_every_instance_knows_a_page_is_open_on_another(
    web: WebRig, second: tuple[Deps, TestServer], clock: FixedClock
) -> None:
    other, _ = second
    b = web.browser()
    sock = await b.connect()  # on instance A
    await sock.say("/help")  # a visitor who wrote: now a person
    person = await _person(web.deps)
    assert await other.presence.online(person.id)  # type: ignore[arg-type]
    # An instance that died without cleaning up stops counting after a while.
    clock.advance(timedelta(seconds=91))
    assert not await other.presence.online(person.id)  # type: ignore[arg-type]
    assert await web.deps.presence.online(person.id)  # type: ignore[arg-type]  # its own page
    clock.advance(timedelta(seconds=-91))
    await sock.close()
    for _ in range(100):  # the server notices the closed socket
        if not await other.presence.online(person.id):  # type: ignore[arg-type]
            break
        await asyncio.sleep(0.02)
    async with web.deps.db.session() as s:
        rows = (await s.exec(select(WebPresence))).all()
    assert not await other.presence.online(person.id), rows  # type: ignore[arg-type]
