"""Updates set aside because they could not be parsed or handled (see PoisonUpdate)."""

from __future__ import annotations

import json
from datetime import datetime
from typing import Any

from sqlmodel import col, func, select
from sqlmodel.ext.asyncio.session import AsyncSession

from store.models import PoisonUpdate, ProcessedUpdate

RAW_LIMIT = 20000
ERROR_LIMIT = 500


async def set_aside(
    session: AsyncSession, *, platform: str, update_id: int, raw: Any, error: str
) -> bool:
    """Keep the update with its error and mark its id processed; False if already set aside."""
    if await session.get(PoisonUpdate, (platform, update_id)) is not None:
        return False
    body = json.dumps(raw, ensure_ascii=False, default=str)[:RAW_LIMIT]
    session.add(
        PoisonUpdate(platform=platform, update_id=update_id, raw=body, error=error[:ERROR_LIMIT])
    )
    if await session.get(ProcessedUpdate, (platform, update_id)) is None:
        session.add(ProcessedUpdate(platform=platform, update_id=update_id))
    return True


async def count_since(session: AsyncSession, *, since: datetime) -> int:
    stmt = (
        select(func.count()).select_from(PoisonUpdate).where(col(PoisonUpdate.created_at) >= since)
    )
    return int((await session.exec(stmt)).one())


async def recent(session: AsyncSession, *, limit: int = 20) -> list[PoisonUpdate]:
    stmt = select(PoisonUpdate).order_by(col(PoisonUpdate.created_at).desc()).limit(limit)
    return list((await session.exec(stmt)).all())
