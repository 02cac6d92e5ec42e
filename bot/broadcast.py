"""Emergency mobilisation (应急动员): a paced fan-out to volunteers, with a live roll call.

An admin drafts a broadcast (``Broadcast`` row, nothing sent), confirms it, and
then:

* a **fan-out** delivers it to every active volunteer in the scope at a steady
  ``RATE_PER_SECOND`` (well under Telegram's ~30 messages/s, which the rest of
  the bot shares) with at most ``CONCURRENCY`` sends in flight. 429 answers are
  retried after ``retry_after`` by the Telegram notifier.
* the admin's **progress message** is edited as sends complete and as
  volunteers answer 我能到场 / 去不了 — at most once every ``EDIT_EVERY``
  seconds, with a final edit so the last state is always shown.
* the **roll call** keeps one ``BroadcastReply`` per person; pressing the
  other button changes the answer.

Surviving a restart: the recipients (fixed when the broadcast starts) and a
cursor live in a durable task of kind ``broadcast``, held by the running
process with a lease it renews every second. The cursor only moves past
recipients whose send finished, so after a crash the scheduler leases the
task again once the lease runs out and ``resume`` continues from the cursor:
nobody is skipped, and at most the sends of the last second or so are repeated.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
import secrets
import socket
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from sqlalchemy import func, update
from sqlalchemy.exc import IntegrityError
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from bot import callbacks
from bot.background import LiveCounts, ProgressSlot
from bot.deps import Deps
from bot.notifier import DeliveryError, Unreachable
from bot.notify import edit as edit_message
from bot.people import mark_unreachable
from bot.reply import Button, MessageRef, Reply
from bot.roles import subtree_ids
from bot.texts import t
from store import tasks
from store.models import (
    Broadcast,
    BroadcastReply,
    Person,
    Station,
    Task,
    TaskStatus,
    Team,
    Volunteer,
    VolunteerStatus,
    VolunteerTeam,
)

log = logging.getLogger(__name__)

TASK_KIND = "broadcast"
RATE_PER_SECOND = 20.0  # steady pace of sends; Telegram allows about 30/s for the whole bot
CONCURRENCY = 8  # sends in flight at once, so a slow answer does not stall the pace
EDIT_EVERY = 1.5  # seconds between edits of the admin's progress message
PERSIST_EVERY = 1.0  # seconds between saves of the cursor (and lease renewals)
LEASE = timedelta(seconds=90)  # a crashed run is resumed after at most this long
ERROR_STREAK = 5  # unexpected send errors in a row: the channel is down, stop and resume later
PAUSE_RETRY = timedelta(minutes=1)  # when a paused fan-out is tried again
MAX_NAMES = 40  # names listed under 我能到场 in the admin's message
YES, NO = "yes", "no"
ROLL_VERB = "abcr"  # roll-call buttons: abcr:<broadcast id>:y|n


# ---------------------------------------------------------------- scope and recipients


def scope_key(kind: str, value: str = "") -> str:
    """Stored form of a scope: ``all``, ``team:<slug>`` or ``station:<code>``."""
    return "all" if kind == "all" else f"{kind}:{value}"


async def recipients(session: AsyncSession, scope: str, within: set[int] | None) -> list[int]:
    """Person ids of the active volunteers ``scope`` reaches, limited to stations ``within``."""
    stmt = select(Volunteer.person_id).where(col(Volunteer.status) == VolunteerStatus.ACTIVE)
    kind, _, value = scope.partition(":")
    stations = within
    if kind == "team":
        team = (await session.exec(select(Team).where(col(Team.slug) == value))).first()
        if team is None:
            return []
        stmt = stmt.join(VolunteerTeam, col(VolunteerTeam.volunteer_id) == col(Volunteer.id))
        stmt = stmt.where(col(VolunteerTeam.team_id) == team.id)
    elif kind == "station":
        station = (
            await session.exec(
                select(Station).where(func.lower(col(Station.code)) == value.lower())
            )
        ).first()
        if station is None:
            return []
        subtree = await subtree_ids(session, station.id)  # type: ignore[arg-type]
        stations = subtree if within is None else subtree & within
    if stations is not None:
        stmt = stmt.where(col(Volunteer.station_id).in_(stations or {-1}))
    rows = (await session.exec(stmt.order_by(col(Volunteer.id)))).all()
    return list(dict.fromkeys(rows))  # a volunteer in two teams of one scope counts once


# ---------------------------------------------------------------- drafts and starting


async def create_draft(session: AsyncSession, *, admin_id: int, scope: str, text: str) -> Broadcast:
    draft = Broadcast(admin_id=admin_id, scope=scope, text=text)
    session.add(draft)
    await session.flush()
    return draft


def _key(broadcast_id: int) -> str:
    return f"broadcast:{broadcast_id}"


def _holder() -> str:
    """A lease holder id unique to this process and run."""
    return f"bc:{socket.gethostname()[:30]}:{os.getpid()}:{secrets.token_hex(3)}"


async def discard(deps: Deps, broadcast_id: int) -> bool:
    """Drop a draft that was never started; False if it started or ended meanwhile."""
    async with deps.db.session() as session:
        started = select(Task.id).where(Task.key == _key(broadcast_id))
        if (await session.exec(started)).first() is not None:
            return False
        stmt = (
            update(Broadcast)
            .where(col(Broadcast.id) == broadcast_id, col(Broadcast.finished_at).is_(None))
            .values(finished_at=deps.now())
            .returning(col(Broadcast.id))
        )
        return (await session.exec(stmt)).first() is not None  # type: ignore[call-overload]


async def start(
    deps: Deps, broadcast_id: int, *, within: set[int] | None, ref: MessageRef | None
) -> int | None:
    """Fix the recipients and start the fan-out; None if this draft was started already.

    ``ref`` is the admin's message that becomes the live progress message.
    Returns the number of recipients (0 ends the broadcast at once).
    """
    holder = _holder()
    now = deps.now()
    async with deps.db.session() as session:
        draft = await session.get(Broadcast, broadcast_id)
        if draft is None or draft.finished_at is not None:
            return None
        people = await recipients(session, draft.scope, within)
        payload = {"broadcast_id": broadcast_id, "recipients": people, "cursor": 0}
        if not await tasks.ensure(session, TASK_KIND, now, payload, key=_key(broadcast_id)):
            return None  # a second press of 确认发送
        await session.exec(  # type: ignore[call-overload]
            update(Task)
            .where(col(Task.key) == _key(broadcast_id))
            .values(
                status=TaskStatus.RUNNING if people else TaskStatus.DONE,
                leased_by=holder if people else None,
                lease_until=now + LEASE if people else None,
                done_at=None if people else now,
            )
        )
        draft.total = len(people)
        if ref is not None:
            draft.chat_id, draft.message_id = ref.chat_id, ref.message_id
        if not people:
            draft.finished_at = now
        session.add(draft)
        task_id = (await session.exec(select(Task.id).where(Task.key == _key(broadcast_id)))).one()
    if ref is not None:
        # Turn the admin's message into the progress message before anything is sent, so
        # no later progress edit can be overwritten by this first one.
        slot = _slot(deps, broadcast_id)
        await _edit_progress(deps, broadcast_id, slot)
        slot.last_edit = asyncio.get_running_loop().time()
    if people:
        _spawn(deps, broadcast_id, task_id, holder)  # type: ignore[arg-type]
    return len(people)


async def resume(deps: Deps, task: Task) -> None:
    """Task handler for ``broadcast``: continue a fan-out whose process stopped or died.

    The scheduler leased this row because its lease ran out. The rest of the
    fan-out runs in the background under a successor row (so the scheduler's
    tick is not held up for minutes); this row is then completed by the tick.
    """
    broadcast_id = int(task.payload.get("broadcast_id", 0))
    stalled = deps.background.broadcasts.get(broadcast_id)
    if stalled is not None and not stalled.done():
        # This process's run could not renew its lease for LEASE: replace it.
        stalled.cancel()
        await asyncio.gather(stalled, return_exceptions=True)
    holder = _holder()
    now = deps.now()
    async with deps.db.session() as session:
        fresh = await session.get(Task, task.id)
        payload = dict(fresh.payload if fresh is not None else task.payload)
        broadcast = await session.get(Broadcast, broadcast_id)
        if broadcast is None or broadcast.finished_at is not None:
            return
        if int(payload.get("cursor", 0)) >= len(payload.get("recipients", [])):
            await _finish(session, broadcast_id, now)
            return
        successor = Task(
            kind=TASK_KIND,
            key=f"{_key(broadcast_id)}:{task.id}:{task.attempts}",
            due_at=now,
            payload=payload,
            status=TaskStatus.RUNNING,
            leased_by=holder,
            lease_until=now + LEASE,
        )
        session.add(successor)
        await session.flush()
        successor_id = successor.id
    log.info(
        "resuming broadcast %s at %s of %s",
        broadcast_id,
        payload.get("cursor"),
        len(payload.get("recipients", [])),
    )
    _spawn(deps, broadcast_id, successor_id, holder)  # type: ignore[arg-type]


# ---------------------------------------------------------------- the fan-out


def _spawn(deps: Deps, broadcast_id: int, task_id: int, holder: str) -> None:
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


async def _fanout(deps: Deps, broadcast_id: int, task_id: int, holder: str) -> None:
    """Send to the recipients after the task's cursor; keep cursor and lease up to date."""
    async with deps.db.session() as session:
        task = await session.get(Task, task_id)
        broadcast = await session.get(Broadcast, broadcast_id)
        if task is None or broadcast is None:
            return
        people_ids: list[int] = list(task.payload.get("recipients", []))
        cursor = int(task.payload.get("cursor", 0))
        rows = (
            await session.exec(
                select(Person).where(col(Person.id).in_(people_ids[cursor:] or [-1]))
            )
        ).all()
        admin = await session.get(Person, broadcast.admin_id)
    people = {p.id: p for p in rows}
    replies = _ReplyCache(broadcast, admin)
    run = _Run(cursor, broadcast.sent, broadcast.failed)
    slot = _slot(deps, broadcast_id)
    slot.live = LiveCounts(broadcast.sent, broadcast.failed)
    pacer = _Pacer(RATE_PER_SECOND)
    queue = iter(range(cursor, len(people_ids)))

    async def worker() -> None:
        for i in queue:
            await pacer.wait()
            if run.stop.is_set():
                return
            person = people.get(people_ids[i])
            result = await _send(deps, person, replies) if person else _FAILED
            run.record(i, result)
            if run.streak >= ERROR_STREAK and not run.stop.is_set():
                log.warning(
                    "broadcast %s: %s send errors in a row; pausing it until the "
                    "scheduler resumes it",
                    broadcast_id,
                    run.streak,
                )
                run.stop.set()
            live = slot.live
            if live is not None:
                live.sent += result == _SENT
                live.failed += result != _SENT
            poke(deps, broadcast_id)

    async def keeper() -> None:
        while not run.stop.is_set() and not run.workers_done:
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(run.stop.wait(), PERSIST_EVERY)
            if run.stop.is_set() or run.workers_done:
                return
            run.advance(final=False)
            if not await _save(deps, task_id, holder, people_ids, run, broadcast_id):
                log.warning(
                    "broadcast %s lost its lease; another process continues it", broadcast_id
                )
                run.stop.set()

    keeping = asyncio.get_running_loop().create_task(keeper())
    finished = False
    try:
        await asyncio.gather(*(worker() for _ in range(CONCURRENCY)))
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
        run.advance(final=False)
        with contextlib.suppress(Exception):
            await asyncio.shield(
                _save(deps, task_id, holder, people_ids, run, broadcast_id, release=True)
            )
        raise
    finally:
        live = slot.live
        if live is not None:
            live.running = False
            live.sent, live.failed = run.sent, run.failed
            if finished:
                slot.live = None
        poke(deps, broadcast_id)


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
        held = (
            await session.exec(  # type: ignore[call-overload]
                update(Task)
                .where(
                    col(Task.id) == task_id,
                    col(Task.leased_by) == holder,
                    col(Task.status) == TaskStatus.RUNNING,
                )
                .values(**values)
                .returning(col(Task.id))
            )
        ).first()
        if held is None:
            return False
        await session.exec(  # type: ignore[call-overload]
            update(Broadcast)
            .where(col(Broadcast.id) == broadcast_id)
            .values(sent=run.sent, failed=run.failed)
        )
        if finished:
            await _finish(session, broadcast_id, now)
    return True


