"""The roll call: one answer per person, 我能到场 / 去不了."""

from __future__ import annotations

from sqlmodel.ext.asyncio.session import AsyncSession

from bot.broadcast.common import task_key
from bot.broadcast.progress import poke
from bot.deps import Deps
from store import tasks
from store.broadcasts import RollCall, record_answer, roll_call

__all__ = ["RollCall", "answer", "is_recipient", "roll_call"]


async def is_recipient(session: AsyncSession, broadcast_id: int, person_id: int) -> bool:
    task = await tasks.by_key(session, key=task_key(broadcast_id))
    return task is not None and person_id in task.payload.get("recipients", [])


async def answer(deps: Deps, broadcast_id: int, person_id: int, value: str) -> bool:
    """Record (or change) a person's answer; False when it was already that."""
    changed = await record_answer(
        deps.db, broadcast_id=broadcast_id, person_id=person_id, value=value, now=deps.now()
    )
    if changed:
        poke(deps, broadcast_id)
    return changed
