"""Queries about the audit log: add a row, read the newest, fetch one."""

from __future__ import annotations

from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from store.models import AuditLog


async def add_audit(session: AsyncSession, *, row: AuditLog) -> AuditLog:
    """Insert ``row`` in the caller's transaction (flushed, so its id is known)."""
    session.add(row)
    await session.flush()
    return row


async def audit_by_id(session: AsyncSession, *, audit_id: int) -> AuditLog | None:
    return await session.get(AuditLog, audit_id)


async def latest_audit(
    session: AsyncSession,
    *,
    n: int,
    actor_id: int | None = None,
    target_type: str | None = None,
    target_id: str | None = None,
) -> list[AuditLog]:
    """The newest ``n`` rows (newest first), optionally by one actor or about one object."""
    stmt = select(AuditLog)
    if actor_id is not None:
        stmt = stmt.where(col(AuditLog.actor_id) == actor_id)
    if target_type is not None:
        stmt = stmt.where(col(AuditLog.target_type) == target_type)
    if target_id is not None:
        stmt = stmt.where(col(AuditLog.target_id) == target_id)
    stmt = stmt.order_by(col(AuditLog.created_at).desc(), col(AuditLog.id).desc()).limit(n)
    return list((await session.exec(stmt)).all())


async def entries_about(
    session: AsyncSession, *, action: str, target_type: str, target_ids: list[str]
) -> list[AuditLog]:
    """Audit entries of ``action`` about any of these targets."""
    query = select(AuditLog).where(
        col(AuditLog.action) == action,
        col(AuditLog.target_type) == target_type,
        col(AuditLog.target_id).in_(target_ids),
    )
    return list((await session.exec(query)).all())
