"""Pruning rows that only matter for a while, so tables do not grow forever.

Idempotent and cheap, so it runs from a plain periodic job: a missed run is
caught up by the next one. Failed tasks are kept longer than finished ones,
for whoever investigates them. Anonymous web visitors who wrote once and hold
nothing are forgotten after ``JIANGXIN_WEB_ANONYMOUS_TTL``.
"""

from __future__ import annotations

import logging
from datetime import datetime, timedelta

from bot.deps import Deps
from store import inbox, outbox, tasks, updates, webchat, wechat

log = logging.getLogger(__name__)

KEEP_UPDATE_IDS = timedelta(days=7)  # Telegram re-sends within minutes, never days
KEEP_FAILED_UPDATES = timedelta(days=30)  # their PoisonUpdate copy stays
KEEP_FINISHED_TASKS = timedelta(days=30)
KEEP_FAILED_TASKS = timedelta(days=90)
# Outbox rows (bot.notify.send_once) guard against repeats after a crash: minutes matter,
# the rest is a record of what went out (offers of orders long closed).
KEEP_OUTBOX = timedelta(days=30)


async def prune(deps: Deps, now: datetime | None = None) -> dict[str, int]:
    now = now or deps.now()
    removed = {"updates": await updates.prune(deps.db, now - KEEP_UPDATE_IDS)}
    removed["wechat"] = await wechat.prune_inbound(deps.db, before=now - KEEP_UPDATE_IDS)
    # The inbox replaced both tables above (kept for their history); its handled rows
    # are the de-duplication keys now.
    removed["inbox"] = await inbox.prune(
        deps.db, done_before=now - KEEP_UPDATE_IDS, failed_before=now - KEEP_FAILED_UPDATES
    )
    async with deps.db.session() as session:
        removed["tasks"] = await tasks.prune(
            session,
            finished_before=now - KEEP_FINISHED_TASKS,
            failed_before=now - KEEP_FAILED_TASKS,
        )
        removed["visitors"] = await webchat.prune_anonymous(
            session, idle_before=now - deps.settings.web_anonymous_ttl
        )
        removed["outbox"] = await outbox.prune(session, before=now - KEEP_OUTBOX)
    if any(removed.values()):
        log.info("housekeeping removed %s", removed)
    return removed
