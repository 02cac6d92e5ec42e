"""Database set-up shared by the fixtures: migrate, and empty PostgreSQL between tests."""

from __future__ import annotations

from sqlalchemy import text
from sqlmodel import SQLModel

from bot import catalog
from store import migrate
from store.engine import Database


async def pg_admin(url: str, sql: str) -> None:
    """Run one statement (CREATE/DROP DATABASE) outside a transaction."""
    import asyncpg

    dsn = url.replace("postgresql+asyncpg://", "postgresql://")
    conn = await asyncpg.connect(dsn, timeout=5)
    try:
        await conn.execute(sql)
    finally:
        await conn.close()


async def migrate_and_seed(url: str) -> None:
    db = Database(url)
    try:
        await migrate.upgrade(db)
        await catalog.seed_if_empty(db)
        if db.is_postgres:
            await _install_reset(db)
    finally:
        await db.dispose()


_SNAPSHOT = "jx_test_snapshot"


async def _install_reset(db: Database) -> None:
    """Keep the freshly seeded rows and a ``jx_test_reset()`` function that restores them.

    One server-side call per test instead of ``TRUNCATE … RESTART IDENTITY`` of every
    table, which makes PostgreSQL create new files for each table and index (about
    0.4 s a test) — the same end state: seeded rows back, other rows gone, every
    sequence where the seed left it.
    """
    tables = [t.name for t in SQLModel.metadata.sorted_tables]
    async with db.engine.begin() as conn:
        await conn.execute(text(f"DROP SCHEMA IF EXISTS {_SNAPSHOT} CASCADE"))
        await conn.execute(text(f"CREATE SCHEMA {_SNAPSHOT}"))
        seeded: list[str] = []
        for name in tables:
            rows = (await conn.execute(text(f'SELECT count(*) FROM "{name}"'))).scalar_one()
            if rows:
                seeded.append(name)
                await conn.execute(
                    text(f'CREATE TABLE {_SNAPSHOT}."{name}" AS SELECT * FROM "{name}"')
                )
        sequences = (
            await conn.execute(
                text(
                    "SELECT sequencename, last_value FROM pg_sequences WHERE schemaname = 'public'"
                )
            )
        ).all()
        body = [f'DELETE FROM "{name}";' for name in reversed(tables)]
        body += [f'INSERT INTO "{name}" SELECT * FROM {_SNAPSHOT}."{name}";' for name in seeded]
        for seq, last in sequences:
            if last is None:  # never used: the next value is the start
                body.append(f"PERFORM setval('\"{seq}\"', 1, false);")
            else:
                body.append(f"PERFORM setval('\"{seq}\"', {int(last)}, true);")
        await conn.execute(
            text(
                "CREATE OR REPLACE FUNCTION jx_test_reset() RETURNS void LANGUAGE plpgsql AS $$\n"
                "BEGIN\n" + "\n".join(body) + "\nEND $$"
            )
        )


async def reset_pg(db: Database) -> None:
    """Back to the freshly migrated and seeded state (faster than a new database per test)."""
    async with db.engine.begin() as conn:
        await conn.execute(text("SELECT jx_test_reset()"))
