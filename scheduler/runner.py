"""The scheduler component: an APScheduler tick that runs due task rows.

APScheduler only decides *when* to look; the tasks table decides *what* is due.
Every ``tick_interval`` (and whenever something is kicked) the tick leases due
rows (``store.tasks.lease_due``), runs the handler registered for each kind and
completes or fails it. Nothing is lost when the process stops: rows that fell
due while it was down are simply due at the next tick, a lease held by a
process that died runs out and the task is leased again, and two instances on
one PostgreSQL database skip each other's rows.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Callable, Coroutine
from datetime import datetime, timedelta
from typing import Any

from apscheduler.schedulers.asyncio import AsyncIOScheduler
from apscheduler.triggers.cron import CronTrigger
from apscheduler.triggers.interval import IntervalTrigger

from bot.deps import Deps
from bot.flows import webnotice
from bot.instance import dead, new_holder
from bot.lifecycle import STARTED, emit
from scheduler import calendar, housekeeping
from store import tasks
from store.models import Task

log = logging.getLogger(__name__)

BATCH = 100  # tasks leased per round; a full round is followed by another at once
LEASE = tasks.DEFAULT_LEASE
HANDLER_TIMEOUT = timedelta(minutes=4)  # well inside the lease, so no one else takes over
STOP_GRACE = 10.0  # seconds a running tick may take to finish when the service stops


def default_worker_id() -> str:
    """Unique per process: host, pid and a random part (a restarted pid gets a new id)."""
    return new_holder()


async def take_over_the_dead(deps: Deps) -> int:
    """At start-up: leases held by processes of this host that died (a kill -9, a crash)
    run out now, so the first tick resumes their work (a broadcast fan-out) at once
    instead of after the lease; returns how many. Other hosts' leases run their course."""
    async with deps.db.session() as session:
        holders = dead(await tasks.running_holders(session))
        if not holders:
            return 0
        taken = await tasks.expire_leases(session, holders=holders, now=deps.now())
    log.info("took over %s task(s) of %s dead process(es) on this host", taken, len(holders))
    return taken


async def tick(
    deps: Deps,
    *,
    worker_id: str,
    now: datetime | None = None,
    limit: int = BATCH,
    lease_for: timedelta = LEASE,
    outbox_only: bool = False,
    beside: Callable[[Coroutine[Any, Any, None]], None] | None = None,
) -> int:
    """Lease up to ``limit`` due tasks, run each one's handler; returns how many ran.

    A handler that raises is retried with exponential backoff (``tasks.backoff``)
    until it has used ``tasks.MAX_ATTEMPTS``; a kind nobody registered fails at once.
    Outbox sends are leased only for the channels this instance runs; with
    ``outbox_only`` (an instance without the scheduler role) nothing else is.
    ``beside`` starts a long kind's run (``Bus.long``) without waiting for it: the
    task stays leased until it ends, and the rest of the batch runs meanwhile.
    """
    now = now or deps.now()
    outbox = [f"{tasks.OUTBOX}{platform}" for platform in deps.notifier.channels]
    async with deps.db.session() as session:
        leased = await tasks.lease_due(
            session,
            now,
            worker_id,
            limit,
            lease_for,
            kinds=outbox if outbox_only else None,
            outbox=outbox,
        )
    for task in leased:
        deps.metrics.task_lag.observe(max((now - task.due_at).total_seconds(), 0.0))
        run = _run(deps, task, worker_id, now, lease_for)
        if beside is not None and task.kind in deps.bus.long:
            beside(run)
        else:
            await run
    return len(leased)


async def _run(
    deps: Deps, task: Task, worker_id: str, now: datetime, lease_for: timedelta = LEASE
) -> None:
    assert task.id is not None
    # The batch's lease started when it was leased; earlier tasks may have taken long
    # (flood control, slow chats). Renew it now, or leave the task to whoever took it over.
    until = max(deps.now(), now) + lease_for  # ``now`` may be ahead: a tick run for a moment
    async with deps.db.session() as session:
        if not await tasks.renew(session, task.id, worker_id, until):
            log.warning("task %s (%s) was taken over before it ran; skipped", task.id, task.kind)
            return
    handler = deps.bus.handler(task.kind)
    if handler is None:
        error = f"no handler is registered for task kind {task.kind!r}"
        async with deps.db.session() as session:
            await tasks.fail(session, task.id, worker_id, error, None, now=now)
        return
    try:
        async with asyncio.timeout(HANDLER_TIMEOUT.total_seconds()):
            await handler(deps, task)
            # A calendar task (digest, star review) that ran makes sure its successor exists.
            if task.kind in calendar.KINDS:
                await calendar.ensure_following(deps, task)
    except Exception as exc:
        log.exception("task %s (%s, key %s) raised", task.id, task.kind, task.key)
        error = f"{type(exc).__name__}: {exc}"
        retry_at = now + tasks.backoff(task.attempts)
        async with deps.db.session() as session:
            await tasks.fail(session, task.id, worker_id, error, retry_at, now=now)
        return
    async with deps.db.session() as session:
        if not await tasks.complete(session, task.id, worker_id, now=deps.now()):
            log.warning("task %s (%s) finished after its lease was taken over", task.id, task.kind)


