"""Regenerate the initial migration from store/models.py (allowed until the first release).

Run with ``make migration``. After the first production deployment, add new
revisions with ``alembic revision --autogenerate`` instead.
"""

from __future__ import annotations

import asyncio
import tempfile
from pathlib import Path
from typing import Any

from alembic import command

from store.engine import Database
from store.migrate import MIGRATIONS, alembic_config


async def _main() -> None:
    for old in (MIGRATIONS / "versions").glob("0001_*.py"):
        old.unlink()
    with tempfile.TemporaryDirectory() as tmp:
        db = Database(f"sqlite+aiosqlite:///{Path(tmp) / 'gen.sqlite3'}")
        cfg = alembic_config()

        def _gen(conn: Any) -> None:
            cfg.attributes["connection"] = conn
            command.revision(cfg, message="initial", autogenerate=True, rev_id="0001")

        async with db.engine.begin() as conn:
            await conn.run_sync(_gen)
        await db.dispose()
    for f in (MIGRATIONS / "versions").glob("0001_*.py"):
        print(f"wrote {f}")


if __name__ == "__main__":
    asyncio.run(_main())
