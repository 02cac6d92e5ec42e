"""Sending to other people without letting one failure stop the flow."""

from __future__ import annotations

import logging

from bot.deps import Deps
from bot.lifecycle import emit
from bot.notifier import DeliveryError, Unreachable
from bot.people import is_super_admin, mark_unreachable
from bot.reply import MessageRef, Reply
from bot.stations import in_subtree
from store import people
from store.models import Person

log = logging.getLogger(__name__)


async def deliver(deps: Deps, person: Person, reply: Reply) -> MessageRef | None:
    """Send ``reply``; None if the person cannot be reached; raises on a passing failure.

    For callers that retry (scheduled tasks). A person who blocked the bot is
    marked unreachable, so dispatch and later sends skip them.
    """
    if not person.reachable:
        return None
    try:
        return await deps.notifier.send(person, reply)
    except Unreachable as exc:
        log.info("person %s is unreachable: %s", person.id, exc)
        async with deps.db.session() as session:
            await mark_unreachable(session, person.id)  # type: ignore[arg-type]
        person.reachable = False
        await emit(deps, "person_unreachable", person_id=person.id, platform=person.platform)
        return None


async def notify(deps: Deps, person: Person, reply: Reply) -> MessageRef | None:
    """Deliver ``reply`` to ``person``; None when it could not be delivered.

    Failures are logged, never raised: callers decide whether a None matters.
    """
    try:
        return await deliver(deps, person, reply)
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
        rows = await people.admins(session, super_admin_ids=deps.settings.admin_ids)
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
