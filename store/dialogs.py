"""Dialog state rows: where each person is in a multi-step dialog (one row per person)."""

from __future__ import annotations

from typing import Any

from sqlalchemy import bindparam, delete
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm.util import identity_key
from sqlmodel.ext.asyncio.session import AsyncSession

from store.engine import Prebuilt
from store.models import DialogState, utcnow

_TABLE = DialogState.__table__  # type: ignore[attr-defined]


def _upsert(dialect: str) -> Any:
    insert = (pg_insert if dialect == "postgresql" else sqlite_insert)(_TABLE)
    new = insert.excluded
    return insert.on_conflict_do_update(
        index_elements=["person_id"],
        set_={"flow": new.flow, "step": new.step, "data": new.data, "updated_at": new.updated_at},
    )


_UPSERT = Prebuilt(_upsert)
_CLEAR = delete(_TABLE).where(_TABLE.c.person_id == bindparam("person_id"))


async def dialog_of(
    session: AsyncSession, *, person_id: int, lock: bool = False
) -> DialogState | None:
    """The person's dialog row; ``lock`` holds it until commit (a submit must happen once)."""
    return await session.get(DialogState, person_id, with_for_update=lock or None)


async def save_dialog(
    session: AsyncSession, *, person_id: int, flow: str, step: str, data: dict[str, Any]
) -> DialogState:
    """Set where the person is; ``data`` is stored as JSON (keep it plain).

    One statement (an upsert): a dialog step is the hot path of every conversation.
    A row this session already loaded is updated through it instead, so the session
    never holds a stale copy.
    """
    now = utcnow()
    loaded = session.identity_map.get(identity_key(DialogState, person_id))
    if isinstance(loaded, DialogState):
        loaded.flow, loaded.step, loaded.data, loaded.updated_at = flow, step, dict(data), now
        session.add(loaded)
        return loaded
    values: dict[str, Any] = {"person_id": person_id, "flow": flow, "step": step}
    values["data"] = dict(data)
    await session.exec(_UPSERT.of(session), params={**values, "updated_at": now})  # type: ignore[call-overload]
    return DialogState(**values, updated_at=now)


async def clear_dialog(session: AsyncSession, *, person_id: int) -> bool:
    """End the person's dialog; False when there was none. One statement, unless this
    session holds the row already (then it is deleted through it)."""
    loaded = session.identity_map.get(identity_key(DialogState, person_id))
    if isinstance(loaded, DialogState):
        await session.delete(loaded)
        return True
    result = await session.exec(_CLEAR, params={"person_id": person_id})  # type: ignore[call-overload]
    return bool(result.rowcount)
