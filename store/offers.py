"""Queries about offers."""

# --- added by restructure-flows ---

from __future__ import annotations

from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from store.models import Offer


async def offers_of_order(session: AsyncSession, *, order_id: int) -> list[Offer]:
    """Every offer of an order, oldest first."""
    stmt = select(Offer).where(col(Offer.order_id) == order_id).order_by(col(Offer.created_at))
    return list((await session.exec(stmt)).all())


async def offer_on_message(
    session: AsyncSession, *, order_id: int, volunteer_id: int, chat_id: str, message_id: str
) -> bool:
    """True if this volunteer's offer of this order is the message a button sits under."""
    stmt = select(Offer.id).where(
        col(Offer.order_id) == order_id,
        col(Offer.volunteer_id) == volunteer_id,
        col(Offer.chat_id) == chat_id,
        col(Offer.message_id) == message_id,
    )
    return (await session.exec(stmt)).first() is not None


async def offer_by_id(session: AsyncSession, *, offer_id: int) -> Offer | None:
    return await session.get(Offer, offer_id)
