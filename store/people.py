"""Queries about people."""

from __future__ import annotations

# --- added by restructure-domain ---
from collections.abc import Iterable, Sequence

from sqlalchemy import String, and_, cast, or_
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from store.models import Person


async def admins(session: AsyncSession, *, super_admin_ids: Iterable[int]) -> Sequence[Person]:
    """Everyone with the admin role, plus the configured super-admins (Telegram ids)."""
    super_ids = [str(i) for i in super_admin_ids]
    query = select(Person).where(
        or_(
            and_(col(Person.platform) == "telegram", col(Person.external_id).in_(super_ids)),
            cast(Person.roles, String).like('%"admin"%'),
        )
    )
    return (await session.exec(query)).all()


async def by_ids(session: AsyncSession, *, ids: list[int]) -> dict[int, Person]:
    """The people with these ids, by id."""
    query = select(Person).where(col(Person.id).in_(ids or [-1]))
    return {p.id: p for p in (await session.exec(query)).all()}  # type: ignore[misc]
