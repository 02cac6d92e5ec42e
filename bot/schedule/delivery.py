"""Sending from a task: a passing failure raises so the tick retries the task later.

``bot.notify.notify`` swallows every failure, which is right for a flow
answering someone but would silently lose a reminder when Telegram hiccups.
Tasks with one recipient use ``bot.notify.deliver`` (re-exported here): a
person who blocked the bot is marked unreachable and skipped, anything else
raises and the task is retried (with backoff) — at worst the message arrives
late, or twice, never not at all.
Alerts to several admins go through ``tell_admins``, best effort, so a retry
cannot repeat the ones that did arrive.
"""

from __future__ import annotations

import logging
from collections.abc import Callable

from bot.deps import Deps
from bot.notify import admins, deliver, notify
from bot.reply import Reply

__all__ = ["deliver", "tell_admins"]

log = logging.getLogger(__name__)


async def tell_admins(
    deps: Deps, render: Callable[[str], Reply], station_id: int | None = None
) -> int:
    """Send each admin (of ``station_id``'s subtree) ``render(their language)``; how many got it."""
    sent = 0
    for admin in await admins(deps, station_id):
        if await notify(deps, admin, render(admin.language)) is not None:
            sent += 1
    return sent
