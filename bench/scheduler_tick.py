"""Scheduler throughput: due tasks per second through ``scheduler.runner.tick``.

M tasks of a no-op kind (``bench_noop``, registered on the real registry) are
inserted, all already due; then worker loops call ``tick(deps, worker_id=…,
limit=100)`` until a tick finds nothing — the same loop as
``SchedulerService._drain``, with the production batch (``runner.BATCH``, 100)
and lease. Each task is leased (one UPDATE … WHERE id IN (SELECT … FOR UPDATE
SKIP LOCKED) … RETURNING per batch), its handler run, and completed (one
transaction per task), exactly as in production. Three set-ups:

* ``1 worker``: one loop;
* ``2 workers, 1 process``: two loops with their own worker ids in one event
  loop, sharing the connection pool (two schedulers' worth of queries, one
  Python process);
* ``2 processes``: two OS processes with their own ``Deps`` on the same
  database — two bot instances; on PostgreSQL they skip each other's rows.

Afterwards every task must have run exactly once: all DONE, each leased once
(``attempts == 1``), and the handler saw every id once. The time spent in
``lease_due`` is measured by wrapping it (in-process set-ups only).

    .venv/bin/python bench/scheduler_tick.py               # SQLite
    .venv/bin/python bench/scheduler_tick.py --pg --no-sqlite
    .venv/bin/python bench/scheduler_tick.py --quick --pg
"""

from __future__ import annotations

import asyncio
import multiprocessing as mp
import time
from collections import Counter
from datetime import timedelta
from typing import Any

from _common import Table, backends, database_url, load_average, machine, make_deps, parser
from sqlalchemy import func
from sqlmodel import col, select

from bot.deps import Deps
from scheduler import runner
from store import tasks as task_store
from store.models import Task, TaskStatus

KIND = "bench_noop"
BATCH = runner.BATCH


def register_noop(deps: Deps, seen: Counter[int]) -> None:
    async def noop(_deps: Deps, task: Task) -> None:
        seen[task.id] += 1  # type: ignore[index]

    deps.bus.task(KIND, noop)


async def enqueue(deps: Deps, count: int) -> None:
    """``count`` due tasks, inserted in chunks (not timed)."""
    due = deps.now() - timedelta(minutes=1)
    for first in range(0, count, 1000):
        async with deps.db.session() as session:
            session.add_all(
                Task(kind=KIND, due_at=due, payload={"n": n})
                for n in range(first, min(first + 1000, count))
            )


async def drain(deps: Deps, worker_id: str) -> tuple[int, int]:
    """Tick until a tick finds nothing due; (tasks run, ticks)."""
    ran = ticks = 0
    while True:
        n = await runner.tick(deps, worker_id=worker_id, limit=BATCH)
        ticks += 1
        ran += n
        if n == 0:
            return ran, ticks


async def verify(deps: Deps, count: int, seen: Counter[int] | None) -> list[str]:
    problems = []
    async with deps.db.session() as session:
        rows = (
            await session.exec(
                select(col(Task.status), col(Task.attempts), func.count())
                .where(col(Task.kind) == KIND)
                .group_by(col(Task.status), col(Task.attempts))
            )
        ).all()
    by = {(s, a): n for s, a, n in rows}
    if by != {(TaskStatus.DONE, 1): count}:
        problems.append(f"tasks by (status, attempts): {by}")
    if seen is not None and (len(seen) != count or any(v != 1 for v in seen.values())):
        twice = sum(1 for v in seen.values() if v > 1)
        problems.append(f"handler saw {len(seen)} ids of {count}, {twice} more than once")
    return problems


class LeaseTimer:
    """Wraps ``store.tasks.lease_due`` as the runner sees it, to sum its time."""

    def __init__(self) -> None:
        self.seconds = 0.0
        self.calls = 0
        self._original = task_store.lease_due

    async def _timed(self, *args: Any, **kwargs: Any) -> list[Task]:
        start = time.perf_counter()
        try:
            return await self._original(*args, **kwargs)
        finally:
            self.seconds += time.perf_counter() - start
            self.calls += 1

    def __enter__(self) -> LeaseTimer:
        runner.tasks.lease_due = self._timed  # type: ignore[assignment]
        return self

    def __exit__(self, *_: object) -> None:
        runner.tasks.lease_due = self._original  # type: ignore[assignment]


# ---------------------------------------------------------------- set-ups


async def run_in_process(url: str, count: int, workers: int, warm: int) -> dict[str, Any]:
    """``workers`` loops in this process; a warm-up batch of ``warm`` tasks runs first."""
    deps, _, _ = await make_deps(url)
    seen: Counter[int] = Counter()
    register_noop(deps, seen)
    try:
        await enqueue(deps, warm)
        await drain(deps, "warm-up")
        async with deps.db.session() as session:  # the warm-up's rows are not measured
            await session.exec(  # type: ignore[call-overload]
                Task.__table__.delete().where(Task.__table__.c.kind == KIND)
            )
        seen.clear()
        await enqueue(deps, count)
        with LeaseTimer() as lease:
            start, cpu = time.perf_counter(), time.process_time()
            results = await asyncio.gather(*(drain(deps, f"bench-{i}") for i in range(workers)))
            wall, cpu = time.perf_counter() - start, time.process_time() - cpu
        return {
            "wall": wall,
            "cpu": cpu,
            "per_worker": [r for r, _ in results],
            "ticks": sum(t for _, t in results),
            "lease": lease.seconds,
            "problems": await verify(deps, count, seen),
        }
    finally:
        await deps.db.dispose()


