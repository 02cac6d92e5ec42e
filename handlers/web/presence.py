"""Whether a person has a chat page open on any instance (``bot.sms.Presence``).

Each instance keeps a ``WebPresence`` row per person with a page open on it,
refreshed every ``BEAT`` while it stays open and deleted when the last page
closes; a row not refreshed for ``STALE`` (the instance died) no longer counts.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import secrets
from datetime import timedelta

from sqlalchemy.exc import IntegrityError

from bot.deps import Deps
from handlers.web.hub import Hub
from store import webchat

log = logging.getLogger(__name__)

BEAT = 30.0  # seconds between refreshes
STALE = timedelta(seconds=90)


class SharedPresence:
    def __init__(self, deps: Deps, hub: Hub) -> None:
        self.deps = deps
        self.hub = hub
        self.instance = secrets.token_hex(8)
        self._beat: asyncio.Task[None] | None = None

    async def online(self, person_id: int) -> bool:
        if self.hub.count(person_id) > 0:
            return True
        since = self.deps.now() - STALE
        async with self.deps.db.session() as session:
            return await webchat.presence_since(session, person_id=person_id, since=since)

    async def opened(self, person_id: int) -> None:
        """A page of ``person_id`` opened here."""
        try:
            async with self.deps.db.session() as session:
                await webchat.mark_present(
                    session, instance=self.instance, person_id=person_id, now=self.deps.now()
                )
        except IntegrityError:  # two pages of one person opened at once: one row is enough
            pass

    async def closed(self, person_id: int) -> None:
        """A page closed; the row goes when it was the person's last one here."""
        if self.hub.count(person_id) > 0:
            return
        async with self.deps.db.session() as session:
            await webchat.mark_absent(session, instance=self.instance, person_id=person_id)

    async def start(self) -> None:
        self._beat = asyncio.get_running_loop().create_task(self._beating())

    async def stop(self) -> None:
        if self._beat is not None:
            self._beat.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._beat
        with contextlib.suppress(Exception):
            async with self.deps.db.session() as session:
                await webchat.mark_absent(session, instance=self.instance)

    async def _beating(self) -> None:
        while True:
            await asyncio.sleep(BEAT)
            try:
                async with self.deps.db.session() as session:
                    await webchat.refresh_presence(
                        session, instance=self.instance, now=self.deps.now()
                    )
            except Exception:
                log.exception("could not refresh web presence")
