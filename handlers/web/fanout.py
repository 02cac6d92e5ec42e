"""Live pushes across instances: PostgreSQL ``LISTEN``/``NOTIFY``, no extra server.

Every stored message or edit is announced on one channel with the person's id
and the ``WebMessage`` id (never the text: a NOTIFY payload is small and goes
to every listener). Each instance listens on its own connection and pushes the
row, read from the database, to its own open pages of that person. SQLite has
no such channel: there a page on another instance catches up when it reconnects.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import secrets
from typing import Any

from handlers.web import messages
from handlers.web.hub import Hub
from store import webchat
from store.engine import Database

log = logging.getLogger(__name__)

CHANNEL = "jx_web"


class Fanout:
    """Publishes this instance's events; pushes other instances' to local pages."""

    def __init__(self, db: Database, hub: Hub) -> None:
        self.db = db
        self.hub = hub
        self.origin = secrets.token_hex(6)
        self._conn: Any = None
        self._tasks: set[asyncio.Task[None]] = set()

    @property
    def enabled(self) -> bool:
        return self.db.url.startswith("postgresql")

    async def start(self) -> None:
        if not self.enabled:
            return
        import asyncpg

        dsn = self.db.url.replace("postgresql+asyncpg://", "postgresql://", 1)
        self._conn = await asyncpg.connect(dsn)
        await self._conn.add_listener(CHANNEL, self._on_notify)

    async def stop(self) -> None:
        if self._conn is not None:
            with contextlib.suppress(Exception):
                await self._conn.remove_listener(CHANNEL, self._on_notify)
            await self._conn.close()
            self._conn = None
        for task in list(self._tasks):
            task.cancel()
        await asyncio.gather(*self._tasks, return_exceptions=True)

    async def publish(self, person_id: int, event: dict[str, Any]) -> None:
        """Announce a message or edit to the other instances (committed, so they can read it)."""
        message_id = (event.get("message") or {}).get("id")
        if not self.enabled or event.get("type") not in ("message", "edit") or not message_id:
            return
        payload = json.dumps(
            {"o": self.origin, "p": person_id, "t": event["type"], "m": message_id},
            separators=(",", ":"),
        )
        try:
            async with self.db.session() as session:
                await webchat.pg_notify(session, channel=CHANNEL, payload=payload)
        except Exception:
            log.exception("could not announce a web message to other instances")

    def _on_notify(self, _conn: Any, _pid: int, _channel: str, payload: str) -> None:
        try:
            note = json.loads(payload)
            if note.get("o") == self.origin:
                return  # our own: already pushed locally
            person_id, kind, message_id = int(note["p"]), str(note["t"]), int(note["m"])
        except (ValueError, KeyError, TypeError):
            log.warning("ignored a malformed %s notification: %.100s", CHANNEL, payload)
            return
        if self.hub.count(person_id) == 0:
            return  # no page of theirs here
        task = asyncio.get_running_loop().create_task(self._deliver(person_id, kind, message_id))
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    async def _deliver(self, person_id: int, kind: str, message_id: int) -> None:
        row = await messages.get(self.db, person_id, message_id)
        if row is not None:
            await self.hub.push_local(person_id, {"type": kind, "message": messages.view(row)})
