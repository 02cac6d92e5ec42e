"""What the store benchmarks share: a throwaway database, the real composition, figures.

Each benchmark builds ``Deps`` exactly as the application does
(``jiangxin.app.build``: migrate, seed the catalog, warm routing up, freeze the
collector) on a fresh database — a SQLite file in a temporary folder, or a
PostgreSQL database created for the run and dropped at its end — and plugs in
a counting notifier, so nothing goes to the network and memory stays flat over
long runs. Time is the real clock: the figures are the product's, not a mock's.
"""

from __future__ import annotations

import argparse
import asyncio
import contextvars
import math
import os
import platform
import secrets
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import AsyncIterator, Iterable, Sequence
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

# JX_BENCH_CODE: measure another checkout's code with these scripts (before/after).
ROOT = Path(os.environ.get("JX_BENCH_CODE") or Path(__file__).resolve().parents[1]).resolve()
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

# python-telegram-bot 22 warns when it builds durations as ints; the app sets the same.
os.environ.setdefault("PTB_TIMEDELTA", "1")

from sqlalchemy import event  # noqa: E402
from sqlmodel import col, select  # noqa: E402

from bot.config import Settings  # noqa: E402
from bot.deps import Deps  # noqa: E402
from bot.engine import Engine  # noqa: E402
from bot.reply import MessageRef, Reply  # noqa: E402
from jiangxin.app import build  # noqa: E402
from store.models import (  # noqa: E402
    Person,
    Team,
    Volunteer,
    VolunteerStatus,
    VolunteerTeam,
)

DEFAULT_PG = "postgresql://postgres@127.0.0.1:5432/test"


# ---------------------------------------------------------------- command line


def parser(description: str) -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(description=description)
    p.add_argument(
        "--pg",
        metavar="URL",
        nargs="?",
        const=DEFAULT_PG,
        default=None,
        help="also run on PostgreSQL: a throwaway database is created on this server "
        f"(default {DEFAULT_PG}) and dropped afterwards",
    )
    p.add_argument("--no-sqlite", action="store_true", help="skip the SQLite run")
    p.add_argument("--quick", action="store_true", help="a much smaller run (smoke test)")
    return p


def backends(args: argparse.Namespace) -> list[str]:
    """The databases to run on, in order: "sqlite" and/or "postgres"."""
    out = [] if args.no_sqlite else ["sqlite"]
    if args.pg:
        out.append("postgres")
    if not out:
        raise SystemExit("nothing to run: --no-sqlite without --pg")
    return out


# ---------------------------------------------------------------- notifier


@dataclass
class CountingNotifier:
    """Accepts every delivery and edit at once and only counts them (no network, no memory)."""

    sent: int = 0
    edits: int = 0
    _next: int = 0

    async def send(self, person: Person, reply: Reply) -> MessageRef | None:
        self.sent += 1
        self._next += 1
        return MessageRef(person.platform, person.external_id, str(self._next))

    async def edit(self, ref: MessageRef, reply: Reply) -> None:
        self.edits += 1


# ---------------------------------------------------------------- databases


def _asyncpg_dsn(url: str) -> str:
    scheme, _, rest = url.partition("://")
    return f"postgresql://{rest}" if scheme.startswith("postgres") else url


def _with_database(url: str, name: str) -> str:
    base, _, _ = _asyncpg_dsn(url).rpartition("/")
    return f"{base}/{name}"


async def _pg_admin(url: str, sql: str) -> None:
    import asyncpg

    conn = await asyncpg.connect(_asyncpg_dsn(url), timeout=10)
    try:
        await conn.execute(sql)
    finally:
        await conn.close()


