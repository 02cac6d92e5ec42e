"""Queries about outbox rows: the durable state of each outgoing message that matters.

A row moves pending → sending → sent (with the message id) or failed, each step its
own commit, so after a crash only rows left in ``sending`` are ambiguous (the call
may or may not have reached the platform). See ``bot.outbox`` for the policy.
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import and_, delete, or_, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlmodel import col, func, select
from sqlmodel.ext.asyncio.session import AsyncSession

from store.models import OutboxMessage, OutboxState

MAX_CALLS = 2  # the first call, and at most one resend of a call a crash left ambiguous
_ERROR_LENGTH = 300


@dataclass(frozen=True)
class Claim:
    """What ``claim`` found: ``go`` means this caller makes the API call now."""

    go: bool
    state: str
    chat_id: str | None = None
    message_id: str | None = None
    calls: int = 0
    holder: str | None = None


def _insert(session: AsyncSession) -> Any:
    dialect = session.bind.dialect.name if session.bind is not None else "sqlite"
    return postgresql.insert if dialect == "postgresql" else sqlite.insert


async def add(session: AsyncSession, *, key: str, kind: str, person_id: int, now: datetime) -> bool:
    """Write the row as pending unless it exists (any state); True if this call wrote it."""
    stmt = (
        _insert(session)(OutboxMessage)
        .values(
            key=key,
            kind=kind,
            person_id=person_id,
            state=OutboxState.PENDING,
            calls=0,
            created_at=now,
        )
        .on_conflict_do_nothing(index_elements=["key"])
        .returning(col(OutboxMessage.id))
    )
    return (await session.exec(stmt)).first() is not None  # type: ignore[call-overload]


async def claim(
    session: AsyncSession,
    *,
    key: str,
    kind: str,
    person_id: int,
    holder: str,
    now: datetime,
    stale_before: datetime | None,
    dead: Collection[str] = (),
    take_over: bool = False,
    retry_failed: bool = True,
    max_calls: int = MAX_CALLS,
) -> Claim:
    """Move the row (written now if missing) to ``sending`` under ``holder``, if it may be sent.

    It may when it is pending; when it failed and ``retry_failed``; and when another
    holder's call was left ambiguous — that holder is in ``dead``, its call started
    before ``stale_before``, or ``take_over`` (the caller took over that holder's work,
    e.g. a broadcast's lease) — and fewer than ``max_calls`` calls were made. One
    conditional UPDATE decides, so two callers never both send.
    """
    await add(session, key=key, kind=kind, person_id=person_id, now=now)
    ambiguous = [col(OutboxMessage.holder).in_(list(dead) or [""])]
    if stale_before is not None:
        ambiguous.append(col(OutboxMessage.sending_at) < stale_before)
    if take_over:
        ambiguous.append(col(OutboxMessage.holder) != holder)
    may = [col(OutboxMessage.state) == OutboxState.PENDING]
    if retry_failed:
        may.append(col(OutboxMessage.state) == OutboxState.FAILED)
    may.append(
        and_(
            col(OutboxMessage.state) == OutboxState.SENDING,
            col(OutboxMessage.calls) < max_calls,
            or_(*ambiguous),
        )
    )
    stmt = (
        update(OutboxMessage)
        .where(col(OutboxMessage.key) == key, or_(*may))
        .values(
            state=OutboxState.SENDING,
            holder=holder,
            sending_at=now,
            calls=col(OutboxMessage.calls) + 1,
            error=None,
        )
        .returning(col(OutboxMessage.calls))
    )
    calls = (await session.exec(stmt)).first()  # type: ignore[call-overload]
    if calls is not None:
        return Claim(True, OutboxState.SENDING, calls=int(calls[0]))
    row = (await session.exec(select(OutboxMessage).where(col(OutboxMessage.key) == key))).one()
    return Claim(False, row.state, row.chat_id, row.message_id, row.calls, row.holder)


def _held(key: str, holder: str) -> tuple[Any, ...]:
    return (
        col(OutboxMessage.key) == key,
        col(OutboxMessage.state) == OutboxState.SENDING,
        col(OutboxMessage.holder) == holder,
    )


async def sent(
    session: AsyncSession,
    *,
    key: str,
    holder: str,
    chat_id: str | None,
    message_id: str | None,
    now: datetime,
) -> bool:
    """The call returned: the message is out, here. False if another holder took the row
    over meanwhile (then that holder's outcome stands)."""
    stmt = (
        update(OutboxMessage)
        .where(*_held(key, holder))
        .values(state=OutboxState.SENT, chat_id=chat_id, message_id=message_id, done_at=now)
        .returning(col(OutboxMessage.id))
    )
    return (await session.exec(stmt)).first() is not None  # type: ignore[call-overload]


async def failed(
    session: AsyncSession, *, key: str, holder: str, error: str, now: datetime
) -> bool:
    """The platform refused the call: nothing was delivered."""
    stmt = (
        update(OutboxMessage)
        .where(*_held(key, holder))
        .values(state=OutboxState.FAILED, error=error[:_ERROR_LENGTH], done_at=now)
        .returning(col(OutboxMessage.id))
    )
    return (await session.exec(stmt)).first() is not None  # type: ignore[call-overload]


async def unclaim(session: AsyncSession, *, key: str, holder: str) -> bool:
    """No call was made after all (no channel here): back to pending, the call not counted."""
    stmt = (
        update(OutboxMessage)
        .where(*_held(key, holder))
        .values(
            state=OutboxState.PENDING,
            holder=None,
            sending_at=None,
            calls=col(OutboxMessage.calls) - 1,
        )
        .returning(col(OutboxMessage.id))
    )
    return (await session.exec(stmt)).first() is not None  # type: ignore[call-overload]


async def forget(session: AsyncSession, *, prefixes: Collection[str]) -> None:
    """Drop the rows under ``prefixes``: their message is to go out anew (a re-offer)."""
    for prefix in prefixes:
        await session.exec(  # type: ignore[call-overload]
            delete(OutboxMessage).where(col(OutboxMessage.key).startswith(prefix, autoescape=True))
        )


async def by_key(session: AsyncSession, *, key: str) -> OutboxMessage | None:
    return (await session.exec(select(OutboxMessage).where(col(OutboxMessage.key) == key))).first()


async def sending_holders(session: AsyncSession, *, kind: str | None = None) -> list[str]:
    """Holders of calls still marked in flight (to find those whose process died)."""
    stmt = select(col(OutboxMessage.holder)).where(col(OutboxMessage.state) == OutboxState.SENDING)
    if kind is not None:
        stmt = stmt.where(col(OutboxMessage.kind) == kind)
    return sorted({h for h in (await session.exec(stmt.distinct())).all() if h})


async def unsettled(
    session: AsyncSession, *, kind: str, since: datetime, dead: Collection[str]
) -> list[str]:
    """Keys of ``kind`` written since ``since`` whose call went out (``sent``) or was left in
    flight by a ``dead`` holder: their owner may not have recorded the outcome."""
    stmt = select(col(OutboxMessage.key)).where(
        col(OutboxMessage.kind) == kind,
        col(OutboxMessage.created_at) >= since,
        or_(
            col(OutboxMessage.state) == OutboxState.SENT,
            and_(
                col(OutboxMessage.state) == OutboxState.SENDING,
                col(OutboxMessage.holder).in_(list(dead) or [""]),
            ),
        ),
    )
    return list((await session.exec(stmt)).all())


async def counts(session: AsyncSession, *, prefix: str) -> dict[str, int]:
    """How many rows under ``prefix`` are in each state (tests, progress)."""
    stmt = (
        select(col(OutboxMessage.state), func.count())
        .where(col(OutboxMessage.key).startswith(prefix, autoescape=True))
        .group_by(col(OutboxMessage.state))
    )
    return {state: int(n) for state, n in (await session.exec(stmt)).all()}


async def prune(session: AsyncSession, *, before: datetime) -> int:
    """Delete finished rows created before ``before`` (housekeeping)."""
    result = await session.exec(  # type: ignore[call-overload]
        delete(OutboxMessage).where(
            col(OutboxMessage.state).in_((OutboxState.SENT, OutboxState.FAILED)),
            col(OutboxMessage.created_at) < before,
        )
    )
    return int(result.rowcount or 0)
