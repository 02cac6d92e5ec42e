"""Pytest fixtures and the PTB runner for tests that drive the bot through the fake Bot API.

Import the fixture where it is used (``from tests.utils.fakebot.fixtures import fake_bot_api  #
noqa: F401``) or from ``conftest.py``. A typical test::

    async def test_claim(fake_bot_api):
        app = build_application(fake_bot_api.application_builder(), deps)
        async with run_ptb_app(app):
            worker = fake_bot_api.user(1001, "王师傅")
            await worker.send("/start")
            ...
"""

# ruff: noqa: ASYNC109 -- waits take a timeout on purpose: they fail with a report, not cancel.

from __future__ import annotations

import asyncio
import contextlib
import datetime as dt
import traceback
from collections.abc import AsyncIterator, Sequence

import pytest
import pytest_asyncio
from telegram import Bot
from telegram.error import TelegramError
from telegram.ext import Application, ContextTypes

from tests.utils.fakebot.driver import FakeBotApi
from tests.utils.fakebot.state import ChangeSignal

__all__ = ["RunningApp", "fake_bot_api", "run_ptb_app"]


@pytest_asyncio.fixture
async def fake_bot_api(monkeypatch: pytest.MonkeyPatch) -> AsyncIterator[FakeBotApi]:
    """A started fake Bot API server; fails the test at teardown if the fake itself crashed.

    Sets ``PTB_TIMEDELTA=1``: without it PTB 22 emits a deprecation warning when it builds a
    ``RetryAfter`` (and on every duration attribute), which ``filterwarnings = error`` turns
    into a crash instead of the ``RetryAfter`` the bot should handle. With it, durations such
    as ``RetryAfter.retry_after`` are ``datetime.timedelta`` — the bot should set it too.
    """
    monkeypatch.setenv("PTB_TIMEDELTA", "1")
    api = FakeBotApi()
    await api.start()
    try:
        yield api
    finally:
        await api.stop()
    if api.server.internal_errors:
        pytest.fail("the fake Bot API crashed:\n" + "\n".join(api.server.internal_errors))


class RunningApp:
    """A PTB Application polling the fake server, plus the errors its handlers raised.

    Every exception that reaches PTB's error handling is collected. Tests that provoke one take
    it with :meth:`next_error`; any error left untaken fails the test when the app stops, so a
    crashing handler can never pass unnoticed.
    """

    def __init__(self, application: Application) -> None:
        self.application = application
        self.errors: list[BaseException] = []
        self._taken = 0
        self._changes = ChangeSignal()

    @property
    def bot(self) -> Bot:
        """The application's bot, for calling Bot API methods directly from a test."""
        return self.application.bot

    async def next_error(self, timeout: float = 5.0) -> BaseException:
        """The next error raised in a handler (or while polling), waiting for it."""
        try:
            await self._changes.wait_for(lambda: len(self.errors) > self._taken, timeout)
        except TimeoutError:
            raise AssertionError(f"no handler error within {timeout:g}s") from None
        error = self.errors[self._taken]
        self._taken += 1
        return error

    def take_errors(self) -> list[BaseException]:
        """All errors not taken yet; they no longer fail the test."""
        untaken = self.errors[self._taken :]
        self._taken = len(self.errors)
        return untaken

    def raise_untaken_errors(self) -> None:
        untaken = self.take_errors()
        if untaken:
            details = "\n".join("".join(traceback.format_exception(e)) for e in untaken)
            raise AssertionError(
                f"{len(untaken)} error(s) raised in the bot's handlers were not expected by "
                f"the test (take them with next_error()/take_errors()):\n{details}"
            )

    async def _on_handler_error(self, update: object, context: ContextTypes.DEFAULT_TYPE) -> None:
        if context.error is not None:
            self._record(context.error)

    def _on_polling_error(self, error: TelegramError) -> None:
        self._record(error)

    def _record(self, error: BaseException) -> None:
        self.errors.append(error)
        self._changes.notify()


@contextlib.asynccontextmanager
async def run_ptb_app(
    application: Application,
    *,
    poll_timeout: float = 1.0,
    allowed_updates: Sequence[str] | None = None,
    fail_on_handler_errors: bool = True,
) -> AsyncIterator[RunningApp]:
    """Run ``application`` with long polling against the fake server, then stop it cleanly.

    Mirrors ``Application.run_polling`` (initialize, ``post_init``, start polling, start; and on
    exit stop polling, stop, ``post_stop``, shutdown, ``post_shutdown``) without owning the
    event loop. Build the application against the fake with
    ``bot_api.application_builder()`` or
    ``ApplicationBuilder().token(t).base_url(bot_api.base_url).base_file_url(bot_api.base_file_url)``.

    ``allowed_updates=None`` keeps Telegram's default (everything except chat_member and
    reactions), like ``run_polling()``; pass what production passes.

    Stopping cancels the pending long poll, so exit takes milliseconds whatever ``poll_timeout``
    is. Untaken handler errors fail the test on exit (unless the body already failed, or
    ``fail_on_handler_errors=False``).
    """
    updater = application.updater
    if updater is None:
        raise ValueError("run_ptb_app needs an Application with an Updater (polling)")
    running = RunningApp(application)
    application.add_error_handler(running._on_handler_error)
    try:
        try:
            await application.initialize()
        except BaseException:
            await _close_bot_connections(application)
            raise
        if application.post_init:
            await application.post_init(application)
        await updater.start_polling(
            poll_interval=0,
            timeout=dt.timedelta(seconds=poll_timeout),
            drop_pending_updates=False,
            allowed_updates=allowed_updates,
            error_callback=running._on_polling_error,
        )
        await application.start()
        yield running
    finally:
        await _stop(application)
        application.remove_error_handler(running._on_handler_error)
    if fail_on_handler_errors:
        running.raise_untaken_errors()


async def _stop(application: Application) -> None:
    """Undo whatever part of the start-up happened, in run_polling's order."""
    if application.updater is not None and application.updater.running:
        await application.updater.stop()
    if application.running:
        await application.stop()
        if application.post_stop:
            await application.post_stop(application)
    await application.shutdown()
    if application.post_shutdown:
        await application.post_shutdown(application)


async def _close_bot_connections(application: Application) -> None:
    """Close the HTTP clients a failed ``initialize()`` leaves open (PTB does not).

    Otherwise their sockets are reported as unclosed later, failing an unrelated test under
    ``filterwarnings = error``. ``Bot.shutdown()`` is a no-op for a bot that never finished
    initialising, hence the private ``_request`` pair (getUpdates request, other requests).
    """
    requests = getattr(application.bot, "_request", ())
    await asyncio.gather(*(request.shutdown() for request in requests))
