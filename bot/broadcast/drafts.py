"""Drafts, starting a broadcast, discarding one, and resuming after a restart."""

from __future__ import annotations

import asyncio
import logging

from sqlmodel.ext.asyncio.session import AsyncSession

from bot.broadcast.common import LEASE, TASK_KIND, new_holder, task_key
from bot.broadcast.fanout import finish, spawn_fanout
from bot.broadcast.progress import edit_progress, progress_slot
from bot.broadcast.scope import recipients
from bot.deps import Deps
from bot.reply import MessageRef
from store import broadcasts, tasks
from store.models import (
    Broadcast,
    Task,
    TaskStatus,
)

log = logging.getLogger(__name__)


async def create_draft(session: AsyncSession, *, admin_id: int, scope: str, text: str) -> Broadcast:
    draft = Broadcast(admin_id=admin_id, scope=scope, text=text)
    session.add(draft)
    await session.flush()
    return draft


async def discard(deps: Deps, broadcast_id: int) -> bool:
    """Drop a draft that was never started; False if it started or ended meanwhile."""
    async with deps.db.session() as session:
        if await tasks.by_key(session, key=task_key(broadcast_id)) is not None:
            return False
        return await broadcasts.finish(session, broadcast_id=broadcast_id, now=deps.now())


async def start(
    deps: Deps, broadcast_id: int, *, within: set[int] | None, ref: MessageRef | None
) -> int | None:
    """Fix the recipients and start the fan-out; None if this draft was started already.

    ``ref`` is the admin's message that becomes the live progress message.
    Returns the number of recipients (0 ends the broadcast at once).
    """
    holder = new_holder()
    now = deps.now()
    async with deps.db.session() as session:
        draft = await session.get(Broadcast, broadcast_id)
        if draft is None or draft.finished_at is not None:
            return None
        people = await recipients(session, draft.scope, within)
        payload = {"broadcast_id": broadcast_id, "recipients": people, "cursor": 0}
        if not await tasks.ensure(session, TASK_KIND, now, payload, key=task_key(broadcast_id)):
            return None  # a second press of 确认发送
        task_id = await tasks.take_over(
            session,
            key=task_key(broadcast_id),
            holder=holder if people else None,
            until=now + LEASE,
            now=now,
        )
        draft.total = len(people)
        if ref is not None:
            draft.chat_id, draft.message_id = ref.chat_id, ref.message_id
        if not people:
            draft.finished_at = now
        session.add(draft)
    if ref is not None:
        # Turn the admin's message into the progress message before anything is sent, so
        # no later progress edit can be overwritten by this first one.
        slot = progress_slot(deps, broadcast_id)
        await edit_progress(deps, broadcast_id, slot)
        slot.last_edit = asyncio.get_running_loop().time()
    if people:
        spawn_fanout(deps, broadcast_id, task_id, holder)  # type: ignore[arg-type]
    return len(people)


async def resume(deps: Deps, task: Task) -> None:
    """Task handler for ``broadcast``: continue a fan-out whose process stopped or died.

    The scheduler leased this row because its lease ran out. The rest of the
    fan-out runs in the background under a successor row (so the scheduler's
    tick is not held up for minutes); this row is then completed by the tick.
    """
    broadcast_id = int(task.payload.get("broadcast_id", 0))
    stalled = deps.background.broadcasts.get(broadcast_id)
    if stalled is not None and not stalled.done():
        # This process's run could not renew its lease for LEASE: replace it.
        stalled.cancel()
        await asyncio.gather(stalled, return_exceptions=True)
    holder = new_holder()
    now = deps.now()
    async with deps.db.session() as session:
        fresh = await session.get(Task, task.id)
        payload = dict(fresh.payload if fresh is not None else task.payload)
        broadcast = await session.get(Broadcast, broadcast_id)
        if broadcast is None or broadcast.finished_at is not None:
            return
        if int(payload.get("cursor", 0)) >= len(payload.get("recipients", [])):
            await finish(session, broadcast_id, now)
            return
        successor = Task(
            kind=TASK_KIND,
            key=f"{task_key(broadcast_id)}:{task.id}:{task.attempts}",
            due_at=now,
            payload=payload,
            status=TaskStatus.RUNNING,
            leased_by=holder,
            lease_until=now + LEASE,
        )
        session.add(successor)
        await session.flush()
        successor_id = successor.id
    log.info(
        "resuming broadcast %s at %s of %s",
        broadcast_id,
        payload.get("cursor"),
        len(payload.get("recipients", [])),
    )
    spawn_fanout(deps, broadcast_id, successor_id, holder)  # type: ignore[arg-type]
