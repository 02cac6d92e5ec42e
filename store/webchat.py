"""Queries about the web chat: its transcript, uploaded photos (and who may see them),
which instance has whose page open, announcements to the other instances, and
forgetting anonymous visitors."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import Column, String, Table, cast, delete, exists, func, or_, text, update
from sqlmodel import SQLModel, col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from store.models import (
    Order,
    OrderMessage,
    OrderStatus,
    Person,
    WebMessage,
    WebPhoto,
    WebPresence,
)

# ---------------------------------------------------------------- the transcript


async def add_message(session: AsyncSession, *, message: WebMessage) -> WebMessage:
    session.add(message)
    await session.flush()
    await session.refresh(message)
    return message


async def message_by_id(session: AsyncSession, *, message_id: int) -> WebMessage | None:
    return await session.get(WebMessage, message_id)


async def set_payload(
    session: AsyncSession, *, message: WebMessage, payload: dict[str, Any]
) -> None:
    message.payload = payload  # a new dict, so the JSON column is written
    session.add(message)


async def latest_messages(session: AsyncSession, *, person_id: int, limit: int) -> list[WebMessage]:
    """The latest ``limit`` messages of a person, newest first."""
    stmt = (
        select(WebMessage)
        .where(WebMessage.person_id == person_id)
        .order_by(col(WebMessage.id).desc())
        .limit(limit)
    )
    return list((await session.exec(stmt)).all())


# ---------------------------------------------------------------- photos


async def photos_since(session: AsyncSession, *, person_id: int, since: datetime) -> int:
    """How many photos ``person_id`` uploaded after ``since``."""
    stmt = select(func.count()).where(
        WebPhoto.person_id == person_id, col(WebPhoto.created_at) > since
    )
    return int((await session.exec(stmt)).one())


async def add_photo(session: AsyncSession, *, photo: WebPhoto) -> int:
    session.add(photo)
    await session.flush()
    return photo.id  # type: ignore[return-value]


async def photo_by_id(session: AsyncSession, *, photo_id: int | None) -> WebPhoto | None:
    return await session.get(WebPhoto, photo_id) if photo_id is not None else None


async def claimed_order_has_photo(
    session: AsyncSession, *, volunteer_id: int | None, file_id: str
) -> bool:
    """Whether an order this volunteer claimed (past offering) carries the photo."""
    needle = f'%"{file_id}"%'
    stmt = select(Order.id).where(
        Order.volunteer_id == volunteer_id,
        col(Order.status).not_in(OrderStatus.OPEN),
        or_(
            cast(Order.photos, String).like(needle),
            cast(Order.result_photos, String).like(needle),
        ),
    )
    return (await session.exec(stmt)).first() is not None


async def orders_relaying_photo(session: AsyncSession, *, file_id: str) -> list[Order]:
    """Orders whose relayed messages carried the photo."""
    stmt = (
        select(Order)
        .join(OrderMessage, col(OrderMessage.order_id) == col(Order.id))
        .where(OrderMessage.photo == file_id)
    )
    return list((await session.exec(stmt)).all())


# ---------------------------------------------------------------- presence


async def presence_since(session: AsyncSession, *, person_id: int, since: datetime) -> bool:
    """Whether any instance saw a page of ``person_id`` open after ``since``."""
    stmt = select(WebPresence.instance).where(
        WebPresence.person_id == person_id, col(WebPresence.seen_at) > since
    )
    return (await session.exec(stmt)).first() is not None


async def mark_present(
    session: AsyncSession, *, instance: str, person_id: int, now: datetime
) -> None:
    row = await session.get(WebPresence, (instance, person_id))
    if row is None:
        row = WebPresence(instance=instance, person_id=person_id, seen_at=now)
    row.seen_at = now
    session.add(row)


async def mark_absent(
    session: AsyncSession, *, instance: str, person_id: int | None = None
) -> None:
    """Forget ``person_id``'s page on ``instance`` (every page there when None)."""
    stmt = delete(WebPresence).where(col(WebPresence.instance) == instance)
    if person_id is not None:
        stmt = stmt.where(col(WebPresence.person_id) == person_id)
    await session.exec(stmt)  # type: ignore[call-overload]


async def refresh_presence(session: AsyncSession, *, instance: str, now: datetime) -> None:
    await session.exec(  # type: ignore[call-overload]
        update(WebPresence).where(col(WebPresence.instance) == instance).values(seen_at=now)
    )


async def prune_presences(session: AsyncSession, *, before: datetime) -> None:
    """Forget presences not refreshed since ``before`` (their instance died)."""
    await session.exec(  # type: ignore[call-overload]
        delete(WebPresence).where(col(WebPresence.seen_at) < before)
    )


# ---------------------------------------------------------------- between instances


async def pg_notify(session: AsyncSession, *, channel: str, payload: str) -> None:
    """PostgreSQL ``NOTIFY``: delivered to listeners when the session commits."""
    await session.exec(  # type: ignore[call-overload]
        text("SELECT pg_notify(:channel, :payload)"),
        params={"channel": channel, "payload": payload},
    )


# ---------------------------------------------------------------- anonymous visitors

# A visitor's own rows, forgotten with them; any other row naming a person keeps them.
_VISITOR_TABLES = ("webmessage", "webphoto", "webpresence", "dialogstate")


def _person_references() -> list[tuple[Table, Column[Any]]]:
    """Every (table, column) holding a foreign key to ``person.id``."""
    found = []
    for table in SQLModel.metadata.sorted_tables:
        for fk in table.foreign_keys:
            if fk.column.table.name == "person" and fk.column.name == "id":
                found.append((table, fk.parent))
    return found


async def prune_anonymous(session: AsyncSession, *, idle_before: datetime, limit: int = 500) -> int:
    """Forget web visitors who never gave a phone, hold nothing (no order, volunteer row,
    sign-in, feedback …) and have written nothing since ``idle_before``; how many."""
    refs = _person_references()
    keep = [
        exists().where(column == Person.id)
        for table, column in refs
        if table.name not in _VISITOR_TABLES
    ]
    recent = exists().where(
        col(WebMessage.person_id) == Person.id, col(WebMessage.created_at) >= idle_before
    )
    open_page = exists().where(col(WebPresence.person_id) == Person.id)
    stmt = (
        select(Person.id)
        .where(
            Person.platform == "web",
            col(Person.phone).is_(None),
            col(Person.admin_station_id).is_(None),
            cast(Person.roles, String) == "[]",
            col(Person.created_at) < idle_before,
            ~recent,
            ~open_page,
            *[~k for k in keep],
        )
        .limit(limit)
    )
    ids = list((await session.exec(stmt)).all())
    if not ids:
        return 0
    for table, column in refs:
        if table.name in _VISITOR_TABLES:
            await session.exec(delete(table).where(column.in_(ids)))  # type: ignore[call-overload]
    await session.exec(delete(Person).where(col(Person.id).in_(ids)))  # type: ignore[call-overload]
    return len(ids)
