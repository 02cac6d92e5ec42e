"""The WeChat ring: the whole bot with the WeChat channel on, against a fake WeChat API.

``wx`` is the Telegram ring's rig (production composition on the test's
database, SQLite and PostgreSQL, Telegram on the fake Bot API) with the WeChat
settings pointed at ``fake_wechat``; WeChat users post signed XML to its web
server, so mixed-channel conversations run in one test.
"""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest

from bot.config import Settings
from handlers.wechat.callback import CHANNEL, WeChatChannel
from store.engine import Database
from tests.utils.fakebot.driver import FakeBotApi
from tests.utils.settings import make_settings, marker_settings
from tests.utils.tgrig import TgRig
from tests.wechat.driver import AES_KEY, TOKEN, WeChatUser
from tests.wechat.fake_server import APP_ID, APP_SECRET, TEMPLATE_ID, FakeWeChat

CHAT_URL = "https://jx.example.org/chat"


class WxRig(TgRig):
    def __init__(self, api: FakeBotApi, settings: Settings, wechat: FakeWeChat) -> None:
        super().__init__(api, settings)
        self.wechat = wechat

    async def start(self) -> None:
        await super().start()
        # Busy answers are retried after 0.3 s, 1 s, 2 s in production; tests wait less.
        self.channel.api.busy_delays = (0.01, 0.02, 0.05)

    @property
    def web(self):  # type: ignore[no-untyped-def]
        return next(c for c in self.components if c.name == "web")

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.web.port}"

    @property
    def channel(self) -> WeChatChannel:
        return self.web.app[CHANNEL]  # type: ignore[no-any-return]

    def wechat_user(self, openid: str, *, safe: bool = False) -> WeChatUser:
        return WeChatUser(self.wechat, self.url, openid, safe=safe)

    async def settle(self) -> None:
        await self.channel.settle()


@pytest.fixture
async def fake_wechat() -> AsyncIterator[FakeWeChat]:
    server = FakeWeChat()
    await server.start()
    try:
        yield server
    finally:
        await server.stop()
    if server.errors:
        pytest.fail("the fake WeChat API crashed:\n" + "\n".join(server.errors))


def wechat_settings(url: str) -> dict[str, object]:
    return {
        "wechat_app_id": APP_ID,
        "wechat_app_secret": APP_SECRET,
        "wechat_token": TOKEN,
        "wechat_aes_key": AES_KEY,
        "wechat_api_url": url,
        "wechat_template_notice": TEMPLATE_ID,
        "wechat_chat_url": CHAT_URL,
    }


@pytest.fixture
async def wx(
    request: pytest.FixtureRequest, db: Database, fake_bot_api: FakeBotApi, fake_wechat: FakeWeChat
) -> AsyncIterator[WxRig]:
    settings = make_settings(
        database_url=db.url,
        telegram_token=fake_bot_api.token,
        telegram_api_url=fake_bot_api.base_url,
        telegram_file_url=fake_bot_api.base_file_url,
        web_port=0,
        **(wechat_settings(fake_wechat.url) | marker_settings(request)),
    )
    rig = WxRig(fake_bot_api, settings, fake_wechat)
    await rig.start()
    try:
        yield rig
    finally:
        await rig.stop()
    rig.raise_untaken_errors()
