"""Sending to other people without letting one failure stop the flow.

Messages that matter (offers, job cards, requester notices, broadcasts, reminders) go
through ``send_once`` with a key: an outbox row (store/outbox.py) is committed as
``sending`` before the API call and ``sent`` with the message id after it, so sending
the same key again — a wave resumed after a crash, a follow-up run twice — reuses the
message instead of sending a second copy.

A crash can still leave a call *ambiguous*: marked ``sending``, outcome unknown (the
platform may have delivered it). Bot APIs cannot look a message up after the fact, so
the policy is: resend it **at most once** (``store.outbox.MAX_CALLS``), and only once
its caller is known to be gone — its process died (``bot.instance.alive``), the caller
took over its work (a broadcast's lease), or the call started longer ago than
``AMBIGUOUS_AFTER``. So a kill -9 costs at most one duplicate per call in flight at
that moment, and nobody is left without the message (broadcasts, job cards, requester
notices, reminders). Offers are the exception (``max_calls=1``, bot.dispatch.offers):
an ambiguous offer is never resent — no volunteer ever gets the same offer twice;
the order reaches the others and the next wave, and the copy, if it arrived, is
closed (edited) when its button is pressed.
"""

from __future__ import annotations

import asyncio
import logging
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from bot import tracked
from bot.deps import Deps
from bot.instance import alive
from bot.lifecycle import emit
from bot.notifier import DeliveryError, NoChannel, Unreachable
from bot.people import admin_people, is_super_admin, mark_unreachable
from bot.registry import Registry
from bot.reply import MessageRef, Reply, reply_from_data, reply_to_data
from bot.stations import in_subtree
from store import outbox, people, tasks
from store.models import OutboxState, Person, Task

log = logging.getLogger(__name__)


# After an outbox send: (event to emit with the message's ref, its other payload).
After = tuple[str, dict[str, Any]]


async def deliver(
    deps: Deps,
    person: Person,
    reply: Reply,
    *,
    after: After | None = None,
    key: str | None = None,
    kind: str = "other",
) -> MessageRef | None:
    """Send ``reply``; None if the person cannot be reached; raises on a passing failure.

    For callers that retry (scheduled tasks). A person who blocked the bot is
    marked unreachable, so dispatch and later sends skip them. A person this
    instance has no channel for is not unreachable: the message goes to the
    outbox for an instance that runs their channel, and the ref returned is
    ``queued``; that instance emits ``after`` with the real ref once it is sent.
    With a ``key`` the message is sent once in effect (``send_once``).
    """
    if not person.reachable:
        return None
    if key is not None:
        return await send_once(deps, person, reply, key=key, kind=kind, after=after)
    try:
        ref = await deps.notifier.send(person, reply)
    except NoChannel:
        await hand_over(deps, person, reply, after)
        return MessageRef(person.platform, person.external_id, "")
    except Unreachable as exc:
        await _unreachable(deps, person, exc)
        return None
    await tracked.noted(deps, person.id, reply, ref)
    return ref


async def _unreachable(deps: Deps, person: Person, exc: Exception) -> None:
    log.info("person %s is unreachable: %s", person.id, exc)
    async with deps.db.session() as session:
        await mark_unreachable(session, person.id)  # type: ignore[arg-type]
    person.reachable = False
    await emit(deps, "person_unreachable", person_id=person.id, platform=person.platform)


# A call marked ``sending`` this long ago by a process we cannot see (another host) is
# taken to be lost; longer than any send with its flood-control retries takes.
AMBIGUOUS_AFTER = timedelta(minutes=5)


@dataclass
class Send:
    """One outbox send: ``reply`` to ``person`` under ``key`` (``kind`` for the record)."""

    person: Person
    reply: Reply
    key: str
    kind: str
    after: After | None = None


