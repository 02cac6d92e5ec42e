"""Schema migrations, driven programmatically on the app's own engine.

Alembic (with Mako and Pygments behind it) adds about 11 MiB to a process that
imports it, so it is imported only when there is something to migrate: a start on a
database already at the head revision (every start but the first after an update)
checks that with one query against the revision ids read from the migration files
(:func:`at_head`).
"""

from __future__ import annotations

import ast
import functools
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sqlalchemy import text

from store.engine import READ_ONLY, Database

if TYPE_CHECKING:
    from alembic.config import Config

MIGRATIONS = Path(__file__).with_name("migrations")
_PG_LOCK = 7_311_505  # advisory lock id: two instances starting at once migrate one at a time


def alembic_config() -> Config:
    from alembic.config import Config

    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    return cfg


@functools.cache
def heads_on_disk() -> frozenset[str]:
    """The revisions no migration file revises, read from the files' ``revision`` and
    ``down_revision`` assignments (what alembic calls the heads)."""
    revisions: set[str] = set()
    revised: set[str] = set()
    for path in sorted((MIGRATIONS / "versions").glob("*.py")):
        for node in ast.parse(path.read_text(encoding="utf-8")).body:
            target = node.target if isinstance(node, ast.AnnAssign) else None
            if isinstance(node, ast.Assign) and len(node.targets) == 1:
                target = node.targets[0]
            if not isinstance(target, ast.Name) or node.value is None:  # type: ignore[union-attr]
                continue
            if target.id == "revision":
                revisions.add(ast.literal_eval(node.value))  # type: ignore[union-attr]
            elif target.id == "down_revision":
                down = ast.literal_eval(node.value)  # type: ignore[union-attr]
                revised.update([down] if isinstance(down, str) else down or ())
    return frozenset(revisions - revised)


async def at_head(db: Database) -> bool:
    """Whether the schema is at the one head revision already (nothing to migrate)."""
    heads = heads_on_disk()
    if len(heads) != 1:
        return False
    try:
        async with db.engine.execution_options(**{READ_ONLY: True}).connect() as conn:
            rows = (await conn.execute(text("SELECT version_num FROM alembic_version"))).all()
    except Exception:  # no alembic_version table yet: a new database
        return False
    return [r[0] for r in rows] == list(heads)


async def upgrade(db: Database, revision: str = "head") -> None:
    """Bring the schema to ``revision``; safe to call on every start."""
    from alembic import command

    cfg = alembic_config()

    def _upgrade(conn: Any) -> None:
        if conn.dialect.name == "postgresql":
            conn.execute(text(f"SELECT pg_advisory_xact_lock({_PG_LOCK})"))
        cfg.attributes["connection"] = conn
        command.upgrade(cfg, revision)

    async with db.engine.begin() as conn:
        await conn.run_sync(_upgrade)


async def current_revision(db: Database) -> str | None:
    from alembic.runtime.migration import MigrationContext

    async with db.engine.connect() as conn:
        return await conn.run_sync(lambda c: MigrationContext.configure(c).get_current_revision())


def head_revision() -> str | None:
    from alembic.script import ScriptDirectory

    return ScriptDirectory.from_config(alembic_config()).get_current_head()