async def _finish(session: AsyncSession, broadcast_id: int, now: Any) -> None:
    await session.exec(  # type: ignore[call-overload]
        update(Broadcast)
        .where(col(Broadcast.id) == broadcast_id, col(Broadcast.finished_at).is_(None))
        .values(finished_at=now)
    )


async def _send(deps: Deps, person: Person, replies: _ReplyCache) -> str:
    """One delivery: sent, failed (blocked, flood beyond retries) or error (unexpected)."""
    if not person.reachable:
        return _FAILED
    try:
        await deps.notifier.send(person, replies.for_lang(person.language))
        return _SENT
    except Unreachable:
        async with deps.db.session() as session:
            await mark_unreachable(session, person.id)  # type: ignore[arg-type]
        return _FAILED
    except DeliveryError as exc:
        log.info("broadcast to person %s failed: %s", person.id, exc)
        return _FAILED
    except Exception:
        log.exception("broadcast to person %s raised", person.id)
        return _ERROR


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
        text += "\n\n" + t(lang, f"admin.bc.your_answer.{answer}")
    bid = broadcast.id
    buttons = (
        (
            Button(t(lang, "admin.bc.yes"), callbacks.encode(ROLL_VERB, bid, "y")),
            Button(t(lang, "admin.bc.no"), callbacks.encode(ROLL_VERB, bid, "n")),
        ),
    )
    return Reply(text, buttons=buttons)


