"""The open WebSockets of this process, by person, and live delivery to them.

A person may have several tabs open; each gets every event. A socket that has
just connected holds live events back until its history is sent, so a message
stored while the history was being read is neither lost nor shown before it.
Pages on other instances get it through ``handlers.web.fanout`` (PostgreSQL), or
catch up from the stored transcript when they reconnect.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import weakref
from collections.abc import Awaitable, Callable
from typing import Any

from aiohttp import WSCloseCode, web

log = logging.getLogger(__name__)


class Connection:
    """One open page: its socket, plus the events queued before its history went out."""

    def __init__(self, ws: web.WebSocketResponse) -> None:
        self.ws = ws
        self._ready = False
        self._held: list[dict[str, Any]] = []
        self.person_id: int | None = None  # set when a visitor's page is adopted (Hub.adopt)
        self._lock = asyncio.Lock()  # one frame at a time, in the order they were sent

    async def send(self, event: dict[str, Any]) -> None:
        if not self._ready:
            self._held.append(event)
            return
        await self._write(event)

    async def _write(self, event: dict[str, Any]) -> None:
        if self.ws.closed:
            return
        async with self._lock:
            try:
                await self.ws.send_json(event)
            except (ConnectionError, RuntimeError) as exc:  # closing under us
                log.debug("dropped an event for a closing socket: %s", exc)

    async def open(self, history: dict[str, Any], last_id: int) -> None:
        """Send the history, then what arrived meanwhile (skipping messages it already has)."""
        await self._write(history)
        while self._held:
            event = self._held.pop(0)
            message = event.get("message") or {}
            if event.get("type") == "message" and (message.get("id") or 0) <= last_id:
                continue
            await self._write(event)
        self._ready = True


class Hub:
    def __init__(self) -> None:
        self._by_person: dict[int, set[Connection]] = {}
        self._waiting: dict[str, set[Connection]] = {}  # visitors' pages by session id
        self._locks: weakref.WeakValueDictionary[str, asyncio.Lock] = weakref.WeakValueDictionary()
        # Set by the app on PostgreSQL: announces pushes to the other instances.
        self.publish: Callable[[int, dict[str, Any]], Awaitable[None]] | None = None

    def lock(self, sid: str) -> asyncio.Lock:
        """One lock per session: its visitor becomes a person once, whichever tab writes."""
        found = self._locks.get(sid)
        if found is None:
            found = self._locks[sid] = asyncio.Lock()
        return found

    def wait(self, sid: str, conn: Connection) -> None:
        """A visitor's page (no person yet): it joins the person its session becomes."""
        self._waiting.setdefault(sid, set()).add(conn)

    def stop_waiting(self, sid: str, conn: Connection) -> None:
        conns = self._waiting.get(sid)
        if conns is not None:
            conns.discard(conn)
            if not conns:
                del self._waiting[sid]

    def adopt(self, sid: str, person_id: int) -> None:
        """The session ``sid`` wrote and became ``person_id``: all its open pages follow."""
        for conn in self._waiting.pop(sid, set()):
            conn.person_id = person_id
            self.attach(person_id, conn)

    def attach(self, person_id: int, conn: Connection) -> None:
        self._by_person.setdefault(person_id, set()).add(conn)

    def detach(self, person_id: int, conn: Connection) -> None:
        conns = self._by_person.get(person_id)
        if conns is not None:
            conns.discard(conn)
            if not conns:
                del self._by_person[person_id]

    def count(self, person_id: int | None = None) -> int:
        if person_id is not None:
            return len(self._by_person.get(person_id, ()))
        return sum(len(c) for c in self._by_person.values())

    async def push(self, person_id: int, event: dict[str, Any]) -> int:
        """Send ``event`` to every open page of the person, on this instance and the others;
        returns how many pages there were here."""
        count = await self.push_local(person_id, event)
        if self.publish is not None:
            await self.publish(person_id, event)
        return count

    async def push_local(self, person_id: int, event: dict[str, Any]) -> int:
        """Send ``event`` to the person's open pages on this instance only."""
        conns = list(self._by_person.get(person_id, ()))
        for conn in conns:
            await conn.send(event)
        return len(conns)

    async def close_all(self) -> None:
        """Tell every page the server is going away (they reconnect and catch up)."""
        conns = [c for group in self._by_person.values() for c in group]
        self._by_person.clear()
        for conn in conns:
            with contextlib.suppress(ConnectionError, RuntimeError):
                await conn.ws.close(code=WSCloseCode.GOING_AWAY, message=b"server shutdown")
