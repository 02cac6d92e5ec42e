"""The async engine and session factory for SQLite (embedded) and PostgreSQL (production).

Two kinds of session:

- ``db.session()`` — one read-write transaction. On SQLite, writers of this
  process queue on an asyncio lock (first come, first served) before
  ``BEGIN IMMEDIATE``, so they never sleep in SQLite's busy handler; the lock
  only waits for another *process* (a CLI command beside the bot).
- ``db.read()`` — one read-only transaction: on SQLite a deferred ``BEGIN``
  that, in WAL mode, never waits for a writer and never blocks one. A flush in
  it raises :class:`ReadOnlyError`.

SQLite statements run on the event loop's thread (``InlineConnection``): the
library answers them in microseconds, while a hop to aiosqlite's worker
thread costs far more under concurrency (``bench/README.md``). Only what can
wait — ``BEGIN IMMEDIATE`` when another process holds the write lock, and the
WAL checkpoint — goes through the worker thread.
"""

from __future__ import annotations

import asyncio
import logging
import sqlite3
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

import aiosqlite
from sqlalchemy import event, text
from sqlalchemy.ext.asyncio import AsyncEngine, async_sessionmaker, create_async_engine
from sqlalchemy.orm import Session as SyncSession
from sqlmodel.ext.asyncio.session import AsyncSession

log = logging.getLogger(__name__)

SQLITE_BUSY_TIMEOUT_MS = 10_000
WRITE_LOCK_TIMEOUT_S = 30.0  # a writer queued this long is stuck, not busy
PG_POOL_RECYCLE_S = 1_800  # replaces a pre-ping round trip on every checkout
READ_ONLY = "jx_read_only"  # execution option of the read engine (a plain BEGIN on SQLite)
CHECKPOINT_EVERY = 200  # SQLite write commits between WAL checkpoints (InlineConnection)


class Prebuilt:
    """A hot statement built once per SQL dialect and executed with parameters.

    Building a SQLAlchemy statement (and its cache key's first pass) costs more CPU than
    SQLite takes to run it; the ones every update runs are built once (bench/README.md).
    """

    def __init__(self, build: Callable[[str], Any]) -> None:
        self._build = build
        self._built: dict[str, Any] = {}

    def __call__(self, dialect: str) -> Any:
        stmt = self._built.get(dialect)
        if stmt is None:
            stmt = self._built[dialect] = self._build(dialect)
        return stmt

    def of(self, session: AsyncSession) -> Any:
        """The statement for the database ``session`` talks to."""
        bind = session.bind
        return self(bind.dialect.name if bind is not None else "sqlite")


class ReadOnlyError(RuntimeError):
    """A write was attempted in a ``db.read()`` session."""


class InlineConnection(aiosqlite.Connection):
    """An aiosqlite connection that runs statements on the caller's thread.

    SQLite answers in microseconds, while a hop to aiosqlite's worker thread (and back)
    costs more CPU than the statement (bench/README.md). The two statements that can
    wait stay off the event loop when they have to:

    - ``BEGIN IMMEDIATE`` is tried without a busy wait; only when another *process*
      holds the write lock (this process's writers queue in ``Database.session``) is
      it repeated on the worker thread, waiting as SQLite's busy handler does.
    - ``COMMIT`` never checkpoints the WAL here (``wal_autocheckpoint=0`` on these
      connections); every ``CHECKPOINT_EVERY`` write commits to the file, a passive
      checkpoint runs on the worker thread instead.
    """

    _reading = False  # the open transaction began with a plain BEGIN (db.read())
    _commits: list[int]  # write commits to this file, shared by its connections

    async def _execute(self, fn: Any, *args: Any, **kwargs: Any) -> Any:
        if not self._running or not self._connection:
            raise ValueError("Connection closed")
        sql = args[0].lstrip()[:6].upper() if args and isinstance(args[0], str) else ""
        if sql.startswith("BEGIN"):
            self._reading = args[0].strip().upper() == "BEGIN"
            if not self._reading:
                return await self._begin_immediate(fn, *args, **kwargs)
        elif sql == "COMMIT" or fn.__name__ in ("commit", "rollback"):
            wrote, self._reading = not self._reading, False
            result = fn(*args, **kwargs)
            if wrote and (sql == "COMMIT" or fn.__name__ == "commit"):
                await self._committed()
            return result
        return fn(*args, **kwargs)

    async def _begin_immediate(self, fn: Any, *args: Any, **kwargs: Any) -> Any:
        raw = self._connection
        raw.execute("PRAGMA busy_timeout=0")
        try:
            return fn(*args, **kwargs)
        except sqlite3.OperationalError as exc:
            if getattr(exc, "sqlite_errorcode", None) != sqlite3.SQLITE_BUSY:
                raise
        finally:
            raw.execute(f"PRAGMA busy_timeout={SQLITE_BUSY_TIMEOUT_MS}")
        # Another process is writing: wait for it off the event loop.
        return await super()._execute(fn, *args, **kwargs)

    async def _committed(self) -> None:
        self._commits[0] += 1
        if self._commits[0] % CHECKPOINT_EVERY:
            return
        try:
            await super()._execute(_checkpoint, self._connection)
        except sqlite3.Error as exc:
            log.warning("WAL checkpoint failed (the next one tries again): %s", exc)


def _checkpoint(conn: sqlite3.Connection) -> None:
    conn.execute("PRAGMA wal_checkpoint(PASSIVE)").fetchall()


