"""Background sends: other people's chats never hold up the person who acted."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Coroutine
from typing import Any

from bot.deps import Deps

log = logging.getLogger(__name__)


def spawn(deps: Deps, work: Coroutine[Any, Any, Any]) -> asyncio.Task[Any]:
    """Run ``work`` without making the current person wait for other people's chats.

    The rows it acts on are already committed, so losing it (a crash) loses no
    offer: the next wave resends stale ones.
    """
    running = deps.background.sends
    task = asyncio.get_running_loop().create_task(work)
    running.add(task)

    def _done(done: asyncio.Task[Any]) -> None:
        running.discard(done)
        if not done.cancelled() and done.exception() is not None:
            log.error("background dispatch work failed", exc_info=done.exception())

    task.add_done_callback(_done)
    return task


async def settle(deps: Deps) -> None:
    """Wait until background dispatch work has finished (tests, orderly shutdown)."""
    running = deps.background.sends
    while running:
        await asyncio.gather(*list(running), return_exceptions=True)
