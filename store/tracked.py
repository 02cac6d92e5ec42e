"""Queries about tracked messages: job cards, board items and notices whose buttons follow
their order (see ``bot.tracked``)."""

from __future__ import annotations

from sqlalchemy import ColumnElement, delete
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from store.models import TrackedMessage, utcnow


def _at(platform: str, chat_id: str, message_id: str) -> tuple[ColumnElement[bool], ...]:
    return (
        col(TrackedMessage.platform) == platform,
        col(TrackedMessage.chat_id) == chat_id,
        col(TrackedMessage.message_id) == message_id,
    )


async def put_tracked(
    session: AsyncSession,
    *,
    order_id: int,
    person_id: int,
    kind: str,
    platform: str,
    chat_id: str,
    message_id: str,
    shown: str,
    text: str,
) -> list[TrackedMessage]:
    """Track this message (again, after an edit). Returns the person's older messages of
    the same kind about the same order, forgotten: the newest one carries the buttons."""
    older = list(
        (
            await session.exec(
                select(TrackedMessage)
                .where(
                    col(TrackedMessage.order_id) == order_id,
                    col(TrackedMessage.person_id) == person_id,
                    col(TrackedMessage.kind) == kind,
                )
                .with_for_update()
            )
        ).all()
    )
    older = [
        r for r in older if (r.platform, r.chat_id, r.message_id) != (platform, chat_id, message_id)
    ]
    for gone in older:
        await session.delete(gone)
    found = (
        await session.exec(select(TrackedMessage).where(*_at(platform, chat_id, message_id)))
    ).first()
    row = found or TrackedMessage(
        order_id=order_id,
        person_id=person_id,
        kind=kind,
        platform=platform,
        chat_id=chat_id,
        message_id=message_id,
        text="",
    )
    row.order_id, row.person_id, row.kind = order_id, person_id, kind
    row.shown, row.text, row.created_at = shown, text, utcnow()
    session.add(row)
    return older


async def forget_at(session: AsyncSession, *, platform: str, chat_id: str, message_id: str) -> None:
    """The message was edited into something else: it follows no order any more."""
    await session.exec(delete(TrackedMessage).where(*_at(platform, chat_id, message_id)))  # type: ignore[call-overload]


async def is_tracked(
    session: AsyncSession, *, platform: str, chat_id: str, message_id: str
) -> bool:
    found = await session.exec(
        select(col(TrackedMessage.id)).where(*_at(platform, chat_id, message_id))
    )
    return found.first() is not None


async def has_card(session: AsyncSession, *, order_id: int, person_id: int) -> bool:
    """Whether the person has a job card of the order that follows it."""
    found = await session.exec(
        select(col(TrackedMessage.id)).where(
            col(TrackedMessage.order_id) == order_id,
            col(TrackedMessage.person_id) == person_id,
            col(TrackedMessage.kind) == "card",
        )
    )
    return found.first() is not None


async def tracked_of(session: AsyncSession, *, order_id: int) -> list[TrackedMessage]:
    """The order's tracked messages, oldest first."""
    stmt = (
        select(TrackedMessage)
        .where(col(TrackedMessage.order_id) == order_id)
        .order_by(col(TrackedMessage.id))
    )
    return list((await session.exec(stmt)).all())


async def settle(session: AsyncSession, *, row_id: int, shown: str | None, text: str) -> None:
    """After an edit: the message now shows ``text`` for ``shown``, or (None) has no buttons
    left to follow."""
    row = await session.get(TrackedMessage, row_id, with_for_update=True)
    if row is None:
        return
    if shown is None:
        await session.delete(row)
    else:
        row.shown, row.text = shown, text
        session.add(row)
