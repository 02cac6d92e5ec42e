"""The store on both databases: migrations, time zones, constraints."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy.exc import IntegrityError
from sqlmodel import SQLModel, select

from store import migrate, updates
from store.engine import Database
from store.models import Feedback, Person, Task


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
