"""The durable task queue: what is due is a row, not an APScheduler job.

Flows enqueue tasks (``enqueue``) in the same transaction as the change that
makes them due; the scheduler's tick leases due rows (``lease_due``), runs the
handler registered for their ``kind`` (see ``bot.registry.Registry.task``) and
reports back with ``complete`` or ``fail``.

Delivery is at-least-once: a lease that runs out (the process died between
claiming and finishing) makes the task due again, so handlers must be
idempotent. Only the worker holding the lease may complete or fail a task, so a
worker that lost its lease cannot overwrite the outcome of the one that took over.
"""

from __future__ import annotations

import logging
from collections.abc import Collection
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import and_, delete, not_, or_, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from store.models import Task, TaskStatus

log = logging.getLogger(__name__)

MAX_ATTEMPTS = 5  # runs of one task (including crashed ones) before it is marked FAILED
BACKOFF_BASE = timedelta(seconds=30)
BACKOFF_MAX = timedelta(hours=1)
DEFAULT_LEASE = timedelta(minutes=10)
_ERROR_LENGTH = 1000  # Task.last_error's column size


async def enqueue(
    session: AsyncSession,
    kind: str,
    due_at: datetime,
    payload: dict[str, Any] | None = None,
    *,
    key: str | None = None,
) -> Task:
    """Schedule ``kind`` at ``due_at``. With a ``key``, an existing pending task with the
    same key is moved to the new time instead of duplicated (idempotent scheduling)."""
    if key is not None:
        existing = (await session.exec(select(Task).where(Task.key == key))).first()
        if existing is not None:
            existing.kind = kind
            existing.due_at = due_at
            existing.payload = dict(payload or {})
            existing.status = TaskStatus.PENDING
            existing.attempts = 0
            existing.lease_until = None
            existing.leased_by = None
            existing.last_error = None
            existing.done_at = None
            session.add(existing)
            return existing
    task = Task(kind=kind, due_at=due_at, payload=dict(payload or {}), key=key)
    session.add(task)
    await session.flush()
    return task


async def ensure(
    session: AsyncSession,
    kind: str,
    due_at: datetime,
    payload: dict[str, Any] | None = None,
    *,
    key: str,
) -> bool:
    """Insert the task unless one with ``key`` exists, in whatever status; True if inserted.

    Unlike ``enqueue`` this never revives a finished task, and two instances
    ensuring the same key at once both succeed (INSERT … ON CONFLICT DO NOTHING):
    calendar work such as "the digest of 24 November" runs once.
    """
    dialect = session.bind.dialect.name if session.bind is not None else "sqlite"
    insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
    now = datetime.now(UTC)
    stmt = (
        insert(Task)
        .values(
            kind=kind,
            key=key,
            due_at=due_at,
            payload=dict(payload or {}),
            status=TaskStatus.PENDING,
            attempts=0,
            created_at=now,
        )
        .on_conflict_do_nothing(index_elements=["key"])
        .returning(col(Task.id))
    )
    return (await session.exec(stmt)).first() is not None  # type: ignore[call-overload]


async def cancel(
    session: AsyncSession, *, key: str | None = None, key_prefix: str | None = None
) -> int:
    """Cancel pending tasks by exact key or key prefix (e.g. ``order:123:remind:``).

    A task already running is left alone: handlers re-check their order's state
    when they run, so a late run of a cancelled reminder sends nothing.
    """
    stmt = update(Task).where(col(Task.status) == TaskStatus.PENDING)
    if key is not None:
        stmt = stmt.where(col(Task.key) == key)
    elif key_prefix is not None:
        stmt = stmt.where(col(Task.key).startswith(key_prefix, autoescape=True))
    else:
        raise ValueError("cancel needs key or key_prefix")
    result = await session.exec(stmt.values(status=TaskStatus.CANCELLED))  # type: ignore[call-overload]
    return int(result.rowcount or 0)


OUTBOX = "outbox."  # kinds "outbox.<platform>": a send only an instance with that channel makes


def _kinds(kinds: Collection[str] | None, outbox: Collection[str]) -> Any:
    """Which kinds a worker may lease: ``kinds`` (all when None), and of the outbox kinds
    only those in ``outbox`` (the platforms this instance has a channel for)."""
    theirs = and_(col(Task.kind).startswith(OUTBOX), col(Task.kind).not_in(list(outbox) or [""]))
    allowed = not_(theirs)
    return allowed if kinds is None else and_(allowed, col(Task.kind).in_(list(kinds)))


