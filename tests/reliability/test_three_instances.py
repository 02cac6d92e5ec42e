"""Three instances on one PostgreSQL behind a webhook load balancer behave as one.

Each instance is the production composition (``jiangxin.app``: inbox, web server
with the webhook, Telegram, scheduler) with its own database connections, inbox
and locks, like a process of its own. Updates are spread round-robin over the
three webhooks while the fake Bot API answers slowly; every chat's replies still
come in the order its messages were sent, each once, and work queued for the
scheduler runs once although all three tick.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from dataclasses import replace
from itertools import cycle

import aiohttp
import pytest
from sqlmodel import select

from bot.notifier import MultiNotifier
from bot.notify import deliver
from bot.reply import Reply
from bot.texts import t
from handlers.web.webhook import SECRET_HEADER
from store import people
from store.engine import Database
from store.models import InboxState, InboxUpdate
from tests.utils.fakebot.driver import FakeBotApi, FakeUser
from tests.utils.settings import make_settings
from tests.utils.tgrig import TgRig

SECRET = "three-instances"
MESSAGES = 8  # per person, alternating /help and /myorders
PEOPLE = 3


@pytest.fixture
async def instances(db: Database, fake_bot_api: FakeBotApi) -> AsyncIterator[list[TgRig]]:
    if not db.is_postgres:
        pytest.skip("several instances share a PostgreSQL database (SQLite: one process)")
    rigs = []
    for _ in range(3):
        settings = make_settings(
            database_url=db.url,
            telegram_token=fake_bot_api.token,
            telegram_api_url=fake_bot_api.base_url,
            telegram_file_url=fake_bot_api.base_file_url,
            telegram_mode="webhook",
            webhook_url="https://bot.example.org/tg/hook",
            webhook_secret=SECRET,
            web_port=0,
            routing_semantic=False,
        )
        rig = TgRig(fake_bot_api, settings)
        await rig.start()
        rigs.append(rig)
    try:
        yield rigs
    finally:
        for rig in rigs:
            await rig.stop()
        for rig in rigs:
            rig.raise_untaken_errors()


def _sender(update: dict) -> int | None:
    message = update.get("message")
    return message["from"]["id"] if message else None


def _hook(rig: TgRig) -> str:
    web = next(c for c in rig.components if c.name == "web")
    return f"http://127.0.0.1:{web.port}/tg/hook"  # type: ignore[attr-defined]


async def test_round_robin_webhooks_keep_each_chats_order(
    instances: list[TgRig], fake_bot_api: FakeBotApi
) -> None:
    server = fake_bot_api.server
    server.drop_latency = 0.1  # every reply takes a while: instances overlap
    users = [fake_bot_api.user(2001 + i, f"用户{i}") for i in range(PEOPLE)]
    hooks = cycle(_hook(rig) for rig in instances)

    async def talk(user: FakeUser, http: aiohttp.ClientSession) -> None:
        """One person's messages, in order, each to the next instance in turn."""
        for n in range(MESSAGES):
            await user.send("/help" if n % 2 == 0 else "/myorders")
            update = next(u for u in reversed(server.updates) if _sender(u) == user.id)
            headers = {SECRET_HEADER: SECRET}
            async with http.post(next(hooks), json=update, headers=headers) as resp:
                assert resp.status == 200

    async with aiohttp.ClientSession() as http:
        await asyncio.gather(*(talk(user, http) for user in users))
    for user in users:
        replies = await user.next_messages(MESSAGES, timeout=60)
        texts = [m.text or "" for m in replies]
        for n, text in enumerate(texts):
            if n % 2 == 0:
                assert "/myorders" in text, (user, n, texts)
            else:
                assert text == t("zh", "tracking.empty"), (user, n, texts)
        await user.expect_no_message(within=0.3)  # and nothing twice
    async with instances[0].db.session() as s:
        rows = (await s.exec(select(InboxUpdate))).all()
    assert len(rows) == MESSAGES * PEOPLE and {r.state for r in rows} == {InboxState.DONE}


async def test_work_queued_for_the_scheduler_runs_once_on_three_instances(
    instances: list[TgRig], fake_bot_api: FakeBotApi
) -> None:
    user = fake_bot_api.user(2101, "赵师傅")
    await user.send("/help")
    hook = _hook(instances[0])
    async with aiohttp.ClientSession() as http:
        update = fake_bot_api.server.updates[-1]
        async with http.post(hook, json=update, headers={SECRET_HEADER: SECRET}) as resp:
            assert resp.status == 200
    await user.next_message(timeout=10)
    first = instances[0].deps
    async with first.db.session() as s:
        person = await people.person_by_platform_id(s, platform="telegram", external_id="2101")
    assert person is not None
    # Queued for "an instance with Telegram": all three have it, all three tick at once.
    no_channel = replace(first, notifier=MultiNotifier({}))
    for n in range(5):
        await deliver(no_channel, person, Reply(f"通知 {n}"))
    for rig in instances:
        rig.deps.kick()
    got = await user.next_messages(5, timeout=30)
    assert sorted(m.text for m in got) == [f"通知 {n}" for n in range(5)]
    await user.expect_no_message(within=1.0)  # none twice
