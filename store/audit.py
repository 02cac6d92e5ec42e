"""Queries about the audit trail."""

from __future__ import annotations

# --- added by restructure-domain ---
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from store.models import AuditLog


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