def _inline_creator(path: str):  # type: ignore[no-untyped-def]
    commits = [0]

    def connector() -> sqlite3.Connection:
        conn = sqlite3.connect(path, timeout=SQLITE_BUSY_TIMEOUT_MS / 1000, check_same_thread=False)
        conn.execute("PRAGMA wal_autocheckpoint=0")  # InlineConnection checkpoints
        return conn

    async def create() -> InlineConnection:
        conn = InlineConnection(connector, iter_chunk_size=64)
        conn._commits = commits
        conn._thread.daemon = True
        return await conn

    return create


def _sqlite_pragmas(engine: AsyncEngine) -> None:
    """WAL, a busy timeout, foreign keys; BEGIN IMMEDIATE for writes, BEGIN for reads.

    BEGIN IMMEDIATE takes the write lock up front: a transaction that reads and
    then writes (claiming an offer, leasing tasks) would otherwise fail at once
    with SQLITE_BUSY_SNAPSHOT when another connection committed in between.
    """

    @event.listens_for(engine.sync_engine, "connect")
    def _on_connect(dbapi_conn: Any, _record: Any) -> None:
        dbapi_conn.isolation_level = None  # we issue BEGIN ourselves
        cur = dbapi_conn.cursor()
        cur.execute("PRAGMA journal_mode=WAL")
        cur.execute(f"PRAGMA busy_timeout={SQLITE_BUSY_TIMEOUT_MS}")
        cur.execute("PRAGMA foreign_keys=ON")
        cur.execute("PRAGMA synchronous=NORMAL")
        cur.close()

    @event.listens_for(engine.sync_engine, "begin")
    def _on_begin(conn: Any) -> None:
        read_only = conn.get_execution_options().get(READ_ONLY, False)
        conn.exec_driver_sql("BEGIN" if read_only else "BEGIN IMMEDIATE")


def sqlite_path(url: str) -> str:
    return url.split(":///", 1)[1].split("?", 1)[0] if ":///" in url else ""


def make_engine(url: str, *, echo: bool = False) -> AsyncEngine:
    """Create the engine for ``url``; SQLite files get their folder created."""
    if url.startswith("sqlite"):
        path = sqlite_path(url)
        if path and path != ":memory:":
            Path(path).parent.mkdir(parents=True, exist_ok=True)
            engine = create_async_engine(url, echo=echo, async_creator=_inline_creator(path))
        else:
            engine = create_async_engine(
                url, echo=echo, connect_args={"timeout": SQLITE_BUSY_TIMEOUT_MS / 1000}
            )
        _sqlite_pragmas(engine)
        return engine
    return create_async_engine(
        url,
        echo=echo,
        pool_pre_ping=False,
        pool_recycle=PG_POOL_RECYCLE_S,
        pool_size=10,
        max_overflow=10,
        # asyncpg prepares every statement and keeps the last 500 per connection:
        # the hot path's statements are parsed and planned once per connection.
        connect_args={"prepared_statement_cache_size": 500},
    )


def _refuse_writes(session: SyncSession, _ctx: Any, _instances: Any) -> None:
    if session.info.get(READ_ONLY):
        raise ReadOnlyError("a db.read() session cannot write; use db.session()")


event.listen(SyncSession, "before_flush", _refuse_writes)


class Database:
    """Owns the engine and hands out short-lived sessions (one per unit of work)."""

    def __init__(self, url: str, *, echo: bool = False) -> None:
        self.url = url
        self.engine = make_engine(url, echo=echo)
        self._sessions = async_sessionmaker(
            self.engine, class_=AsyncSession, expire_on_commit=False
        )
        self._reads = async_sessionmaker(
            self.engine.execution_options(**{READ_ONLY: True}),
            class_=AsyncSession,
            expire_on_commit=False,
            info={READ_ONLY: True},
        )
        # SQLite: this process's writers take turns here instead of in the busy handler.
        self._write_lock = asyncio.Lock() if self.is_sqlite else None
        self._writer: asyncio.Task[Any] | None = None

    @property
    def is_sqlite(self) -> bool:
        return self.engine.dialect.name == "sqlite"

    @property
    def is_postgres(self) -> bool:
        return self.engine.dialect.name == "postgresql"

    @asynccontextmanager
    async def session(self) -> AsyncIterator[AsyncSession]:
        """A session inside one transaction: committed on success, rolled back on error."""
        if self._write_lock is None:
            async with self._sessions() as session, session.begin():
                yield session
            return
        task = asyncio.current_task()
        if task is not None and task is self._writer:
            # Nested in this task's own write session: queueing would wait forever.
            log.warning("nested write session on SQLite; it waits for the outer one's lock")
            async with self._sessions() as session, session.begin():
                yield session
            return
        try:
            if self._write_lock.locked():
                await asyncio.wait_for(self._write_lock.acquire(), WRITE_LOCK_TIMEOUT_S)
            else:  # free: taken at once, without wait_for's task and timer
                await self._write_lock.acquire()
        except TimeoutError:
            # As SQLite's busy handler would have said: better than waiting forever on a
            # task that awaits, inside its own write session, another that wants to write.
            raise sqlite3.OperationalError("database is locked (in-process writer queue)") from None
        self._writer = task
        try:
            async with self._sessions() as session, session.begin():
                yield session
        finally:
            self._writer = None
            self._write_lock.release()

    @asynccontextmanager
    async def read(self) -> AsyncIterator[AsyncSession]:
        """A read-only session: takes no write lock, waits for no writer."""
        async with self._reads() as session, session.begin():
            yield session

    async def ping(self) -> bool:
        try:
            async with self.engine.connect() as conn:
                await conn.execute(text("SELECT 1"))
            return True
        except Exception:
            return False

    async def dispose(self) -> None:
        await self.engine.dispose()


# --- added by restructure-flows ---
# The session type, for annotations in code that must not import sqlmodel (flows).
Session = AsyncSession
