"""The paced fan-out: sends at a steady rate, saves its cursor, survives a crash."""

from __future__ import annotations

import asyncio
import contextlib
import functools
import logging
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from sqlmodel.ext.asyncio.session import AsyncSession

from bot import callbacks
from bot.background import LiveCounts, ProgressSlot
from bot.broadcast import common
from bot.broadcast.common import CONCURRENCY, ERROR_STREAK, LEASE, PAUSE_RETRY, ROLL_VERB
from bot.broadcast.progress import poke, progress_slot
from bot.deps import Deps
from bot.notifier import DeliveryError
from bot.notify import send_once
from bot.reply import Button, Reply
from bot.texts import choices, t
from store import broadcasts, tasks
from store.models import (
    Broadcast,
    Person,
    Task,
    TaskStatus,
)
from store.people import people_by_id

log = logging.getLogger(__name__)


def spawn_fanout(deps: Deps, broadcast_id: int, task_id: int, holder: str) -> None:
    runs = deps.background.broadcasts
    run = asyncio.get_running_loop().create_task(
        _fanout(deps, broadcast_id, task_id, holder), name=f"broadcast-{broadcast_id}"
    )
    runs[broadcast_id] = run
    run.add_done_callback(lambda _t: _forget(runs, broadcast_id, run))


def _forget(
    runs: dict[int, asyncio.Task[None]], broadcast_id: int, run: asyncio.Task[None]
) -> None:
    if runs.get(broadcast_id) is run:
        del runs[broadcast_id]


class _Pacer:
    """Hands out send slots ``1/rate`` seconds apart: a steady pace with no bursts."""

    def __init__(self, rate: float) -> None:
        self.interval = 1.0 / rate
        self.next_at = 0.0

    async def wait(self) -> None:
        loop = asyncio.get_running_loop()
        now = loop.time()
        at = max(now, self.next_at)
        self.next_at = at + self.interval
        if at > now:
            await asyncio.sleep(at - now)


_SENT, _FAILED, _ERROR = "sent", "failed", "error"


@dataclass
class _Fan:
    """One run of a broadcast's fan-out: what its senders and its cursor keeper share."""

    deps: Deps
    broadcast_id: int
    task_id: int
    holder: str
    people_ids: list[int]
    people: dict[int, Person]
    replies: _ReplyCache
    run: _Run
    slot: Any
    pacer: _Pacer
    queue: Iterator[int]


async def _fanout(deps: Deps, broadcast_id: int, task_id: int, holder: str) -> None:
    """Send to the recipients after the task's cursor; keep cursor and lease up to date."""
    loaded = await _load(deps, broadcast_id, task_id)
    if loaded is None:
        return
    broadcast, admin, people_ids, cursor, people = loaded
    slot = progress_slot(deps, broadcast_id)
    slot.live = LiveCounts(broadcast.sent, broadcast.failed)
    fan = _Fan(
        deps,
        broadcast_id,
        task_id,
        holder,
        people_ids,
        people,
        _ReplyCache(broadcast, admin),
        _Run(cursor, broadcast.sent, broadcast.failed),
        slot,
        _Pacer(common.RATE_PER_SECOND),
        iter(range(cursor, len(people_ids))),
    )
    run = fan.run
    keeping = asyncio.get_running_loop().create_task(_keep(fan))
    finished = False
    try:
        await asyncio.gather(*(_send_some(fan) for _ in range(CONCURRENCY)))
        run.workers_done = True
        stopped = run.stop.is_set()
        run.stop.set()
        await keeping
        run.advance(final=not stopped)
        finished = run.mark >= len(people_ids)
        await _save(
            deps,
            task_id,
            holder,
            people_ids,
            run,
            broadcast_id,
            finished=finished,
            release=not finished,
            retry_after=PAUSE_RETRY,
        )
    except asyncio.CancelledError:
        # Stopping, not crashing: save the cursor and hand the task back for a resume.
        run.stop.set()
        keeping.cancel()
        await _finish_calls(run)
        run.advance(final=False)
        with contextlib.suppress(Exception):
            await asyncio.shield(
                _save(deps, task_id, holder, people_ids, run, broadcast_id, release=True)
            )
        raise
    finally:
        _settle_live(slot, run, finished)
        poke(deps, broadcast_id)


