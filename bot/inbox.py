"""Handling what the inbox holds: each chat in order, each update once, crashes included.

Channels store an update (``Inbox.receive``) before they acknowledge it, then
``kick`` its chat. A chat's rows are handled one at a time, oldest first, by the
runner its platform registered (``add_runner``): an in-process lock per chat,
and on PostgreSQL an advisory lock too, so several instances keep one order and
see each other's rows. A row is done when its handling's write committed
(``store.inbox``); one that fails is tried again at once, up to
``JIANGXIN_INBOX_ATTEMPTS`` times, then set aside as a poison update (``/healthz``,
the digest) and the chat moves on. On start-up, and every ``JIANGXIN_INBOX_SWEEP``
for rows another (crashed) instance left, unfinished rows are handled the same way.
"""

from __future__ import annotations

import asyncio
import logging
import weakref
from collections.abc import Awaitable, Callable
from contextlib import AsyncExitStack
from datetime import timedelta

from bot.clock import Clock
from bot.config import Settings
from store import inbox as store
from store.engine import Database
from store.inbox import Arrival
from store.models import InboxUpdate, utcnow

log = logging.getLogger(__name__)

# Handles one stored update; raises (or reports through store.inbox.report_failure) on failure.
Runner = Callable[[InboxUpdate], Awaitable[None]]

RETRY_PAUSE = 0.2  # seconds before a failed update is tried again, times the attempt
PG_CHATS_AT_ONCE = 8  # each holds a connection for its advisory lock while it runs


