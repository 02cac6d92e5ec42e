"""Domain events and durable task kinds: who reacts to what, without importing each other.

Flows register listeners and task handlers at start-up (through
``Registry.listen`` / ``Registry.task``); ``bot.lifecycle.emit`` and the
scheduler's tick look them up here. ``Deps.bus`` carries it, so the core never
reaches back into the registry of routes the engine owns.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any

log = logging.getLogger(__name__)

Listener = Callable[..., Awaitable[None]]  # async def fn(deps, **payload) -> None
TaskHandler = Callable[[Any, Any], Awaitable[None]]  # async def run(deps, task) -> None


@dataclass
class Bus:
    # Domain events (see bot.lifecycle) → listeners, called in registration order.
    listeners: dict[str, list[Listener]] = field(default_factory=dict)
    # Durable task kinds (see store.tasks) → the one handler of each kind.
    tasks: dict[str, TaskHandler] = field(default_factory=dict)
    # Kinds whose work takes seconds (the nightly routing retrain): the scheduler runs
    # them beside its tick, so tasks due at the same moment do not wait for them.
    long: set[str] = field(default_factory=set)

    def listen(self, event: str, listener: Listener) -> None:
        """Call ``listener(deps, **payload)`` after ``event`` is emitted."""
        self.listeners.setdefault(event, []).append(listener)

    def task(self, kind: str, handler: TaskHandler, *, long: bool = False) -> None:
        """Run ``handler(deps, task)`` for due tasks of ``kind``; it must be idempotent.
        ``long``: its work takes seconds, so it runs beside the tick (see :attr:`long`)."""
        if kind in self.tasks:
            raise ValueError(f"task kind {kind!r} registered twice")
        self.tasks[kind] = handler
        if long:
            self.long.add(kind)

    def handler(self, kind: str) -> TaskHandler | None:
        return self.tasks.get(kind)

    async def emit(self, deps: Any, event: str, **payload: Any) -> None:
        """Call every listener of ``event``; one failing is logged and stops no other."""
        for listener in self.listeners.get(event, []):
            try:
                await listener(deps, **payload)
            except Exception:
                log.exception("listener %s of %s failed (%s)", listener, event, payload)
