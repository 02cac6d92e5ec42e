"""The transactional inbox: stored before acknowledged, handled once, in each chat's order.

These run the inbox itself (``bot.inbox``) on SQLite and PostgreSQL with a runner
that records what it handled; the channel tests (kill -9 of a real bot process,
three instances behind a webhook) are in ``test_inbox_channels.py``.
"""

from __future__ import annotations

import asyncio
import random
from dataclasses import replace
from datetime import timedelta
from typing import Any

import pytest
from aiohttp.test_utils import TestServer
from sqlmodel import col, select

from bot.deps import Deps
from bot.engine import Engine
from bot.flows import build_registry
from bot.inbox import Inbox
from bot.texts import t
from handlers.telegram import render
from handlers.web.app import make_app
from store import inbox as store
from store.dialogs import save_dialog
from store.inbox import Arrival
from store.models import InboxState, InboxUpdate, PoisonUpdate
from tests.utils import volunteers as f
from tests.utils.tgrig import TgRig
from tests.utils.webrig import Browser, WebRig
from tests.utils.webrig import web as web


def _arrivals(chat: str, *keys: int) -> list[Arrival]:
    return [Arrival("test", str(k), chat, {"n": k}) for k in keys]


def _inbox(deps: Deps) -> Inbox:
    """A new process's inbox on the same database."""
    return Inbox(deps.db, deps.settings, deps.clock)


async def _rows(deps: Deps) -> list[InboxUpdate]:
    async with deps.db.session() as s:
        return list((await s.exec(select(InboxUpdate).order_by(col(InboxUpdate.id)))).all())


async def test_a_re_delivered_update_is_stored_once(deps: Deps) -> None:
    inbox = _inbox(deps)
    first = await inbox.receive(_arrivals("c1", 1, 2))
    again = await inbox.receive(_arrivals("c1", 2, 3))  # Telegram re-sent 2 with 3
    assert [r.key for r in first] == ["1", "2"] and [r.key for r in again] == ["3"]
    assert [r.key for r in await _rows(deps)] == ["1", "2", "3"]


async def test_updates_a_crash_left_are_handled_after_restart_in_each_chats_order(
    deps: Deps,
) -> None:
    crashed = _inbox(deps)
    await crashed.receive(_arrivals("a", 1, 3, 5) + _arrivals("b", 2, 4))  # stored, acked, lost
    handled: list[tuple[str, int]] = []

    async def run(row: InboxUpdate) -> None:
        await asyncio.sleep(random.random() / 100)
        handled.append((row.chat, row.payload["n"]))

    restarted = _inbox(deps)
    restarted.add_runner("test", run)
    await restarted.start()
    restarted.open("test")
    await restarted.settle()
    await restarted.stop()
    assert [n for c, n in handled if c == "a"] == [1, 3, 5]
    assert [n for c, n in handled if c == "b"] == [2, 4]
    assert {r.state for r in await _rows(deps)} == {InboxState.DONE}
    again = _inbox(deps)  # and a second restart handles nothing twice
    again.add_runner("test", run)
    await again.start()
    again.open("test")
    await again.settle()
    await again.stop()
    assert len(handled) == 5


async def test_the_handlings_write_marks_the_row_done_in_the_same_commit(deps: Deps) -> None:
    person = await f.person(deps, 42)
    inbox = _inbox(deps)
    seen: list[str | None] = []

    async def run(row: InboxUpdate) -> None:
        store.arm()  # as the engine does once it has the person
        async with deps.db.session() as s:
            await save_dialog(s, person_id=person.id, flow="order", step="place", data={})  # type: ignore[arg-type]
            seen.append(await store.state_of(s, row_id=row.id))  # type: ignore[arg-type]
        async with deps.db.session() as s:
            seen.append(await store.state_of(s, row_id=row.id))  # type: ignore[arg-type]

    inbox.add_runner("test", run)
    inbox.open("test")
    await inbox.receive(_arrivals("42", 1))
    await inbox.drain("test", "42")
    # Inside the flow's transaction the row is not done yet; at its commit it is.
    assert seen == [InboxState.RECEIVED, InboxState.DONE]
    assert [r.state for r in await _rows(deps)] == [InboxState.DONE]


