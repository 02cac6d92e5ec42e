"""The daily digest to admins: new, unclaimed, overdue and low-rated orders.

Runs as the calendar task ``digest`` (see ``scheduler.calendar``) at
``digest_time``. Each admin gets the digest of what they administer: admins
scoped to a station see that station's subtree (and orders without a station),
everyone else sees the whole association — in their own language.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlmodel.ext.asyncio.session import AsyncSession

from bot.deps import Deps
from bot.notify import admins, notify
from bot.orders import status_label
from bot.people import is_super_admin
from bot.registry import Registry
from bot.reply import Reply
from bot.schedule.when import day, span, summary, when
from bot.stations import in_subtree
from bot.texts import Safe, t
from store import orders
from store.models import Feedback, Order, OrderStatus, Person, Task, Team, Volunteer
from store.teams import teams_by_id
from store.volunteers import volunteers_by_id

log = logging.getLogger(__name__)

WINDOW = timedelta(days=1)
LOW_RATING = 2  # ratings at or below this are "low"
MAX_ITEMS = 10  # lines per section; the rest are counted


@dataclass
class Facts:
    """What the digest reports, before it is cut to each admin's scope."""

    now: datetime
    new: list[Order]
    unclaimed: list[Order]
    overdue: list[Order]
    low: list[tuple[Feedback, Order]]
    teams: dict[int, Team]
    volunteers: dict[int, Volunteer]


async def gather(session: AsyncSession, now: datetime) -> Facts:
    since = now - WINDOW
    new = await orders.created_between(session, since=since, until=now)
    unclaimed = await orders.open_orders(session)
    overdue = await orders.overdue_appointments(session, now=now)
    low = list(await orders.low_ratings_since(session, at_most=LOW_RATING, since=since))
    teams = await teams_by_id(session)
    vol_ids = {o.volunteer_id for o in overdue} | {fb.volunteer_id for fb, _ in low}
    volunteers = await volunteers_by_id(session, ids=(v for v in vol_ids if v is not None))
    return Facts(now, new, unclaimed, overdue, low, teams, volunteers)


def render(facts: Facts, lang: str, deps: Deps, keep: set[int] | None) -> str:
    """The digest text for one admin; ``keep`` is the order ids in their scope (None: all)."""
    tz = deps.settings.tz

    def mine(orders: list[Order]) -> list[Order]:
        return orders if keep is None else [o for o in orders if o.id in keep]

    def team(o: Order) -> str:
        tm = facts.teams.get(o.team_id) if o.team_id is not None else None
        if tm is None:
            return t(lang, "order.no_team")
        return tm.name_en if lang == "en" and tm.name_en else tm.name

    def volunteer(vid: int | None) -> str:
        v = facts.volunteers.get(vid) if vid is not None else None
        return v.name if v is not None else t(lang, "schedule.unknown")

    def section(head: str, items: list[str]) -> list[str]:
        lines = [head, *items[:MAX_ITEMS]]
        if len(items) > MAX_ITEMS:
            lines.append(t(lang, "schedule.digest.more", count=len(items) - MAX_ITEMS))
        return lines

    new, unclaimed, overdue = mine(facts.new), mine(facts.unclaimed), mine(facts.overdue)
    low = [(fb, o) for fb, o in facts.low if keep is None or o.id in keep]
    expired = [o for o in unclaimed if o.status == OrderStatus.EXPIRED]
    lines = [t(lang, "schedule.digest.title", date=day(lang, facts.now, tz)), ""]
    lines.append(t(lang, "schedule.digest.new", count=len(new)))
    lines += section(
        t(lang, "schedule.digest.unclaimed", count=len(unclaimed), expired=len(expired)),
        [
            t(
                lang,
                "schedule.digest.unclaimed_item",
                code=o.code,
                team=team(o),
                status=status_label(lang, o.status),
                waited=span(lang, facts.now - o.created_at),
            )
            # Orders nobody claimed (admins must act) come first.
            for o in sorted(
                unclaimed, key=lambda o: (o.status != OrderStatus.EXPIRED, o.created_at)
            )
        ],
    )
    lines += section(
        t(lang, "schedule.digest.overdue", count=len(overdue)),
        [
            t(
                lang,
                "schedule.digest.overdue_item",
                code=o.code,
                volunteer=volunteer(o.volunteer_id),
                when=when(lang, o.appointment_at, tz),  # type: ignore[arg-type]
            )
            for o in overdue
        ],
    )
    lines += section(
        t(lang, "schedule.digest.low", count=len(low)),
        [
            t(
                lang,
                "schedule.digest.low_item",
                code=o.code,
                stars=stars(fb.rating),
                volunteer=volunteer(fb.volunteer_id),
                comment=Safe(
                    t(lang, "schedule.digest.comment", comment=summary(fb.comment, 80))
                    if fb.comment
                    else ""
                ),
            )
            for fb, o in low
        ],
    )
    if not (unclaimed or overdue or low):
        lines += ["", t(lang, "schedule.digest.all_clear")]
    return "\n".join(lines)


def stars(rating: int) -> str:
    """★★★☆☆ for a rating of 3."""
    return "★" * rating + "☆" * (5 - rating)


async def _scope(
    session: AsyncSession,
    deps: Deps,
    admin: Person,
    facts: Facts,
    cache: dict[tuple[int, int], bool],
) -> set[int] | None:
    """Ids of the orders an admin scoped to a station administers; None for everyone's."""
    root = admin.admin_station_id
    if root is None or is_super_admin(deps.settings, admin):
        return None
    keep: set[int] = set()
    for o in (*facts.new, *facts.unclaimed, *facts.overdue, *(o for _, o in facts.low)):
        if o.station_id is None:
            keep.add(o.id)  # type: ignore[arg-type]
            continue
        pair = (o.station_id, root)
        if pair not in cache:
            cache[pair] = await in_subtree(session, o.station_id, root)
        if cache[pair]:
            keep.add(o.id)  # type: ignore[arg-type]
    return keep


async def send_digest(deps: Deps, now: datetime | None = None) -> int:
    """Send every admin their digest; returns how many received it."""
    now = now or deps.now()
    recipients = await admins(deps)
    texts: list[tuple[Person, str]] = []
    async with deps.db.session() as session:
        facts = await gather(session, now)
        cache: dict[tuple[int, int], bool] = {}
        for admin in recipients:
            keep = await _scope(session, deps, admin, facts, cache)
            texts.append((admin, render(facts, admin.language, deps, keep)))
    sent = 0
    for admin, text in texts:
        if await notify(deps, admin, Reply(text)) is not None:
            sent += 1
    log.info("digest sent to %s of %s admin(s)", sent, len(recipients))
    return sent


KIND = "digest"  # a calendar kind: scheduler.calendar schedules the next one after each run


async def run(deps: Deps, task: Task) -> None:
    """Task ``digest``: send it (the scheduler then makes sure tomorrow's is scheduled)."""
    await send_digest(deps)


def register(reg: Registry) -> None:
    reg.task(KIND, run)