@asynccontextmanager
async def database_url(kind: str, pg_url: str | None) -> AsyncIterator[str]:
    """A URL of an empty database that exists for the ``async with`` block only."""
    if kind == "sqlite":
        folder = tempfile.mkdtemp(prefix="jx_bench_")
        try:
            yield f"sqlite+aiosqlite:///{folder}/bench.sqlite3"
        finally:
            shutil.rmtree(folder, ignore_errors=True)
        return
    assert pg_url is not None
    name = f"jx_bench_{secrets.token_hex(5)}"
    await _pg_admin(pg_url, f'CREATE DATABASE "{name}"')
    try:
        yield _with_database(pg_url, name)
    finally:
        await _pg_admin(pg_url, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


async def make_deps(url: str, **overrides: object) -> tuple[Deps, CountingNotifier, Engine]:
    """The application's own composition (``build``) on ``url``, with a counting notifier.

    Super-admin is user 1 as in the tests; nothing is read from a .env file.
    """
    settings = Settings(
        _env_file=None,
        database_url=url,
        admin_ids=[1],  # type: ignore[call-arg]
        log_level="WARNING",
        **overrides,
    )
    deps, engine = await build(settings)
    notifier = CountingNotifier()
    deps.notifier.add("telegram", notifier)
    deps.notifier.add("web", notifier)
    return deps, notifier, engine


@asynccontextmanager
async def bench_deps(
    kind: str, pg_url: str | None, **overrides: object
) -> AsyncIterator[tuple[Deps, CountingNotifier, Engine]]:
    """``make_deps`` on a throwaway database of ``kind``; disposed and dropped afterwards."""
    async with database_url(kind, pg_url) as url:
        deps, notifier, engine = await make_deps(url, **overrides)
        try:
            yield deps, notifier, engine
        finally:
            from bot import dispatch

            await dispatch.settle(deps)
            stop = getattr(engine, "stop", None)  # older code (JX_BENCH_CODE) has none
            if stop is not None:
                await stop()  # the live-message notes it holds (bot.live)
            await deps.db.dispose()


async def add_volunteers(
    deps: Deps,
    count: int,
    *,
    first_external_id: int,
    team: str = "tech",
    max_open_jobs: int = 3,
    prefix: str = "师傅",
) -> list[tuple[Person, Volunteer]]:
    """``count`` active volunteers of ``team`` (Telegram people), in one transaction."""
    out: list[tuple[Person, Volunteer]] = []
    async with deps.db.session() as session:
        team_row = (await session.exec(select(Team).where(col(Team.slug) == team))).one()
        for i in range(count):
            name = f"{prefix}{i + 1}"
            person = Person(
                platform="telegram",
                external_id=str(first_external_id + i),
                display_name=name,
                language="zh",
                roles=["volunteer"],
            )
            session.add(person)
            await session.flush()
            volunteer = Volunteer(
                person_id=person.id,
                name=name,  # type: ignore[arg-type]
                phone="13900000000",
                status=VolunteerStatus.ACTIVE,
                max_open_jobs=max_open_jobs,
            )
            session.add(volunteer)
            await session.flush()
            session.add(VolunteerTeam(volunteer_id=volunteer.id, team_id=team_row.id))  # type: ignore[arg-type]
            out.append((person, volunteer))
    return out


# ---------------------------------------------------------------- database work

BUCKET: contextvars.ContextVar[str] = contextvars.ContextVar("bench_bucket", default="other")


class DbCounter:
    """Counts SQL statements and transactions (and read-only ones) per ``BUCKET``.

    ``BUCKET`` is a context variable: SQLAlchemy runs its sync code in greenlets
    that inherit the asyncio task's context, and tasks inherit their creator's,
    so work started in the background is counted under the bucket that was
    current when it was spawned. SQLite's own ``BEGIN IMMEDIATE`` is counted as
    a transaction, not a statement.
    """

    _WRITES = ("INSERT", "UPDATE", "DELETE")

    def __init__(self, deps: Deps) -> None:
        self.statements: dict[str, int] = {}
        self.transactions: dict[str, int] = {}
        self.read_only: dict[str, int] = {}
        self._engine = deps.db.engine.sync_engine

    @staticmethod
    def _add(into: dict[str, int]) -> None:
        key = BUCKET.get()
        into[key] = into.get(key, 0) + 1

    def _statement(self, conn: Any, _cursor: Any, statement: str, *_: Any) -> None:
        verb = statement.lstrip()[:6].upper()
        if verb.startswith("BEGIN"):
            return
        self._add(self.statements)
        if verb.startswith(self._WRITES):
            conn.info["bench_wrote"] = True

    def _begin(self, conn: Any) -> None:
        self._add(self.transactions)
        conn.info["bench_wrote"] = False

    def _end(self, conn: Any) -> None:
        if not conn.info.pop("bench_wrote", True):
            self._add(self.read_only)

    _EVENTS = (
        ("before_cursor_execute", "_statement"),
        ("begin", "_begin"),
        ("commit", "_end"),
        ("rollback", "_end"),
    )

    def __enter__(self) -> DbCounter:
        for name, method in self._EVENTS:
            event.listen(self._engine, name, getattr(self, method))
        return self

    def __exit__(self, *_: object) -> None:
        for name, method in self._EVENTS:
            event.remove(self._engine, name, getattr(self, method))


class BeginTimer:
    """Sums the time SQLite spends in ``BEGIN IMMEDIATE``: waiting for the write lock.

    store.engine starts every SQLite transaction — reads included — with BEGIN
    IMMEDIATE, so under concurrency this is where sessions queue (SQLite's busy
    handler retries with sleeps of 1, 2, 5, 10 … 100 ms). PostgreSQL's BEGIN is
    issued by the driver itself and never waits; there the timer stays at zero.
    """

    def __init__(self, deps: Deps) -> None:
        self.waits: list[float] = []
        self._engine = deps.db.engine.sync_engine

    def _before(self, conn: Any, _cursor: Any, statement: str, *_: Any) -> None:
        if statement.startswith("BEGIN"):
            conn.info["bench_begin"] = time.perf_counter()

    def _after(self, conn: Any, _cursor: Any, statement: str, *_: Any) -> None:
        started = conn.info.pop("bench_begin", None)
        if started is not None:
            self.waits.append(time.perf_counter() - started)

    def __enter__(self) -> BeginTimer:
        event.listen(self._engine, "before_cursor_execute", self._before)
        event.listen(self._engine, "after_cursor_execute", self._after)
        return self

    def __exit__(self, *_: object) -> None:
        event.remove(self._engine, "before_cursor_execute", self._before)
        event.remove(self._engine, "after_cursor_execute", self._after)


# ---------------------------------------------------------------- figures


def percentile(values: Sequence[float], q: float) -> float:
    """Nearest-rank percentile (``q`` in 0..100) of ``values``; NaN when empty."""
    if not values:
        return math.nan
    ordered = sorted(values)
    rank = max(1, math.ceil(q / 100 * len(ordered)))
    return ordered[min(rank, len(ordered)) - 1]


def ms(seconds: float) -> str:
    """Seconds as milliseconds, with sensible precision."""
    if math.isnan(seconds):
        return "—"
    value = seconds * 1000
    return f"{value:.2f}" if value < 10 else f"{value:.1f}" if value < 100 else f"{value:.0f}"


@dataclass
class Table:
    """A plain-text table, printed in Markdown so it can be pasted into bench/README.md."""

    headers: list[str]
    rows: list[list[str]] = field(default_factory=list)

    def add(self, *cells: object) -> None:
        self.rows.append([str(c) for c in cells])

    def render(self) -> str:
        widths = [
            max(len(h), *(len(r[i]) for r in self.rows)) if self.rows else len(h)
            for i, h in enumerate(self.headers)
        ]

        def line(cells: Iterable[str]) -> str:
            return "| " + " | ".join(c.ljust(w) for c, w in zip(cells, widths, strict=True)) + " |"

        out = [line(self.headers), "|" + "|".join("-" * (w + 2) for w in widths) + "|"]
        out += [line(r) for r in self.rows]
        return "\n".join(out)


def _server_version_pg(pg_url: str) -> str:
    async def version() -> str:
        import asyncpg

        conn = await asyncpg.connect(_asyncpg_dsn(pg_url), timeout=10)
        try:
            return str(await conn.fetchval("SHOW server_version"))
        finally:
            await conn.close()

    try:
        return asyncio.run(version())
    except Exception as exc:  # informational only
        return f"unknown ({type(exc).__name__})"


def load_average() -> str:
    """The 1/5/15-minute load averages: other processes share this machine."""
    try:
        return " ".join(f"{x:.2f}" for x in os.getloadavg())
    except OSError:
        return "?"


def machine(pg_url: str | None = None) -> str:
    """One paragraph about where the figures come from."""
    import sqlite3

    load = load_average()
    cpu = platform.processor() or platform.machine()
    try:
        out = subprocess.run(["lscpu"], capture_output=True, text=True, timeout=5).stdout
        cpu = next(
            (ln.split(":", 1)[1].strip() for ln in out.splitlines() if ln.startswith("Model name")),
            cpu,
        )
    except (OSError, subprocess.SubprocessError):
        pass
    parts = [
        f"{os.cpu_count()} CPU ({cpu})",
        f"Python {platform.python_version()}",
        f"SQLite {sqlite3.sqlite_version}",
    ]
    if pg_url:
        parts.append(f"PostgreSQL {_server_version_pg(pg_url)}")
    parts.append(f"load average {load}")
    return ", ".join(parts)
