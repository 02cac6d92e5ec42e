"""An in-process cache of the active teams, invalidated on change and across instances.

The teams change only through admin commands and catalog imports, yet almost
every request reads them (routing, the team buttons, volunteers' choices). So
:func:`active_teams` keeps them per database in process memory:

- **On change.** Any flush that inserts, updates or deletes a ``Team`` marks its
  session; when that session commits, this process's cache of that database is
  dropped (every ``Database`` on the same SQLite file too).
- **Across instances** (PostgreSQL). The same flush sends ``NOTIFY jx_cache``
  inside its transaction, so it is delivered only if the change commits; every
  instance's :class:`CacheListener` (one ``LISTEN`` connection, as the web
  fan-out uses) drops its cache. A listener that reconnects drops it too.
- **Backstop.** An entry older than ``TTL`` seconds is reloaded, so a missed
  notification costs at most that much staleness.

Cached ``Team`` rows are loaded on a connection of their own and belong to no
caller's session; treat them as read-only (edit a team loaded with
``store.teams.team_by_slug``).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
import weakref
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import event
from sqlalchemy.orm import Session as SyncSession
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from store.engine import READ_ONLY, Database
from store.models import Team

log = logging.getLogger(__name__)

CHANNEL = "jx_cache"
TTL = 60.0
_CHANGED = "jx_teams_changed"


@dataclass
class _Scope:
    """The cache of one database as one ``Database`` (one instance) sees it."""

    url: str
    generation: int = 0
    teams: list[Team] | None = None
    loaded_at: float = 0.0
    loaded_generation: int = -1
    misses: int = field(default=0)

    def drop(self) -> None:
        self.generation += 1


_scopes: weakref.WeakKeyDictionary[Any, _Scope] = weakref.WeakKeyDictionary()


def _scope(pool: Any, url: str) -> _Scope:
    scope = _scopes.get(pool)
    if scope is None:
        scope = _scopes[pool] = _Scope(url)
    return scope


def invalidate(db: Database) -> None:
    """Drop this instance's cached teams (a listener heard another instance change them)."""
    _scope(db.engine.sync_engine.pool, str(db.engine.url)).drop()


def scope_of(db: Database) -> _Scope:
    return _scope(db.engine.sync_engine.pool, str(db.engine.url))


def _touches_teams(session: SyncSession) -> bool:
    return any(isinstance(obj, Team) for obj in (*session.new, *session.dirty, *session.deleted))


@event.listens_for(SyncSession, "before_flush")
def _note_team_changes(session: SyncSession, _ctx: Any, _instances: Any) -> None:
    if not _touches_teams(session):
        return
    session.info[_CHANGED] = True
    bind = session.get_bind()
    if bind.dialect.name == "postgresql":
        # Transactional: delivered to every listener only if this transaction commits.
        session.connection().exec_driver_sql(f"NOTIFY {CHANNEL}, 'teams'")


@event.listens_for(SyncSession, "after_commit")
def _drop_after_commit(session: SyncSession) -> None:
    if not session.info.pop(_CHANGED, False):
        return
    bind = session.get_bind()
    url = str(bind.url)
    _scope(bind.pool, url).drop()
    if bind.dialect.name == "sqlite":  # other Database objects on the same file, same process
        for scope in list(_scopes.values()):
            if scope.url == url:
                scope.drop()


@event.listens_for(SyncSession, "after_rollback")
def _forget_on_rollback(session: SyncSession) -> None:
    session.info.pop(_CHANGED, None)


_ORDER = (col(Team.sort_order), col(Team.id))


async def active_teams(session: AsyncSession) -> list[Team]:
    """The active teams in catalog order, from the cache when it is current."""
    engine = session.bind
    sync = session.sync_session
    if (
        engine is None
        or engine.url.database in (None, "", ":memory:")  # one shared connection: no side read
        or sync.info.get(_CHANGED)
        or _touches_teams(sync)
    ):
        return await _load(session)

    async def side_read() -> list[Team]:
        async with AsyncSession(
            engine.execution_options(**{READ_ONLY: True}), expire_on_commit=False
        ) as side:
            teams = await _load(side)
            await side.commit()
        return teams

    return await _cached(_scope(engine.sync_engine.pool, str(engine.url)), side_read)


async def teams(db: Database) -> list[Team]:
    """The active teams, for code that holds no session: no session at all on a hit."""
    if db.engine.url.database in (None, "", ":memory:"):
        async with db.read() as session:
            return await _load(session)

    async def read() -> list[Team]:
        async with db.read() as session:
            return await _load(session)

    return await _cached(scope_of(db), read)


async def _cached(scope: _Scope, load: Callable[[], Awaitable[list[Team]]]) -> list[Team]:
    now = time.monotonic()
    if (
        scope.teams is not None
        and scope.loaded_generation == scope.generation
        and now - scope.loaded_at < TTL
    ):
        return list(scope.teams)
    generation = scope.generation
    scope.misses += 1
    loaded = await load()
    if scope.generation == generation:  # nobody changed them while we read
        scope.teams, scope.loaded_at, scope.loaded_generation = loaded, now, generation
    return list(loaded)


async def _load(session: AsyncSession) -> list[Team]:
    stmt = select(Team).where(col(Team.active)).order_by(*_ORDER)
    return list((await session.exec(stmt)).all())


class CacheListener:
    """Drops this instance's cache when another instance changes the teams (PostgreSQL)."""

    RETRY = 5.0

    def __init__(self, db: Database) -> None:
        self.db = db
        self._conn: Any = None
        self._task: asyncio.Task[None] | None = None
        self.heard = 0

    @property
    def enabled(self) -> bool:
        return self.db.is_postgres

    async def start(self) -> None:
        if self.enabled:
            await self._connect()
            self._task = asyncio.get_running_loop().create_task(self._watch())

    async def _connect(self) -> None:
        import asyncpg

        dsn = self.db.url.replace("postgresql+asyncpg://", "postgresql://", 1)
        self._conn = await asyncpg.connect(dsn)
        await self._conn.add_listener(CHANNEL, self._on_notify)
        invalidate(self.db)  # whatever changed while we were not listening

    def _on_notify(self, _conn: Any, _pid: int, _channel: str, _payload: str) -> None:
        self.heard += 1
        invalidate(self.db)

    async def _watch(self) -> None:
        """Reconnect when the LISTEN connection is lost."""
        while True:
            await asyncio.sleep(self.RETRY)
            if self._conn is not None and not self._conn.is_closed():
                continue
            try:
                await self._connect()
            except Exception as exc:
                log.warning("cache listener: could not reconnect (%s)", exc)

    async def stop(self) -> None:
        if self._task is not None:
            self._task.cancel()
            await asyncio.gather(self._task, return_exceptions=True)
        if self._conn is not None:
            with contextlib.suppress(Exception):
                await self._conn.remove_listener(CHANNEL, self._on_notify)
            with contextlib.suppress(Exception):
                await self._conn.close()
            self._conn = None
