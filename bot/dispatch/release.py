"""Declining an offer, giving a held job back, and withdrawing an order's offers."""

from __future__ import annotations

import asyncio
from collections.abc import Coroutine
from typing import Any

from bot import audit, order_actions
from bot.deps import Deps
from bot.dispatch.common import RELEASE_ACTION, wave_prefix
from bot.dispatch.offers import edit_closed, fill, message_ref, upsert_own
from bot.dispatch.waves import start
from bot.dispatch.work import spawn
from bot.lifecycle import emit
from bot.notify import notify, notify_admins
from bot.reply import Reply
from bot.texts import t
from store import offers, tasks
from store import orders as order_queries
from store.models import (
    OfferStatus,
    Order,
    OrderStatus,
    Person,
    Volunteer,
)


async def decline(deps: Deps, offer_id: int, *, wait: bool = True) -> bool:
    """不方便: close this offer and pass the order to the next candidate at once.

    False when the offer can no longer be answered (taken, withdrawn, declined).
    """
    now = deps.now()
    async with deps.db.session() as session:
        declined_of = await offers.decline(session, offer_id=offer_id, now=now)
        if declined_of is None:
            return False
        order = await session.get(Order, declined_of)
        assert order is not None
        order_id, wave = order.id, max(order.dispatch_wave, 1)
    work = fill(deps, order_id, 1, wave)  # type: ignore[arg-type]
    if wait:
        await work
    else:
        spawn(deps, work)
    return True


async def release(
    deps: Deps,
    order_id: int,
    *,
    reason: str,
    by: Person | int | None,
    volunteer_id: int | None = None,
    wait: bool = True,
) -> bool:
    """The volunteer gives the job up (放弃), or a reconfirmation failed (``by`` None).

    The order goes back to open and is dispatched again (the volunteer who
    released it is not offered it again); its pending reminders are cancelled;
    admins, the requester and (when someone else released it) the volunteer
    are told. False when nobody holds the order (or, with ``volunteer_id``,
    when that volunteer no longer does). With ``wait=False`` the new offers go
    out in the background.
    """
    now = deps.now()
    by_id = by.id if isinstance(by, Person) else by  # a person id is accepted too
    async with deps.db.session() as session:
        order = await session.get(Order, order_id)
        if order is None or order.status not in OrderStatus.ACTIVE or order.volunteer_id is None:
            return False
        if volunteer_id is not None and order.volunteer_id != volunteer_id:
            return False
        volunteer_id, before = order.volunteer_id, order.status
        if not await order_queries.unassign(
            session, order_id=order_id, volunteer_id=volunteer_id, now=now
        ):
            return False
        await upsert_own(session, order_id, volunteer_id, OfferStatus.DECLINED, now)
        await tasks.cancel(session, key_prefix=f"order:{order_id}:")
        await audit.record(
            session,
            actor_id=by_id,
            action=RELEASE_ACTION,
            target_type="order",
            target_id=order_id,
            before={"status": before, "volunteer_id": volunteer_id},
            after={"status": OrderStatus.NEW, "reason": reason},
        )
        await session.refresh(order)
        volunteer = await session.get(Volunteer, volunteer_id)
        assert volunteer is not None
        holder = await session.get(Person, volunteer.person_id)
        requester = await session.get(Person, order.requester_id)
    await _tell_released(
        deps, order, volunteer, holder=holder, requester=requester, by_id=by_id, reason=reason
    )
    await emit(deps, "order_released", order_id=order_id, reason=reason, volunteer_id=volunteer_id)
    if wait:
        await start(deps, order_id)
    else:
        spawn(deps, start(deps, order_id))
    return True


async def _tell_released(
    deps: Deps,
    order: Order,
    volunteer: Volunteer,
    *,
    holder: Person | None,
    requester: Person | None,
    by_id: int | None,
    reason: str,
) -> None:
    """Admins, the requester and (when someone else released it) the volunteer hear of it."""
    lang = deps.settings.language
    sends: list[Coroutine[Any, Any, Any]] = [
        notify_admins(
            deps,
            Reply(
                t(
                    lang,
                    "dispatch.released.admins",
                    code=order.code,
                    name=volunteer.name,
                    reason=reason,
                ),
                buttons=order_actions.admin_buttons(lang, order),
            ),
            station_id=order.station_id,
        )
    ]
    if requester is not None:
        sends.append(
            notify(
                deps,
                requester,
                Reply(t(requester.language, "dispatch.released.requester", code=order.code)),
            )
        )
    if holder is not None and by_id != holder.id:
        sends.append(
            notify(
                deps,
                holder,
                Reply(
                    t(
                        holder.language,
                        "dispatch.released.volunteer",
                        code=order.code,
                        reason=reason,
                    )
                ),
            )
        )
    await asyncio.gather(*sends)


async def withdraw_offers(deps: Deps, order_id: int) -> int:
    """Close every open offer of the order and edit its message (cancelled, rerouted).

    Returns how many offers were withdrawn; pending waves are cancelled too.
    """
    async with deps.db.session() as session:
        rows = await offers.close_live(
            session, order_id=order_id, to=OfferStatus.WITHDRAWN, now=deps.now()
        )
        await tasks.cancel(session, key_prefix=wave_prefix(order_id))
        order = await session.get(Order, order_id)
    if order is not None:
        refs = [(vid, r) for vid, *parts in rows if (r := message_ref(*parts)) is not None]
        await edit_closed(deps, order, refs, "dispatch.offer.withdrawn")
    return len(rows)