async def send_once(
    deps: Deps,
    person: Person,
    reply: Reply,
    *,
    key: str,
    kind: str,
    after: After | None = None,
    take_over: bool = False,
    retry_failed: bool = True,
    max_calls: int = outbox.MAX_CALLS,
) -> MessageRef | None:
    """Send ``reply`` under ``key`` unless that message already went out; its ref either way.

    The ref is the message's real one when it was sent now or before; ``queued`` (no
    message id) when it is on its way elsewhere — another instance's outbox, or a call
    in flight in another process — and None when it cannot be delivered (unreachable,
    or it failed before and ``retry_failed`` is off). A passing failure is recorded and
    raised (``DeliveryError``), as ``deliver`` does. ``take_over``: the caller took over
    the work of whoever else holds a call on this key (a broadcast run after a crash),
    so such a call is ambiguous now and resent once (``max_calls`` 1: never).
    """
    send = Send(person, reply, key, kind, after)
    [claim] = await claim_sends(
        deps, [send], take_over=take_over, retry_failed=retry_failed, max_calls=max_calls
    )
    return await make_send(deps, send, claim)


async def claim_sends(
    deps: Deps,
    sends: list[Send],
    *,
    take_over: bool = False,
    retry_failed: bool = True,
    max_calls: int = outbox.MAX_CALLS,
) -> list[outbox.Claim | None]:
    """Mark ``sends`` ``sending`` in one transaction, in order, where they may go out now
    (see ``store.outbox.claim``); None for a person known to be unreachable."""
    holder = deps.background.holder
    now = deps.now()
    out: list[outbox.Claim | None] = []
    async with deps.db.session() as session:
        for send in sends:
            if not send.person.reachable:
                out.append(None)
                continue
            args: dict[str, Any] = {
                "key": send.key,
                "kind": send.kind,
                "person_id": send.person.id,
                "holder": holder,
                "now": now,
                "stale_before": now - AMBIGUOUS_AFTER,
                "take_over": take_over,
                "retry_failed": retry_failed,
                "max_calls": max_calls,
            }
            claim = await outbox.claim(session, **args)
            lost = claim.state == OutboxState.SENDING and not claim.go and claim.holder
            if lost and alive(claim.holder) is False:  # type: ignore[arg-type]
                # Its process died mid-call: the call is ambiguous now.
                claim = await outbox.claim(session, dead=[claim.holder], **args)
            out.append(claim)
    return out


async def make_send(deps: Deps, send: Send, claim: outbox.Claim | None) -> MessageRef | None:
    """The API call of a claimed send, recorded as soon as it returns (or the ref of the
    message sent before, or ``queued``, or None: see ``send_once``)."""
    person, key, holder = send.person, send.key, deps.background.holder
    if claim is None:
        return None
    if not claim.go:
        if claim.state == OutboxState.SENT:
            return MessageRef(person.platform, claim.chat_id or "", claim.message_id or "")
        if claim.state == OutboxState.SENDING:
            log.info("message %s is in flight elsewhere (or was resent once already)", key)
            return MessageRef(person.platform, person.external_id, "")
        return None
    if claim.calls > 1:
        log.warning("resending %s once: the first call's outcome was lost in a crash", key)
    try:
        ref = await deps.notifier.send(person, send.reply)
    except NoChannel:
        async with deps.db.session() as session:
            await outbox.unclaim(session, key=key, holder=holder)
        await hand_over(deps, person, send.reply, send.after, key=key, kind=send.kind)
        return MessageRef(person.platform, person.external_id, "")
    except Unreachable as exc:
        await _record_failure(deps, key, holder, f"unreachable: {exc}")
        await _unreachable(deps, person, exc)
        return None
    except Exception as exc:  # the platform answered with an error: nothing was delivered
        await _record_failure(deps, key, holder, f"{type(exc).__name__}: {exc}")
        raise
    # Cancelled or killed from here on, the call stays ``sending``: ambiguous, resent once.
    await asyncio.shield(_record_sent(deps, key, holder, ref))
    await tracked.noted(deps, person.id, send.reply, ref)
    return ref


async def _record_sent(deps: Deps, key: str, holder: str, ref: MessageRef | None) -> None:
    async with deps.db.session() as session:
        await outbox.sent(
            session,
            key=key,
            holder=holder,
            chat_id=ref.chat_id if ref else None,
            message_id=ref.message_id if ref else None,
            now=deps.now(),
        )


