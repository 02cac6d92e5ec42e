"""Buttons that no longer apply are taken away (issue 17.5).

A flow marks a reply ``transient`` when its buttons answer the person's current step
only (the ordering dialog's prompts, the service list). The channel reports where it
put such a reply (``Engine.delivered``), and that message becomes the person's *live*
one. When the person moves on — types instead of pressing, presses another message,
or is sent a newer step — the live message is edited to its text alone, so old time
buttons, an old service list or an old summary no longer look pressable (and never
answer 已过期). A channel that cannot edit (WeChat) reports nothing and loses nothing.

Noting where a reply landed happens after the update's own transaction committed, so
writing it at once would cost every step a second write transaction. The notes are
written behind instead (``LiveNotes``): kept in this process, keyed by person, and
written for every person at once, in one transaction, ``FLUSH_DELAY`` after the first
(and when the engine stops). The person's next update handled here before that takes
their note back and settles it inside its own transaction (``moved_on``).

Nothing acknowledged depends on a note: orders, dialog state and inbox rows commit
with the update. A kill -9 loses at most the notes not written yet, which is UI
hygiene only — a message keeps buttons that would have been taken away (pressing
one answers what it always answered, or 已过期). Another instance never sees this
process's pending notes: if it handles the person's next update within
``FLUSH_DELAY`` of a reply, it reads the older live message, strips that one and
leaves the newer its buttons, as if the note were lost; the timer bounds that window.
"""

from __future__ import annotations

import asyncio
import logging
from dataclasses import dataclass
from typing import Any

from bot.deps import Deps
from bot.events import Inbound, Kind
from bot.notify import edit
from bot.reply import MessageRef, Reply
from store import inbox as inbox_rows
from store.live import (
    forget_live,
    forget_lives,
    keep_live,
    live_values,
    lives_of_accounts,
    put_lives,
)
from store.models import LiveMessage

log = logging.getLogger(__name__)

MAX_KEPT = 4000  # longer texts were split on sending: an edit would shorten them
# A person's next step comes seconds after a reply, so most notes are written, not taken
# back: the delay is what gathers every chat's notes of the moment into one transaction
# under load. It is also what a crash loses and how long another instance is behind, so
# it stays short; a superseded message kept in the database loses its buttons at the flush.
FLUSH_DELAY = 1.0  # seconds

Key = tuple[str, str]  # (platform, external_id): the person's account


@dataclass(frozen=True)
class Shown:
    """A message the person sees: where it is, and the text it keeps once stripped."""

    ref: MessageRef
    text: str


@dataclass(frozen=True)
class Pending:
    """What the database does not know yet about one person's live message."""

    live: Shown | None = None  # this message is live now (an upsert)
    # Messages edited by their own replies: forgotten if live, never stripped (the edit
    # set what they show).
    edited: frozenset[str] = frozenset()
    # The row the database holds is older than this entry: it goes (stripped unless edited).
    replaces: bool = False


def _ref(row: LiveMessage) -> MessageRef:
    return MessageRef(row.platform, row.chat_id, row.message_id)


def _shown(row: LiveMessage) -> Shown:
    return Shown(_ref(row), row.text)


async def _strip(deps: Deps, message: Shown | None) -> None:
    if message is not None:
        await edit(deps, message.ref, Reply(message.text))


def _then(old: Pending | None, new: Pending) -> tuple[Pending, Shown | None]:
    """``new`` after ``old`` for the same person, as one entry; and a pending live message
    the newer one replaced (stripped now, as noting it at once would have)."""
    if old is None:
        return new, None
    if new.live is not None:
        stale = old.live if old.live is not None and old.live.ref != new.live.ref else None
        return Pending(new.live, old.edited - {new.live.ref.message_id}, True), stale
    edited = old.edited | new.edited
    if old.live is not None and old.live.ref.message_id in new.edited:
        return Pending(None, edited, True), None  # the live message was edited: it ends
    return Pending(old.live, edited, old.replaces), None