class Inbox:
    """The processing side of the inbox, one per process (``Deps.inbox``)."""

    def __init__(self, db: Database, settings: Settings, clock: Clock) -> None:
        self.db, self.settings, self.clock = db, settings, clock
        self.runners: dict[str, Runner] = {}
        self._open: dict[str, asyncio.Event] = {}
        self._locks: weakref.WeakValueDictionary[tuple[str, str], asyncio.Lock] = (
            weakref.WeakValueDictionary()
        )
        # Rows this process knows to be waiting, per chat (SQLite: the only source).
        self._queued: dict[tuple[str, str], dict[int, InboxUpdate]] = {}
        self._first_try: set[int] = set()  # rows received here whose first attempt is pending
        self._known: set[int] = set()  # rows queued or under way here
        self._tasks: set[asyncio.Task[None]] = set()
        self._busy: set[asyncio.Task[None]] = set()  # drains past their channel's gate
        self._shut: set[str] = set()  # channels closed (shutting down)
        self._shut_events: dict[str, asyncio.Event] = {}
        self._limit = asyncio.Semaphore(PG_CHATS_AT_ONCE) if db.is_postgres else None
        self._sweeper: asyncio.Task[None] | None = None

    # -- channels ------------------------------------------------------------------------

    def add_runner(self, platform: str, runner: Runner) -> None:
        self.runners[platform] = runner
        self._gate(platform)

    def open(self, platform: str) -> None:
        """The channel can handle updates now: rows waiting for it go ahead."""
        self._shut.discard(platform)
        self._shut_event(platform).clear()
        self._gate(platform).set()

    async def close(self, platform: str) -> None:
        """Stop starting this platform's rows (they wait in the database for the next start);
        wait for the ones under way."""
        self._gate(platform).clear()
        self._shut.add(platform)
        self._shut_event(platform).set()  # drains waiting for it to open give up
        await self.settle(platform)

    async def receive(self, arrivals: list[Arrival]) -> list[InboxUpdate]:
        """Store ``arrivals`` durably (one transaction); call before acknowledging them.

        Returns the new rows (re-deliveries are dropped here) and queues them; the
        channel then ``kick``s their chats, now or when the platform's library hands
        the update over.
        """
        rows = await store.receive(self.db, arrivals)
        for row in rows:
            self._queue(row)
            self._first_try.add(row.id)  # type: ignore[arg-type]
        return rows

    def kick(self, platform: str, chat: str) -> asyncio.Task[None]:
        """Handle the chat's waiting rows in the background."""
        task = asyncio.create_task(self.drain(platform, chat), name=platform)
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)
        return task

    async def settle(self, platform: str | None = None) -> None:
        """Wait until the drains (of ``platform``) that can run are over (tests, shutdown)."""
        while True:
            tasks = [
                t
                for t in self._tasks
                if (platform is None or t.get_name() == platform)
                and (t in self._busy or self._gate(t.get_name()).is_set())
                and not t.done()
            ]
            if not tasks:
                return
            await asyncio.gather(*tasks, return_exceptions=True)

    # -- start-up and the sweep -------------------------------------------------------------

    async def start(self) -> None:
        """Queue what a crash left, then look again every ``inbox_sweep``."""
        await self.recover()
        self._sweeper = asyncio.create_task(self._sweep())

    async def stop(self) -> None:
        if self._sweeper is not None:
            self._sweeper.cancel()
            await asyncio.gather(self._sweeper, return_exceptions=True)
            self._sweeper = None
        waiting = [t for t in self._tasks if t not in self._busy]
        for task in waiting:  # their channel is closed: the rows wait for the next start
            task.cancel()
        await asyncio.gather(*waiting, return_exceptions=True)
        await self.settle()

    async def recover(self, older_than: timedelta | None = None) -> int:
        """Queue and kick unfinished rows (received ``older_than`` ago); how many chats."""
        # Real time, as the rows' own stamps: this is about processes, not the domain's clock.
        before = utcnow() - older_than if older_than is not None else None
        rows = await store.unfinished(self.db, before=before)
        chats: dict[tuple[str, str], None] = {}
        for row in rows:
            if row.id in self._known or row.platform not in self.runners:
                continue  # already on its way here, or for an instance with that channel
            self._queue(row)
            chats[(row.platform, row.chat)] = None
        for platform, chat in chats:
            self.kick(platform, chat)
        if rows:
            log.info("inbox: %d unfinished update(s) in %d chat(s) queued", len(rows), len(chats))
        return len(chats)

    async def _sweep(self) -> None:
        interval = self.settings.inbox_sweep.total_seconds()
        while True:
            await asyncio.sleep(interval)
            try:
                await self.recover(older_than=self.settings.inbox_sweep)
            except Exception:
                log.exception("inbox: the sweep for unfinished updates failed")

    # -- one chat ------------------------------------------------------------------------

    async def drain(self, platform: str, chat: str) -> None:
        """Handle the chat's waiting rows, oldest first, under the chat's locks."""
        if platform not in self.runners or not await self._opened(platform):
            return
        task = asyncio.current_task()
        assert task is not None
        self._busy.add(task)
        try:
            await self._drain(platform, chat)
        finally:
            self._busy.discard(task)

    async def _drain(self, platform: str, chat: str) -> None:
        async with AsyncExitStack() as stack:
            await stack.enter_async_context(self._lock(platform, chat))
            if self._limit is not None:
                await stack.enter_async_context(self._limit)
            if not self.db.is_postgres:
                queued = self._queued.pop((platform, chat), {})
                ids = sorted(queued)
                try:
                    for row_id in ids:
                        await self._handle(queued[row_id])
                        self._known.discard(row_id)
                finally:
                    # After a failure the rest wait in the database for the sweep.
                    self._known.difference_update(ids)
                return
            # PostgreSQL: the rows of every instance, under the chat's advisory lock (held
            # until this transaction ends, after the handling of each has committed).
            session = await stack.enter_async_context(self.db.session())
            await store.chat_lock(session, platform=platform, chat=chat)
            queued = self._queued.pop((platform, chat), {})
            try:
                for row in await store.pending(session, platform=platform, chat=chat):
                    await self._handle(row)
            finally:
                # Done here or by another instance: either way no longer waiting here.
                for row_id in queued:
                    self._known.discard(row_id)
                    self._first_try.discard(row_id)

    async def _handle(self, row: InboxUpdate) -> None:
        """One row: run it until it is done or set aside (retried at once on failure)."""
        db, now = self.db, self.clock.now
        limit = self.settings.inbox_attempts
        attempts = row.attempts
        if row.id in self._first_try:
            self._first_try.discard(row.id)  # type: ignore[arg-type]
        else:
            # Left by a crash (or by a failure): this is one more attempt.
            if attempts >= limit:
                await self._give_up(row, row.error or "the process stopped while handling it")
                return
            attempts = await self._count_attempt(row)
        runner = self.runners.get(row.platform)
        if runner is None:
            log.warning("inbox: no %s channel here; row %s waits", row.platform, row.id)
            return
        while True:
            error = await self._attempt(runner, row)
            if error is None:
                return
            log.warning(
                "inbox: %s update %s failed (attempt %d of %d): %s",
                row.platform,
                row.key,
                attempts,
                limit,
                error,
            )
            if attempts >= limit:
                await self._give_up(row, error)
                return
            async with db.session() as session:
                await store.record_failure(session, row_id=row.id, error=error, now=now())  # type: ignore[arg-type]
            await asyncio.sleep(RETRY_PAUSE * attempts)
            attempts = await self._count_attempt(row)

    async def _attempt(self, runner: Runner, row: InboxUpdate) -> str | None:
        """Run the row once; None when it is done, else the error."""
        with store.handling(row.id) as h:  # type: ignore[arg-type]
            try:
                await runner(row)
            except Exception as exc:
                log.exception("inbox: handling %s update %s raised", row.platform, row.key)
                h.error = f"{type(exc).__name__}: {exc}"
        if h.done:
            return None  # its handling's own transaction marked it (then the error came after)
        if h.error is not None:
            return h.error
        # The handling wrote nothing (/help, a list): marked in a transaction of its own.
        async with self.db.session() as session:
            await store.mark_done(session, row_id=row.id, now=self.clock.now(), also=h.later)  # type: ignore[arg-type]
        return None

    async def _count_attempt(self, row: InboxUpdate) -> int:
        async with self.db.session() as session:
            return await store.take_again(session, row_id=row.id, now=self.clock.now())  # type: ignore[arg-type]

    async def _give_up(self, row: InboxUpdate, error: str) -> None:
        log.error(
            "inbox: %s update %s set aside after %d attempts: %s",
            row.platform,
            row.key,
            self.settings.inbox_attempts,
            error,
        )
        async with self.db.session() as session:
            await store.set_aside(session, row=row, error=error, now=self.clock.now())

    # -- bookkeeping -----------------------------------------------------------------------

    def _queue(self, row: InboxUpdate) -> None:
        self._queued.setdefault((row.platform, row.chat), {})[row.id] = row  # type: ignore[index]
        self._known.add(row.id)  # type: ignore[arg-type]

    async def _opened(self, platform: str) -> bool:
        """Wait until the channel opens (start-up); False when it closed (shutting down)."""
        gate = self._gate(platform)
        if gate.is_set():
            return True
        if platform in self._shut:
            return False
        shut = self._shut_event(platform)
        waits = [asyncio.ensure_future(gate.wait()), asyncio.ensure_future(shut.wait())]
        try:
            await asyncio.wait(waits, return_when=asyncio.FIRST_COMPLETED)
        finally:
            for w in waits:
                w.cancel()
        return gate.is_set()

    def _shut_event(self, platform: str) -> asyncio.Event:
        event = self._shut_events.get(platform)
        if event is None:
            event = self._shut_events[platform] = asyncio.Event()
        return event

    def _gate(self, platform: str) -> asyncio.Event:
        gate = self._open.get(platform)
        if gate is None:
            gate = self._open[platform] = asyncio.Event()
        return gate

    def _lock(self, platform: str, chat: str) -> asyncio.Lock:
        key = (platform, chat)
        lock = self._locks.get(key)
        if lock is None:
            lock = self._locks[key] = asyncio.Lock()
        return lock
