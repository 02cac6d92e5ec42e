"""The Telegram channel, on python-telegram-bot."""

import os

# Durations (RetryAfter.retry_after …) as timedelta: PTB 22 warns on the legacy ints.
os.environ.setdefault("PTB_TIMEDELTA", "1")
