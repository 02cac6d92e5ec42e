"""The transactional inbox: every inbound update stored before it is acknowledged.

A channel stores what arrived (``receive``, one transaction per webhook request
or ``getUpdates`` batch) and only then answers the platform. Handling marks the
row done *inside the handling's own write transaction*: while an update is being
handled (``handling``), the first session of that task that writes also runs
``UPDATE inboxupdate SET state='done'`` before it commits (a SQLAlchemy
``before_commit`` hook), so the dialog step saved and the update marked done
commit together, or not at all. A handling that writes nothing is marked done
afterwards (``mark_done``). Small writes the core can put off until then
(``later``: a live message forgotten) go into the same transaction.

On PostgreSQL one chat's rows are handled under ``pg_advisory_xact_lock`` on a
hash of the chat (``chat_lock``), so instances behind one load balancer keep
each chat's order; SQLite has one process, and an in-process lock does it.
"""

from __future__ import annotations

import asyncio
import contextvars
import hashlib
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import Executable, bindparam, delete, event, func, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import ORMExecuteState, Session
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from store import poison
from store.engine import Database, Prebuilt
from store.models import InboxState, InboxUpdate, utcnow

ERROR_LIMIT = 500


@dataclass(frozen=True)
class Arrival:
    """One inbound update as a channel hands it in."""

    platform: str
    key: str  # the platform's id for it: re-deliveries carry the same
    chat: str  # the conversation; one chat's updates are handled in order
    payload: dict[str, Any]


_TABLE = InboxUpdate.__table__  # type: ignore[attr-defined]
_RECEIVE = Prebuilt(
    lambda dialect: (
        (pg_insert if dialect == "postgresql" else sqlite_insert)(_TABLE)
        .on_conflict_do_nothing(index_elements=["platform", "key"])
        .returning(_TABLE.c.id, _TABLE.c.platform, _TABLE.c.key)
    )
)
_MARK_DONE = (
    update(_TABLE)
    .where(_TABLE.c.id == bindparam("row_id"), _TABLE.c.state == InboxState.RECEIVED)
    .values(state=InboxState.DONE, updated_at=bindparam("now"))
)


async def receive(db: Database, arrivals: Sequence[Arrival]) -> list[InboxUpdate]:
    """Store ``arrivals`` in one transaction; the rows that are new (re-deliveries are not)."""
    if not arrivals:
        return []
    now = utcnow()
    values: list[dict[str, Any]] = [
        {
            "platform": a.platform,
            "key": a.key[:128],
            "chat": a.chat[:128],
            "payload": a.payload,
            "state": InboxState.RECEIVED,
            "attempts": 1,
            "created_at": now,
        }
        for a in arrivals
    ]
    async with db.session() as session:
        returned = (await session.exec(_RECEIVE.of(session), params=values)).all()  # type: ignore[call-overload]
    fresh = {(r.platform, r.key): r.id for r in returned}
    rows = []
    for v in values:
        row_id = fresh.pop((v["platform"], v["key"]), None)
        if row_id is not None:
            rows.append(InboxUpdate(id=row_id, **v))
    return rows


async def pending(session: AsyncSession, *, platform: str, chat: str) -> list[InboxUpdate]:
    """The chat's rows not handled yet, oldest first."""
    stmt = (
        select(InboxUpdate)
        .where(
            col(InboxUpdate.state) == InboxState.RECEIVED,
            col(InboxUpdate.platform) == platform,
            col(InboxUpdate.chat) == chat,
        )
        .order_by(col(InboxUpdate.id))
    )
    return list((await session.exec(stmt)).all())  # type: ignore[call-overload]


async def unfinished(
    db: Database, *, before: datetime | None = None, limit: int = 5000
) -> list[InboxUpdate]:
    """Rows not handled yet (received before ``before``), oldest first: what a crash left."""
    stmt = select(InboxUpdate).where(col(InboxUpdate.state) == InboxState.RECEIVED)
    if before is not None:
        stmt = stmt.where(col(InboxUpdate.created_at) < before)
    async with db.session() as session:
        result = await session.exec(stmt.order_by(col(InboxUpdate.id)).limit(limit))  # type: ignore[call-overload]
        return list(result.all())


async def state_of(session: AsyncSession, *, row_id: int) -> str | None:
    stmt = select(InboxUpdate.state).where(col(InboxUpdate.id) == row_id)  # type: ignore[call-overload]
    return (await session.exec(stmt)).first()


async def take_again(session: AsyncSession, *, row_id: int, now: datetime) -> int:
    """Count one more attempt at a row (a retry, or a row a crash left); the new count."""
    stmt = (
        update(InboxUpdate)
        .where(col(InboxUpdate.id) == row_id)
        .values(attempts=InboxUpdate.attempts + 1, updated_at=now)
        .returning(col(InboxUpdate.attempts))
    )
    return int((await session.exec(stmt)).scalar_one())  # type: ignore[call-overload]


async def mark_done(
    session: AsyncSession, *, row_id: int, now: datetime, also: Sequence[Later] = ()
) -> None:
    """Mark the row handled; ``also``: the handling's put-off writes (``later``)."""
    for stmt, params in also:
        await session.exec(stmt, params=params)  # type: ignore[call-overload]
    await session.exec(_MARK_DONE, params={"row_id": row_id, "now": now})  # type: ignore[call-overload]