async def _finish_calls(run: _Run) -> None:
    """Let the calls in flight finish (each records itself): a stop, not a crash."""
    await asyncio.gather(*list(run.calls), return_exceptions=True)


async def _send_some(fan: _Fan) -> None:
    """One of the concurrent senders: the next recipient in the queue, paced, until done."""
    run = fan.run
    for i in fan.queue:
        await fan.pacer.wait()
        if run.stop.is_set():
            return
        person = fan.people.get(fan.people_ids[i])
        if person is None:
            result = _FAILED
            run.record(i, result)
        else:
            call = asyncio.ensure_future(_send(fan.deps, fan.broadcast_id, person, fan.replies))
            # Stopping does not cut a call short: the run waits for its calls (``_fanout``),
            # and each records its outcome as it ends, so a clean stop leaves none in flight
            # (ambiguous) and the saved cursor covers them.
            run.calls.add(call)
            call.add_done_callback(functools.partial(run.recorded, i))
            result = await asyncio.shield(call)
        if run.streak >= ERROR_STREAK and not run.stop.is_set():
            log.warning(
                "broadcast %s: %s send errors in a row; pausing it until the scheduler resumes it",
                fan.broadcast_id,
                run.streak,
            )
            run.stop.set()
        live = fan.slot.live
        if live is not None:
            live.sent += result == _SENT
            live.failed += result != _SENT
        poke(fan.deps, fan.broadcast_id)


async def _keep(fan: _Fan) -> None:
    """Save the cursor and renew the lease every PERSIST_EVERY while the senders work."""
    run = fan.run
    while not run.stop.is_set() and not run.workers_done:
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(run.stop.wait(), common.PERSIST_EVERY)
        if run.stop.is_set() or run.workers_done:
            return
        run.advance(final=False)
        saved = await _save(
            fan.deps, fan.task_id, fan.holder, fan.people_ids, run, fan.broadcast_id
        )
        if not saved:
            log.warning(
                "broadcast %s lost its lease; another process continues it", fan.broadcast_id
            )
            run.stop.set()


async def _load(
    deps: Deps, broadcast_id: int, task_id: int
) -> tuple[Broadcast, Person | None, list[int], int, dict[int, Person]] | None:
    """The broadcast, its admin, the recipients, the cursor and the people still to reach."""
    async with deps.db.session() as session:
        task = await session.get(Task, task_id)
        broadcast = await session.get(Broadcast, broadcast_id)
        if task is None or broadcast is None:
            return None
        people_ids: list[int] = list(task.payload.get("recipients", []))
        cursor = int(task.payload.get("cursor", 0))
        people = await people_by_id(session, ids=people_ids[cursor:])
        admin = await session.get(Person, broadcast.admin_id)
    return broadcast, admin, people_ids, cursor, people


def _settle_live(slot: ProgressSlot, run: _Run, finished: bool) -> None:
    """The run ended: the progress message shows its final counts (stored ones once done)."""
    live = slot.live
    if live is not None:
        live.running = False
        live.sent, live.failed = run.sent, run.failed
        if finished:
            slot.live = None


class _Run:
    """Outcomes of one fan-out and the cursor: the first recipient not known to be done.

    Sends finish out of order, so outcomes wait here until every earlier one is
    in. An unexpected error only counts as a failure once a later send worked
    (the channel is fine, this recipient is the problem) or the run ended
    normally; if the run stops on an error streak, the cursor stays before the
    errors and the resumed run tries those recipients again.
    """

    def __init__(self, cursor: int, sent: int, failed: int) -> None:
        self.mark = cursor
        self.sent, self.failed = sent, failed  # up to the cursor
        self.streak = 0
        self.outcome: dict[int, str] = {}
        self.stop = asyncio.Event()
        self.workers_done = False
        self.calls: set[asyncio.Future[str]] = set()  # sends in flight

    def recorded(self, index: int, call: asyncio.Future[str]) -> None:
        """A call ended: its outcome (an unexpected exception counts as an error)."""
        self.calls.discard(call)
        failed = call.cancelled() or call.exception() is not None
        self.record(index, _ERROR if failed else call.result())

    def record(self, index: int, result: str) -> None:
        self.outcome[index] = result
        self.streak = self.streak + 1 if result == _ERROR else 0

    def advance(self, *, final: bool) -> None:
        i = self.mark
        while i in self.outcome:
            result = self.outcome[i]
            if result == _ERROR and not final and (self.streak or self.stop.is_set()):
                break
            if result == _SENT:
                self.sent += 1
            else:
                self.failed += 1
            del self.outcome[i]
            i += 1
        self.mark = i


