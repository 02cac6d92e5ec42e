"""The audit log: who did what to which object, when, and what it looked like before and after.

Every admin action writes one row in the same transaction as the change it
describes, so the log never claims a change that was rolled back (nor misses
one that was committed).
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from store.audit import add_audit, latest_audit
from store.engine import Session
from store.models import AuditLog

MAX_SHOWN = 50  # rows /audit will list at once


def _plain(value: Any) -> Any:
    """JSON-safe copy of ``value`` (datetimes as ISO strings, tuples as lists)."""
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, (list, tuple, set)):
        return [_plain(v) for v in value]
    if isinstance(value, (datetime, date)):
        return value.isoformat()
    if value is None or isinstance(value, (str, int, float, bool)):
        return value
    return str(value)


async def record(
    session: Session,
    *,
    actor_id: int | None,
    action: str,
    target_type: str | None = None,
    target_id: object = None,
    before: dict[str, Any] | None = None,
    after: dict[str, Any] | None = None,
) -> AuditLog:
    """Add one audit row to ``session`` (flushed, so its id is known)."""
    row = AuditLog(
        actor_id=actor_id,
        action=action[:64],
        target_type=target_type,
        target_id=None if target_id is None else str(target_id)[:64],
        before=_plain(before) if before is not None else None,
        after=_plain(after) if after is not None else None,
    )
    return await add_audit(session, row=row)


async def latest(
    session: Session,
    n: int,
    *,
    actor_id: int | None = None,
    target_type: str | None = None,
    target_id: object = None,
) -> list[AuditLog]:
    """The newest ``n`` rows (newest first), optionally by one actor or about one object."""
    return await latest_audit(
        session,
        n=n,
        actor_id=actor_id,
        target_type=target_type,
        target_id=None if target_id is None else str(target_id),
    )
