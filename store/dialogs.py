"""Dialog state rows: where each person is in a multi-step dialog (one row per person)."""

from __future__ import annotations

from typing import Any

from sqlmodel.ext.asyncio.session import AsyncSession

from store.models import DialogState, utcnow


async def dialog_of(
    session: AsyncSession, *, person_id: int, lock: bool = False
) -> DialogState | None:
    """The person's dialog row; ``lock`` holds it until commit (a submit must happen once)."""
    return await session.get(DialogState, person_id, with_for_update=lock or None)


async def save_dialog(
    session: AsyncSession, *, person_id: int, flow: str, step: str, data: dict[str, Any]
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


async def clear_dialog(session: AsyncSession, *, person_id: int) -> bool:
    """End the person's dialog; False when there was none."""
    state = await session.get(DialogState, person_id)
    if state is None:
        return False
    await session.delete(state)
    return True