async def test_a_handling_whose_write_rolls_back_leaves_the_row_to_run_again(
    deps: Deps,
) -> None:
    person = await f.person(deps, 43)
    inbox = _inbox(deps)
    runs = 0

    async def run(row: InboxUpdate) -> None:
        nonlocal runs
        runs += 1
        store.arm()
        async with deps.db.session() as s:
            await save_dialog(s, person_id=person.id, flow="order", step="place", data={})  # type: ignore[arg-type]
            if runs == 1:
                raise RuntimeError("the flow failed before its commit")

    inbox.add_runner("test", run)
    inbox.open("test")
    await inbox.receive(_arrivals("43", 1))
    await inbox.drain("test", "43")
    [row] = await _rows(deps)
    assert runs == 2 and row.state == InboxState.DONE and row.attempts == 2


@pytest.mark.settings(inbox_attempts=3)
async def test_an_update_failing_every_time_is_set_aside_and_the_chat_goes_on(
    deps: Deps,
) -> None:
    inbox = _inbox(deps)
    tries: list[int] = []

    async def run(row: InboxUpdate) -> None:
        tries.append(row.payload["n"])
        if row.payload["n"] == 7:
            raise ValueError("a field we cannot read")

    inbox.add_runner("test", run)
    inbox.open("test")
    await inbox.receive(_arrivals("9", 6, 7, 8))
    await inbox.drain("test", "9")
    assert tries == [6, 7, 7, 7, 8]  # three attempts, then the next message
    rows = {r.key: r for r in await _rows(deps)}
    assert rows["7"].state == InboxState.FAILED and rows["7"].attempts == 3
    assert "a field we cannot read" in (rows["7"].error or "")
    assert rows["6"].state == rows["8"].state == InboxState.DONE
    async with deps.db.session() as s:
        [poison] = (await s.exec(select(PoisonUpdate))).all()
    assert poison.update_id == 7 and "ValueError" in poison.error


@pytest.mark.settings(inbox_attempts=3)
async def test_an_update_that_kills_the_process_every_time_is_set_aside(deps: Deps) -> None:
    handled: list[int] = []

    async def crash_on_one(row: InboxUpdate) -> None:
        if row.payload["n"] == 1:
            raise asyncio.CancelledError  # stands for kill -9: nothing after it runs
        handled.append(row.payload["n"])

    first = _inbox(deps)
    first.add_runner("test", crash_on_one)
    first.open("test")
    await first.receive(_arrivals("5", 1, 2))
    await asyncio.gather(first.kick("test", "5"), return_exceptions=True)  # dies on update 1
    for _ in range(2):  # two restarts, each dies on update 1 again
        inbox = _inbox(deps)
        inbox.add_runner("test", crash_on_one)
        inbox.open("test")
        await inbox.start()
        await asyncio.gather(*inbox._tasks, return_exceptions=True)
        await inbox.stop()
    assert handled == []
    inbox = _inbox(deps)
    inbox.add_runner("test", crash_on_one)
    inbox.open("test")
    await inbox.start()
    await inbox.settle()
    await inbox.stop()
    assert handled == [2]
    rows = await _rows(deps)
    assert [r.state for r in rows] == [InboxState.FAILED, InboxState.DONE]


async def test_rows_for_a_channel_this_instance_lacks_wait_for_one_that_has_it(
    deps: Deps,
) -> None:
    await _inbox(deps).receive([Arrival("wechat", "m:1", "o1", {"n": 1})])
    web_only = _inbox(deps)
    await web_only.start()
    await web_only.stop()
    assert [r.state for r in await _rows(deps)] == [InboxState.RECEIVED]


async def test_two_instances_keep_one_chats_order(deps: Deps) -> None:
    """Updates of one chat spread over two instances are handled in the order received."""
    if not deps.db.is_postgres:
        pytest.skip("several instances share a PostgreSQL database (SQLite: one process)")
    handled: list[int] = []
    active = 0

    async def run(row: InboxUpdate) -> None:
        nonlocal active
        active += 1
        assert active == 1, "two updates of one chat at once"
        await asyncio.sleep(random.random() / 50)
        handled.append(row.payload["n"])
        active -= 1

    instances = [_inbox(deps), _inbox(deps)]
    for inbox in instances:
        inbox.add_runner("test", run)
        inbox.open("test")
    for n in range(1, 13):
        inbox = instances[n % 2]
        await inbox.receive(_arrivals("chat", n))
        inbox.kick("test", "chat")
        await asyncio.sleep(random.random() / 200)
    for inbox in instances:
        await inbox.settle()
    assert handled == list(range(1, 13))
    assert {r.state for r in await _rows(deps)} == {InboxState.DONE}


