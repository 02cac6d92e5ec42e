"""The roll call: one answer per person, 我能到场 / 去不了."""

from __future__ import annotations

from sqlalchemy.exc import IntegrityError
from sqlmodel.ext.asyncio.session import AsyncSession

from bot.broadcast.common import _key
from bot.broadcast.progress import poke
from bot.deps import Deps
from store import tasks
from store.broadcasts import RollCall, roll_call
from store.models import (
    BroadcastReply,
)

__all__ = ["RollCall", "answer", "is_recipient", "roll_call"]


async def is_recipient(session: AsyncSession, broadcast_id: int, person_id: int) -> bool:
    task = await tasks.by_key(session, key=_key(broadcast_id))
    return task is not None and person_id in task.payload.get("recipients", [])


async def answer(deps: Deps, broadcast_id: int, person_id: int, value: str) -> bool:
    """Record (or change) a person's answer; False when it was already that."""
    now = deps.now()
    for _ in range(2):  # a concurrent first answer from another instance: retry as an update
        try:
            async with deps.db.session() as session:
                row = await session.get(BroadcastReply, (broadcast_id, person_id))
                if row is not None and row.answer == value:
                    return False
                if row is None:
                    row = BroadcastReply(
                        broadcast_id=broadcast_id, person_id=person_id, answer=value, created_at=now
                    )
                else:
                    row.answer, row.created_at = value, now
                session.add(row)
            poke(deps, broadcast_id)
            return True
        except IntegrityError:
            continue
    return False