def _child(url: str, name: str, ready: Any, go: Any, out: Any) -> None:
    async def work() -> None:
        deps, _, _ = await make_deps(url)
        seen: Counter[int] = Counter()
        register_noop(deps, seen)
        try:
            await deps.db.ping()  # open a connection before the start line
            ready.set()
            go.wait()
            start, cpu = time.perf_counter(), time.process_time()
            ran, ticks = await drain(deps, name)
            out.put(
                (
                    name,
                    ran,
                    ticks,
                    time.perf_counter() - start,
                    time.process_time() - cpu,
                    dict(seen),
                )
            )
        finally:
            await deps.db.dispose()

    asyncio.run(work())


async def run_processes(url: str, count: int, workers: int, warm: int) -> dict[str, Any]:
    """``workers`` OS processes, each its own Deps, started together on already-due tasks."""
    deps, _, _ = await make_deps(url)
    try:
        ctx = mp.get_context("spawn")
        go, out = ctx.Event(), ctx.Queue()
        readies = [ctx.Event() for _ in range(workers)]
        procs = [
            ctx.Process(target=_child, args=(url, f"proc-{i}", readies[i], go, out))
            for i in range(workers)
        ]
        await enqueue(deps, count)
        for p in procs:
            p.start()
        for r in readies:  # each child has built its Deps and opened a connection
            if not await asyncio.to_thread(r.wait, 120):
                raise RuntimeError("a worker process did not start")
        start = time.perf_counter()
        go.set()
        results = [await asyncio.to_thread(out.get, True, 300) for _ in procs]
        wall = time.perf_counter() - start
        for p in procs:
            p.join(30)
        seen: Counter[int] = Counter()
        for *_, ids in results:
            seen.update(ids)
        return {
            "wall": wall,
            "cpu": sum(r[4] for r in results),
            "per_worker": [r[1] for r in sorted(results)],
            "ticks": sum(r[2] for r in results),
            "lease": None,
            "problems": await verify(deps, count, seen),
        }
    finally:
        await deps.db.dispose()


async def one_setup(kind: str, pg_url: str | None, setup: str, count: int) -> dict[str, Any]:
    async with database_url(kind, pg_url) as url:
        warm = min(count, 200)
        if setup == "2 processes":
            return await run_processes(url, count, 2, warm)
        return await run_in_process(url, count, 1 if setup == "1 worker" else 2, warm)


SETUPS = ("1 worker", "2 workers, 1 process", "2 processes")


def main() -> None:
    p = parser(__doc__.split("\n\n")[0])
    p.add_argument("--tasks", type=int, default=None, help="due tasks per set-up")
    p.add_argument("--repeats", type=int, default=None, help="runs per set-up (best kept)")
    args = p.parse_args()
    count = args.tasks or (500 if args.quick else 2000)
    repeats = args.repeats or (1 if args.quick else 2)
    print(f"# bench/scheduler_tick.py — {machine(args.pg)}")
    print(f"{count} due tasks per run, batch {BATCH}, best of {repeats} run(s)\n", flush=True)
    problems = 0
    for kind in backends(args):
        table = Table(
            [
                "set-up",
                "tasks",
                "wall s",
                "tasks/s",
                "per worker",
                "ticks",
                "lease_due share",
                "Python CPU ms/task",
                "exactly once",
            ]
        )
        for setup in SETUPS:
            runs = []
            for _ in range(repeats):
                r = asyncio.run(one_setup(kind, args.pg, setup, count))
                print(
                    f"  {kind}, {setup}: {count / r['wall']:.0f} tasks/s "
                    f"({r['wall']:.2f} s, split {r['per_worker']})",
                    flush=True,
                )
                runs.append(r)
            best = min(runs, key=lambda r: r["wall"])
            bad = [x for r in runs for x in r["problems"]]
            problems += len(bad)
            lease = "—" if best["lease"] is None else f"{best['lease'] / best['wall']:.0%}"
            table.add(
                setup,
                count,
                f"{best['wall']:.2f}",
                f"{count / best['wall']:.0f}",
                " + ".join(str(n) for n in best["per_worker"]),
                best["ticks"],
                lease,
                f"{best['cpu'] / count * 1000:.2f}",
                "yes" if not bad else "; ".join(bad),
            )
        print(f"\n### {kind}: scheduler tick\n\n{table.render()}\n", flush=True)
        print(f"(load average after the {kind} run: {load_average()})\n", flush=True)
    if problems:
        raise SystemExit(f"{problems} exactly-once violation(s)")


if __name__ == "__main__":
    main()