async def record_failure(session: AsyncSession, *, row_id: int, error: str, now: datetime) -> None:
    await session.exec(  # type: ignore[call-overload]
        update(InboxUpdate)
        .where(col(InboxUpdate.id) == row_id)
        .values(error=error[:ERROR_LIMIT], updated_at=now)
    )


async def set_aside(session: AsyncSession, *, row: InboxUpdate, error: str, now: datetime) -> None:
    """Give up on a row: failed here, and kept with its error among the poison updates.

    Telegram's update id names it there; other platforms' keys are not numbers, so
    their row id does.
    """
    await session.exec(  # type: ignore[call-overload]
        update(InboxUpdate)
        .where(col(InboxUpdate.id) == row.id)
        .values(state=InboxState.FAILED, error=error[:ERROR_LIMIT], updated_at=now)
    )
    number = int(row.key) if row.key.isdigit() else int(row.id or 0)
    await poison.set_aside(
        session, platform=row.platform, update_id=number, raw=row.payload, error=error
    )


async def chat_lock(session: AsyncSession, *, platform: str, chat: str) -> None:
    """Hold the chat until this transaction ends (PostgreSQL; other instances wait)."""
    digest = hashlib.blake2b(f"{platform}:{chat}".encode(), digest_size=8).digest()
    key = int.from_bytes(digest, "big", signed=True)
    await session.exec(select(func.pg_advisory_xact_lock(key)))  # type: ignore[call-overload]


async def prune(db: Database, *, done_before: datetime, failed_before: datetime) -> int:
    """Forget handled rows (and, later, failed ones; their poison copy stays)."""
    async with db.session() as session:
        result = await session.exec(  # type: ignore[call-overload]
            delete(InboxUpdate).where(
                (
                    (col(InboxUpdate.state) == InboxState.DONE)
                    & (col(InboxUpdate.created_at) < done_before)
                )
                | (
                    (col(InboxUpdate.state) == InboxState.FAILED)
                    & (col(InboxUpdate.created_at) < failed_before)
                )
            )
        )
        return int(result.rowcount or 0)


# -- marking done inside the handling's own transaction ------------------------------------


Later = tuple[Executable, dict[str, Any]]  # a put-off write and its parameters


class Handling:
    """The inbox row the current task is handling, and whether a commit marked it done."""

    def __init__(self, row_id: int) -> None:
        self.row_id = row_id
        self.task = asyncio.current_task()
        self.armed = False  # set once the core starts the flow: earlier writes are not it
        self.done = False
        self.later: list[Later] = []  # writes for the handling's transaction (``later``)
        self.error: str | None = None  # a failure the channel reported (its error handler)


_CURRENT: contextvars.ContextVar[Handling | None] = contextvars.ContextVar(
    "inbox_handling", default=None
)
_WROTE = "inbox_wrote"
_MARKING = "inbox_marking"


@contextmanager
def handling(row_id: int) -> Iterator[Handling]:
    """While inside, write transactions of this task also mark row ``row_id`` done."""
    current = Handling(row_id)
    token = _CURRENT.set(current)
    try:
        yield current
    finally:
        _CURRENT.reset(token)


def current() -> Handling | None:
    """The handling of this task (not of a task it started: those outlive it)."""
    h = _CURRENT.get()
    if h is None or h.task is not asyncio.current_task():
        return None
    return h


def arm() -> None:
    """The core has the person and starts the flow: its writes are the update's handling."""
    h = current()
    if h is not None:
        h.armed = True


def later(stmt: Executable, params: dict[str, Any]) -> bool:
    """Run ``stmt`` in the transaction that marks this task's update done; False when no
    update is being handled (the caller runs it itself)."""
    h = current()
    if h is None:
        return False
    h.later.append((stmt, params))
    return True


def report_failure(error: str) -> None:
    """The channel's error handler saw the handling fail (it is retried, then set aside)."""
    h = current()
    if h is not None:
        h.error = error


@event.listens_for(Session, "do_orm_execute")
def _note_write(state: ORMExecuteState) -> None:
    if state.is_insert or state.is_update or state.is_delete:
        state.session.info[_WROTE] = True


@event.listens_for(Session, "after_flush")
def _note_flush(session: Session, _context: Any) -> None:
    session.info[_WROTE] = True


@event.listens_for(Session, "before_commit")
def _mark_done_with_the_handling(session: Session) -> None:
    h = current()
    if h is None or not h.armed or (h.done and not h.later) or session.info.get(_MARKING):
        return  # not handling an update's flow, or its row is marked already
    if not (session.info.get(_WROTE) or session.new or session.dirty or session.deleted):
        return  # a read: it does not decide anything
    put_off = list(h.later)
    session.info[_MARKING] = (h, len(put_off))
    conn = session.connection()
    for stmt, params in put_off:
        conn.execute(stmt, params)
    if not h.done:
        conn.execute(_MARK_DONE, {"row_id": h.row_id, "now": utcnow()})


@event.listens_for(Session, "after_commit")
def _committed(session: Session) -> None:
    marking = session.info.pop(_MARKING, None)
    if marking is not None:
        h, ran = marking
        h.done = True
        del h.later[:ran]
    session.info.pop(_WROTE, None)


@event.listens_for(Session, "after_rollback")
def _rolled_back(session: Session) -> None:
    session.info.pop(_MARKING, None)
    session.info.pop(_WROTE, None)