async def lease_due(
    session: AsyncSession,
    now: datetime,
    worker_id: str,
    limit: int = 100,
    lease_for: timedelta = DEFAULT_LEASE,
    *,
    kinds: Collection[str] | None = None,
    outbox: Collection[str] = (),
) -> list[Task]:
    """Claim up to ``limit`` due tasks for ``worker_id`` until ``now + lease_for``.

    Due means pending with ``due_at <= now``, or running with a lease that ran
    out (its worker died). One UPDATE … WHERE id IN (SELECT … FOR UPDATE SKIP
    LOCKED) … RETURNING: on PostgreSQL concurrent workers skip each other's rows
    instead of waiting or sharing them; SQLite drops the locking clause and its
    single writer (BEGIN IMMEDIATE, see store.engine) serialises the claims.
    Each lease counts as an attempt, so a task that crashes its worker every
    time still ends up FAILED. Returned oldest due first.

    ``kinds`` limits the kinds (None: every kind); outbox sends (``outbox.<platform>``)
    are leased only for the platforms in ``outbox``, so an instance without a channel
    never takes, and never fails, a send it cannot make.
    """
    due = (
        select(Task.id)
        .where(
            or_(
                and_(col(Task.status) == TaskStatus.PENDING, col(Task.due_at) <= now),
                and_(col(Task.status) == TaskStatus.RUNNING, col(Task.lease_until) < now),
            ),
            _kinds(kinds, outbox),
        )
        .order_by(col(Task.due_at), col(Task.id))
        .limit(limit)
        .with_for_update(skip_locked=True)
    )
    stmt = (
        update(Task)
        .where(col(Task.id).in_(due.scalar_subquery()))
        .values(
            status=TaskStatus.RUNNING,
            lease_until=now + lease_for,
            leased_by=worker_id,
            attempts=col(Task.attempts) + 1,
        )
        .returning(Task)
        .execution_options(synchronize_session=False, populate_existing=True)
    )
    tasks = list((await session.exec(stmt)).scalars().all())  # type: ignore[call-overload]
    tasks.sort(key=lambda t: (t.due_at, t.id))
    return tasks


def _held(task_id: int, worker_id: str) -> tuple[Any, ...]:
    """The task is running under ``worker_id``'s lease (only the holder may change it)."""
    return (
        col(Task.id) == task_id,
        col(Task.status) == TaskStatus.RUNNING,
        col(Task.leased_by) == worker_id,
    )


async def renew(session: AsyncSession, task_id: int, worker_id: str, until: datetime) -> bool:
    """Extend ``worker_id``'s lease on a task to ``until``; False if it no longer holds it.

    A batch is leased at once but run one task after another, so a task late in
    a slow batch would otherwise start after its lease ran out — when another
    instance may already have leased and run it.
    """
    stmt = (
        update(Task)
        .where(*_held(task_id, worker_id))
        .values(lease_until=until)
        .returning(col(Task.id))
    )
    return (await session.exec(stmt)).first() is not None  # type: ignore[call-overload]


async def complete(
    session: AsyncSession, task_id: int, worker_id: str, *, now: datetime | None = None
) -> bool:
    """Mark a leased task done; False if ``worker_id`` no longer holds its lease."""
    stmt = (
        update(Task)
        .where(*_held(task_id, worker_id))
        .values(
            status=TaskStatus.DONE,
            done_at=now or datetime.now(UTC),
            lease_until=None,
            last_error=None,
        )
        .returning(col(Task.id))
    )
    return (await session.exec(stmt)).first() is not None  # type: ignore[call-overload]


def backoff(attempts: int) -> timedelta:
    """How long to wait before the next try after ``attempts`` failed runs (30s, 1m, 2m …)."""
    return min(BACKOFF_BASE * 2 ** max(attempts - 1, 0), BACKOFF_MAX)


