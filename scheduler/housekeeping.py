"""Pruning rows that only matter for a while, so tables do not grow forever.

Idempotent and cheap, so it runs from a plain periodic job: a missed run is
caught up by the next one. Failed tasks are kept longer than finished ones,
for whoever investigates them.
"""

from __future__ import annotations

import logging
from datetime import datetime, timedelta

from sqlalchemy import delete
from sqlmodel import col

from bot.deps import Deps
from store import updates, wechat
from store.models import Task, TaskStatus

log = logging.getLogger(__name__)

KEEP_UPDATE_IDS = timedelta(days=7)  # Telegram re-sends within minutes, never days
KEEP_FINISHED_TASKS = timedelta(days=30)
KEEP_FAILED_TASKS = timedelta(days=90)


async def prune(deps: Deps, now: datetime | None = None) -> dict[str, int]:
    now = now or deps.now()
    removed = {"updates": await updates.prune(deps.db, now - KEEP_UPDATE_IDS)}
    removed["wechat"] = await wechat.prune_inbound(deps.db, before=now - KEEP_UPDATE_IDS)
    async with deps.db.session() as session:
        finished = await session.exec(  # type: ignore[call-overload]
            delete(Task).where(
                col(Task.status).in_((TaskStatus.DONE, TaskStatus.CANCELLED)),
                col(Task.created_at) < now - KEEP_FINISHED_TASKS,
            )
        )
        failed = await session.exec(  # type: ignore[call-overload]
            delete(Task).where(
                col(Task.status) == TaskStatus.FAILED,
                col(Task.created_at) < now - KEEP_FAILED_TASKS,
            )
        )
        removed["tasks"] = int(finished.rowcount or 0) + int(failed.rowcount or 0)
    if any(removed.values()):
        log.info("housekeeping removed %s", removed)
    return removed
