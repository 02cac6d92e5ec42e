"""Queries about SMS to web people: the one row that decides each SMS, and what the
sweep looks at (web requesters' recent orders, offers to web volunteers, reminders)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import func, update
from sqlalchemy.exc import IntegrityError
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from store.engine import Database
from store.models import (
    LinkToken,
    Offer,
    OfferStatus,
    Order,
    Person,
    SmsMessage,
    SmsState,
    Task,
    TaskStatus,
)

WEB = "web"


async def sms_decided(session: AsyncSession, *, key: str) -> bool:
    """Whether the SMS with this key was decided before (sent, pending or skipped)."""
    return (
        await session.exec(select(SmsMessage.id).where(SmsMessage.key == key))
    ).first() is not None


async def decide_sms(db: Database, *, row: SmsMessage, link: LinkToken) -> int | None:
    """Store the deciding row with its one-time link, in one transaction; its id, or
    None when the same SMS (``key``) was decided concurrently."""
    try:
        async with db.session() as session:
            session.add(link)
            session.add(row)
            await session.flush()
            return row.id
    except IntegrityError:
        return None


async def sms_counted_since(session: AsyncSession, *, person_id: int, since: datetime) -> int:
    """SMS to ``person_id`` since ``since`` that count against the daily cap."""
    stmt = select(func.count()).where(
        SmsMessage.person_id == person_id,
        col(SmsMessage.state).in_((SmsState.SENT, SmsState.SENDING, SmsState.PENDING)),
        col(SmsMessage.created_at) > since,
    )
    return int((await session.exec(stmt)).one())


async def claim_sms(session: AsyncSession, *, row_id: int) -> SmsMessage | None:
    """Move a pending SMS to ``sending`` (one conditional update); None if not ours."""
    claimed = await session.exec(  # type: ignore[call-overload]
        update(SmsMessage)
        .where(col(SmsMessage.id) == row_id, col(SmsMessage.state) == SmsState.PENDING)
        .values(state=SmsState.SENDING, attempts=SmsMessage.attempts + 1)
    )
    if claimed.rowcount != 1:
        return None
    return await session.get(SmsMessage, row_id)


async def finish_sms(session: AsyncSession, *, row_id: int, values: dict[str, Any]) -> None:
    """Record the provider's answer (state, sent_at, error, not_before)."""
    await session.exec(  # type: ignore[call-overload]
        update(SmsMessage).where(col(SmsMessage.id) == row_id).values(**values)
    )


async def due_sms(session: AsyncSession, *, now: datetime) -> list[int]:
    """Ids of pending SMS whose quiet hours (or retry backoff) are over."""
    stmt = select(SmsMessage.id).where(
        SmsMessage.state == SmsState.PENDING,
        (col(SmsMessage.not_before).is_(None)) | (col(SmsMessage.not_before) <= now),
    )
    return [i for i in (await session.exec(stmt)).all() if i is not None]


async def web_orders_changed_since(session: AsyncSession, *, since: datetime) -> list[Order]:
    """Orders of web requesters updated after ``since``."""
    stmt = (
        select(Order)
        .join(Person, col(Person.id) == col(Order.requester_id))
        .where(Person.platform == WEB, col(Order.updated_at) > since)
    )
    return list((await session.exec(stmt)).all())


async def web_offers_sent_since(session: AsyncSession, *, since: datetime) -> list[Offer]:
    """Offers delivered to a web chat after ``since`` and not yet answered."""
    stmt = select(Offer).where(
        Offer.platform == WEB,
        Offer.status == OfferStatus.SENT,
        col(Offer.created_at) > since,
    )
    return list((await session.exec(stmt)).all())


async def tasks_done_between(
    session: AsyncSession, *, kind: str, since: datetime, until: datetime
) -> list[Task]:
    """Tasks of ``kind`` finished in (since, until]."""
    stmt = select(Task).where(
        Task.kind == kind,
        Task.status == TaskStatus.DONE,
        col(Task.done_at) > since,
        col(Task.done_at) <= until,
    )
    return list((await session.exec(stmt)).all())
