"""The durable task queue on both databases, and two workers sharing one PostgreSQL."""

from __future__ import annotations

import asyncio
from collections import Counter
from datetime import timedelta

import pytest
from sqlmodel import col, select

from bot import catalog
from bot.bus import Bus
from bot.deps import Deps
from bot.routing import Router
from scheduler.runner import tick
from store import tasks
from store.engine import Database
from store.models import Task, TaskStatus
from tests.utils.env import T0
from tests.utils.settings import make_settings

LEASE = timedelta(minutes=10)


async def _task(db: Database, key: str) -> Task:
    async with db.session() as s:
        return (await s.exec(select(Task).where(Task.key == key))).one()


async def test_enqueue_with_a_key_moves_instead_of_duplicating(db: Database) -> None:
    async with db.session() as s:
        await tasks.enqueue(s, "remind", T0, {"n": 1}, key="order:1:remind:3600:req")
    async with db.session() as s:
        await tasks.enqueue(
            s, "remind", T0 + timedelta(hours=2), {"n": 2}, key="order:1:remind:3600:req"
        )
    async with db.session() as s:
        rows = (await s.exec(select(Task))).all()
    assert len(rows) == 1
    assert rows[0].due_at == T0 + timedelta(hours=2) and rows[0].payload == {"n": 2}


async def test_lease_takes_only_due_tasks_once(db: Database) -> None:
    async with db.session() as s:
        await tasks.enqueue(s, "a", T0 - timedelta(minutes=5), key="due-early")
        await tasks.enqueue(s, "a", T0, key="due-now")
        await tasks.enqueue(s, "a", T0 + timedelta(seconds=1), key="later")
    async with db.session() as s:
        leased = await tasks.lease_due(s, T0, "w1", 10, LEASE)
    assert [t.key for t in leased] == ["due-early", "due-now"]  # oldest first
    assert all(t.status == TaskStatus.RUNNING and t.leased_by == "w1" for t in leased)
    assert all(t.lease_until == T0 + LEASE and t.attempts == 1 for t in leased)
    async with db.session() as s:
        assert await tasks.lease_due(s, T0, "w2", 10, LEASE) == []
    stored = await _task(db, "due-now")
    assert stored.status == TaskStatus.RUNNING and stored.leased_by == "w1"


async def test_lease_respects_the_limit(db: Database) -> None:
    async with db.session() as s:
        for i in range(5):
            await tasks.enqueue(s, "a", T0 - timedelta(seconds=i), key=f"k{i}")
    async with db.session() as s:
        first = await tasks.lease_due(s, T0, "w1", 3, LEASE)
    async with db.session() as s:
        rest = await tasks.lease_due(s, T0, "w1", 3, LEASE)
    assert len(first) == 3 and len(rest) == 2
    assert {t.key for t in first} == {"k4", "k3", "k2"}


async def test_complete_needs_the_lease(db: Database) -> None:
    async with db.session() as s:
        await tasks.enqueue(s, "a", T0, key="k")
    async with db.session() as s:
        (task,) = await tasks.lease_due(s, T0, "w1", 10, LEASE)
    async with db.session() as s:
        assert not await tasks.complete(s, task.id, "someone-else")
    async with db.session() as s:
        assert await tasks.complete(s, task.id, "w1", now=T0)
    stored = await _task(db, "k")
    assert stored.status == TaskStatus.DONE and stored.done_at == T0
    async with db.session() as s:
        assert not await tasks.complete(s, task.id, "w1")  # already done


async def test_fail_retries_with_backoff_then_gives_up(db: Database) -> None:
    async with db.session() as s:
        await tasks.enqueue(s, "a", T0, key="k")
    now = T0
    for attempt in range(1, tasks.MAX_ATTEMPTS + 1):
        async with db.session() as s:
            (task,) = await tasks.lease_due(s, now, "w1", 10, LEASE)
        assert task.attempts == attempt
        retry_at = now + tasks.backoff(task.attempts)
        async with db.session() as s:
            status = await tasks.fail(s, task.id, "w1", f"boom {attempt}", retry_at, now=now)
        stored = await _task(db, "k")
        if attempt < tasks.MAX_ATTEMPTS:
            assert status == TaskStatus.PENDING
            assert stored.due_at == retry_at and stored.last_error == f"boom {attempt}"
            async with db.session() as s:  # not due before its backoff
                assert await tasks.lease_due(s, retry_at - timedelta(seconds=1), "w1") == []
            now = retry_at
        else:
            assert status == TaskStatus.FAILED
            assert stored.status == TaskStatus.FAILED and stored.last_error == "boom 5"
    async with db.session() as s:
        assert await tasks.lease_due(s, now + timedelta(days=1), "w1") == []


