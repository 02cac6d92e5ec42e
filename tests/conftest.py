"""Fixtures shared by all rings of tests, and the ring markers.

Rings live in folders — ``tests/core`` (flows and the store), ``tests/telegram``
(the real python-telegram-bot stack against the fake Bot API), ``tests/web``
(aiohttp and the browser) — and each test is marked with its folder's ring, so
``pytest -m telegram`` runs one ring alone. A test elsewhere that drives the
Telegram rig (the ``tg`` or ``fake_bot_api`` fixture) is marked ``telegram`` too.

Store tests run on SQLite and PostgreSQL: the ``db`` fixture is parametrised
over both. PostgreSQL comes from ``JIANGXIN_TEST_PG_URL``; each test session
creates its own database there (so parallel runs never collide) and drops it at
the end. Without a reachable server the PostgreSQL half skips — except under
``CI=true``, where it fails.
"""

from __future__ import annotations

import asyncio
import os
import shutil
import uuid
from collections.abc import AsyncIterator, Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from bot import broadcast, catalog, dispatch, routing_feedback
from bot.clock import FixedClock
from bot.deps import Deps
from bot.engine import Engine
from bot.flows import build_registry
from bot.notifier import MultiNotifier
from bot.registry import Registry
from bot.routing import Router, warm_up
from store.engine import Database
from tests.utils.db import migrate_and_seed, pg_admin, reset_pg
from tests.utils.env import IN_CI, PG_URL, T0
from tests.utils.notifier import RecordingNotifier
from tests.utils.settings import make_settings, marker_settings

# python-telegram-bot 22 warns (an error here) when it builds durations as ints;
# production sets the same in handlers/telegram/__init__.py.
os.environ.setdefault("PTB_TIMEDELTA", "1")


def _run(coro_fn, *args):  # type: ignore[no-untyped-def]
    """Run a coroutine to completion on its own thread and loop.

    Session fixtures may first be requested from inside a running test loop,
    where asyncio.run() is not allowed.
    """
    with ThreadPoolExecutor(1) as pool:
        return pool.submit(lambda: asyncio.run(coro_fn(*args))).result()


def _with_db(url: str, name: str) -> str:
    base, _, _ = url.rpartition("/")
    return f"{base}/{name}"


@pytest.fixture(scope="session")
def pg_url() -> Iterator[str]:
    name = f"jx_test_{uuid.uuid4().hex[:10]}"
    try:
        _run(pg_admin, PG_URL, f'CREATE DATABASE "{name}"')
    except Exception as exc:  # unreachable server, no rights …
        reason = f"PostgreSQL at {PG_URL} is not reachable ({type(exc).__name__}: {exc})"
        if IN_CI:
            pytest.fail(f"{reason}; CI=true requires the PostgreSQL store tests to run")
        pytest.skip(f"{reason}; set JIANGXIN_TEST_PG_URL to run the PostgreSQL half")
    url = _with_db(PG_URL, name)
    _run(migrate_and_seed, url)
    yield url
    _run(pg_admin, PG_URL, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.fixture(scope="session")
def sqlite_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("template") / "template.sqlite3"
    _run(migrate_and_seed, f"sqlite+aiosqlite:///{path}")
    return path


@pytest.fixture(params=["sqlite", "postgres"])
async def db(request: pytest.FixtureRequest, tmp_path: Path) -> AsyncIterator[Database]:
    """A migrated database with the default catalog, fresh for each test."""
    if request.param == "sqlite":
        path = tmp_path / "jiangxin.sqlite3"
        shutil.copy(request.getfixturevalue("sqlite_template"), path)
        database = Database(f"sqlite+aiosqlite:///{path}")
    else:
        database = Database(request.getfixturevalue("pg_url"))
        await reset_pg(database)
    yield database
    await database.dispose()


@pytest.fixture
def sqlite_db_url(tmp_path: Path, sqlite_template: Path) -> str:
    path = tmp_path / "jiangxin.sqlite3"
    shutil.copy(sqlite_template, path)
    return f"sqlite+aiosqlite:///{path}"


@pytest.fixture(scope="session", autouse=True)
def _warm_routing() -> None:
    warm_up()


@pytest.fixture
def clock() -> FixedClock:
    return FixedClock(T0)


@pytest.fixture
def notifier() -> RecordingNotifier:
    return RecordingNotifier()


@pytest.fixture
def routes() -> Registry:
    """Every flow's commands, buttons and dialogs (the engine's), and their bus."""
    return build_registry()


@pytest.fixture
async def deps(
    request: pytest.FixtureRequest,
    db: Database,
    clock: FixedClock,
    notifier: RecordingNotifier,
    routes: Registry,
) -> AsyncIterator[Deps]:
    """Core services on a real database, a recording notifier and a fixed clock.

    Background work a flow started (offer fan-outs, broadcasts) is drained at the
    end, so it cannot outlive its test and leak a connection into the next one.
    """
    async with db.session() as session:
        teams = await catalog.list_teams(session)
    multi = MultiNotifier({"telegram": notifier, "web": notifier})
    services = Deps(
        settings=make_settings(database_url=db.url, **marker_settings(request)),
        db=db,
        router=Router(catalog.team_specs(teams)),
        bus=routes.bus,
        notifier=multi,
        clock=clock,
    )
    yield services
    await broadcast.settle(services)
    await dispatch.settle(services)
    await routing_feedback.settled(services)


@pytest.fixture
async def engine(deps: Deps, routes: Registry) -> AsyncIterator[Engine]:
    """The engine; its live-message notes are written at the end, before the database closes."""
    engine = Engine(deps, routes)
    yield engine
    await engine.stop()


# The Telegram ring's fixtures, available to every test module.
from tests.utils.fakebot.fixtures import fake_bot_api  # noqa: E402, F401
from tests.utils.tgrig import tg  # noqa: E402, F401

RINGS = ("core", "telegram", "web", "wechat", "reliability")
_TELEGRAM_FIXTURES = {"tg", "fake_bot_api"}
_TESTS = Path(__file__).resolve().parent


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        folder = Path(item.path).resolve().relative_to(_TESTS).parts[0]
        if folder in RINGS:
            item.add_marker(getattr(pytest.mark, folder))
        if _TELEGRAM_FIXTURES & set(getattr(item, "fixturenames", ())):
            item.add_marker(pytest.mark.telegram)