class SchedulerService:
    """The scheduler as an app component (``start``/``stop``/``running``) with ``kick``.

    With ``outbox_only`` (an instance without the scheduler role, see
    ``JIANGXIN_ROLES``) it only sends what other instances left in the outbox for
    this instance's channels: no calendar, digest or housekeeping.
    """

    name = "scheduler"

    def __init__(
        self,
        deps: Deps,
        *,
        worker_id: str | None = None,
        batch: int = BATCH,
        outbox_only: bool = False,
    ) -> None:
        self.deps = deps
        self.outbox_only = outbox_only
        if outbox_only:
            self.name = "outbox"
        self.worker_id = worker_id or default_worker_id()
        self.batch = batch
        self._scheduler: AsyncIOScheduler | None = None
        self._drain_task: asyncio.Task[None] | None = None
        self._beside: set[asyncio.Task[None]] = set()  # long tasks' runs (Bus.long)
        self._again = False
        self._running = False

    @property
    def running(self) -> bool:
        return self._running and self._scheduler is not None and self._scheduler.running

    async def start(self) -> None:
        """Make sure the calendar rows exist, then tick at once and every tick_interval."""
        settings = self.deps.settings
        tz = settings.tz
        await take_over_the_dead(self.deps)
        if not self.outbox_only:
            await calendar.ensure_next(self.deps)
            await webnotice.ensure_sweep(self.deps)  # SMS the web chat owes (issue 15)
            await emit(self.deps, STARTED)  # work a crashed predecessor left in flight
        sched = AsyncIOScheduler(timezone=tz)
        # One tick runs at a time (kick() coalesces too); a tick that fell behind —
        # the loop was blocked, the machine slept — still runs, once.
        common = {"coalesce": True, "max_instances": 1, "misfire_grace_time": None}
        sched.add_job(
            self._on_interval,
            IntervalTrigger(seconds=settings.tick_interval.total_seconds(), timezone=tz),
            id="tick",
            next_run_time=datetime.now(tz),
            **common,
        )
        if self.outbox_only:
            sched.start()
            self._scheduler = sched
            self._running = True
            log.info("outbox sender %s started", self.worker_id)
            return
        sched.add_job(
            self._housekeeping, IntervalTrigger(hours=6, timezone=tz), id="housekeeping", **common
        )
        at = settings.digest_time
        sched.add_job(
            self._on_digest_time,
            CronTrigger(hour=at.hour, minute=at.minute, second=at.second, timezone=tz),
            id="digest",
            **common,
        )
        sched.add_job(
            self._on_month_start,
            CronTrigger(day=1, hour=at.hour, minute=at.minute, second=at.second, timezone=tz),
            id="star_levels",
            **common,
        )
        nightly = settings.routing_retrain_time
        sched.add_job(
            self._on_retrain_time,
            CronTrigger(
                hour=nightly.hour, minute=nightly.minute, second=nightly.second, timezone=tz
            ),
            id="routing_retrain",
            **common,
        )
        sched.start()
        self._scheduler = sched
        self._running = True
        log.info(
            "scheduler %s started (tick every %ss)",
            self.worker_id,
            settings.tick_interval.total_seconds(),
        )

    async def stop(self) -> None:
        """Stop ticking, let a running tick finish briefly, and hand back unfinished leases."""
        self._running = False
        if self._scheduler is not None and self._scheduler.running:
            self._scheduler.shutdown(wait=False)
            await asyncio.sleep(0)  # APScheduler shuts down in a loop callback
        running = [t for t in (self._drain_task, *self._beside) if t is not None and not t.done()]
        if running:
            # A long task cut short here is handed back below and runs again next time.
            _done, late = await asyncio.wait(running, timeout=STOP_GRACE)
            for task in late:
                task.cancel()
            for task in late:
                with contextlib.suppress(asyncio.CancelledError):
                    await task
        try:
            async with self.deps.db.session() as session:
                released = await tasks.release(session, self.worker_id)
            if released:
                log.info("scheduler %s handed back %s unfinished task(s)", self.worker_id, released)
        except Exception:
            log.exception("could not hand back the leases of %s", self.worker_id)

    def kick(self) -> None:
        """Tick now instead of at the next interval (call from the event loop, after commit).

        If a tick is running, one more round follows it, so nothing enqueued in
        the meantime waits a whole interval.
        """
        if not self._running:
            return
        if self._drain_task is not None and not self._drain_task.done():
            self._again = True
            return
        self._drain_task = asyncio.get_running_loop().create_task(
            self._drain(), name="scheduler-tick"
        )

    def _run_beside(self, run: Coroutine[Any, Any, None]) -> None:
        task = asyncio.get_running_loop().create_task(run, name="scheduler-long-task")
        self._beside.add(task)
        task.add_done_callback(self._beside.discard)

    async def _drain(self) -> None:
        while self._running:
            self._again = False
            try:
                ran = await tick(
                    self.deps,
                    worker_id=self.worker_id,
                    limit=self.batch,
                    outbox_only=self.outbox_only,
                    beside=self._run_beside,
                )
            except Exception:
                log.exception("scheduler tick failed; trying again at the next interval")
                return
            if ran < self.batch and not self._again:
                return

    async def _on_interval(self) -> None:
        self.kick()

    async def _housekeeping(self) -> None:
        try:
            await housekeeping.prune(self.deps)
        except Exception:
            log.exception("housekeeping failed; trying again later")

    async def _on_digest_time(self) -> None:
        try:
            await calendar.ensure_digest_today(self.deps)
        except Exception:
            log.exception("could not schedule today's digest")
        self.kick()

    async def _on_retrain_time(self) -> None:
        try:
            await calendar.ensure_retrain_today(self.deps)
        except Exception:
            log.exception("could not schedule tonight's routing retrain")
        self.kick()

    async def _on_month_start(self) -> None:
        try:
            await calendar.ensure_stars_this_month(self.deps)
        except Exception:
            log.exception("could not schedule this month's star review")
        self.kick()
