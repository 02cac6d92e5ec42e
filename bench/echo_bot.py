"""The floor for bench/updates.py: a bare python-telegram-bot echo bot (polling, defaults).

``JX_ECHO_PACE=28`` (``bench/updates.py cpu --paced-floor``) paces its replies to that
many per second, as Jiangxin's send limiter paces its own: with replies held back,
updates arrive one per ``getUpdates`` instead of several, which costs either bot more
CPU per update, so the two are compared at the same pace.
"""

from __future__ import annotations

import asyncio
import importlib.util
import os
import sys
from typing import Any

from telegram import Update
from telegram.ext import ApplicationBuilder, BaseRateLimiter, ContextTypes, MessageHandler, filters


class Paced(BaseRateLimiter[None]):
    """``rate`` sendMessage calls a second, first come first served (nothing else)."""

    def __init__(self, rate: float) -> None:
        self.interval = 1.0 / rate
        self.next = 0.0

    async def initialize(self) -> None:
        return None

    async def shutdown(self) -> None:
        return None

    async def process_request(
        self,
        callback: Any,
        args: Any,
        kwargs: dict[str, Any],
        endpoint: str,
        data: dict[str, Any],
        rate_limit_args: None,
    ) -> Any:
        if endpoint.lower() == "sendmessage":
            now = asyncio.get_running_loop().time()
            wait, self.next = self.next - now, max(now, self.next) + self.interval
            if wait > 0:
                await asyncio.sleep(wait)
        return await callback(*args, **kwargs)


async def echo(update: Update, _context: ContextTypes.DEFAULT_TYPE) -> None:
    if update.message is not None and update.message.text:
        await update.message.reply_text(update.message.text)


def main() -> None:
    # The same start-up fix Jiangxin applies (jiangxin.app.skip_sniffio_probe), so the
    # floor is python-telegram-bot's cost, not a failing import's.
    if "sniffio" not in sys.modules and importlib.util.find_spec("sniffio") is None:
        sys.modules["sniffio"] = None  # type: ignore[assignment]
    builder = (
        ApplicationBuilder()
        .token(os.environ["JIANGXIN_TELEGRAM_TOKEN"])
        .base_url(os.environ["JIANGXIN_TELEGRAM_API_URL"])
        .base_file_url(os.environ["JIANGXIN_TELEGRAM_FILE_URL"])
        .concurrent_updates(True)
    )
    if os.environ.get("JX_ECHO_PACE"):
        builder = builder.rate_limiter(Paced(float(os.environ["JX_ECHO_PACE"])))
    app = builder.build()
    app.add_handler(MessageHandler(filters.TEXT, echo))
    app.run_polling(poll_interval=0.0)


if __name__ == "__main__":
    main()
