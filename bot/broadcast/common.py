"""The broadcast task kind, its pace and the constants every part shares."""

from __future__ import annotations

from datetime import timedelta

from bot import callbacks
from bot.instance import new_holder as _new_holder

TASK_KIND = "broadcast"
RATE_PER_SECOND = 20.0  # steady pace of sends; Telegram allows about 30/s for the whole bot
CONCURRENCY = 3  # sends in flight at once: keeps the pace at ~100 ms a call, and bounds
# the copies a crash can leave ambiguous (resent once after a restart, see bot.notify)
EDIT_EVERY = 1.5  # seconds between edits of the admin's progress message
PERSIST_EVERY = 1.0  # seconds between saves of the cursor (and lease renewals)
# A run renews its lease every PERSIST_EVERY; one that stops renewing (its process died on
# another host) is resumed once the lease has run out and the next tick comes. On this
# host a restart takes the dead run's lease over at once (scheduler.runner.take_over_the_dead).
LEASE = timedelta(seconds=8)
ERROR_STREAK = 5  # unexpected send errors in a row: the channel is down, stop and resume later
PAUSE_RETRY = timedelta(minutes=1)  # when a paused fan-out is tried again
MAX_NAMES = 40  # names listed under 我能到场 in the admin's message
ROLL_VERB = callbacks.BROADCAST_ANSWER  # roll-call buttons: <broadcast id>:y|n


def task_key(broadcast_id: int) -> str:
    return f"broadcast:{broadcast_id}"


def new_holder() -> str:
    """A lease holder id unique to this process and run."""
    return _new_holder("bc:")
