"""Queries about teams (服务队)."""

from __future__ import annotations

# --- added by restructure-domain ---
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from store.models import Team


async def teams_by_id(session: AsyncSession) -> dict[int, Team]:
    """Every team, by id."""
    return {tm.id: tm for tm in (await session.exec(select(Team))).all()}  # type: ignore[misc]


async def active_teams(session: AsyncSession) -> list[Team]:
    """Teams taking orders, in menu order."""
    query = select(Team).where(col(Team.active)).order_by(col(Team.sort_order), col(Team.id))
    return list((await session.exec(query)).all())


async def by_slug(session: AsyncSession, *, slug: str) -> Team | None:
    """The team with exactly this slug."""
    return (await session.exec(select(Team).where(col(Team.slug) == slug))).first()
