"""The message whose buttons are live for a person (one row per person, see bot.live)."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Delete, bindparam, delete
from sqlalchemy import select as sa_select
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from store.models import LiveMessage, Person, utcnow

_TABLE = LiveMessage.__table__  # type: ignore[attr-defined]
_PERSON = Person.__table__  # type: ignore[attr-defined]
_OF_ACCOUNT = (
    select(col(Person.id), LiveMessage)
    .outerjoin(LiveMessage, col(LiveMessage.person_id) == col(Person.id))
    .where(
        col(Person.platform) == bindparam("platform"),
        col(Person.external_id) == bindparam("external_id"),
    )
)
_FORGET = delete(_TABLE).where(
    _TABLE.c.person_id == bindparam("person_id"), _TABLE.c.message_id == bindparam("message_id")
)
_FORGET_OF_ACCOUNT = delete(_TABLE).where(
    _TABLE.c.person_id
    == (
        sa_select(_PERSON.c.id)
        .where(
            _PERSON.c.platform == bindparam("platform"),
            _PERSON.c.external_id == bindparam("external_id"),
        )
        .scalar_subquery()
    ),
    _TABLE.c.message_id == bindparam("message_id"),
)


async def live_of_account(
    session: AsyncSession, *, platform: str, external_id: str
) -> tuple[int, LiveMessage | None] | None:
    """The person's id and live message, by their account; None if there is no such person."""
    params = {"platform": platform, "external_id": external_id}
    row = (await session.exec(_OF_ACCOUNT, params=params)).first()  # type: ignore[call-overload]
    return None if row is None else (row[0], row[1])


def forget_live(
    *,
    message_id: str,
    person_id: int | None = None,
    platform: str | None = None,
    external_id: str | None = None,
) -> tuple[Delete, dict[str, Any]]:
    """The statement (and its parameters) that forgets the live message, only if it is
    still ``message_id``; the person by id or by account."""
    if person_id is not None:
        return _FORGET, {"person_id": person_id, "message_id": message_id}
    return _FORGET_OF_ACCOUNT, {
        "platform": platform,
        "external_id": external_id,
        "message_id": message_id,
    }


async def put_live(
    session: AsyncSession,
    *,
    person_id: int,
    platform: str,
    chat_id: str,
    message_id: str,
    text: str,
    row: LiveMessage | None,
) -> LiveMessage | None:
    """Make this message the person's live one (``row``: their live message as this
    transaction read it, ``live_of_account``); returns the one it replaces, if another."""
    before = None
    if row is None:
        row = LiveMessage(
            person_id=person_id, platform=platform, chat_id=chat_id, message_id="", text=""
        )
    elif (row.platform, row.chat_id, row.message_id) != (platform, chat_id, message_id):
        before = LiveMessage(
            person_id=person_id,
            platform=row.platform,
            chat_id=row.chat_id,
            message_id=row.message_id,
            text=row.text,
        )
    row.platform, row.chat_id, row.message_id = platform, chat_id, message_id
    row.text, row.created_at = text, utcnow()
    session.add(row)
    return before