async def _save(
    deps: Deps,
    task_id: int,
    holder: str,
    people_ids: list[int],
    run: _Run,
    broadcast_id: int,
    *,
    finished: bool = False,
    release: bool = False,
    retry_after: timedelta = timedelta(),
) -> bool:
    """Persist cursor and counts and renew the lease, or end it: done, or handed back to
    the scheduler (due after ``retry_after``); False if this run no longer holds it."""
    now = deps.now()
    payload = {"broadcast_id": broadcast_id, "recipients": people_ids, "cursor": run.mark}
    values: dict[str, Any] = {"payload": payload, "lease_until": now + LEASE}
    if finished:
        values.update(status=TaskStatus.DONE, done_at=now, lease_until=None)
    elif release:
        values.update(
            status=TaskStatus.PENDING, due_at=now + retry_after, lease_until=None, leased_by=None
        )
    async with deps.db.session() as session:
        if not await tasks.update_held(session, task_id=task_id, holder=holder, **values):
            return False
        await broadcasts.set_counts(
            session, broadcast_id=broadcast_id, sent=run.sent, failed=run.failed
        )
        if finished:
            await finish(session, broadcast_id, now)
    return True


async def finish(session: AsyncSession, broadcast_id: int, now: Any) -> None:
    await broadcasts.finish(session, broadcast_id=broadcast_id, now=now)


def recipient_key(broadcast_id: int, person_id: int) -> str:
    """The outbox key of one recipient's copy: a resumed fan-out skips those already sent."""
    return f"broadcast:{broadcast_id}:{person_id}"


async def _send(deps: Deps, broadcast_id: int, person: Person, replies: _ReplyCache) -> str:
    """One delivery: sent, failed (blocked, flood beyond retries) or error (unexpected).

    An outbox send: a recipient whose copy went out before (a run that crashed after
    it) is not sent another. This run holds the broadcast's lease, so a call the
    previous run left in flight is ambiguous and resent once (``take_over``):
    duplicates are at most the sends in flight when that run died.
    """
    if not person.reachable:
        return _FAILED
    try:
        ref = await send_once(
            deps,
            person,
            replies.for_lang(person.language),
            key=recipient_key(broadcast_id, person.id),  # type: ignore[arg-type]
            kind="broadcast",
            take_over=True,
        )
    except DeliveryError as exc:
        log.info("broadcast to person %s failed: %s", person.id, exc)
        return _FAILED
    except Exception:
        log.exception("broadcast to person %s raised", person.id)
        return _ERROR
    return _FAILED if ref is None else _SENT


class _ReplyCache:
    """The volunteers' message, built once per language."""

    def __init__(self, broadcast: Broadcast, admin: Person | None) -> None:
        self.broadcast = broadcast
        self.sender = (admin.display_name if admin else "") or ""
        self._cache: dict[str, Reply] = {}

    def for_lang(self, lang: str | None) -> Reply:
        key = lang or ""
        if key not in self._cache:
            self._cache[key] = volunteer_message(self.broadcast, self.sender, lang)
        return self._cache[key]


def volunteer_message(
    broadcast: Broadcast, sender: str, lang: str | None, answer: str | None = None
) -> Reply:
    """What a volunteer receives (with their current answer, once they gave one)."""
    text = t(
        lang,
        "admin.bc.message",
        text=broadcast.text,
        sender=sender or t(lang, "admin.bc.sender_default"),
    )
    if answer is not None:
        text += "\n\n" + t(lang, choices.BROADCAST_YOUR_ANSWER[answer])
    bid = broadcast.id
    buttons = (
        (
            Button(t(lang, "admin.bc.yes"), callbacks.encode(ROLL_VERB, bid, "y")),
            Button(t(lang, "admin.bc.no"), callbacks.encode(ROLL_VERB, bid, "n")),
        ),
    )
    return Reply(text, buttons=buttons)
