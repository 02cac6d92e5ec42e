"""The outbox's state machine and the start-up takeover, in-process on both databases."""

from __future__ import annotations

import os
from dataclasses import replace
from datetime import timedelta

from sqlmodel import select

from bot import instance
from bot.background import Background
from bot.deps import Deps
from bot.notify import send_once
from bot.reply import Reply
from scheduler.runner import take_over_the_dead
from store import outbox
from store.models import OutboxMessage, OutboxState, Task, TaskStatus
from tests.utils import volunteers as f
from tests.utils.notifier import RecordingNotifier

# A process of this host that is gone: a pid far above any pid_max, under a past boot.
DEAD = f"{instance.host()}:4194999:deadbeef.000001"


def test_holders_of_this_host_are_judged_alive_or_dead() -> None:
    me = instance.new_holder()
    assert instance.alive(me) is True
    assert instance.alive(instance.new_holder("bc:")) is True
    assert instance.alive(DEAD) is False
    # This pid under another boot: the process that had it before a restart.
    assert instance.alive(f"{instance.host()}:{os.getpid()}:00000000.abc") is False
    assert instance.alive("elsewhere:123:abc.def") is None  # another host: cannot tell
    assert instance.alive("dead-process") is None


async def _row(deps: Deps, key: str) -> OutboxMessage:
    async with deps.db.session() as s:
        row = await outbox.by_key(s, key=key)
    assert row is not None
    return row


async def test_a_keyed_send_goes_out_once_and_keeps_its_message_id(
    deps: Deps, notifier: RecordingNotifier
) -> None:
    person = await f.person(deps, 700)
    first = await send_once(deps, person, Reply("通知"), key="k:1", kind="notice")
    again = await send_once(deps, person, Reply("通知"), key="k:1", kind="notice")
    assert len(notifier.sent) == 1 and first == again and not again.queued  # type: ignore[union-attr]
    row = await _row(deps, "k:1")
    assert (row.state, row.calls, row.message_id) == (OutboxState.SENT, 1, first.message_id)  # type: ignore[union-attr]


async def test_a_call_a_dead_process_left_in_flight_is_resent_at_most_once(
    deps: Deps, notifier: RecordingNotifier
) -> None:
    person = await f.person(deps, 700)
    async with deps.db.session() as s:
        s.add(
            OutboxMessage(
                key="k:2", kind="card", person_id=person.id, state=OutboxState.SENDING,  # type: ignore[arg-type]
                calls=1, holder=DEAD, sending_at=deps.now(),
            )
        )  # fmt: skip
    ref = await send_once(deps, person, Reply("工单"), key="k:2", kind="card")
    assert ref is not None and len(notifier.sent) == 1
    assert (await _row(deps, "k:2")).calls == 2
    # The resend died too: no third copy, ever.
    async with deps.db.session() as s:
        row = await outbox.by_key(s, key="k:2")
        row.state, row.holder, row.message_id = OutboxState.SENDING, DEAD, None  # type: ignore[union-attr]
        s.add(row)
    queued = await send_once(deps, person, Reply("工单"), key="k:2", kind="card")
    assert queued is not None and queued.queued and len(notifier.sent) == 1


async def test_an_offer_left_in_flight_is_never_resent(
    deps: Deps, notifier: RecordingNotifier
) -> None:
    person = await f.person(deps, 700)
    async with deps.db.session() as s:
        s.add(
            OutboxMessage(
                key="offer:9:1", kind="offer", person_id=person.id, state=OutboxState.SENDING,  # type: ignore[arg-type]
                calls=1, holder=DEAD, sending_at=deps.now() - timedelta(hours=1),
            )
        )  # fmt: skip
    ref = await send_once(deps, person, Reply("派单"), key="offer:9:1", kind="offer", max_calls=1)
    assert ref is not None and ref.queued and notifier.sent == []


async def test_a_live_call_elsewhere_is_not_repeated_until_it_is_long_overdue(
    deps: Deps, notifier: RecordingNotifier
) -> None:
    person = await f.person(deps, 700)
    other = replace(deps, background=Background())  # another live process of this host
    async with deps.db.session() as s:
        s.add(
            OutboxMessage(
                key="k:3", kind="notice", person_id=person.id, state=OutboxState.SENDING,  # type: ignore[arg-type]
                calls=1, holder=other.background.holder, sending_at=deps.now(),
            )
        )  # fmt: skip
    ref = await send_once(deps, person, Reply("通知"), key="k:3", kind="notice")
    assert ref is not None and ref.queued and notifier.sent == []


async def test_a_broadcast_run_takes_over_the_calls_of_the_run_it_replaced(
    deps: Deps, notifier: RecordingNotifier
) -> None:
    person = await f.person(deps, 700)
    async with deps.db.session() as s:
        s.add(
            OutboxMessage(
                key="broadcast:1:1", kind="broadcast", person_id=person.id,  # type: ignore[arg-type]
                state=OutboxState.SENDING, calls=1, holder="elsewhere:1:a.b", sending_at=deps.now(),
            )
        )  # fmt: skip
    ref = await send_once(
        deps, person, Reply("集合"), key="broadcast:1:1", kind="broadcast", take_over=True
    )
    assert ref is not None and not ref.queued and len(notifier.sent) == 1


async def test_start_up_takes_over_the_leases_of_dead_processes_of_this_host(deps: Deps) -> None:
    now = deps.now()
    async with deps.db.session() as s:
        for key, holder in (("a", DEAD), ("b", f"bc:{DEAD}"), ("c", "elsewhere:1:a.b")):
            s.add(
                Task(
                    kind="broadcast", key=key, due_at=now, status=TaskStatus.RUNNING,
                    leased_by=holder, lease_until=now + timedelta(seconds=90),
                )
            )  # fmt: skip
    assert await take_over_the_dead(deps) == 2
    async with deps.db.session() as s:
        rows = {t.key: t for t in (await s.exec(select(Task))).all()}
    assert rows["a"].lease_until < now and rows["b"].lease_until < now  # type: ignore[operator]
    assert rows["c"].lease_until > now  # type: ignore[operator]  # another host's: it runs out
