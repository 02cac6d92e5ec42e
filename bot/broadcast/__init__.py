"""Emergency mobilisation (应急动员): a paced fan-out to volunteers, with a live roll call.

An admin drafts a broadcast (``Broadcast`` row, nothing sent), confirms it, and
then:

* a **fan-out** delivers it to every active volunteer in the scope at a steady
  ``RATE_PER_SECOND`` (well under Telegram's ~30 messages/s, which the rest of
  the bot shares) with at most ``CONCURRENCY`` sends in flight. 429 answers are
  retried after ``retry_after`` by the Telegram notifier.
* the admin's **progress message** is edited as sends complete and as
  volunteers answer 我能到场 / 去不了 — at most once every ``EDIT_EVERY``
  seconds, with a final edit so the last state is always shown.
* the **roll call** keeps one ``BroadcastReply`` per person; pressing the
  other button changes the answer.

Surviving a restart: the recipients (fixed when the broadcast starts) and a
cursor live in a durable task of kind ``broadcast``, held by the running
process with a short lease (``LEASE``) it renews every second, and each
recipient's copy is an outbox row (``bot.notify.send_once``: sending before the
call, sent with the message id after it). After a crash the restarted process
takes the dead run's lease over at once (``scheduler.runner.take_over_the_dead``;
on another host the lease runs out within ``LEASE``) and ``resume`` continues
from the cursor, skipping every recipient whose copy is recorded as sent:
nobody is skipped, and only the calls in flight at the crash (at most
``CONCURRENCY``) are ambiguous and resent once.
"""

from __future__ import annotations

from bot.broadcast.common import (
    CONCURRENCY,
    EDIT_EVERY,
    ERROR_STREAK,
    LEASE,
    MAX_NAMES,
    PAUSE_RETRY,
    PERSIST_EVERY,
    RATE_PER_SECOND,
    ROLL_VERB,
    TASK_KIND,
)
from bot.broadcast.drafts import create_draft, discard, resume, start
from bot.broadcast.fanout import volunteer_message
from bot.broadcast.lifecycle import settle, shutdown
from bot.broadcast.progress import poke, progress_text, scope_label
from bot.broadcast.rollcall import answer, is_recipient
from bot.broadcast.scope import recipients, scope_key
from store.broadcasts import NO, YES, RollCall, roll_call

__all__ = [
    "CONCURRENCY",
    "EDIT_EVERY",
    "ERROR_STREAK",
    "LEASE",
    "MAX_NAMES",
    "NO",
    "PAUSE_RETRY",
    "PERSIST_EVERY",
    "RATE_PER_SECOND",
    "ROLL_VERB",
    "TASK_KIND",
    "YES",
    "RollCall",
    "answer",
    "create_draft",
    "discard",
    "is_recipient",
    "poke",
    "progress_text",
    "recipients",
    "resume",
    "roll_call",
    "scope_key",
    "scope_label",
    "settle",
    "shutdown",
    "start",
    "volunteer_message",
]
