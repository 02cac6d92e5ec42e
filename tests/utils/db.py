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
    finally:
        await db.dispose()


async def reset_pg(db: Database) -> None:
    """Empty every table (faster than a new database per test) and seed the catalog again."""
    tables = ", ".join(f'"{t.name}"' for t in SQLModel.metadata.sorted_tables)
    async with db.engine.begin() as conn:
        await conn.execute(text(f"TRUNCATE {tables} RESTART IDENTITY CASCADE"))
    await catalog.seed_if_empty(db)