# ---------------------------------------------------------------- roll call


async def is_recipient(session: AsyncSession, broadcast_id: int, person_id: int) -> bool:
    task = (await session.exec(select(Task).where(Task.key == _key(broadcast_id)))).first()
    return task is not None and person_id in task.payload.get("recipients", [])


async def answer(deps: Deps, broadcast_id: int, person_id: int, value: str) -> bool:
    """Record (or change) a person's answer; False when it was already that."""
    now = deps.now()
    for _ in range(2):  # a concurrent first answer from another instance: retry as an update
        try:
            async with deps.db.session() as session:
                row = await session.get(BroadcastReply, (broadcast_id, person_id))
                if row is not None and row.answer == value:
                    return False
                if row is None:
                    row = BroadcastReply(
                        broadcast_id=broadcast_id, person_id=person_id, answer=value, created_at=now
                    )
                else:
                    row.answer, row.created_at = value, now
                session.add(row)
            poke(deps, broadcast_id)
            return True
        except IntegrityError:
            continue
    return False


@dataclass
class RollCall:
    yes: int
    no: int
    yes_names: list[str]


async def roll_call(session: AsyncSession, broadcast_id: int) -> RollCall:
    rows = (
        await session.exec(
            select(BroadcastReply.answer, Person.display_name, Volunteer.name)
            .join(Person, col(Person.id) == col(BroadcastReply.person_id))
            .outerjoin(Volunteer, col(Volunteer.person_id) == col(BroadcastReply.person_id))
            .where(col(BroadcastReply.broadcast_id) == broadcast_id)
            .order_by(col(BroadcastReply.created_at), col(BroadcastReply.person_id))
        )
    ).all()
    yes = [(vname or pname or "?") for a, pname, vname in rows if a == YES]
    return RollCall(yes=len(yes), no=sum(1 for a, *_ in rows if a == NO), yes_names=yes)


