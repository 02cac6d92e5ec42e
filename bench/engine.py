"""End-to-end core latency of the ordering conversation, and orders per second.

Each simulated worker is a fresh Telegram person who sends ``/start`` (not
timed: it creates the person, as a real first visit does) and then the seven
events of tests/core/test_ordering.py's happy path, each timed around
``Engine.handle``:

    free_text     "注塑件毛边太多怎么办" (routed → technical team, confirmation asked)
    confirm_team  ✅ 对，交给技术攻关服务队  (button)
    place         an address, typed
    time          明天 (button)
    phone         a mobile number, typed
    photos_skip   跳过 (button)
    submit        确认提交 (button): the order is written, the worker told, and
                  ``order_created`` starts dispatch (in the background, as in
                  production) which offers the order to 3 of 20 volunteers

Every outcome is checked (the expected next button must be there, the submit
must be stamped "已提交"), so a failing step is counted, never timed as fast.
N workers run concurrently on one ``Engine`` (N = 1, 10, 50 by default); orders
per second is measured orders divided by the wall time from the first event
until the last submit *and* the background dispatch it started have finished.
Before each level every worker completes one untimed conversation (warm-up:
the connection pool fills, SQLAlchemy's statement cache is hot).

    .venv/bin/python bench/engine.py                 # SQLite
    .venv/bin/python bench/engine.py --pg            # SQLite, then PostgreSQL
    .venv/bin/python bench/engine.py --quick --pg    # smoke run
"""

from __future__ import annotations

import asyncio
import itertools
import math
import time
from collections import defaultdict
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field

from _common import (
    BUCKET,
    BeginTimer,
    DbCounter,
    Table,
    add_volunteers,
    backends,
    bench_deps,
    load_average,
    machine,
    ms,
    parser,
    percentile,
)

from bot import callbacks, dispatch
from bot.callbacks import ORDER_PHOTOS_DONE, ORDER_PICK_TEAM, ORDER_PICK_TIME, ORDER_SUMMARY
from bot.deps import Deps
from bot.engine import Engine
from bot.events import Actor, Inbound, Kind
from bot.flows.order_draft import NO_TEAM
from bot.reply import Outcome
from bot.texts import t

STEPS = ("free_text", "confirm_team", "place", "time", "phone", "photos_skip", "submit")
NEEDS = (  # all routed to the technical team, whose volunteers the bench creates
    "注塑件毛边太多怎么办",
    "数控机床加工铝件，尺寸忽大忽小",
    "冲床冲出来的铁片边上毛刺很大",
    "焊好的钢架子放一夜就弯了",
)
VOLUNTEERS = 20
STAMP = t("zh", "ordering.submitted.stamp")


class StepFailed(Exception):
    def __init__(self, step: str, outcome: Outcome) -> None:
        texts = " | ".join(r.text[:80] for r in outcome.replies) or outcome.toast or "—"
        super().__init__(f"{step}: unexpected answer: {texts}")
        self.step = step


def button(outcome: Outcome, step: str, verb: str, last: str | None = None) -> str:
    """The data of the first button with ``verb`` (and last argument ``last``)."""
    for reply in outcome.replies:
        for row in reply.buttons:
            for b in row:
                if not b.data:
                    continue
                v, args = callbacks.decode(b.data)
                if v != verb or not args:
                    continue
                if (last is None and args[-1] != NO_TEAM) or args[-1] == last:
                    return b.data
    raise StepFailed(step, outcome)


@dataclass
class Level:
    """What one concurrency level measured."""

    workers: int
    latencies: dict[str, list[float]] = field(default_factory=lambda: defaultdict(list))
    orders: int = 0
    failures: list[str] = field(default_factory=list)
    wall: float = 0.0
    drain: float = 0.0
    cpu: float = 0.0  # this process's CPU seconds (all threads) over the measured run
    begin_waits: list[float] = field(default_factory=list)  # SQLite: BEGIN IMMEDIATE


_ids = itertools.count(100_000)


