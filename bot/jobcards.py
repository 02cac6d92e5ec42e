"""Job cards, board items and 联系志愿者 notices follow their order (issue 17.5).

Every message ``bot.tracked`` noted about an order is looked at again whenever the
order moves on (claimed, scheduled, started, done, confirmed, released, cancelled,
re-routed), and edited where what it shows no longer holds:

- the holder's job card shows the new status with the buttons of that status
  (约定时间 / 开始服务 → 完成服务 → 联系求助人 → none once confirmed);
- a card of someone who no longer holds the job (gave it up, reassigned, cancelled)
  says so in words and loses its buttons;
- a /board item loses 认领 once the order is taken, cancelled or moved to another team;
- the requester's notice loses 联系志愿者 once the two sides can no longer talk.

Offers are not here: the Offer rows already carry their message and are closed by the
claim, a decline or a withdrawal (``bot.dispatch``).
"""

from __future__ import annotations

from typing import Any

from sqlmodel.ext.asyncio.session import AsyncSession

from bot import jobtext
from bot.deps import Deps
from bot.registry import Registry
from bot.relay import OPEN_FOR_TALK
from bot.reply import Reply
from bot.texts import t
from bot.tracked import edit_row
from store.models import Order, OrderStatus, Person, TrackedMessage, Volunteer
from store.tracked import settle, tracked_of

# The events after which an order's tracked messages may show something that no longer holds.
EVENTS = (
    "order_claimed",
    "appointment_set",
    "job_started",
    "job_done",
    "order_confirmed",
    "order_released",
    "order_cancelled",
    "order_rerouted",
)

# A change: the message's new content, and what it shows now (None: no buttons left).
Change = tuple[Reply, str | None]


async def refresh(deps: Deps, *, order_id: int, **_: Any) -> None:
    """Edit the order's tracked messages whose buttons or status no longer hold."""
    changes: list[tuple[TrackedMessage, Change]] = []
    async with deps.db.read() as session:
        rows = await tracked_of(session, order_id=order_id)
        order = await session.get(Order, order_id) if rows else None
        if order is None:
            return
        volunteer = await session.get(Volunteer, order.volunteer_id) if order.volunteer_id else None
        holder = volunteer.person_id if volunteer is not None else None
        for row in rows:
            person = await session.get(Person, row.person_id)
            lang = person.language if person is not None else deps.settings.language
            change = await _change(deps, session, row, order, holder, lang)
            if change is not None:
                changes.append((row, change))
    for row, (reply, shown) in changes:
        if await edit_row(deps, row, reply) or shown is None:
            async with deps.db.session() as session:
                await settle(session, row_id=row.id, shown=shown, text=reply.text)  # type: ignore[arg-type]


async def _change(
    deps: Deps,
    session: AsyncSession,
    row: TrackedMessage,
    order: Order,
    holder: int | None,
    lang: str,
) -> Change | None:
    """What ``row`` should show now, or None when it still shows that."""
    if row.kind == "card":
        return await _card(deps, session, row, order, holder, lang)
    if row.kind == "board":
        if order.status in OrderStatus.OPEN and row.shown == jobtext.board_track(order).shown:
            return None
        if holder == row.person_id:
            key = "dispatch.offer.mine"
        elif order.status in OrderStatus.OPEN or order.status == OrderStatus.CANCELLED:
            key = "dispatch.offer.withdrawn"  # cancelled, or moved to another team
        else:
            key = "dispatch.offer.taken"
        facts = await jobtext.facts(session, order, lang, deps.settings.tz)
        return jobtext.closed_offer(lang, facts, key), None
    # "talk": the requester's notice with 联系志愿者
    if order.status in OPEN_FOR_TALK and row.shown == jobtext.talk_track(order).shown:
        return None
    return Reply(row.text), None


async def _card(
    deps: Deps,
    session: AsyncSession,
    row: TrackedMessage,
    order: Order,
    holder: int | None,
    lang: str,
) -> Change | None:
    tz = deps.settings.tz
    if holder == row.person_id and order.status in (*OrderStatus.ACTIVE, OrderStatus.DONE):
        state = jobtext.card_state(order)
        if state == row.shown:
            return None
        # What the first heading announced (认领成功, 指派 …) is old news by now.
        card = await jobtext.job_card(session, order, lang, tz, header="jobs.card.item")
        return Reply(card.text, buttons=card.buttons), state
    if holder == row.person_id and order.status in (OrderStatus.CONFIRMED, OrderStatus.RATED):
        card = await jobtext.job_card(session, order, lang, tz, header="staff.card.finished")
        return Reply(card.text), None  # their own finished job: everything stays readable
    # Not theirs any more: the public facts only, and why.
    facts = await jobtext.facts(session, order, lang, tz)
    key = "staff.card.cancelled" if order.status == OrderStatus.CANCELLED else "staff.card.moved"
    return Reply(t(lang, key, code=facts.code) + "\n\n" + facts.body(lang)), None


def register(reg: Registry) -> None:
    for event in EVENTS:
        reg.listen(event, refresh)
