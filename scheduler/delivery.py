"""Sending from a task: a passing failure raises so the tick retries the task later.

``bot.notify.notify`` swallows every failure, which is right for a flow
answering someone but would silently lose a reminder when Telegram hiccups.
Tasks with one recipient use ``deliver``: a person who blocked the bot is
marked unreachable and skipped, anything else raises and the task is retried
(with backoff) — at worst the message arrives late, or twice, never not at all.
Alerts to several admins go through ``tell_admins``, best effort, so a retry
cannot repeat the ones that did arrive.
"""

from __future__ import annotations

import logging
from collections.abc import Callable

from bot.deps import Deps
from bot.notifier import Unreachable
from bot.notify import admins, notify
from bot.people import mark_unreachable
from bot.reply import MessageRef, Reply
from store.models import Person

log = logging.getLogger(__name__)


async def deliver(deps: Deps, person: Person, reply: Reply) -> MessageRef | None:
    """Send ``reply``; None if the person cannot be reached; raises on a passing failure."""
    if not person.reachable:
        return None
    try:
        return await deps.notifier.send(person, reply)
    except Unreachable as exc:
        log.info("person %s is unreachable: %s", person.id, exc)
        async with deps.db.session() as session:
            await mark_unreachable(session, person.id)  # type: ignore[arg-type]
        person.reachable = False
        return None


async def tell_admins(deps: Deps, render: Callable[[str], Reply],
                      station_id: int | None = None) -> int:
    """Send each admin (of ``station_id``'s subtree) ``render(their language)``; how many got it."""
    sent = 0
    for admin in await admins(deps, station_id):
        if await notify(deps, admin, render(admin.language)) is not None:
            sent += 1
    return sent