# ---------------------------------------------------------------- the admin's progress message


def _slot(deps: Deps, broadcast_id: int) -> ProgressSlot:
    return deps.background.progress.setdefault(broadcast_id, ProgressSlot())


def poke(deps: Deps, broadcast_id: int) -> None:
    """Something changed: refresh the progress message soon (at most every EDIT_EVERY s)."""
    slot = _slot(deps, broadcast_id)
    slot.dirty = True
    if slot.task is None or slot.task.done():
        slot.task = asyncio.get_running_loop().create_task(
            _refresh(deps, broadcast_id, slot), name=f"broadcast-{broadcast_id}-progress"
        )


async def _refresh(deps: Deps, broadcast_id: int, slot: ProgressSlot) -> None:
    loop = asyncio.get_running_loop()
    while slot.dirty:
        wait = slot.last_edit + EDIT_EVERY - loop.time()
        if wait > 0:
            await asyncio.sleep(wait)
        slot.dirty = False
        try:
            if await _edit_progress(deps, broadcast_id, slot):
                slot.last_edit = loop.time()
        except Exception:
            log.exception("could not refresh the progress of broadcast %s", broadcast_id)
            slot.last_edit = loop.time()


async def _edit_progress(deps: Deps, broadcast_id: int, slot: ProgressSlot) -> bool:
    async with deps.db.session() as session:
        broadcast = await session.get(Broadcast, broadcast_id)
        if broadcast is None or not broadcast.message_id or not broadcast.chat_id:
            return False
        admin = await session.get(Person, broadcast.admin_id)
        calls = await roll_call(session, broadcast_id)
        label = await scope_label(session, broadcast.scope, admin.language if admin else None)
    if admin is None:
        return False
    text = progress_text(broadcast, calls, slot.live, label, admin.language)
    if text == slot.last_text:
        return False
    ref = MessageRef(admin.platform, broadcast.chat_id, broadcast.message_id)
    if await edit_message(deps, ref, Reply(text)):
        slot.last_text = text
    return True  # an edit was attempted: the next one waits EDIT_EVERY either way


