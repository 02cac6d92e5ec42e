"""The Telegram ring: the whole bot, as `jiangxin run` wires it, against the fake Bot API.

``tg`` builds the production composition (jiangxin.app: migrations, catalog, router,
routes, Telegram polling, and whatever else ``assemble`` starts) on the test's
database (SQLite and PostgreSQL), pointed at the fake server. Handler errors are
collected and fail the test unless it takes them (``tg.running.next_error()``).
"""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest

from bot import routing_feedback
from bot.config import Settings
from bot.deps import Deps
from bot.engine import Engine
from jiangxin.app import Component, assemble, build
from store.engine import Database
from tests.utils.clock import OffsetClock
from tests.utils.fakebot.driver import FakeBotApi, FakeUser
from tests.utils.fakebot.fixtures import RunningApp
from tests.utils.settings import make_settings, marker_settings


class TgRig:
    def __init__(self, api: FakeBotApi, settings: Settings) -> None:
        self.api = api
        self.settings = settings
        self.clock = OffsetClock()
        self.components: list[Component] = []
        self.running: RunningApp | None = None
        self._errors: list[BaseException] = []

    async def start(self) -> None:
        self.deps: Deps
        self.engine: Engine
        self.deps, self.engine = await build(self.settings, clock=self.clock)
        self.components = assemble(self.deps, self.engine)
        for component in self.components:
            if component.name == "telegram":
                self.running = RunningApp(component.app)  # type: ignore[attr-defined]
                component.app.add_error_handler(self.running._on_handler_error)  # type: ignore[attr-defined]
            await component.start()

    async def stop(self) -> None:
        await routing_feedback.settled(self.deps)
        for component in reversed(self.components):
            await component.stop()
        self.components = []
        if self.running is not None:
            self._errors.extend(self.running.take_errors())
        await self.deps.db.dispose()

    async def restart(self) -> None:
        """Stop everything and start again on the same database, like a new process."""
        await self.stop()
        await self.start()

    def user(self, user_id: int, first_name: str = "测试用户", **kwargs: object) -> FakeUser:
        return self.api.user(user_id, first_name, **kwargs)  # type: ignore[arg-type]

    @property
    def db(self) -> Database:
        return self.deps.db

    def raise_untaken_errors(self) -> None:
        if self.running is not None:
            self._errors.extend(self.running.take_errors())
        if self._errors:
            raise AssertionError(f"errors in the bot's handlers: {self._errors!r}")


@pytest.fixture
async def tg(
    request: pytest.FixtureRequest, db: Database, fake_bot_api: FakeBotApi
) -> AsyncIterator[TgRig]:
    settings = make_settings(
        database_url=db.url,
        telegram_token=fake_bot_api.token,
        telegram_api_url=fake_bot_api.base_url,
        telegram_file_url=fake_bot_api.base_file_url,
        web_port=0,
        **marker_settings(request),
    )
    rig = TgRig(fake_bot_api, settings)
    await rig.start()
    try:
        yield rig
    finally:
        await rig.stop()
    rig.raise_untaken_errors()