async def fail(
    session: AsyncSession,
    task_id: int,
    worker_id: str,
    error: str,
    retry_at: datetime | None,
    *,
    max_attempts: int = MAX_ATTEMPTS,
    now: datetime | None = None,
) -> str | None:
    """Record a failed run: due again at ``retry_at``, or FAILED for good.

    A task is given up (FAILED) when ``retry_at`` is None (the failure is
    permanent, e.g. no handler for its kind) or it has used ``max_attempts``.
    Returns the task's new status, or None if ``worker_id`` no longer holds it.
    """
    stmt = select(Task).where(*_held(task_id, worker_id)).with_for_update()
    task = (await session.exec(stmt)).first()
    if task is None:
        return None
    task.last_error = error[:_ERROR_LENGTH]
    task.lease_until = None
    task.leased_by = None
    if retry_at is None or task.attempts >= max_attempts:
        task.status = TaskStatus.FAILED
        task.done_at = now or datetime.now(UTC)
        log.error(
            "task %s (%s, key %s) failed for good after %s attempt(s): %s",
            task.id,
            task.kind,
            task.key,
            task.attempts,
            task.last_error,
        )
    else:
        task.status = TaskStatus.PENDING
        task.due_at = retry_at
        log.warning(
            "task %s (%s) failed (attempt %s of %s), retrying at %s: %s",
            task.id,
            task.kind,
            task.attempts,
            max_attempts,
            retry_at.isoformat(),
            task.last_error,
        )
    session.add(task)
    return task.status


async def release(session: AsyncSession, worker_id: str) -> int:
    """Hand back every task ``worker_id`` still holds (a clean shutdown), due again at once.

    The attempt the lease counted is given back too: the task never ran.
    """
    stmt = (
        update(Task)
        .where(col(Task.status) == TaskStatus.RUNNING, col(Task.leased_by) == worker_id)
        .values(
            status=TaskStatus.PENDING,
            lease_until=None,
            leased_by=None,
            attempts=col(Task.attempts) - 1,
        )
        .returning(col(Task.id))
    )
    return len((await session.exec(stmt)).all())  # type: ignore[call-overload]


async def running_holders(session: AsyncSession) -> list[str]:
    """Who holds the running tasks' leases (to find holders whose process died)."""
    stmt = select(col(Task.leased_by)).where(col(Task.status) == TaskStatus.RUNNING).distinct()
    return sorted(h for h in (await session.exec(stmt)).all() if h)


async def expire_leases(session: AsyncSession, *, holders: Collection[str], now: datetime) -> int:
    """End the leases of ``holders`` (their process died): due at the next lease."""
    stmt = (
        update(Task)
        .where(col(Task.status) == TaskStatus.RUNNING, col(Task.leased_by).in_(list(holders)))
        .values(lease_until=now - timedelta(microseconds=1))
        .returning(col(Task.id))
    )
    return len((await session.exec(stmt)).all())  # type: ignore[call-overload]


# --- added by restructure-flows ---


async def by_key(session: AsyncSession, *, key: str) -> Task | None:
    return (await session.exec(select(Task).where(col(Task.key) == key))).first()


async def take_over(
    session: AsyncSession, *, key: str, holder: str | None, until: datetime | None, now: datetime
) -> int:
    """A process runs the task itself (a broadcast fan-out): RUNNING under ``holder`` until
    ``until``, or DONE at once when ``holder`` is None; returns its id."""
    await session.exec(  # type: ignore[call-overload]
        update(Task)
        .where(col(Task.key) == key)
        .values(
            status=TaskStatus.RUNNING if holder else TaskStatus.DONE,
            leased_by=holder,
            lease_until=until if holder else None,
            done_at=None if holder else now,
        )
    )
    return (await session.exec(select(Task.id).where(col(Task.key) == key))).one()  # type: ignore[return-value]


async def update_held(session: AsyncSession, *, task_id: int, holder: str, **values: Any) -> bool:
    """Change a task only while ``holder`` still holds it; False if it does not."""
    stmt = update(Task).where(*_held(task_id, holder)).values(**values).returning(col(Task.id))
    return (await session.exec(stmt)).first() is not None  # type: ignore[call-overload]


async def prune(
    session: AsyncSession, *, finished_before: datetime, failed_before: datetime
) -> int:
    """Delete done and cancelled tasks created before ``finished_before``, failed ones
    before ``failed_before``; returns how many."""
    finished = await session.exec(  # type: ignore[call-overload]
        delete(Task).where(
            col(Task.status).in_((TaskStatus.DONE, TaskStatus.CANCELLED)),
            col(Task.created_at) < finished_before,
        )
    )
    failed = await session.exec(  # type: ignore[call-overload]
        delete(Task).where(
            col(Task.status) == TaskStatus.FAILED,
            col(Task.created_at) < failed_before,
        )
    )
    return int(finished.rowcount or 0) + int(failed.rowcount or 0)
