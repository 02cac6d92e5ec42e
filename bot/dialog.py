"""Per-person dialog state kept in the database, so a restart resumes mid-dialog."""

from __future__ import annotations

from typing import Any

from sqlmodel.ext.asyncio.session import AsyncSession

from store.models import DialogState, utcnow


async def get(session: AsyncSession, person_id: int) -> DialogState | None:
    return await session.get(DialogState, person_id)


async def put(
    session: AsyncSession, person_id: int, flow: str, step: str, data: dict[str, Any]
) -> DialogState:
    """Set where the person is; ``data`` is stored as JSON (keep it plain)."""
    state = await session.get(DialogState, person_id)
    if state is None:
        state = DialogState(person_id=person_id, flow=flow, step=step, data=dict(data))
    else:
        state.flow, state.step, state.data = flow, step, dict(data)
        state.updated_at = utcnow()
    session.add(state)
    return state


async def clear(session: AsyncSession, person_id: int) -> bool:
    state = await session.get(DialogState, person_id)
    if state is None:
        return False
    await session.delete(state)
    return True
