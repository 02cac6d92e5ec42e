"""Status changes a web requester must hear about even when their page is closed.

A change goes to the open page if there is one (the transcript already has
it), else by SMS with a one-time link that opens the chat signed in on the
order. Every decision is one ``SmsMessage`` row with a unique key
(order, status, person), written before anything is sent, so a retry or a
second instance never sends the same SMS twice. A sweep task closes the gaps
a crash leaves: a status change committed but never decided (no row) is decided
late, and a row decided but not sent (``pending``) is sent. A crash while the
provider is being called leaves the row ``sending`` and it is not sent again:
at most once, and the page's transcript still has the news.

Limits: one SMS per order status and person, ``JIANGXIN_SMS_DAILY_CAP`` a day,
none in quiet hours (``JIANGXIN_SMS_QUIET_START``–``_END``, local time) unless
the order asked for "as soon as possible" — those wait until the quiet hours end.

Volunteers who signed up on the web hear of offers the same way: the sweep
finds offers delivered to a web chat and texts those whose page is closed.
"""

from __future__ import annotations

import logging
from datetime import datetime, timedelta
from typing import Any

from bot import signin
from bot.deps import Deps
from bot.registry import Registry
from bot.schedule.reminders import REMIND, REQUESTER
from bot.sms import SmsError
from bot.texts import choices, t
from store import signin as signin_store
from store import sms as sms_store
from store import tasks, webchat
from store.models import Offer, Order, OrderStatus, SmsMessage, SmsState, Task
from store.orders import order_by_id
from store.people import person_by_id
from store.volunteers import volunteer_by_id

log = logging.getLogger(__name__)

SWEEP = "sms_sweep"
SWEEP_EVERY = timedelta(minutes=1)
SWEEP_WINDOW = timedelta(hours=6)  # status changes older than this are not chased
SWEEP_GRACE = timedelta(seconds=30)  # the normal path's time to decide first
MAX_ATTEMPTS = 5

# Domain event -> the status word an SMS names.
EVENTS = {
    "order_claimed": "claimed",
    "appointment_set": "appointment",
    "job_done": "done",
    "order_cancelled": "cancelled",
}
REMINDER = "reminder"  # the word of an appointment reminder's SMS


def sms_key(order_id: int, status: str, person_id: int) -> str:
    return f"order:{order_id}:{status}:person:{person_id}"


def base_url(deps: Deps) -> str:
    s = deps.settings
    return (s.web_public_url or f"http://{s.web_host}:{s.web_port}").rstrip("/")


def in_quiet_hours(deps: Deps, now: datetime) -> datetime | None:
    """When the quiet hours around ``now`` end, or None outside them."""
    s = deps.settings
    local = now.astimezone(s.tz)
    start, end = s.sms_quiet_start, s.sms_quiet_end
    t_now = local.time()
    quiet = (start <= t_now or t_now < end) if start > end else (start <= t_now < end)
    if not quiet or start == end:
        return None
    ends = local.replace(hour=end.hour, minute=end.minute, second=0, microsecond=0)
    if ends <= local:
        ends += timedelta(days=1)
    return ends


async def decide(
    deps: Deps, *, order_id: int, status: str, word: str | None = None, urgent: bool = False
) -> SmsMessage | None:
    """Decide once whether the requester of ``order_id`` hears of ``status`` by SMS; send it.

    ``word`` names the status text (``choices.SMS_STATUS``; default ``status``).
    None when there is nothing to decide (not a web requester, no verified phone)
    or it was decided before.
    """
    async with deps.db.session() as session:
        order = await order_by_id(session, order_id=order_id)
        if order is None:
            return None
        person = await person_by_id(session, person_id=order.requester_id)
        if person is None or person.platform != signin.WEB:
            return None  # Telegram and WeChat people hear it in their own chat
        if status == "cancelled" and order.cancelled_by == person.id:
            return None  # they cancelled it themselves
        code, urgent = order.code or "", urgent or order.time_pref == "asap"
    status_word = t(deps.settings.language, choices.SMS_STATUS[word or status])
    return await _queue(
        deps,
        person_id=person.id,  # type: ignore[arg-type]
        key=sms_key(order_id, status, person.id),  # type: ignore[arg-type]
        template="order_status",
        params={"code": code, "status": status_word},
        link_order=order_id,
        urgent=urgent,
    )


async def decide_offer(deps: Deps, offer: Offer) -> SmsMessage | None:
    """A volunteer who signed up on the web hears of an offer by SMS when no page is open."""
    async with deps.db.session() as session:
        volunteer = await volunteer_by_id(session, volunteer_id=offer.volunteer_id)
        order = await order_by_id(session, order_id=offer.order_id)
        if volunteer is None or order is None or order.status not in OrderStatus.OPEN:
            return None
        code, urgent = order.code or "", order.time_pref == "asap"
    return await _queue(
        deps,
        person_id=volunteer.person_id,
        key=f"offer:{offer.order_id}:person:{volunteer.person_id}",
        template="offer",
        params={"code": code},
        link_order=None,  # the offer waits in their chat
        urgent=urgent,
    )


