"""The message whose buttons are live for a person (one row per person, see bot.live)."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Delete, bindparam, delete
from sqlalchemy import select as sa_select
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlmodel.ext.asyncio.session import AsyncSession

from store.engine import Prebuilt
from store.models import LiveMessage, Person, utcnow

_TABLE = LiveMessage.__table__  # type: ignore[attr-defined]
_PERSON = Person.__table__  # type: ignore[attr-defined]
_OF_ACCOUNT = (
    sa_select(_PERSON.c.id, _TABLE.c.platform, _TABLE.c.chat_id, _TABLE.c.message_id, _TABLE.c.text)
    .select_from(_PERSON.outerjoin(_TABLE, _TABLE.c.person_id == _PERSON.c.id))
    .where(
        _PERSON.c.platform == bindparam("platform"),
        _PERSON.c.external_id == bindparam("external_id"),
    )
)


def _put(dialect: str) -> Any:
    insert = (pg_insert if dialect == "postgresql" else sqlite_insert)(_TABLE)
    new = insert.excluded
    columns = ("platform", "chat_id", "message_id", "text", "created_at")
    return insert.on_conflict_do_update(
        index_elements=["person_id"], set_={name: new[name] for name in columns}
    )


_PUT = Prebuilt(_put)
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
    """The person's id and live message, by their account; None if there is no such person.
    (The message is a plain copy: change it with ``put_live``.)"""
    params = {"platform": platform, "external_id": external_id}
    row = (await session.exec(_OF_ACCOUNT, params=params)).first()  # type: ignore[call-overload]
    if row is None:
        return None
    person_id, live_platform, chat_id, message_id, text = row
    if message_id is None:
        return person_id, None
    live = LiveMessage(
        person_id=person_id,
        platform=live_platform,
        chat_id=chat_id,
        message_id=message_id,
        text=text,
    )
    return person_id, live


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
    transaction read it, ``live_of_account``); returns the one it replaces, if another.
    One statement (an upsert)."""
    before = None
    if row is not None and (row.platform, row.chat_id, row.message_id) != (
        platform,
        chat_id,
        message_id,
    ):
        before = row
    params = _values(person_id, platform, chat_id, message_id, text)
    await session.exec(_PUT.of(session), params=params)  # type: ignore[call-overload]
    return before


def keep_live(
    *, dialect: str, person_id: int, platform: str, chat_id: str, message_id: str, text: str
) -> tuple[Any, dict[str, Any]]:
    """The statement (and its parameters) that makes this message the person's live one,
    whatever was live before: an upsert, for a transaction that writes anyway."""
    return _PUT(dialect), _values(person_id, platform, chat_id, message_id, text)


def _values(
    person_id: int, platform: str, chat_id: str, message_id: str, text: str
) -> dict[str, Any]:
    return {
        "person_id": person_id,
        "platform": platform,
        "chat_id": chat_id,
        "message_id": message_id,
        "text": text,
        "created_at": utcnow(),
    }