@pytest.mark.settings(inbox_attempts=3)
async def test_a_telegram_update_failing_every_time_is_set_aside_and_the_next_are_answered(
    tg: TgRig, monkeypatch: pytest.MonkeyPatch
) -> None:
    sick, other = tg.user(3101, "甲"), tg.user(3102, "乙")
    real_send = render.send

    async def send(bot: object, chat_id: int, reply: object, **kwargs: Any) -> object:
        if chat_id == sick.id:
            raise RuntimeError("the reply cannot be sent")
        return await real_send(bot, chat_id, reply, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(render, "send", send)
    await sick.send("/help")
    for _ in range(3):  # each attempt fails in the handler and reaches the error handler
        assert "cannot be sent" in str(await tg.running.next_error())  # type: ignore[union-attr]
    await other.send("/help")  # nobody else waits for it
    assert "/myorders" in ((await other.next_message()).text or "")
    monkeypatch.setattr(render, "send", real_send)
    await sick.send("/myorders")  # the chat goes on after it
    assert (await sick.next_message()).text == t("zh", "tracking.empty")
    await sick.expect_no_message(within=0.5)
    async with tg.db.session() as s:
        [poison] = (await s.exec(select(PoisonUpdate))).all()
        rows = (await s.exec(select(InboxUpdate).order_by(col(InboxUpdate.id)))).all()
    assert poison.platform == "telegram" and "cannot be sent" in poison.error
    assert '"/help"' in poison.raw
    assert [r.state for r in rows] == [InboxState.FAILED, InboxState.DONE, InboxState.DONE]


async def test_a_web_frame_echoed_then_lost_to_a_crash_is_answered_after_restart(
    deps: Deps, web: WebRig, monkeypatch: pytest.MonkeyPatch
) -> None:
    browser = web.browser()
    sock = await browser.connect()  # greeted (in the history)
    # The process dies right after the frame is stored and echoed: nothing handles it.
    monkeypatch.setattr(deps.inbox, "drain", _never)
    await sock.send({"type": "text", "text": "/myorders"})
    assert (await sock.echo())["text"] == "/myorders"  # acknowledged to the page
    await sock.expect_quiet(within=0.3)
    await sock.close()

    restarted = replace(deps)  # a new process: its own inbox, same database
    server = TestServer(make_app(restarted, Engine(restarted, build_registry())), host="127.0.0.1")
    await server.start_server()
    try:
        again = Browser(server)
        await again.session.close()
        again.session = browser.session  # the same browser (cookies are per host, not port)
        page = await again.connect()
        await restarted.inbox.start()  # start-up: what the crash left is run now
        assert (await page.bot_message())["text"] == t("zh", "tracking.empty")
        await page.bot_message()  # and, on the web, how to see orders from other devices
        await restarted.inbox.stop()
        await page.expect_quiet(within=0.3)
        await again.close()
    finally:
        await server.close()
    assert {r.state for r in await _rows(deps)} == {InboxState.DONE}


async def _never(platform: str, chat: str) -> None:
    return None


@pytest.mark.settings(inbox_sweep=timedelta(seconds=0.3))
async def test_the_sweep_handles_what_another_instance_left_when_it_crashed(deps: Deps) -> None:
    handled: list[int] = []

    async def run(row: InboxUpdate) -> None:
        handled.append(row.payload["n"])

    survivor = _inbox(deps)
    survivor.add_runner("test", run)
    survivor.open("test")
    await survivor.start()  # running before the other instance stored anything
    try:
        await _inbox(deps).receive(_arrivals("77", 1, 2))  # stored, acked, then it died
        for _ in range(100):
            if len(handled) == 2:
                break
            await asyncio.sleep(0.05)
        await survivor.settle()
    finally:
        await survivor.stop()
    assert handled == [1, 2]
    assert {r.state for r in await _rows(deps)} == {InboxState.DONE}
