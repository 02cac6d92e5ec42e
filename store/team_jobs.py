"""Queries about team jobs (组队式服务, issue 18): members and counted claims."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import update
from sqlalchemy.dialects import postgresql, sqlite
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from store.models import JobMember, Offer, OfferStatus, Order, OrderStatus, Volunteer

LIVE = (OfferStatus.PENDING, OfferStatus.SENT)
CLAIMABLE = (*OrderStatus.OPEN, OrderStatus.CLAIMED, OrderStatus.SCHEDULED)


def _insert(session: AsyncSession) -> Any:
    dialect = session.bind.dialect.name if session.bind is not None else "sqlite"
    return postgresql.insert if dialect == "postgresql" else sqlite.insert


async def members(session: AsyncSession, *, order_id: int) -> list[tuple[JobMember, Volunteer]]:
    """The team of an order with each member's volunteer row, first claimer first."""
    stmt = (
        select(JobMember, Volunteer)
        .join(Volunteer, col(Volunteer.id) == col(JobMember.volunteer_id))
        .where(col(JobMember.order_id) == order_id)
        .order_by(col(JobMember.created_at), col(JobMember.volunteer_id))
    )
    return list((await session.exec(stmt)).all())  # type: ignore[arg-type]


async def member(session: AsyncSession, *, order_id: int, volunteer_id: int) -> JobMember | None:
    return await session.get(JobMember, (order_id, volunteer_id))


async def add_member(
    session: AsyncSession, *, order_id: int, volunteer_id: int, now: datetime
) -> bool:
    """A member row for this volunteer; False if they are on the team already."""
    joined = (
        await session.exec(  # type: ignore[call-overload]
            _insert(session)(JobMember)
            .values(order_id=order_id, volunteer_id=volunteer_id, lead=False, created_at=now)
            .on_conflict_do_nothing(index_elements=["order_id", "volunteer_id"])
            .returning(col(JobMember.volunteer_id))
        )
    ).first()
    return joined is not None


async def count_claim(
    session: AsyncSession, *, order_id: int, now: datetime
) -> tuple[int, int] | None:
    """One more claim below ``team_size`` (conditional UPDATE): (claimed, size), or None if full."""
    row = (
        await session.exec(  # type: ignore[call-overload]
            update(Order)
            .where(
                col(Order.id) == order_id,
                col(Order.team_claimed) < col(Order.team_size),
                col(Order.status).in_(CLAIMABLE),
            )
            .values(team_claimed=col(Order.team_claimed) + 1, updated_at=now)
            .returning(col(Order.team_claimed), col(Order.team_size))
        )
    ).first()
    return None if row is None else (int(row[0]), int(row[1]))


async def make_lead(session: AsyncSession, *, order_id: int, volunteer_id: int) -> None:
    await session.exec(  # type: ignore[call-overload]
        update(JobMember)
        .where(col(JobMember.order_id) == order_id, col(JobMember.volunteer_id) == volunteer_id)
        .values(lead=True)
    )


async def claim_own_offer(
    session: AsyncSession, *, order_id: int, volunteer_id: int, now: datetime
) -> Any:
    """Mark the claimer's offer CLAIMED; its (platform, chat_id, message_id) or None."""
    return (
        await session.exec(  # type: ignore[call-overload]
            update(Offer)
            .where(col(Offer.order_id) == order_id, col(Offer.volunteer_id) == volunteer_id)
            .values(status=OfferStatus.CLAIMED, responded_at=now)
            .returning(col(Offer.platform), col(Offer.chat_id), col(Offer.message_id))
        )
    ).first()


async def other_live_offers(
    session: AsyncSession, *, order_id: int, volunteer_id: int, close_at: datetime | None = None
) -> Sequence[Any]:
    """The other live offers as (volunteer_id, platform, chat_id, message_id); with
    ``close_at`` (the team is complete) they are marked TAKEN in the same statement."""
    where = (
        col(Offer.order_id) == order_id,
        col(Offer.volunteer_id) != volunteer_id,
        col(Offer.status).in_(LIVE),
    )
    columns = (
        col(Offer.volunteer_id),
        col(Offer.platform),
        col(Offer.chat_id),
        col(Offer.message_id),
    )
    if close_at is not None:
        stmt: Any = (
            update(Offer)
            .where(*where)
            .values(status=OfferStatus.TAKEN, responded_at=close_at)
            .returning(*columns)
        )
    else:
        stmt = select(*columns).where(*where)
    return (await session.exec(stmt)).all()  # type: ignore[no-any-return]


async def count_live_offers(session: AsyncSession, *, order_id: int) -> int:
    stmt = select(col(Offer.id)).where(col(Offer.order_id) == order_id, col(Offer.status).in_(LIVE))
    return len((await session.exec(stmt)).all())


async def add_offer(
    session: AsyncSession, *, order_id: int, volunteer_id: int, wave: int, now: datetime
) -> int | None:
    """A new PENDING offer for another place on the team; None if this volunteer had one."""
    return (  # type: ignore[no-any-return]
        await session.exec(  # type: ignore[call-overload]
            _insert(session)(Offer)
            .values(
                order_id=order_id,
                volunteer_id=volunteer_id,
                wave=wave,
                status=OfferStatus.PENDING,
                created_at=now,
            )
            .on_conflict_do_nothing(index_elements=["order_id", "volunteer_id"])
            .returning(col(Offer.id))
        )
    ).scalar_one_or_none()


async def settle_offer(session: AsyncSession, *, offer_id: int, **values: Any) -> None:
    """Record how sending a PENDING offer went (SENT with its message, or FAILED)."""
    await session.exec(  # type: ignore[call-overload]
        update(Offer)
        .where(col(Offer.id) == offer_id, col(Offer.status) == OfferStatus.PENDING)
        .values(**values)
    )


async def offer_id_of(session: AsyncSession, *, order_id: int, volunteer_id: int) -> int:
    stmt = select(col(Offer.id)).where(
        col(Offer.order_id) == order_id, col(Offer.volunteer_id) == volunteer_id
    )
    return int((await session.exec(stmt)).one())  # type: ignore[arg-type]


async def set_size(session: AsyncSession, *, order_id: int, size: int, now: datetime) -> bool:
    """需要人数: only while open, and not below those who already claimed."""
    result = await session.exec(  # type: ignore[call-overload]
        update(Order)
        .where(
            col(Order.id) == order_id,
            col(Order.team_claimed) <= size,
            col(Order.status).in_(OrderStatus.OPEN),
        )
        .values(team_size=size, updated_at=now)
        .returning(col(Order.id))
    )
    return result.first() is not None
