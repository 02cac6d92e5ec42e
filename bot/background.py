"""What this process runs outside a request: offer fan-outs, broadcast sends, progress edits.

None of it is needed for correctness (every offer and recipient is a row); it
is kept here, on ``Deps.background``, so tests can wait for it and an orderly
shutdown can let it finish or save its cursor.
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass, field
from typing import Any

from bot.instance import new_holder


@dataclass
class LiveCounts:
    """Counts of a broadcast fan-out running in this process, for the progress message."""

    sent: int
    failed: int
    running: bool = True


@dataclass
class ProgressSlot:
    """Throttled editing of one broadcast's progress message."""

    last_edit: float = float("-inf")
    dirty: bool = False
    task: asyncio.Task[None] | None = None
    last_text: str | None = None
    live: LiveCounts | None = None


@dataclass
class Background:
    # Offer fan-outs and claim follow-ups (bot.dispatch.spawn / settle).
    sends: set[asyncio.Task[Any]] = field(default_factory=set)
    # Broadcast fan-outs run by this process: broadcast id → its task.
    broadcasts: dict[int, asyncio.Task[None]] = field(default_factory=dict)
    # Broadcast progress messages being edited: broadcast id → its slot.
    progress: dict[int, ProgressSlot] = field(default_factory=dict)
    # The latest routing re-teach from stored labels (bot.routing_feedback.schedule_refresh).
    learning: asyncio.Task[bool | None] | None = None
    # Who makes this process's outbox calls (bot.notify.send_once; see bot.instance).
    holder: str = field(default_factory=new_holder)
