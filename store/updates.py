"""De-duplication of inbound updates (Telegram re-sends a webhook update on a slow answer)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import delete
from sqlalchemy.exc import IntegrityError

from store.engine import Database
from store.models import ProcessedUpdate


async def first_time(db: Database, platform: str, update_id: int) -> bool:
    """Record ``update_id``; False when it was recorded before."""
    try:
        async with db.session() as session:
            session.add(ProcessedUpdate(platform=platform, update_id=update_id))
        return True
    except IntegrityError:
        return False


async def prune(db: Database, before: datetime) -> int:
    async with db.session() as session:
        result = await session.exec(  # type: ignore[call-overload]
            delete(ProcessedUpdate).where(ProcessedUpdate.created_at < before)  # type: ignore[arg-type]
        )
        return int(result.rowcount or 0)
