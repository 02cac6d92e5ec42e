"""The store under concurrency: SQLite's single writer and read sessions; the teams cache."""

from __future__ import annotations

import asyncio
import os
import sqlite3
from pathlib import Path

import pytest
from sqlmodel import col, select

from store import cache
from store import engine as engine_module
from store.engine import Database, ReadOnlyError, sqlite_path
from store.models import Person, Team
from store.teams import team_by_slug


async def test_sqlite_writers_and_readers_never_see_database_is_locked(
    sqlite_db_url: str,
) -> None:
    db = Database(sqlite_db_url)
    written: list[str] = []

    async def writer(w: int) -> None:
        for i in range(15):
            async with db.session() as session:
                # read, then write in the same transaction: the race BEGIN IMMEDIATE prevents
                n = len((await session.exec(select(Person.id))).all())
                session.add(
                    Person(platform="telegram", external_id=f"w{w}-{i}", display_name=f"{n}")
                )
            written.append(f"w{w}-{i}")
            await asyncio.sleep(0)

    async def reader() -> int:
        seen = 0
        for _ in range(30):
            async with db.read() as session:
                seen = max(seen, len((await session.exec(select(Person.id))).all()))
            await asyncio.sleep(0)
        return seen

    try:
        results = await asyncio.gather(
            *(writer(w) for w in range(8)), *(reader() for _ in range(8))
        )
    finally:
        await db.dispose()
    assert len(written) == 120
    assert all(isinstance(r, int) or r is None for r in results)

    # Durable: a fresh process (a new engine on the same file) sees every committed write.
    again = Database(sqlite_db_url)
    try:
        async with again.read() as session:
            ids = set((await session.exec(select(Person.external_id))).all())
    finally:
        await again.dispose()
    assert set(written) <= ids


async def test_a_read_session_refuses_to_write(db: Database) -> None:
    with pytest.raises(ReadOnlyError):
        async with db.read() as session:
            session.add(Person(platform="telegram", external_id="x", display_name="x"))
            await session.flush()


async def test_a_reader_does_not_wait_for_an_open_writer(sqlite_db_url: str) -> None:
    db = Database(sqlite_db_url)
    try:
        holding, release = asyncio.Event(), asyncio.Event()

        async def slow_writer() -> None:
            async with db.session() as session:
                session.add(Person(platform="telegram", external_id="slow", display_name="慢"))
                await session.flush()
                holding.set()
                await release.wait()

        task = asyncio.create_task(slow_writer())
        await holding.wait()
        async with db.read() as session:  # would queue behind the writer if reads locked
            names = (await session.exec(select(Person.display_name))).all()
        assert "慢" not in names  # the uncommitted row is invisible
        release.set()
        await task
        async with db.read() as session:
            assert "慢" in (await session.exec(select(Person.display_name))).all()
    finally:
        await db.dispose()


async def test_a_writer_waits_off_the_loop_while_another_process_writes(
    sqlite_db_url: str,
) -> None:
    """Statements run on the event loop's thread; BEGIN IMMEDIATE must not wait there when
    another process (here: another connection) holds the write lock."""
    db = Database(sqlite_db_url)
    other = sqlite3.connect(sqlite_path(sqlite_db_url), isolation_level=None)
    try:
        other.execute("BEGIN IMMEDIATE")  # the "CLI beside the bot" holds the write lock
        other.execute("UPDATE person SET display_name = display_name")

        async def write() -> None:
            async with db.session() as session:
                session.add(Person(platform="telegram", external_id="waited", display_name="等"))

        task = asyncio.create_task(write())
        ticks = 0
        for _ in range(20):  # the loop keeps running while the writer waits
            await asyncio.sleep(0.01)
            ticks += 1
        assert not task.done()
        other.execute("COMMIT")
        await asyncio.wait_for(task, 10)
        assert ticks == 20
        async with db.read() as session:
            names = (await session.exec(select(Person.display_name))).all()
        assert "等" in names
    finally:
        other.close()
        await db.dispose()


async def test_the_wal_is_checkpointed_every_so_many_commits(
    sqlite_db_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Commits run on the loop without SQLite's own checkpoint; ours keeps the WAL small."""
    monkeypatch.setattr(engine_module, "CHECKPOINT_EVERY", 4)
    db = Database(sqlite_db_url)
    wal = sqlite_path(sqlite_db_url) + "-wal"
    sizes = []
    try:
        for i in range(60):
            async with db.session() as session:
                name = "x" * 500  # a page or so per commit
                session.add(Person(platform="telegram", external_id=f"c{i}", display_name=name))
            sizes.append(os.stat(wal).st_size)
    finally:
        await db.dispose()
    # Without checkpoints the WAL would grow by every commit's pages; with them it is
    # written from its start again and stops growing.
    assert sizes[-1] == max(sizes[30:])
    assert sizes[-1] < 4 * sizes[8]


async def test_a_team_change_reaches_the_cache_of_this_and_another_instance(
    db: Database,
) -> None:
    other = Database(db.url)  # a second instance on the same database
    listener = cache.CacheListener(other)
    await listener.start()
    try:
        async with other.read() as session:
            before = await cache.active_teams(session)
        assert "tech" in {t.slug for t in before}
        misses = cache.scope_of(other).misses
        async with other.read() as session:
            await cache.active_teams(session)
        assert cache.scope_of(other).misses == misses  # served from the cache

        async with db.session() as session:  # this instance retires a team
            team = await team_by_slug(session, slug="tech")
            assert team is not None
            team.active = False
            session.add(team)
        async with db.read() as session:
            assert "tech" not in {t.slug for t in await cache.active_teams(session)}

        for _ in range(200):  # the other instance hears it (PostgreSQL NOTIFY; SQLite: at once)
            async with other.read() as session:
                slugs = {t.slug for t in await cache.active_teams(session)}
            if "tech" not in slugs:
                break
            await asyncio.sleep(0.02)
        assert "tech" not in slugs
    finally:
        await listener.stop()
        await other.dispose()


async def test_a_rolled_back_team_change_keeps_the_cache(db: Database) -> None:
    async with db.read() as session:
        await cache.active_teams(session)
    generation = cache.scope_of(db).generation
    with pytest.raises(RuntimeError):
        async with db.session() as session:
            team = (await session.exec(select(Team).where(col(Team.slug) == "tech"))).one()
            team.active = False
            session.add(team)
            await session.flush()
            raise RuntimeError("abandon")
    assert cache.scope_of(db).generation == generation
    async with db.read() as session:
        assert "tech" in {t.slug for t in await cache.active_teams(session)}


def test_sqlite_path_is_parsed(tmp_path: Path) -> None:
    from store.engine import sqlite_path

    assert sqlite_path(f"sqlite+aiosqlite:///{tmp_path}/a.db") == f"{tmp_path}/a.db"