async def _queue(
    deps: Deps,
    *,
    person_id: int,
    key: str,
    template: str,
    params: dict[str, str],
    link_order: int | None,
    urgent: bool,
) -> SmsMessage | None:
    """Write the one row that decides this SMS (or that it is skipped); send it if due."""
    now = deps.now()
    async with deps.db.session() as session:
        phone = await signin_store.verified_phone_of(session, person_id=person_id)
        if phone is None:
            return None
        if await sms_store.sms_decided(session, key=key):
            return None
    row = SmsMessage(key=key, person_id=person_id, phone=phone, template=template)
    if await deps.presence.online(person_id):
        row.state, row.error = SmsState.SKIPPED, "online"
    elif await _sent_today(deps, person_id, now) >= deps.settings.sms_daily_cap:
        row.state, row.error = SmsState.SKIPPED, "daily cap"
    elif not urgent:
        row.not_before = in_quiet_hours(deps, now)
    token, link = signin.new_link(
        person_id=person_id,
        order_id=link_order,
        now=now,
        key=await signin.server_key(deps.settings, deps.db),
    )
    row.params = {**params, "link": f"{base_url(deps)}/chat/l/{token}"}
    row.created_at = now
    row_id = await sms_store.decide_sms(deps.db, row=row, link=link)
    if row_id is None:
        return None  # decided concurrently (another instance, a retried event)
    if row.state == SmsState.PENDING and row.not_before is None:
        await send(deps, row_id)  # type: ignore[arg-type]
    return row


async def _sent_today(deps: Deps, person_id: int, now: datetime) -> int:
    async with deps.db.session() as session:
        return await sms_store.sms_counted_since(
            session, person_id=person_id, since=now - timedelta(days=1)
        )


async def send(deps: Deps, row_id: int) -> bool:
    """Hand one pending SMS to the provider, at most once; True when it went out."""
    now = deps.now()
    async with deps.db.session() as session:
        row = await sms_store.claim_sms(session, row_id=row_id)
        if row is None:
            return False  # another worker has it, or it is done
        phone, template, params, attempts = row.phone, row.template, dict(row.params), row.attempts
    values: dict[str, Any]
    try:
        await deps.sms.send(phone, template, params)
        values = {"state": SmsState.SENT, "sent_at": now, "error": None}
    except SmsError as exc:
        log.warning("SMS %s failed: %s", row_id, exc)
        if exc.permanent or attempts >= MAX_ATTEMPTS:
            values = {"state": SmsState.FAILED, "error": str(exc)[:300]}
        else:
            retry = now + timedelta(minutes=2**attempts)
            values = {"state": SmsState.PENDING, "not_before": retry, "error": str(exc)[:300]}
    async with deps.db.session() as session:
        await sms_store.finish_sms(session, row_id=row_id, values=values)
    return values["state"] == SmsState.SENT


# ---------------------------------------------------------------- the sweep


def _changes(order: Order) -> list[tuple[str, datetime | None]]:
    return [
        ("claimed", order.claimed_at),
        ("appointment", order.scheduled_at),
        ("done", order.done_at),
        ("cancelled", order.cancelled_at),
    ]


async def sweep(deps: Deps, task: Task | None = None) -> None:
    """Decide what a crash left undecided, send what is due, and book the next sweep."""
    now = deps.now()
    since, until = now - SWEEP_WINDOW, now - SWEEP_GRACE
    async with deps.db.session() as session:
        recent = await sms_store.web_orders_changed_since(session, since=since)
        offers = await sms_store.web_offers_sent_since(session, since=since)
        due = await sms_store.due_sms(session, now=now)
    for order in recent:
        for status, at in _changes(order):
            if at is not None and since < at <= until and _still(order, status):
                await decide(deps, order_id=order.id, status=status)  # type: ignore[arg-type]
    for offer in offers:
        await decide_offer(deps, offer)
    for task_id, order_id in await _reminders_sent(deps, since, until):
        async with deps.db.session() as session:
            held = await order_by_id(session, order_id=order_id)
        if held is None or held.status not in OrderStatus.ACTIVE:
            continue  # started, finished or cancelled meanwhile
        # Near the appointment by nature: not held for the quiet hours.
        await decide(
            deps, order_id=order_id, status=f"{REMINDER}{task_id}", word=REMINDER, urgent=True
        )
    for row_id in due:
        await send(deps, row_id)  # type: ignore[arg-type]
    await _prune(deps, now)
    await ensure_sweep(deps, now + SWEEP_EVERY)


async def _prune(deps: Deps, now: datetime) -> None:
    """Forget what no longer matters: old codes, used or expired links, dead presences."""
    day_ago = now - timedelta(days=1)
    async with deps.db.session() as session:
        await signin_store.prune(session, before=day_ago)
        await webchat.prune_presences(session, before=day_ago)


async def _reminders_sent(deps: Deps, since: datetime, until: datetime) -> list[tuple[int, int]]:
    """(task id, order id) of appointment reminders that went to requesters lately."""
    async with deps.db.session() as session:
        done = await sms_store.tasks_done_between(session, kind=REMIND, since=since, until=until)
    return [
        (task.id, int(task.payload["order_id"]))  # type: ignore[misc]
        for task in done
        if task.payload.get("who") == REQUESTER and task.payload.get("order_id")
    ]


def _still(order: Order, status: str) -> bool:
    """Whether a status change is still news (a claim later released is not)."""
    if status == "cancelled":
        return order.status == OrderStatus.CANCELLED
    return order.status != OrderStatus.CANCELLED


async def ensure_sweep(deps: Deps, at: datetime | None = None) -> None:
    """Book the next sweep (one per minute slot, whichever instance books it first)."""
    at = at or deps.now()
    async with deps.db.session() as session:
        await tasks.ensure(session, SWEEP, at, key=f"{SWEEP}:{at:%Y%m%d%H%M}")


# ---------------------------------------------------------------- wiring


def _listener(status: str):  # type: ignore[no-untyped-def]
    async def on_event(deps: Deps, *, order_id: int, **_: Any) -> None:
        await decide(deps, order_id=order_id, status=status)

    on_event.__name__ = f"sms_on_{status}"
    return on_event


def register(reg: Registry) -> None:
    for event, status in EVENTS.items():
        reg.listen(event, _listener(status))
    reg.task(SWEEP, sweep)
