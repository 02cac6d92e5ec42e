"""The floor for bench/updates.py: a bare python-telegram-bot echo bot (polling, defaults)."""

from __future__ import annotations

import importlib.util
import os
import sys

from telegram import Update
from telegram.ext import ApplicationBuilder, ContextTypes, MessageHandler, filters


async def echo(update: Update, _context: ContextTypes.DEFAULT_TYPE) -> None:
    if update.message is not None and update.message.text:
        await update.message.reply_text(update.message.text)


def main() -> None:
    # The same start-up fix Jiangxin applies (jiangxin.app.skip_sniffio_probe), so the
    # floor is python-telegram-bot's cost, not a failing import's.
    if "sniffio" not in sys.modules and importlib.util.find_spec("sniffio") is None:
        sys.modules["sniffio"] = None  # type: ignore[assignment]
    app = (
        ApplicationBuilder()
        .token(os.environ["JIANGXIN_TELEGRAM_TOKEN"])
        .base_url(os.environ["JIANGXIN_TELEGRAM_API_URL"])
        .base_file_url(os.environ["JIANGXIN_TELEGRAM_FILE_URL"])
        .concurrent_updates(True)
        .build()
    )
    app.add_handler(MessageHandler(filters.TEXT, echo))
    app.run_polling(poll_interval=0.0)


if __name__ == "__main__":
    main()
