"""kill -9 after the acknowledgement: every acknowledged update is answered, exactly once.

The attack run's reproduction: with 2 s of Bot API latency a person sends /help
then /myorders; the bot is killed 0.8 s later, while /help's reply is still on
its way (the fake Bot API drops a call whose client died: it never reached
Telegram) and /myorders waits behind it. Telegram has nothing left to send: the
updates were acknowledged (polling: a later offset; webhook: 200). After a
restart both are answered, once each, in order. A real bot process
(``python -m jiangxin.cli run``) on SQLite and PostgreSQL, polling and webhook.
"""

from __future__ import annotations

import asyncio
import socket
from pathlib import Path

import aiohttp

from bot.texts import t
from handlers.web.webhook import SECRET_HEADER
from store.engine import Database
from tests.utils.botproc import BotProcess, bot_env, free_port
from tests.utils.fakebot.driver import FakeBotApi
from tests.wechat.conftest import wechat_settings
from tests.wechat.driver import WeChatUser
from tests.wechat.fake_server import FakeWeChat

LATENCY = 2.0
KILL_AFTER = 0.8
SECRET = "kill-test-secret"


def _help_then_myorders(texts: list[str]) -> None:
    assert len(texts) == 2, texts
    assert "/myorders" in texts[0]  # /help lists the commands
    assert texts[1] == t("zh", "tracking.empty")  # /myorders of someone without orders


async def test_polling_kill_9_after_the_ack_loses_nothing_and_repeats_nothing(
    db: Database, fake_bot_api: FakeBotApi, tmp_path: Path
) -> None:
    server = fake_bot_api.server
    env = bot_env(db.url, fake_bot_api)
    bot = BotProcess(env, tmp_path / "bot.log")
    bot.start()
    try:
        await bot.wait_for("polling", lambda: any(c.method == "getUpdates" for c in server.calls))
        user = fake_bot_api.user(1001, "王师傅")
        server.drop_latency = LATENCY
        await user.send("/help")
        await user.send("/myorders")
        # Acknowledged: the bot asked for updates past both, Telegram will not send them again.
        await bot.wait_for("the ack", lambda: server.unconfirmed_update_count == 0)
        await asyncio.sleep(KILL_AFTER)
        bot.kill()
        assert user.messages() == []  # nothing answered before the crash
        server.drop_latency = 0.0

        bot.start()
        await bot.wait_for("both answers", lambda: len(user.messages()) >= 2)
        await asyncio.sleep(1.0)  # time for a duplicate to show up, if there were one
        _help_then_myorders([m.text or "" for m in user.messages()])
    finally:
        await bot.stop()


async def test_webhook_kill_9_after_the_200_loses_nothing_and_repeats_nothing(
    db: Database, fake_bot_api: FakeBotApi, tmp_path: Path
) -> None:
    server = fake_bot_api.server
    port = free_port()
    hook = f"http://127.0.0.1:{port}/tg/hook"
    env = bot_env(
        db.url,
        fake_bot_api,
        telegram_mode="webhook",
        webhook_url=hook,
        webhook_secret=SECRET,
        web_port=str(port),
    )
    bot = BotProcess(env, tmp_path / "bot.log")
    bot.start()
    try:
        await bot.wait_for("setWebhook", lambda: server.webhook is not None)
        user = fake_bot_api.user(1002, "李阿姨")
        server.drop_latency = LATENCY
        async with aiohttp.ClientSession() as http:
            for text in ("/help", "/myorders"):
                await user.send(text)
                update = server.updates[-1]
                async with http.post(hook, json=update, headers={SECRET_HEADER: SECRET}) as r:
                    assert r.status == 200  # acknowledged: Telegram forgets it
            await asyncio.sleep(KILL_AFTER)
            bot.kill()
            assert user.messages() == []
            server.drop_latency = 0.0
            server.webhook = None

            bot.start()
            await bot.wait_for("both answers", lambda: len(user.messages()) >= 2)
            await asyncio.sleep(1.0)
            _help_then_myorders([m.text or "" for m in user.messages()])
    finally:
        await bot.stop()


async def test_wechat_kill_9_after_success_handles_the_message_after_restart(
    db: Database, fake_bot_api: FakeBotApi, fake_wechat: FakeWeChat, tmp_path: Path
) -> None:
    """WeChat never re-delivers a message it got ``success`` for: it must survive the crash."""
    port = free_port()
    wechat = {k: str(v) for k, v in wechat_settings(fake_wechat.url).items()}
    env = bot_env(db.url, fake_bot_api, web_port=str(port), **wechat)
    bot = BotProcess(env, tmp_path / "bot.log")
    bot.start()
    try:
        await bot.wait_for("the web server", lambda: _listening(port))
        user = WeChatUser(fake_wechat, f"http://127.0.0.1:{port}", "oWX_kill_000000000000000001")
        fake_wechat.latency = LATENCY  # the reply (token, customer-service send) is slow
        await user.send("/help")  # answered "success": WeChat forgets it
        await asyncio.sleep(KILL_AFTER)
        bot.kill()
        assert user.messages() == []
        fake_wechat.latency = 0.0

        bot.start()
        await bot.wait_for("the answer", lambda: len(user.messages()) >= 1)
        await asyncio.sleep(1.0)
        [reply] = user.messages()
        assert "/myorders" in reply.text or "我的订单" in reply.text
    finally:
        await bot.stop()


def _listening(port: int) -> bool:
    with socket.socket() as s:
        return s.connect_ex(("127.0.0.1", port)) == 0
