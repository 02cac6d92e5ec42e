"""The message whose buttons are live for a person (one row per person, see bot.live)."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Delete, bindparam, delete, tuple_
from sqlalchemy import select as sa_select
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlmodel.ext.asyncio.session import AsyncSession

from store.engine import Prebuilt
from store.models import LiveMessage, Person, utcnow

_TABLE = LiveMessage.__table__  # type: ignore[attr-defined]
_PERSON = Person.__table__  # type: ignore[attr-defined]


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


async def lives_of_accounts(
    session: AsyncSession, *, accounts: list[tuple[str, str]]
) -> dict[tuple[str, str], tuple[int, LiveMessage | None]]:
    """Each account's person id and live message (a plain copy), in one statement; accounts
    with no person are left out."""
    if not accounts:
        return {}
    stmt = (
        sa_select(
            _PERSON.c.platform,
            _PERSON.c.external_id,
            _PERSON.c.id,
            _TABLE.c.platform,
            _TABLE.c.chat_id,
            _TABLE.c.message_id,
            _TABLE.c.text,
        )
        .select_from(_PERSON.outerjoin(_TABLE, _TABLE.c.person_id == _PERSON.c.id))
        .where(tuple_(_PERSON.c.platform, _PERSON.c.external_id).in_(accounts))
    )
    found: dict[tuple[str, str], tuple[int, LiveMessage | None]] = {}
    for platform, external_id, person_id, live_platform, chat_id, message_id, text in (
        await session.exec(stmt)  # type: ignore[call-overload]
    ):
        live = None
        if message_id is not None:
            live = LiveMessage(
                person_id=person_id,
                platform=live_platform,
                chat_id=chat_id,
                message_id=message_id,
                text=text,
            )
        found[(platform, external_id)] = (person_id, live)
    return found


async def put_lives(session: AsyncSession, *, rows: list[dict[str, Any]]) -> None:
    """Many ``keep_live`` upserts (their parameters, ``live_values``) in one round trip."""
    if rows:
        await session.exec(_PUT.of(session), params=rows)  # type: ignore[call-overload]


async def forget_lives(session: AsyncSession, *, rows: list[tuple[int, str]]) -> None:
    """Forget each (person_id, message_id)'s live message, if it is still that one."""
    if rows:
        params = [{"person_id": p, "message_id": m} for p, m in rows]
        await session.exec(_FORGET, params=params)  # type: ignore[call-overload]


def forget_live(*, person_id: int, message_id: str) -> tuple[Delete, dict[str, Any]]:
    """The statement (and its parameters) that forgets the person's live message, only if
    it is still ``message_id``."""
    return _FORGET, {"person_id": person_id, "message_id": message_id}


def keep_live(
    *, dialect: str, person_id: int, platform: str, chat_id: str, message_id: str, text: str
) -> tuple[Any, dict[str, Any]]:
    """The statement (and its parameters) that makes this message the person's live one,
    whatever was live before: an upsert, for a transaction that writes anyway."""
    return _PUT(dialect), live_values(person_id, platform, chat_id, message_id, text)


def live_values(
    person_id: int, platform: str, chat_id: str, message_id: str, text: str
) -> dict[str, Any]:
    """The parameters of the live-message upsert (``keep_live``, ``put_lives``)."""
    return {
        "person_id": person_id,
        "platform": platform,
        "chat_id": chat_id,
        "message_id": message_id,
        "text": text,
        "created_at": utcnow(),
    }
