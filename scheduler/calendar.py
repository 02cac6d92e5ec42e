"""Calendar work — the daily digest, the monthly star review and the nightly routing
retrain — kept as task rows.

Each run enqueues the next one, and start-up (plus a cron job at the due
time) makes sure the next one exists, so a digest that fell due while the bot
was down is sent when it comes back instead of being lost with APScheduler's
in-memory jobs. Keys name the day or month (``digest:2026-11-24``,
``stars:2026-12``, ``routing_retrain:2026-11-24``), so two instances never send
the same digest twice.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

from bot.config import Settings
from bot.deps import Deps
from store import tasks
from store.models import Task, TaskStatus

DIGEST = "digest"
STARS = "star_levels"
RETRAIN = "routing_retrain"
# registered by bot.schedule.digest / bot.schedule.stars / bot.schedule.routing_retrain
KINDS = (DIGEST, STARS, RETRAIN)


def _at(settings: Settings, day: date) -> datetime:
    return datetime.combine(day, settings.digest_time, tzinfo=settings.tz).astimezone(UTC)


def digest_slot(settings: Settings, now: datetime, *, today: bool = False) -> datetime:
    """The digest time of today (local), or of the next day if that has passed."""
    local = now.astimezone(settings.tz).date()
    slot = _at(settings, local)
    if slot < now and not today:
        slot = _at(settings, date.fromordinal(local.toordinal() + 1))
    return slot


def star_slot(settings: Settings, now: datetime, *, this_month: bool = False) -> datetime:
    """The first of this month (local) at the digest time, or of next month if it passed."""
    local = now.astimezone(settings.tz).date()
    slot = _at(settings, local.replace(day=1))
    if slot < now and not this_month:
        year, month = (local.year + 1, 1) if local.month == 12 else (local.year, local.month + 1)
        slot = _at(settings, date(year, month, 1))
    return slot


def retrain_slot(settings: Settings, now: datetime, *, today: bool = False) -> datetime:
    """The routing retrain time of today (local), or of the next day if that has passed."""
    local = now.astimezone(settings.tz).date()

    def at(day: date) -> datetime:
        return datetime.combine(day, settings.routing_retrain_time, tzinfo=settings.tz)

    slot = at(local).astimezone(UTC)
    if slot < now and not today:
        slot = at(date.fromordinal(local.toordinal() + 1)).astimezone(UTC)
    return slot


def retrain_key(settings: Settings, slot: datetime) -> str:
    return f"routing_retrain:{slot.astimezone(settings.tz).date().isoformat()}"


def digest_key(settings: Settings, slot: datetime) -> str:
    return f"digest:{slot.astimezone(settings.tz).date().isoformat()}"


def star_key(settings: Settings, slot: datetime) -> str:
    return f"stars:{slot.astimezone(settings.tz):%Y-%m}"


async def _ensure(deps: Deps, kind: str, key: str, slot: datetime) -> None:
    async with deps.db.session() as session:
        if not await tasks.ensure(session, kind, slot, key=key):
            # Already there: follow a changed JIANGXIN_DIGEST_TIME if it has not run yet.
            task = await tasks.by_key(session, key=key)
            if task is not None and task.status == TaskStatus.PENDING and task.due_at != slot:
                task.due_at = slot
                session.add(task)


async def ensure_next(deps: Deps, now: datetime | None = None) -> None:
    """Make sure the next digest, star review and retrain are rows (start-up, after a run)."""
    now = now or deps.now()
    s = deps.settings
    await _ensure(deps, DIGEST, digest_key(s, d := digest_slot(s, now)), d)
    await _ensure(deps, STARS, star_key(s, m := star_slot(s, now)), m)
    await _ensure(deps, RETRAIN, retrain_key(s, r := retrain_slot(s, now)), r)


async def ensure_following(deps: Deps, task: Task) -> None:
    """After a calendar task ran: make sure the one after it (strictly later) exists.

    After a long outage this is the next slot from now, so one late digest is
    sent, not one for every missed day.
    """
    s = deps.settings
    after = max(deps.now(), task.due_at + timedelta(seconds=1))
    if task.kind == DIGEST:
        await _ensure(deps, DIGEST, digest_key(s, d := digest_slot(s, after)), d)
    elif task.kind == STARS:
        await _ensure(deps, STARS, star_key(s, m := star_slot(s, after)), m)
    elif task.kind == RETRAIN:
        await _ensure(deps, RETRAIN, retrain_key(s, r := retrain_slot(s, after)), r)


async def ensure_digest_today(deps: Deps) -> None:
    """At digest time: today's digest row exists (it normally does, from yesterday's run)."""
    s = deps.settings
    slot = digest_slot(s, deps.now(), today=True)
    await _ensure(deps, DIGEST, digest_key(s, slot), slot)


async def ensure_stars_this_month(deps: Deps) -> None:
    s = deps.settings
    slot = star_slot(s, deps.now(), this_month=True)
    await _ensure(deps, STARS, star_key(s, slot), slot)


async def ensure_retrain_today(deps: Deps) -> None:
    s = deps.settings
    slot = retrain_slot(s, deps.now(), today=True)
    await _ensure(deps, RETRAIN, retrain_key(s, slot), slot)
