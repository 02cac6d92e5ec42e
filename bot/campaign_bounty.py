"""揭榜挂帅 (issue 20): a campaign's hard problem, open to every volunteer of its team in any
station until a deadline; several apply (``CampaignBid``), the admin picks one, who is then
assigned the order as if they had claimed it. Until then dispatch leaves the order alone
(``store.campaigns.is_held``); with nobody applying by the deadline it is dispatched as usual.
"""

from __future__ import annotations

from datetime import datetime

from bot import audit, callbacks, dispatch
from bot.campaigns import tell_requester
from bot.deps import Deps
from bot.notify import notify, notify_admins
from bot.reply import Button, Reply
from bot.texts import t
from store import campaigns as store
from store import tasks
from store.engine import Session
from store.models import Campaign, Order, OrderStatus, Person, Task, Volunteer
from store.people import person_by_id
from store.volunteers import volunteers_by_id

BOUNTY_TASK = "campaign_bounty"


async def publish_bounty(
    deps: Deps, campaign: Campaign, order: Order, until: datetime, *, by: Person
) -> int | None:
    """Publish a hard need as 揭榜 until ``until``; returns how many volunteers were told."""
    now = deps.now()
    async with deps.db.session() as session:
        if not await store.publish(session, order_id=order.id, now=now, bounty_until=until):  # type: ignore[arg-type]
            return None
        await tasks.enqueue(
            session,
            BOUNTY_TASK,
            until,
            {"order_id": order.id},
            key=f"order:{order.id}:bounty",
        )
        await audit.record(
            session,
            actor_id=by.id,
            action="campaign.bounty",
            target_type="order",
            target_id=order.id,
            after={"until": until.isoformat()},
        )
        qualified = await _qualified(session, order)
        people = {v.id: await person_by_id(session, person_id=v.person_id) for v in qualified}
    told = 0
    for volunteer in qualified:
        person = people.get(volunteer.id)
        if person is None:
            continue
        lang = person.language
        text = t(
            lang,
            "campaigns.bounty.offer",
            name=campaign.name,
            code=order.code,
            text=order.text,
            until=_local(deps, until),
        )
        button = Button(
            t(lang, "campaigns.btn.bid"), callbacks.encode(callbacks.CAMPAIGN_BID, order.id)
        )
        if await notify(deps, person, Reply(text, buttons=((button,),))) is not None:
            told += 1
    await tell_requester(deps, order, "campaigns.requester.matching", campaign.name)
    return told


def _local(deps: Deps, moment: datetime) -> str:
    return moment.astimezone(deps.settings.tz).strftime("%Y-%m-%d %H:%M")


async def _qualified(session: Session, order: Order) -> list[Volunteer]:
    """Every working volunteer of the order's team, whatever their station."""
    from store.activities import invitees

    if order.team_id is None:
        return []
    ids = [vid for vid, _ in await invitees(session, team_id=order.team_id, stations=None)]
    found = await volunteers_by_id(session, ids=ids)
    return [found[i] for i in ids if i in found]


async def bid(deps: Deps, volunteer: Volunteer, order_id: int) -> str:
    """A volunteer applies (揭榜); the text key of what they are told."""
    now = deps.now()
    async with deps.db.session() as session:
        need = await store.need_of(session, order_id=order_id)
        order = await session.get(Order, order_id)
        if (
            need is None
            or order is None
            or need.bounty_until is None
            or need.bounty_closed_at is not None
            or need.bounty_until <= now
            or order.status not in OrderStatus.OPEN
        ):
            return "campaigns.bid.closed"
        qualified = {v.id for v in await _qualified(session, order)}
        if volunteer.id not in qualified:
            return "campaigns.bid.not_qualified"
        if not await store.add_bid(session, order_id=order_id, volunteer_id=volunteer.id, now=now):  # type: ignore[arg-type]
            return "campaigns.bid.again"
    return "campaigns.bid.done"


async def applicants_reply(deps: Deps, order: Order, lang: str | None) -> Reply:
    """The admins' list of who applied, with a 选定 button for each."""
    async with deps.db.session() as session:
        bids = await store.bids_of(session, order_id=order.id)  # type: ignore[arg-type]
    if not bids:
        return Reply(t(lang, "campaigns.bounty.nobody", code=order.code))
    lines = [t(lang, "campaigns.bounty.applicants", code=order.code, n=len(bids))]
    buttons = []
    for _, volunteer in bids:
        lines.append(
            t(
                lang,
                "campaigns.bounty.applicant",
                name=volunteer.name,
                honours=volunteer.honours or "—",
            )
        )
        buttons.append(
            (
                Button(
                    t(lang, "campaigns.btn.pick", name=volunteer.name),
                    callbacks.encode(callbacks.CAMPAIGN_PICK, order.id, volunteer.id),
                ),
            )
        )
    return Reply("\n".join(lines), buttons=tuple(buttons))


async def run_bounty(deps: Deps, task: Task) -> None:
    """The ``campaign_bounty`` task: the deadline passed; the admins pick (or it is dispatched)."""
    order_id = int(task.payload["order_id"])
    async with deps.db.session() as session:
        closed = await store.close_bounty(session, order_id=order_id, now=deps.now())
        order = await session.get(Order, order_id)
    if not closed or order is None:
        return
    reply = await applicants_reply(deps, order, deps.settings.language)
    await notify_admins(deps, reply, station_id=order.station_id)
    async with deps.db.session() as session:
        nobody = not await store.bids_of(session, order_id=order_id)
    if nobody:  # nobody applied: the team's volunteers get it the usual way
        await dispatch.start(deps, order_id)


async def pick(deps: Deps, order_id: int, volunteer_id: int, *, by: Person) -> bool:
    """The admin's choice among the applicants: the order is assigned to them."""
    async with deps.db.session() as session:
        bids = await store.bids_of(session, order_id=order_id)
        if volunteer_id not in {v.id for _, v in bids}:
            return False
        await store.close_bounty(session, order_id=order_id, now=deps.now())
    if not await dispatch.assign(deps, order_id, volunteer_id, by=by):
        return False
    async with deps.db.session() as session:
        await store.mark_picked(session, order_id=order_id, volunteer_id=volunteer_id)
        order = await session.get(Order, order_id)
        others = [
            await person_by_id(session, person_id=v.person_id)
            for _, v in bids
            if v.id != volunteer_id
        ]
    for person in others:
        if person is not None and order is not None:
            await notify(
                deps, person, Reply(t(person.language, "campaigns.bid.not_picked", code=order.code))
            )
    return True
