"""A Notifier that records what the core sent to whom, for core-ring tests."""

from __future__ import annotations

import itertools
from dataclasses import dataclass, field

from bot.notifier import Unreachable
from bot.reply import MessageRef, Reply
from store.models import Person


@dataclass
class Sent:
    person_id: int
    platform: str
    external_id: str
    reply: Reply
    ref: MessageRef


@dataclass
class RecordingNotifier:
    sent: list[Sent] = field(default_factory=list)
    edits: list[tuple[MessageRef, Reply]] = field(default_factory=list)
    blocked: set[str] = field(default_factory=set)  # external ids that "blocked the bot"
    _ids: itertools.count = field(default_factory=lambda: itertools.count(1))

    async def send(self, person: Person, reply: Reply) -> MessageRef | None:
        if person.external_id in self.blocked:
            raise Unreachable(person.external_id)
        ref = MessageRef(person.platform, person.external_id, str(next(self._ids)))
        self.sent.append(Sent(person.id or 0, person.platform, person.external_id, reply, ref))
        return ref

    async def edit(self, ref: MessageRef, reply: Reply) -> None:
        self.edits.append((ref, reply))

    def to(self, external_id: str) -> list[Reply]:
        return [s.reply for s in self.sent if s.external_id == external_id]

    def texts_to(self, external_id: str) -> list[str]:
        return [r.text for r in self.to(external_id)]

    def clear(self) -> None:
        self.sent.clear()
        self.edits.clear()


class Crash(BaseException):
    """The process dying mid-send: nothing in the core catches it."""


@dataclass
class CrashingNotifier(RecordingNotifier):
    """Records like RecordingNotifier, but the ``crash_at``-th send (1-based) dies."""

    crash_at: int | None = None

    async def send(self, person: Person, reply: Reply) -> MessageRef | None:
        if self.crash_at is not None and len(self.sent) + 1 == self.crash_at:
            self.crash_at = None
            raise Crash()
        return await RecordingNotifier.send(self, person, reply)
