"""Sending to other people without letting one failure stop the flow."""

from __future__ import annotations

import logging
from typing import Any

from bot.deps import Deps
from bot.lifecycle import emit
from bot.notifier import DeliveryError, NoChannel, Unreachable
from bot.people import admin_people, is_super_admin, mark_unreachable
from bot.registry import Registry
from bot.reply import MessageRef, Reply, reply_from_data, reply_to_data
from bot.stations import in_subtree
from store import people, tasks
from store.models import Person, Task

log = logging.getLogger(__name__)


# After an outbox send: (event to emit with the message's ref, its other payload).
After = tuple[str, dict[str, Any]]


async def deliver(
    deps: Deps, person: Person, reply: Reply, *, after: After | None = None
) -> MessageRef | None:
    """Send ``reply``; None if the person cannot be reached; raises on a passing failure.

    For callers that retry (scheduled tasks). A person who blocked the bot is
    marked unreachable, so dispatch and later sends skip them. A person this
    instance has no channel for is not unreachable: the message goes to the
    outbox for an instance that runs their channel, and the ref returned is
    ``queued``; that instance emits ``after`` with the real ref once it is sent.
    """
    if not person.reachable:
        return None
    try:
        return await deps.notifier.send(person, reply)
    except NoChannel:
        await hand_over(deps, person, reply, after)
        return MessageRef(person.platform, person.external_id, "")
    except Unreachable as exc:
        log.info("person %s is unreachable: %s", person.id, exc)
        async with deps.db.session() as session:
            await mark_unreachable(session, person.id)  # type: ignore[arg-type]
        person.reachable = False
        await emit(deps, "person_unreachable", person_id=person.id, platform=person.platform)
        return None


OUTBOX = tasks.OUTBOX  # task kinds "outbox.<platform>": sends for another instance to make
PLATFORMS = ("telegram", "web", "wechat")


async def hand_over(deps: Deps, person: Person, reply: Reply, after: After | None) -> None:
    """Keep ``reply`` as an outbox row; an instance with the person's channel sends it."""
    payload: dict[str, Any] = {"person_id": person.id, "reply": reply_to_data(reply)}
    if after is not None:
        payload["after"] = [after[0], after[1]]
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
    ref = await deliver(deps, person, reply)
    if ref is not None and task.payload.get("after"):
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
    deps: Deps, person: Person, reply: Reply, *, after: After | None = None
) -> MessageRef | None:
    """Deliver ``reply`` to ``person``; None when it could not be delivered.

    Failures are logged, never raised: callers decide whether a None matters.
    """
    try:
        return await deliver(deps, person, reply, after=after)
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
