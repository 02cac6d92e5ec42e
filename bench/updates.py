"""Per-update CPU against a bare echo bot, reply latency under load, capacity, fan-out, RSS.

Two fake Bot API servers (tests/utils/fakebot, one per bot: the fake models one
bot) run in this process; the bots under test run as subprocesses polling them —
``bench/echo_bot.py`` (bare python-telegram-bot) and the real bot
(``python -m jiangxin.cli run``). The bots' CPU and RSS are read from
``/proc/<pid>``, so the load generator's own work is never counted.

Workload per simulated person: a free-text need (routed, confirmation asked) then
``/cancel``, again and again (``--steps``: the whole order typed step by step —
need, 对, address, time, phone — then ``/cancel``). The needs are the real ones
of the held-out routing sets 5–9 (``tests/core/routing_holdout*.jsonl``), each
person starting elsewhere in the list: people word their needs differently, and
whether the routing model runs depends on the words (``--one-need``: the same
sentence every time, as the first passes measured). A reply's latency is from the
person's send until the bot's first message arrives at the fake server.

    .venv/bin/python bench/updates.py cpu            # 5 interleaved runs, prints the ratio
    .venv/bin/python bench/updates.py latency --users 20 [--pg] [--broadcast 500] [--stagger]
    .venv/bin/python bench/updates.py fanout         # 1,000 sends through the limiter
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import os
import signal
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from collections import Counter
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests.utils.fakebot import FakeBotApi  # noqa: E402

CODE = ROOT  # the checkout whose bot runs (--code: measure another commit the same way)
ONE_NEED = "注塑件毛边太多怎么办"
HELD_OUT = [ROOT / "tests" / "core" / f"routing_holdout{n}.jsonl" for n in range(5, 10)]


def held_out_needs() -> list[str]:
    """The real needs (not chit-chat) of the held-out routing sets, in file order."""
    rows = (
        json.loads(line)
        for path in HELD_OUT
        for line in path.read_text(encoding="utf-8").splitlines()
        if line.strip()
    )
    return [row["text"] for row in rows if row["team"] != "none"]


NEEDS = held_out_needs()
# --steps: a whole order typed step by step (each answer and how many messages it gets),
# cancelled at the photos step; the need comes first.
STEPS = (("对", 1), ("余杭区文一西路1号", 2), ("明天上午", 1), ("13800138000", 2), ("/cancel", 1))
STEPPED = False


def turn(uid: int, i: int) -> tuple[str, int]:
    """Person ``uid``'s ``i``-th message and how many messages the bot answers it with."""
    if STEPPED:
        n, step = divmod(i, len(STEPS) + 1)
        return (NEEDS[(uid * 37 + n) % len(NEEDS)], 1) if step == 0 else STEPS[step - 1]
    return (NEEDS[(uid * 37 + i // 2) % len(NEEDS)], 1) if i % 2 == 0 else ("/cancel", 1)


TICK = os.sysconf("SC_CLK_TCK")
PG = os.environ.get("JIANGXIN_TEST_PG_URL", "postgresql+asyncpg://postgres@127.0.0.1:5432/test")


def cpu_seconds(pid: int) -> float:
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / TICK  # utime + stime


def thread_seconds(pid: int) -> Counter[str]:
    """CPU seconds of each thread: the main one (the event loop) and the others by id
    (with the semantic stage on, the busy one is the routing model's worker)."""
    out: Counter[str] = Counter()
    for task in Path(f"/proc/{pid}/task").iterdir():
        try:
            fields = (task / "stat").read_text().rsplit(")", 1)[1].split()
        except OSError:  # the thread ended meanwhile
            continue
        name = "event loop" if task.name == str(pid) else f"thread {task.name}"
        out[name] += (int(fields[11]) + int(fields[12])) / TICK
    return out


def rss_mib(pid: int, field: str = "VmRSS") -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith(field + ":"):
            return int(line.split()[1]) / 1024
    return 0.0


def rss_text(pid: int) -> str:
    """RSS, and how much of it is the process's own memory and how much mapped files:
    the routing model's weights are a read-only mapping that grows page by page as
    new words are met (shared with the page cache, dropped under memory pressure)."""
    anon, files = rss_mib(pid, "RssAnon"), rss_mib(pid, "RssFile")
    return f"{rss_mib(pid):.0f} MiB (own {anon:.0f}, mapped files {files:.0f})"


async def pg_database() -> str:
    import asyncpg

    name = f"jx_bench_{uuid.uuid4().hex[:8]}"
    conn = await asyncpg.connect(PG.replace("postgresql+asyncpg://", "postgresql://"))
    await conn.execute(f'CREATE DATABASE "{name}"')
    await conn.close()
    return PG.rsplit("/", 1)[0] + "/" + name


async def database(pg: bool, tmp: str) -> str:
    """A fresh database, migrated before the bot starts — as a deployment's is on every
    start but the first after an update (then the bot leaves alembic unimported)."""
    url = await pg_database() if pg else f"sqlite+aiosqlite:///{tmp}/bench.sqlite3"
    env = dict(os.environ, JIANGXIN_DATABASE_URL=url, PYTHONPATH=str(CODE))
    cmd = [sys.executable, "-m", "jiangxin.cli", "db", "upgrade"]
    proc = await asyncio.create_subprocess_exec(*cmd, cwd=CODE, env=env, stdout=subprocess.DEVNULL)
    if await proc.wait():
        raise SystemExit(f"could not migrate {url}")
    return url


class Bot:
    """One bot subprocess polling one fake server."""

    def __init__(
        self,
        kind: str,
        api: FakeBotApi,
        db_url: str,
        limit: bool,
        profile: str | None = None,
        admins: str = "",
    ) -> None:
        env = dict(os.environ)
        env.update(
            JIANGXIN_TELEGRAM_TOKEN=api.token,
            JIANGXIN_TELEGRAM_API_URL=api.base_url,
            JIANGXIN_TELEGRAM_FILE_URL=api.base_file_url,
            JIANGXIN_DATABASE_URL=db_url,
            JIANGXIN_WEB_PORT="0",
            JIANGXIN_LOG_LEVEL="WARNING",
            PTB_TIMEDELTA="1",
            PYTHONPATH=str(CODE),
        )
        if admins:
            env["JIANGXIN_ADMIN_IDS"] = admins
        if not limit:  # the send limiter out of the way (bench/run_bot.py)
            env["JX_BENCH_NO_LIMIT"] = "1"
        if profile:  # FILE.prof: cProfile, FILE.gc: collections, else stack samples (run_bot.py)
            how = {".prof": "PROFILE", ".gc": "GC"}.get(Path(profile).suffix, "SAMPLE")
            env[f"JX_BENCH_{how}"] = profile
        cmd = [
            sys.executable,
            str(ROOT / "bench" / ("echo_bot.py" if kind == "echo" else "run_bot.py")),
        ]
        self.kind = kind
        self.api = api
        self.calls: Counter[str] = Counter()  # Bot API calls of the last load, by method
        self.proc = subprocess.Popen(
            cmd, cwd=CODE, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
        )

    async def ready(self, user_id: int) -> None:
        user = self.api.user(user_id, "预热")
        for _ in range(600):
            await user.send("/start")
            try:
                await user.next_message(timeout=1.0)
                break
            except Exception:
                continue
        await asyncio.sleep(1.0)
        user.drain()

    def stop(self) -> None:
        self.proc.terminate()
        self.proc.wait(30)


async def person(
    api: FakeBotApi,
    uid: int,
    turns: int,
    pause: float,
    lat: list[float],
    delay: float = 0.0,
    echo: bool = False,
) -> None:
    """One person's turns; ``echo``: the floor answers every message with one message, so
    waiting for a step's second message would only slow the floor down (and make each of
    its updates cost more: fewer per getUpdates)."""
    user = api.user(uid, f"师傅{uid}", started=True)
    await asyncio.sleep(delay)
    last = None
    for i in range(turns):
        user.drain()
        start = time.perf_counter()
        text, answers = turn(uid, i)
        answers = 1 if echo else answers
        if text == "对" and last is not None and "对吗" not in last.text and last.inline_keyboard:
            # The bot offered teams to choose from (or the list): a person presses the first;
            # the answer may be an edit of that message rather than a new one.
            await user.press(last.inline_keyboard[0][0]["text"], last)
            with contextlib.suppress(Exception):
                last = await user.next_message(timeout=3.0)
        else:
            await user.send(text)
            last = await user.next_message(timeout=30.0)
        lat.append(time.perf_counter() - start)
        for _ in range(answers - 1):  # the step's acknowledgement, then the next question
            with contextlib.suppress(Exception):
                await user.next_message(timeout=2.0)
        if pause:
            await asyncio.sleep(pause)


async def load(
    bot: Bot, users: int, turns: int, pause: float, base: int, stagger: bool = False
) -> tuple[float, float, list[float]]:
    """(CPU seconds of the bot, wall seconds, latencies) for users × turns updates.

    Everyone sends their first message at the same instant, or with ``stagger`` at
    evenly spread moments within the first pause (people do not write in step).
    """
    lat: list[float] = []
    calls = len(bot.api.server.calls)
    cpu0, t0 = cpu_seconds(bot.proc.pid), time.perf_counter()
    delays = [pause * u / users if stagger else 0.0 for u in range(users)]
    await asyncio.gather(
        *(
            person(bot.api, base + u, turns, pause, lat, delays[u], bot.kind == "echo")
            for u in range(users)
        )
    )
    await asyncio.sleep(0.3)  # the last replies' trailing messages
    cpu, wall = cpu_seconds(bot.proc.pid) - cpu0, time.perf_counter() - t0
    bot.calls = Counter(c.method for c in bot.api.server.calls[calls:])
    return cpu, wall, lat


def pct(values: list[float], p: float) -> float:
    values = sorted(values)
    return values[min(len(values) - 1, round(p / 100 * (len(values) - 1)))]


async def cmd_cpu(args: argparse.Namespace) -> None:
    apis = {k: FakeBotApi() for k in ("echo", "jiangxin")}
    for api in apis.values():
        await api.start()
    tmp = tempfile.mkdtemp()
    db = await database(args.pg, tmp)
    if args.paced_floor:  # the echo floor's replies paced as Jiangxin's limiter paces its own
        os.environ["JX_ECHO_PACE"] = "28"
    bots = {
        k: Bot(k, api, db, not args.no_limit, args.profile if k == "jiangxin" else None)
        for k, api in apis.items()
    }
    try:
        for bot in bots.values():
            await bot.ready(10)
            await load(bot, args.users, 4, 0, 1000)  # warm-up
        warm = rss_text(bots["jiangxin"].proc.pid)
        if args.profile:  # from here on (bench/run_bot.py)
            os.kill(bots["jiangxin"].proc.pid, signal.SIGUSR1)
        per: dict[str, list[float]] = {"echo": [], "jiangxin": []}
        for run in range(args.runs):
            for k in ("echo", "jiangxin") if run % 2 == 0 else ("jiangxin", "echo"):
                cpu, wall, lat = await load(bots[k], args.users, args.turns, 0, 2000 + run * 100)
                per[k].append(cpu / len(lat))
                calls = bots[k].calls
                api = ", ".join(f"{m} {n / len(lat):.2f}" for m, n in sorted(calls.items()))
                print(
                    f"run {run + 1} {k:8s}: {len(lat)} updates, {cpu * 1000 / len(lat):.2f} ms CPU "
                    f"per update, {len(lat) / wall:.0f} updates/s, p50 {pct(lat, 50) * 1000:.0f} ms"
                    f"; Bot API calls per update: {api}"
                )
        e, j = statistics.median(per["echo"]), statistics.median(per["jiangxin"])
        print(f"median CPU per update: echo {e * 1000:.2f} ms, Jiangxin {j * 1000:.2f} ms")
        print(f"ratio {j / e:.2f}x (target ≤ 2.0x, stretch 1.5x)")
        print(
            f"RSS after the warm-up: Jiangxin {warm}; after the runs: Jiangxin "
            f"{rss_text(bots['jiangxin'].proc.pid)}, echo {rss_text(bots['echo'].proc.pid)}"
        )
    finally:
        for bot in bots.values():
            bot.stop()
        for api in apis.values():
            await api.stop()


async def seed_crew(url: str, count: int, first_id: int) -> None:
    """``count`` volunteers of 应急救援 whom the admin's broadcast reaches."""
    from store.engine import Database
    from tests.utils.volunteers import crew

    db = Database(url)
    try:
        await crew(
            db, count=count, first_id=first_id, team="emergency", station=("bench", "压测站")
        )
    finally:
        await db.dispose()


async def start_broadcast(api: FakeBotApi, count: int, first_id: int) -> Callable[[], int]:
    """The super-admin (user 1) broadcasts to the seeded volunteers; returns a sent counter."""
    for i in range(count):
        api.user(first_id + i, f"队员{i}", started=True)
    admin = api.user(1, "会长", started=True)
    admin.drain()
    await admin.send("/broadcast emergency 台风过境，今晚8点城关镇集合抢修排涝泵")
    preview = await admin.next_message(timeout=30.0)
    if "确认发送" not in str(preview.buttons):
        raise SystemExit(f"no broadcast preview: {preview.text}")
    await admin.press("确认发送", message=preview)

    def sent() -> int:
        return sum(
            1 for c in api.server.calls_of("sendMessage") if int(c.params["chat_id"]) >= first_id
        )

    return sent


async def cmd_latency(args: argparse.Namespace) -> None:
    api = FakeBotApi()
    await api.start()
    api.server.flood_limit(global_per_sec=30)
    tmp = tempfile.mkdtemp()
    db = await database(args.pg, tmp)
    first = 600_000
    bot = Bot("jiangxin", api, db, True, admins="1")
    try:
        await bot.ready(10)
        if args.broadcast:  # once the bot has seeded its teams
            await seed_crew(db, args.broadcast, first)
        await load(bot, args.users, 2, 0, 1000)
        sent: Callable[[], int] | None = None
        if args.broadcast:
            sent = await start_broadcast(api, args.broadcast, first)
        t0 = time.perf_counter()
        _cpu, wall, lat = await load(bot, args.users, args.turns, 1.0, 5000, args.stagger)
        during = f"; broadcast sent {sent()}/{args.broadcast} meanwhile" if sent else ""
        if sent:
            with contextlib.suppress(TimeoutError):
                await api.server.changes.wait_for(lambda: sent() >= args.broadcast, 120)
            during += f", all {sent()} after {time.perf_counter() - t0:.1f} s"
        print(
            f"{'PostgreSQL' if args.pg else 'SQLite'} {args.users} users, 1 s pause"
            f"{', staggered' if args.stagger else ', in step'}: "
            f"{len(lat)} replies in {wall:.1f} s, p50 {pct(lat, 50) * 1000:.0f} ms, "
            f"p95 {pct(lat, 95) * 1000:.0f} ms, p99 {pct(lat, 99) * 1000:.0f} ms, "
            f"max {max(lat) * 1000:.0f} ms; 429s {api.server.count_429}; "
            f"RSS {rss_text(bot.proc.pid)}{during}"
        )
    finally:
        bot.stop()
        await api.stop()


async def cmd_capacity(args: argparse.Namespace) -> None:
    api = FakeBotApi()
    await api.start()
    tmp = tempfile.mkdtemp()
    db = await database(args.pg, tmp)
    bot = Bot("jiangxin", api, db, False)  # the limiter out of the way
    try:
        await bot.ready(10)
        await load(bot, args.users, 4, 0, 1000)
        threads = thread_seconds(bot.proc.pid)
        cpu, wall, lat = await load(bot, args.users, args.turns, 0, 5000)
        busy = thread_seconds(bot.proc.pid)
        busy.subtract(threads)
        # Which thread is the bottleneck: the event loop, or (semantic stage on) the
        # routing model's one worker thread.
        per_thread = ", ".join(
            f"{name} {seconds / wall * 100:.0f} %"
            for name, seconds in busy.most_common(3)
            if seconds > 0
        )
        print(
            f"capacity ({'PostgreSQL' if args.pg else 'SQLite'}, {args.users} users, no pause): "
            f"{len(lat) / wall:.0f} updates/s, {cpu * 1000 / len(lat):.2f} ms CPU per update, "
            f"bot busy {cpu / wall * 100:.0f} % (threads: {per_thread})"
        )
    finally:
        bot.stop()
        await api.stop()


async def cmd_fanout(args: argparse.Namespace) -> None:
    from handlers.telegram.limiter import (
        BURST,
        LocalBudget,
        SendLimiter,
        TelegramRateLimiter,
        bulk,
        bulk_reserve,
    )

    os.environ["PTB_TIMEDELTA"] = "1"
    api = FakeBotApi()
    await api.start()
    api.server.flood_limit(per_chat_per_sec=1, global_per_sec=30)
    users = [api.user(900_000 + i, f"志愿者{i}", started=True) for i in range(args.count)]
    budget = LocalBudget(28.0, 28.0, time.monotonic())  # as make_limiter builds it
    limiter = TelegramRateLimiter(SendLimiter(budget, bulk_reserve=bulk_reserve(28.0)))
    app = api.application_builder().rate_limiter(limiter).build()
    try:
        async with app.bot:
            t0 = time.perf_counter()
            with bulk():
                await asyncio.gather(*(app.bot.send_message(u.id, "停水通知") for u in users))
            wall = time.perf_counter() - t0
    finally:
        await api.stop()
    ideal = (args.count - BURST) / 28.0
    print(
        f"fan-out of {args.count}: {wall:.1f} s ({args.count / wall:.1f}/s; at exactly 28/s after "
        f"the first second's burst {ideal:.1f} s), 429s {api.server.count_429}"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    sub = parser.add_subparsers(dest="what", required=True)
    p = sub.add_parser("cpu")
    p.add_argument("--runs", type=int, default=5)
    p.add_argument("--users", type=int, default=20)
    p.add_argument("--turns", type=int, default=10)
    p.add_argument("--pg", action="store_true")
    p.add_argument("--no-limit", action="store_true", help="Jiangxin's send limiter off")
    p.add_argument(
        "--paced-floor", action="store_true", help="the echo floor paced to 28 replies/s"
    )
    p.add_argument(
        "--profile",
        help="profile Jiangxin's measured runs to FILE (.prof: cProfile, .gc: collections, "
        "else stack samples)",
    )
    p = sub.add_parser("latency")
    p.add_argument("--users", type=int, default=20)
    p.add_argument("--turns", type=int, default=20)
    p.add_argument("--pg", action="store_true")
    p.add_argument(
        "--broadcast", type=int, default=0, help="volunteers a broadcast reaches meanwhile"
    )
    p.add_argument("--stagger", action="store_true", help="people start apart, not in step")
    p = sub.add_parser("capacity")
    p.add_argument("--users", type=int, default=50)
    p.add_argument("--turns", type=int, default=10)
    p.add_argument("--pg", action="store_true")
    p = sub.add_parser("fanout")
    p.add_argument("--count", type=int, default=1000)
    parser.add_argument("--code", type=Path, default=ROOT, help="checkout whose bot to run")
    parser.add_argument(
        "--one-need", action="store_true", help=f"every need is {ONE_NEED!r} (earlier passes)"
    )
    parser.add_argument(
        "--steps",
        action="store_true",
        help="people type whole orders (need, 对, address, time, phone, /cancel) instead of "
        "a need and /cancel",
    )
    args = parser.parse_args()
    if args.one_need:
        NEEDS[:] = [ONE_NEED]
    global STEPPED
    STEPPED = args.steps
    global CODE
    CODE = args.code.resolve()
    os.environ.setdefault("PTB_TIMEDELTA", "1")
    run = {"cpu": cmd_cpu, "latency": cmd_latency, "capacity": cmd_capacity, "fanout": cmd_fanout}
    asyncio.run(run[args.what](args))


if __name__ == "__main__":
    main()