def test_backoff_doubles_up_to_an_hour() -> None:
    assert [tasks.backoff(n).total_seconds() for n in (1, 2, 3, 4)] == [30, 60, 120, 240]
    assert tasks.backoff(20) == timedelta(hours=1)


async def test_fail_without_retry_is_final_and_needs_the_lease(db: Database) -> None:
    async with db.session() as s:
        await tasks.enqueue(s, "a", T0, key="k")
    async with db.session() as s:
        (task,) = await tasks.lease_due(s, T0, "w1", 10, LEASE)
    async with db.session() as s:
        assert await tasks.fail(s, task.id, "w2", "not mine", None) is None
    async with db.session() as s:
        assert await tasks.fail(s, task.id, "w1", "x" * 5000, None) == TaskStatus.FAILED
    stored = await _task(db, "k")
    assert stored.status == TaskStatus.FAILED and len(stored.last_error or "") == 1000


async def test_an_expired_lease_is_leased_again(db: Database) -> None:
    """The worker died between claiming and finishing: the task is not lost."""
    async with db.session() as s:
        await tasks.enqueue(s, "a", T0, key="k")
    async with db.session() as s:
        (task,) = await tasks.lease_due(s, T0, "dead", 10, LEASE)
    async with db.session() as s:  # still leased
        assert await tasks.lease_due(s, T0 + LEASE - timedelta(seconds=1), "w2") == []
    async with db.session() as s:
        (again,) = await tasks.lease_due(s, T0 + LEASE + timedelta(seconds=1), "w2", 10, LEASE)
    assert again.id == task.id and again.leased_by == "w2" and again.attempts == 2
    async with db.session() as s:  # the dead worker's late report changes nothing
        assert not await tasks.complete(s, task.id, "dead")
    async with db.session() as s:
        assert await tasks.complete(s, task.id, "w2")


async def test_cancel_by_prefix_spares_other_orders_and_running_tasks(db: Database) -> None:
    async with db.session() as s:
        await tasks.enqueue(s, "a", T0 + timedelta(hours=1), key="order:1:remind:3600:req")
        await tasks.enqueue(s, "a", T0 + timedelta(hours=1), key="order:12:remind:3600:req")
        await tasks.enqueue(s, "a", T0, key="order:1:remind:86400:req")
        await tasks.enqueue(s, "a", T0 + timedelta(hours=1), key="order:1:wave")
    async with db.session() as s:
        (running,) = await tasks.lease_due(s, T0, "w1", 10, LEASE)
    async with db.session() as s:
        assert await tasks.cancel(s, key_prefix="order:1:remind:") == 1
    assert (await _task(db, "order:1:remind:3600:req")).status == TaskStatus.CANCELLED
    assert (await _task(db, "order:12:remind:3600:req")).status == TaskStatus.PENDING
    assert (await _task(db, "order:1:wave")).status == TaskStatus.PENDING
    assert (await _task(db, running.key or "")).status == TaskStatus.RUNNING
    with pytest.raises(ValueError):
        async with db.session() as s:
            await tasks.cancel(s)


async def test_enqueue_revives_a_cancelled_key(db: Database) -> None:
    async with db.session() as s:
        await tasks.enqueue(s, "a", T0, key="k")
        await tasks.cancel(s, key="k")
    async with db.session() as s:
        await tasks.enqueue(s, "a", T0 + timedelta(hours=1), key="k")
    stored = await _task(db, "k")
    assert stored.status == TaskStatus.PENDING and stored.due_at == T0 + timedelta(hours=1)