class LiveNotes:
    """The notes of this process not written yet (one per engine): the write-behind."""

    def __init__(self, deps: Deps) -> None:
        self.deps = deps
        self.delay = FLUSH_DELAY
        self._pending: dict[Key, Pending] = {}
        self._flushing: set[Key] = set()  # in the transaction under way
        self._lock = asyncio.Lock()  # one flush at a time, so they commit in order
        self._timer: asyncio.Task[None] | None = None
        self._closed = False  # stopping: each note is written at once

    async def note(self, key: Key, entry: Pending) -> None:
        entry, stale = _then(self._pending.get(key), entry)
        self._pending[key] = entry
        await _strip(self.deps, stale)
        if self._closed:
            await self.flush()
        elif self._timer is None:
            self._timer = asyncio.create_task(self._later(), name="live-notes")

    async def take(self, key: Key) -> Pending | None:
        """The person's entry, out of the buffer: their update settles it (``moved_on``).
        A flush writing it is waited for, so the database is read after it."""
        while key in self._flushing:
            async with self._lock:
                pass
        return self._pending.pop(key, None)

    async def _later(self) -> None:
        try:
            while self._pending:
                await asyncio.sleep(self.delay)
                # Shielded: a stop during the write lets it finish (and waits for it).
                await asyncio.shield(self.flush())
        finally:
            if self._timer is asyncio.current_task():
                self._timer = None

    async def flush(self) -> None:
        """Write every pending note in one transaction; then strip what they replaced.
        Never raises: a failure loses the notes (logged), which is UI hygiene only."""
        async with self._lock:
            batch, self._pending = self._pending, {}
            if not batch:
                return
            self._flushing = set(batch)
            try:
                try:
                    stale = await self._write(batch)
                except Exception:
                    log.exception("could not write %d live-message notes", len(batch))
                    return
                # Still under the lock: the person's next update waits for these edits,
                # so its own reply's edits come after them.
                await asyncio.gather(*(_strip(self.deps, s) for s in stale))
            finally:
                self._flushing = set()

    async def _write(self, batch: dict[Key, Pending]) -> list[Shown]:
        """Three statements at most, whatever the batch's size: the people's live rows read,
        the new ones upserted, the ended ones forgotten."""
        stale: list[Shown] = []
        puts: list[dict[str, Any]] = []
        forgets: list[tuple[int, str]] = []
        async with self.deps.db.session() as session:
            found = await lives_of_accounts(session, accounts=list(batch))
            for key, entry in batch.items():
                if key not in found:
                    continue  # no such person (any more)
                person_id, row = found[key]
                if entry.live is not None:
                    ref = entry.live.ref
                    puts.append(
                        live_values(
                            person_id, ref.platform, ref.chat_id, ref.message_id, entry.live.text
                        )
                    )
                    before = row if row is not None and _ref(row) != ref else None
                    if before is not None and before.message_id not in entry.edited:
                        stale.append(_shown(before))  # at most one live step: the newer wins
                elif row is not None and (row.message_id in entry.edited or entry.replaces):
                    forgets.append((person_id, row.message_id))
                    if row.message_id not in entry.edited:
                        stale.append(_shown(row))
            await put_lives(session, rows=puts)
            await forget_lives(session, rows=forgets)
        return stale

    async def stop(self) -> None:
        """Write what is pending (before the database is closed); later notes at once."""
        self._closed = True
        timer, self._timer = self._timer, None
        if timer is not None:
            timer.cancel()
            await asyncio.gather(timer, return_exceptions=True)
        await self.flush()


def _pressed(event: Inbound, ref: MessageRef) -> bool:
    return event.kind == Kind.BUTTON and event.message == ref


async def moved_on(
    deps: Deps,
    person_id: int,
    row: LiveMessage | None,
    event: Inbound,
    pending: Pending | None = None,
) -> None:
    """Before ``event`` is handled: the person's live message loses its buttons unless it
    was pressed (then what the press answers decides: an edit of it, or a newer step
    elsewhere).

    The live message is the database's ``row`` (read with the person) as this process's
    ``pending`` note (``LiveNotes.take``) changes it; a row that note replaces is stripped
    too. What the database should hold then — the pressed message, or nothing — is
    written in the update's own write transaction (``store.inbox.later``; one chat's
    updates run one at a time), or at once when no inbox update is handled.
    """
    current = _shown(row) if row is not None else None
    older: LiveMessage | None = None  # the row the pending note replaces
    edited: frozenset[str] = frozenset()
    if pending is not None:
        edited = pending.edited
        if pending.live is not None:
            current = pending.live
            older = row if row is not None and _ref(row) != current.ref else None
        elif row is not None and (row.message_id in edited or pending.replaces):
            current, older = None, row
    if older is not None and older.message_id not in edited and not _pressed(event, _ref(older)):
        await _strip(deps, _shown(older))
    if current is not None and _pressed(event, current.ref):
        if pending is None or pending.live is None:
            return  # live in the database already
        ref = current.ref
        stmt, params = keep_live(
            dialect=deps.db.engine.dialect.name,
            person_id=person_id,
            platform=ref.platform,
            chat_id=ref.chat_id,
            message_id=ref.message_id,
            text=current.text,
        )
    else:
        await _strip(deps, current)
        # The message this process last knew as live: the row, or the note not written
        # yet (then the statement finds nothing; it keeps the step's transaction the same
        # whether the note was written or not).
        gone = row.message_id if row is not None else current.ref.message_id if current else None
        if gone is None:
            return
        stmt, params = forget_live(person_id=person_id, message_id=gone)
    if not inbox_rows.later(stmt, params):
        async with deps.db.session() as session:
            await session.exec(stmt, params=params)  # type: ignore[call-overload]


async def delivered(
    notes: LiveNotes, platform: str, external_id: str, reply: Reply, ref: MessageRef
) -> None:
    """A channel put ``reply`` at ``ref`` for the person with this account: a transient one
    becomes the live message; any other edit of the live message ends its life (the edit
    set what it shows). Noted in ``notes``, written behind."""
    if ref.queued:
        return
    key = (platform, external_id)
    if not (reply.transient and reply.buttons) or len(reply.text) > MAX_KEPT:
        if reply.edit:
            await notes.note(key, Pending(edited=frozenset({ref.message_id})))
        return
    await notes.note(key, Pending(Shown(ref, reply.text), replaces=True))