async def scope_label(session: AsyncSession, scope: str, lang: str | None) -> str:
    kind, _, value = scope.partition(":")
    if kind == "team":
        team = (await session.exec(select(Team).where(col(Team.slug) == value))).first()
        return t(lang, "admin.bc.scope.team", name=team.name if team else value)
    if kind == "station":
        station = (
            await session.exec(
                select(Station).where(func.lower(col(Station.code)) == value.lower())
            )
        ).first()
        return t(lang, "admin.bc.scope.station", name=station.name if station else value)
    return t(lang, "admin.bc.scope.all")


def progress_text(
    broadcast: Broadcast, calls: RollCall, live: LiveCounts | None, label: str, lang: str | None
) -> str:
    """The admin's live message: delivery progress, then the roll call."""
    sent = live.sent if live else broadcast.sent
    failed = live.failed if live else broadcast.failed
    if broadcast.finished_at is not None:
        state = "sent"
    else:
        state = "paused" if live is not None and not live.running else "sending"
    lines = [
        t(lang, "admin.bc.progress.head", id=broadcast.id, scope=label),
        t(lang, "admin.bc.progress.quote", text=_short(broadcast.text, 60)),
        t(
            lang,
            f"admin.bc.progress.{state}",
            done=sent + failed,
            total=broadcast.total,
            sent=sent,
            failed=failed,
        ),
        t(
            lang,
            "admin.bc.progress.roll",
            yes=calls.yes,
            no=calls.no,
            silent=max(sent - calls.yes - calls.no, 0),
        ),
    ]
    if calls.yes_names:
        names = "、".join(calls.yes_names[:MAX_NAMES])
        more = len(calls.yes_names) - MAX_NAMES
        lines.append(
            t(lang, "admin.bc.progress.names", names=names)
            + (t(lang, "admin.bc.progress.more", n=more) if more > 0 else "")
        )
    return "\n".join(lines)


def _short(text: str, limit: int) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


# ---------------------------------------------------------------- lifecycle helpers


async def settle(deps: Deps) -> None:
    """Wait until this process's fan-outs and pending progress edits are done (tests, stop)."""
    local = deps.background
    while True:
        pending = [r for r in local.broadcasts.values() if not r.done()]
        pending += [s.task for s in local.progress.values() if s.task and not s.task.done()]
        if not pending:
            return
        await asyncio.gather(*pending, return_exceptions=True)


async def shutdown(deps: Deps) -> None:
    """Stop this process's fan-outs, saving their cursors so the scheduler resumes them."""
    local = deps.background
    runs = [r for r in local.broadcasts.values() if not r.done()]
    for run in runs:
        run.cancel()
    await asyncio.gather(*runs, return_exceptions=True)
    for slot in local.progress.values():
        if slot.task is not None and not slot.task.done():
            slot.task.cancel()