async def test_ensure_inserts_once_and_never_revives(db: Database) -> None:
    async with db.session() as s:
        assert await tasks.ensure(s, "digest", T0, key="digest:2026-11-23")
    async with db.session() as s:
        assert not await tasks.ensure(s, "digest", T0 + timedelta(hours=1), key="digest:2026-11-23")
    async with db.session() as s:
        (task,) = await tasks.lease_due(s, T0, "w1", 10, LEASE)
        assert task.due_at == T0
    async with db.session() as s:
        await tasks.complete(s, task.id, "w1")
    async with db.session() as s:
        assert not await tasks.ensure(s, "digest", T0, key="digest:2026-11-23")
    assert (await _task(db, "digest:2026-11-23")).status == TaskStatus.DONE


async def test_release_hands_back_unfinished_leases(db: Database) -> None:
    async with db.session() as s:
        await tasks.enqueue(s, "a", T0, key="mine")
    async with db.session() as s:
        await tasks.lease_due(s, T0, "w1", 10, LEASE)
    async with db.session() as s:
        assert await tasks.release(s, "w2") == 0
        assert await tasks.release(s, "w1") == 1
    stored = await _task(db, "mine")
    assert stored.status == TaskStatus.PENDING and stored.attempts == 0
    async with db.session() as s:
        assert len(await tasks.lease_due(s, T0, "w2", 10, LEASE)) == 1


# --- two workers on one PostgreSQL --------------------------------------------------------


async def _fresh_pg(pg_url: str) -> None:
    from tests.utils.db import reset_pg as _reset_pg

    db = Database(pg_url)
    try:
        await _reset_pg(db)
    finally:
        await db.dispose()


async def test_skip_locked_lets_a_second_worker_pass_a_claim_in_progress(pg_url: str) -> None:
    """While worker A's claim is uncommitted, B neither waits for nor shares A's rows."""
    await _fresh_pg(pg_url)
    a, b = Database(pg_url), Database(pg_url)
    try:
        async with a.session() as s:
            for i in range(20):
                await tasks.enqueue(s, "a", T0 - timedelta(seconds=i), key=f"k{i}")
        async with a.session() as sa:
            first = await tasks.lease_due(sa, T0, "A", 10, LEASE)  # A's transaction stays open
            async with b.session() as sb:
                second = await asyncio.wait_for(tasks.lease_due(sb, T0, "B", 10, LEASE), 5)
        assert len(first) == 10 and len(second) == 10
        assert not {t.id for t in first} & {t.id for t in second}
    finally:
        await a.dispose()
        await b.dispose()


async def test_two_workers_split_the_tasks_with_no_duplicates(pg_url: str) -> None:
    await _fresh_pg(pg_url)
    total = 300
    ran: Counter[int] = Counter()
    by_worker: Counter[str] = Counter()

    async def record(deps: Deps, task: Task) -> None:
        await asyncio.sleep(0)  # let the other worker in between tasks
        ran[task.payload["n"]] += 1
        by_worker[task.leased_by or "?"] += 1

    bus = Bus()
    bus.task("probe", record)
    router = Router(catalog.team_specs([]))
    dbs = [Database(pg_url), Database(pg_url)]
    workers = [
        Deps(settings=make_settings(database_url=pg_url), db=db, router=router, bus=bus)
        for db in dbs
    ]
    try:
        async with dbs[0].session() as s:
            for n in range(total):
                await tasks.enqueue(
                    s, "probe", T0 - timedelta(seconds=n % 7), {"n": n}, key=f"probe:{n}"
                )

        async def work(deps: Deps, name: str) -> None:
            while await tick(deps, worker_id=name, now=T0, limit=15):
                pass

        await asyncio.gather(work(workers[0], "w1"), work(workers[1], "w2"))
        assert sorted(ran) == list(range(total))
        assert set(ran.values()) == {1}, [n for n, c in ran.items() if c > 1]
        assert by_worker["w1"] > 0 and by_worker["w2"] > 0
        async with dbs[0].session() as s:
            left = (
                await s.exec(
                    select(Task).where(col(Task.status) != TaskStatus.DONE, Task.kind == "probe")
                )
            ).all()
        assert left == []
    finally:
        for db in dbs:
            await db.dispose()