async def _record_failure(deps: Deps, key: str, holder: str, error: str) -> None:
    async with deps.db.session() as session:
        await outbox.failed(session, key=key, holder=holder, error=error, now=deps.now())


OUTBOX = tasks.OUTBOX  # task kinds "outbox.<platform>": sends for another instance to make
PLATFORMS = ("telegram", "web", "wechat")


async def hand_over(
    deps: Deps,
    person: Person,
    reply: Reply,
    after: After | None,
    *,
    key: str | None = None,
    kind: str = "other",
) -> None:
    """Keep ``reply`` as an outbox row; an instance with the person's channel sends it."""
    payload: dict[str, Any] = {"person_id": person.id, "reply": reply_to_data(reply)}
    if after is not None:
        payload["after"] = [after[0], after[1]]
    if key is not None:  # that instance sends it under the same key: once in effect
        payload["key"], payload["kind"] = key, kind
    async with deps.db.session() as session:
        await tasks.enqueue(session, f"{OUTBOX}{person.platform}", deps.now(), payload)
    log.info("no %s channel here: message to %s left in the outbox", person.platform, person.id)
    deps.kick()


async def send_outbox(deps: Deps, task: Task) -> None:
    """Run on an instance that has the channel (see ``store.tasks.lease_due``)."""
    async with deps.db.session() as session:
        person = await people.person_by_id(session, person_id=task.payload.get("person_id"))
    if person is None:
        return
    reply = reply_from_data(task.payload["reply"])
    if person.platform not in deps.notifier.channels:
        raise NoChannel(person.platform)  # the channel went away: retried later, elsewhere
    key, kind = task.payload.get("key"), task.payload.get("kind", "other")
    ref = await deliver(deps, person, reply, key=key, kind=kind)
    if ref is not None and not ref.queued and task.payload.get("after"):
        event, args = task.payload["after"]
        await emit(
            deps,
            event,
            platform=ref.platform,
            chat_id=ref.chat_id,
            message_id=ref.message_id,
            **args,
        )


def register(reg: Registry) -> None:
    for platform in PLATFORMS:
        reg.task(f"{OUTBOX}{platform}", send_outbox)


async def notify(
    deps: Deps,
    person: Person,
    reply: Reply,
    *,
    after: After | None = None,
    key: str | None = None,
    kind: str = "other",
) -> MessageRef | None:
    """Deliver ``reply`` to ``person``; None when it could not be delivered.

    Failures are logged, never raised: callers decide whether a None matters. With a
    ``key``, sent once in effect (``send_once``).
    """
    try:
        return await deliver(deps, person, reply, after=after, key=key, kind=kind)
    except DeliveryError as exc:
        log.warning("could not deliver to person %s: %s", person.id, exc)
        return None
    except Exception:
        log.exception("failed to deliver to person %s", person.id)
        return None


async def edit(deps: Deps, ref: MessageRef, reply: Reply) -> bool:
    try:
        await deps.notifier.edit(ref, reply)
        return True
    except Exception as exc:
        log.info("could not edit %s/%s: %s", ref.chat_id, ref.message_id, exc)
        return False


async def admins(deps: Deps, station_id: int | None = None) -> list[Person]:
    """Everyone who should hear about association business (optionally one station's)."""
    async with deps.db.session() as session:
        rows = await admin_people(session, deps.settings)
        out = []
        for p in rows:
            scope = p.admin_station_id
            if (
                is_super_admin(deps.settings, p)
                or station_id is None
                or scope is None
                or await in_subtree(session, station_id, scope)
            ):
                out.append(p)
    return out


async def notify_admins(deps: Deps, reply: Reply, station_id: int | None = None) -> int:
    """Tell the admins; returns how many received it."""
    sent = 0
    for person in await admins(deps, station_id):
        if await notify(deps, person, reply) is not None:
            sent += 1
    return sent
