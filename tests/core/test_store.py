"""The store on both databases: migrations, time zones, constraints."""

from __future__ import annotations

import os
import subprocess
import sys
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy.exc import IntegrityError
from sqlmodel import SQLModel, select

from store import migrate, updates
from store.engine import Database
from store.models import Feedback, Person, Task

ROOT = Path(__file__).resolve().parents[2]


async def test_migrations_match_the_models(db: Database) -> None:
    assert await migrate.current_revision(db) == migrate.head_revision()
    async with db.engine.connect() as conn:
        diff = await conn.run_sync(
            lambda c: compare_metadata(MigrationContext.configure(c), SQLModel.metadata)
        )
    assert diff == [], f"models and migrations differ; run `make migration`: {diff}"


async def test_upgrade_is_idempotent(db: Database) -> None:
    async with db.session() as s:
        s.add(Task(kind="probe", due_at=datetime(2026, 11, 23, tzinfo=UTC)))
    await migrate.upgrade(db)
    await migrate.upgrade(db)
    assert await migrate.current_revision(db) == migrate.head_revision()
    async with db.session() as s:
        assert [t.kind for t in (await s.exec(select(Task))).all()] == ["probe"]


async def test_at_head_agrees_with_alembic(db: Database, tmp_path: Path) -> None:
    """The start-up check that spares a migrated database alembic's import (≈11 MiB)."""
    assert migrate.heads_on_disk() == {migrate.head_revision()}
    assert await migrate.at_head(db)  # the fixture's database is migrated
    fresh = Database(f"sqlite+aiosqlite:///{tmp_path}/fresh.sqlite3")
    try:
        assert not await migrate.at_head(fresh)  # no alembic_version table yet
        await migrate.upgrade(fresh, "w2_campaigns")  # one revision short of the head
        assert not await migrate.at_head(fresh)
        await migrate.upgrade(fresh)
        assert await migrate.at_head(fresh)
    finally:
        await fresh.dispose()


def test_a_start_on_a_migrated_database_does_not_import_alembic(tmp_path: Path) -> None:
    url = f"sqlite+aiosqlite:///{tmp_path}/app.sqlite3"
    script = f"""
import asyncio, sys
from jiangxin.app import build
from tests.utils.settings import make_settings

async def start():
    deps, _engine = await build(make_settings(database_url={url!r}, routing_semantic=False))
    await deps.db.dispose()

asyncio.run(start())
print("alembic" in sys.modules)
"""
    first, again = (
        subprocess.run(
            [sys.executable, "-c", script],
            cwd=ROOT,
            capture_output=True,
            text=True,
            check=True,
            env={**os.environ, "JIANGXIN_ROUTING_SEMANTIC": "off"},
        ).stdout.split()[-1]
        for _ in range(2)
    )
    assert (first, again) == ("True", "False")  # migrated once, then left alone


async def test_datetimes_are_aware_and_utc(db: Database) -> None:
    shanghai = timezone(timedelta(hours=8))
    due = datetime(2026, 11, 23, 9, 30, tzinfo=shanghai)
    async with db.session() as s:
        s.add(Task(kind="probe", due_at=due))
    async with db.session() as s:
        task = (await s.exec(select(Task))).one()
    assert task.due_at == due
    assert task.due_at.utcoffset() == timedelta(0)
    assert task.created_at.tzinfo is not None


async def test_naive_datetime_is_refused(db: Database) -> None:
    with pytest.raises(Exception, match="naive"):
        async with db.session() as s:
            s.add(Task(kind="probe", due_at=datetime(2026, 1, 1)))


async def test_person_is_unique_per_platform(db: Database) -> None:
    async with db.session() as s:
        s.add(Person(platform="telegram", external_id="5"))
        s.add(Person(platform="web", external_id="5"))
    with pytest.raises(IntegrityError):
        async with db.session() as s:
            s.add(Person(platform="telegram", external_id="5"))


async def test_rating_must_be_1_to_5(db: Database) -> None:
    with pytest.raises(IntegrityError):
        async with db.session() as s:
            s.add(Person(id=9, platform="web", external_id="r"))
            await s.flush()
            from store.models import Order

            s.add(Order(id=1, requester_id=9, text="x"))
            await s.flush()
            s.add(Feedback(order_id=1, requester_id=9, rating=6))


async def test_update_ids_are_processed_once(db: Database) -> None:
    assert await updates.first_time(db, "telegram", 100)
    assert not await updates.first_time(db, "telegram", 100)
    assert await updates.first_time(db, "web", 100)


async def test_live_messages_are_read_and_written_for_many_people_at_once(db: Database) -> None:
    """The live-message notes' flush (bot.live): one read, one upsert, one delete."""
    from store.live import forget_lives, live_values, lives_of_accounts, put_lives

    async with db.session() as s:
        for n in (1, 2, 3):
            s.add(Person(id=n, platform="telegram", external_id=str(n)))
        s.add(Person(id=4, platform="web", external_id="1"))  # same id, other platform
    accounts = [("telegram", "1"), ("telegram", "2"), ("web", "1"), ("telegram", "404")]
    async with db.session() as s:
        await put_lives(
            s,
            rows=[
                live_values(1, "telegram", "1", "m1", "时间？"),
                live_values(4, "web", "1", "w1", "地址？"),
            ],
        )
    async with db.read() as s:
        found = await lives_of_accounts(s, accounts=accounts)
    assert set(found) == {("telegram", "1"), ("telegram", "2"), ("web", "1")}  # 404: nobody
    person, live = found[("telegram", "1")]
    assert person == 1 and live is not None and (live.message_id, live.text) == ("m1", "时间？")
    assert found[("telegram", "2")] == (2, None)
    assert found[("web", "1")][1].message_id == "w1"  # type: ignore[union-attr]
    async with db.session() as s:
        # A newer live message for person 1; person 4's is forgotten only if still w0.
        await put_lives(s, rows=[live_values(1, "telegram", "1", "m2", "电话？")])
        await forget_lives(s, rows=[(4, "w0"), (2, "m9")])
    async with db.read() as s:
        found = await lives_of_accounts(s, accounts=accounts)
    assert found[("telegram", "1")][1].message_id == "m2"  # type: ignore[union-attr]
    assert found[("web", "1")][1] is not None
    async with db.session() as s:
        await forget_lives(s, rows=[(4, "w1")])
    async with db.read() as s:
        assert (await lives_of_accounts(s, accounts=[("web", "1")]))[("web", "1")] == (4, None)