async def conversation(engine: Engine, need: str, record: dict[str, list[float]] | None) -> None:
    """One worker's whole order; raises StepFailed when an answer is not the expected one."""
    uid = next(_ids)
    actor = Actor("telegram", str(uid), f"王师傅{uid}", language="zh-hans")
    BUCKET.set("/start (not timed)")
    await engine.handle(actor, Inbound(Kind.COMMAND, text="/start", command="start"))

    timed: dict[str, float] = {}

    async def step(name: str, event: Inbound) -> Outcome:
        BUCKET.set(name)
        start = time.perf_counter()
        outcome = await engine.handle(actor, event)
        timed[name] = time.perf_counter() - start
        return outcome

    out = await step("free_text", Inbound(Kind.TEXT, text=need))
    data = button(out, "free_text", ORDER_PICK_TEAM)
    out = await step("confirm_team", Inbound(Kind.BUTTON, data=data))
    if not out.replies or not out.replies[-1].keyboard:
        raise StepFailed("confirm_team", out)
    out = await step("place", Inbound(Kind.TEXT, text="宁波市北仑区大碶街道1号"))
    data = button(out, "place", ORDER_PICK_TIME, "tomorrow")
    out = await step("time", Inbound(Kind.BUTTON, data=data))
    if not out.replies or not out.replies[-1].keyboard:
        raise StepFailed("time", out)
    out = await step("phone", Inbound(Kind.TEXT, text="13812345678"))
    data = button(out, "phone", ORDER_PHOTOS_DONE, "done")
    out = await step("photos_skip", Inbound(Kind.BUTTON, data=data))
    data = button(out, "photos_skip", ORDER_SUMMARY, "ok")
    out = await step("submit", Inbound(Kind.BUTTON, data=data))
    if not out.replies or STAMP not in out.replies[0].text:
        raise StepFailed("submit", out)
    if record is not None:  # only whole conversations count
        for name, seconds in timed.items():
            record[name].append(seconds)
        record["conversation"].append(sum(timed.values()))


async def run_level(engine: Engine, workers: int, orders: int) -> Level:
    level = Level(workers)
    deps = engine.deps

    async def warm(i: int) -> None:
        try:
            await conversation(engine, NEEDS[i % len(NEEDS)], None)
        except StepFailed as exc:
            level.failures.append(f"warm-up {exc}")

    await asyncio.gather(*(warm(i) for i in range(workers)))
    await dispatch.settle(deps)

    tickets = iter(range(orders))

    async def worker() -> None:
        for n in tickets:
            try:
                await conversation(engine, NEEDS[n % len(NEEDS)], level.latencies)
                level.orders += 1
            except StepFailed as exc:
                level.failures.append(str(exc))

    with BeginTimer(deps) as begins:
        start, cpu = time.perf_counter(), time.process_time()
        await asyncio.gather(*(worker() for _ in range(workers)))
        submitted = time.perf_counter()
        await dispatch.settle(deps)
        end = time.perf_counter()
    level.begin_waits = begins.waits
    level.wall, level.drain = end - start, end - submitted
    level.cpu = time.process_time() - cpu
    return level


async def anatomy(engine: Engine) -> None:
    """One conversation (after a warm-up one) with its SQL statements and transactions counted.

    Dispatch, which ``order_created`` starts in the background, is counted on its own.
    """
    deps = engine.deps
    await conversation(engine, NEEDS[0], None)
    await dispatch.settle(deps)
    listeners = deps.bus.listeners.get("order_created", [])
    original = list(listeners)

    def tagged(listener: Callable[..., Awaitable[None]]) -> Callable[..., Awaitable[None]]:
        async def run(deps: Deps, **payload: object) -> None:
            token = BUCKET.set("dispatch (background)")
            try:
                await listener(deps, **payload)
            finally:
                BUCKET.reset(token)

        return run

    listeners[:] = [tagged(x) for x in original]
    try:
        with DbCounter(deps) as counter:
            await conversation(engine, NEEDS[0], None)
            await dispatch.settle(deps)
    finally:
        listeners[:] = original
    print("### database work of one conversation\n")
    table = Table(["step", "statements", "transactions", "of which read-only"])
    for name in ("/start (not timed)", *STEPS, "dispatch (background)"):
        table.add(
            name,
            counter.statements.get(name, 0),
            counter.transactions.get(name, 0),
            counter.read_only.get(name, 0),
        )
    table.add(
        "total",
        sum(counter.statements.values()),
        sum(counter.transactions.values()),
        sum(counter.read_only.values()),
    )
    print(table.render() + "\n", flush=True)


