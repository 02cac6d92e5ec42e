"""Waiting for and stopping this process's fan-outs (tests, shutdown)."""

from __future__ import annotations

import asyncio

from bot.deps import Deps


async def settle(deps: Deps) -> None:
    """Wait until this process's fan-outs and pending progress edits are done (tests, stop)."""
    local = deps.background
    while True:
        pending = [r for r in local.broadcasts.values() if not r.done()]
        pending += [s.task for s in local.progress.values() if s.task and not s.task.done()]
        if not pending:
            return
        await asyncio.gather(*pending, return_exceptions=True)


async def shutdown(deps: Deps) -> None:
    """Stop this process's fan-outs, saving their cursors so the scheduler resumes them."""
    local = deps.background
    runs = [r for r in local.broadcasts.values() if not r.done()]
    for run in runs:
        run.cancel()
    await asyncio.gather(*runs, return_exceptions=True)
    for slot in local.progress.values():
        if slot.task is not None and not slot.task.done():
            slot.task.cancel()
