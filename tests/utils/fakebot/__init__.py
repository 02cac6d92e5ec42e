"""Offline Telegram test rig: a fake Bot API server on 127.0.0.1 and users who talk to the bot.

The real python-telegram-bot stack (HTTP requests, ``de_json``, handlers, error mapping, long
polling) runs unchanged against it. Quick start::

    from tests.utils.fakebot import FakeBotApi, run_ptb_app
    from tests.utils.fakebot.fixtures import fake_bot_api  # noqa: F401  (or via conftest)

    async def test_claim(fake_bot_api: FakeBotApi) -> None:
        app = fake_bot_api.application_builder().build()   # add handlers, or pass the
        ...                                                # builder to production code
        async with run_ptb_app(app) as running:
            worker = fake_bot_api.user(1001, "王师傅")
            await worker.send("/start team-tech")
            welcome = await worker.next_message()
            await worker.press("认领", message=welcome)
            assert (await worker.last_callback_answer()).text == "已认领"
            edited = await worker.next_edit(welcome)

Things that behave like Telegram and surprise people:

* The bot cannot message a user who never wrote to it (403): have the user send ``/start``
  first, or create it with ``user(..., started=True)``.
* PTB reports errors without the "Bad Request: " prefix and capitalised
  (``BadRequest.message == "Message is not modified: ..."``): compare case-insensitively.
* Editing text without ``reply_markup`` removes the inline keyboard; answering one callback
  query twice is a 400; ``parse_mode`` HTML is parsed like tdlib does (Markdown modes are
  refused by the fake with a clear 400 rather than silently accepted).
* Every handler exception fails the test when :func:`run_ptb_app` exits, unless the test took
  it with ``running.next_error()``.
* The ``fake_bot_api`` fixture sets ``PTB_TIMEDELTA=1``: with warnings as errors PTB 22 cannot
  even construct ``RetryAfter`` otherwise; ``RetryAfter.retry_after`` is a ``timedelta``.
"""

from tests.utils.fakebot.driver import (
    TINY_JPEG,
    BotMessage,
    CallbackAnswer,
    FakeBotApi,
    FakeUser,
    SentFile,
)
from tests.utils.fakebot.fixtures import RunningApp, run_ptb_app
from tests.utils.fakebot.server import DEFAULT_TOKEN, FakeTelegramServer
from tests.utils.fakebot.state import ApiCall, ApiError

__all__ = [
    "DEFAULT_TOKEN",
    "TINY_JPEG",
    "ApiCall",
    "ApiError",
    "BotMessage",
    "CallbackAnswer",
    "FakeBotApi",
    "FakeTelegramServer",
    "FakeUser",
    "RunningApp",
    "SentFile",
    "run_ptb_app",
]