async def run_backend(kind: str, pg_url: str | None, levels: list[tuple[int, int]]) -> int:
    """Run every level on a fresh database of ``kind``; returns how many conversations failed."""
    async with bench_deps(kind, pg_url) as (deps, notifier, engine):
        await add_volunteers(deps, VOLUNTEERS, first_external_id=10_000)
        print(f"## {kind}\n")
        await anatomy(engine)
        results = []
        for workers, orders in levels:
            level = await run_level(engine, workers, orders)
            results.append(level)
            print(
                f"  {kind}: {workers:>3} workers, {level.orders} orders in {level.wall:.2f} s"
                f" ({level.orders / level.wall:.1f} orders/s), failures {len(level.failures)}",
                flush=True,
            )
        await report(kind, deps, results, notifier.sent)
        print(f"(load average after the {kind} run: {load_average()})\n", flush=True)
        return sum(len(lv.failures) for lv in results)


async def report(kind: str, deps: Deps, results: list[Level], sent: int) -> None:
    print(f"\n### {kind}: latency per step (ms, p50 / p99)\n")
    table = Table(["step", *(f"N={lv.workers} p50 / p99" for lv in results)])
    for name in (*STEPS, "conversation"):
        cells = []
        for lv in results:
            values = lv.latencies[name]
            cells.append(f"{ms(percentile(values, 50))} / {ms(percentile(values, 99))}")
        table.add(name, *cells)
    print(table.render())
    print(f"\n### {kind}: throughput\n")
    table = Table(
        [
            "workers",
            "orders",
            "wall s",
            "orders/s",
            "events/s",
            "CPU ms/order",
            "CPU busy",
            "dispatch drain ms",
            "failures",
        ]
    )
    for lv in results:
        table.add(
            lv.workers,
            lv.orders,
            f"{lv.wall:.2f}",
            f"{lv.orders / lv.wall:.1f}",
            f"{lv.orders * len(STEPS) / lv.wall:.0f}",
            f"{lv.cpu / max(lv.orders, 1) * 1000:.0f}",
            f"{lv.cpu / lv.wall:.0%}",
            ms(lv.drain),
            len(lv.failures),
        )
    print(table.render())
    if any(lv.begin_waits for lv in results):
        print(f"\n### {kind}: waiting for the write lock (BEGIN IMMEDIATE)\n")
        table = Table(
            [
                "workers",
                "transactions",
                "wait p50 ms",
                "wait p99 ms",
                "wait max ms",
                "waited per order ms",
            ]
        )
        for lv in results:
            waits = lv.begin_waits
            table.add(
                lv.workers,
                len(waits),
                ms(percentile(waits, 50)),
                ms(percentile(waits, 99)),
                ms(max(waits, default=math.nan)),
                f"{sum(waits) / max(lv.orders, 1) * 1000:.0f}",
            )
        print(table.render())
    for lv in results:
        for failure in lv.failures[:5]:
            print(f"  N={lv.workers} failure: {failure}")
    print(f"\n({sent} messages to others were delivered to the counting notifier)\n")


def main() -> None:
    p = parser(__doc__.split("\n\n")[0])
    p.add_argument("--levels", default=None, help="workers:orders pairs, e.g. 1:40,10:150,50:300")
    args = p.parse_args()
    if args.levels:
        levels = [tuple(int(x) for x in part.split(":")) for part in args.levels.split(",")]
    elif args.quick:
        levels = [(1, 5), (5, 20)]
    else:
        levels = [(1, 40), (10, 150), (50, 300)]
    print(f"# bench/engine.py — {machine(args.pg)}")
    print(f"levels (workers:orders): {', '.join(f'{w}:{o}' for w, o in levels)}\n", flush=True)
    failures = 0
    for kind in backends(args):
        failures += asyncio.run(run_backend(kind, args.pg, levels))  # type: ignore[arg-type]
    if failures:
        raise SystemExit(f"{failures} conversation(s) did not get the expected answers")


if __name__ == "__main__":
    main()
