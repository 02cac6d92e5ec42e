"""Where a person is in a multi-step dialog, kept in the database so a restart resumes it.

Flows save and clear through these two helpers; the rows themselves are
read and written in ``store.dialogs``.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from store.dialogs import clear_dialog, save_dialog

if TYPE_CHECKING:
    from bot.context import Ctx


async def save(ctx: Ctx, flow: str, step: str, data: dict[str, Any]) -> None:
    """Put the actor at ``step`` of ``flow`` with ``data`` (JSON-plain), in its own transaction."""
    async with ctx.deps.db.session() as session:
        await save_dialog(session, person_id=ctx.person.id, flow=flow, step=step, data=data)  # type: ignore[arg-type]


async def clear(ctx: Ctx) -> None:
    """End whatever dialog the actor is in."""
    async with ctx.deps.db.session() as session:
        await clear_dialog(session, person_id=ctx.person.id)  # type: ignore[arg-type]
