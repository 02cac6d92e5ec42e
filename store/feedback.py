"""Queries about requesters' ratings and comments."""

from __future__ import annotations

from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from store.models import Feedback


async def feedback_of_order(
    session: AsyncSession, *, order_id: int | None, requester_id: int | None = None
) -> Feedback | None:
    """The rating of an order (only if ``requester_id`` gave it, when given)."""
    stmt = select(Feedback).where(col(Feedback.order_id) == order_id)
    if requester_id is not None:
        stmt = stmt.where(col(Feedback.requester_id) == requester_id)
    return (await session.exec(stmt)).first()


async def add_feedback(session: AsyncSession, *, feedback: Feedback) -> Feedback:
    session.add(feedback)
    return feedback
