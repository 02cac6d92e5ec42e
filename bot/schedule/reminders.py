"""Appointment reminders and the volunteer's reconfirmation, as durable tasks.

When an appointment is set (or moved) the order gets, for each offset in
``reminder_offsets``, a reminder to the requester and one to the volunteer,
plus a reconfirmation to the volunteer ``reconfirm_before`` the appointment (a
booking made at shorter notice is asked half-way to it, see ``reconfirm_time``)
(能按时到 / 去不了, answered in ``bot.flows.reconfirm``); an unanswered one alerts
the admins after ``reconfirm_timeout``. Keys are ``order:<id>:remind:<offset
seconds>:<who>`` and ``order:<id>:reconfirm[:timeout]``, so moving the
appointment moves the rows, and releasing, cancelling or starting the job
drops them. Each run re-checks the order (same volunteer, same appointment,
still ahead), so a stale row sends nothing.
"""

from __future__ import annotations

import logging
from datetime import datetime, timedelta
from typing import Any

from bot import callbacks, order_actions
from bot.callbacks import encode
from bot.deps import Deps
from bot.registry import Registry
from bot.reply import Button, Reply, rows
from bot.schedule import parties
from bot.schedule.delivery import deliver, tell_admins
from bot.schedule.when import span, summary, when
from bot.texts import t
from store import tasks
from store.models import Order, OrderStatus, Task

log = logging.getLogger(__name__)

REMIND = "remind"
RECONFIRM = "reconfirm"
RECONFIRM_TIMEOUT = "reconfirm_timeout"
# Callback verbs of the reconfirmation buttons (handled in bot.flows.reconfirm).
YES_VERB = callbacks.RECONFIRM_YES
NO_VERB = callbacks.RECONFIRM_NO

HELD = (OrderStatus.CLAIMED, OrderStatus.SCHEDULED)  # a volunteer holds it, not yet started
VOLUNTEER, REQUESTER = "volunteer", "requester"


# A booking made less than ``reconfirm_before`` ahead (every "明天上午" with the default
# 24 h) is asked half-way to the appointment, but no later than this before it; an
# appointment nearer than this is too close to ask about at all.
LATEST_ASK = timedelta(hours=2)


def reconfirm_time(lead: timedelta, at: datetime, now: datetime) -> datetime | None:
    """When to ask the volunteer to reconfirm an appointment at ``at``; None: not at all.

    ``lead`` ahead when there is time for it; for a short-notice booking half-way from
    now, at the latest ``LATEST_ASK`` before (never later than ``lead`` before); nothing
    when even that has passed.
    """
    if lead <= timedelta(0):
        return None
    if at - lead > now:
        return at - lead
    latest = at - min(LATEST_ASK, lead)
    due = min(now + (at - now) / 2, latest)
    return due if due > now else None


def remind_prefix(order_id: int) -> str:
    return f"order:{order_id}:remind:"


def reconfirm_key(order_id: int) -> str:
    return f"order:{order_id}:reconfirm"


def reconfirm_timeout_key(order_id: int) -> str:
    return f"order:{order_id}:reconfirm:timeout"


def _current(order: Order, payload: dict[str, Any]) -> bool:
    """The order is still held by the same volunteer for the same appointment."""
    booked = payload.get("appointment_at")
    return (
        order.status in HELD
        and order.volunteer_id == payload.get("volunteer_id")
        and order.appointment_at is not None
        and booked is not None
        and order.appointment_at == datetime.fromisoformat(booked)
    )


async def drop(deps: Deps, order_id: int) -> None:
    """Cancel the order's pending reminders and reconfirmation."""
    async with deps.db.session() as session:
        await tasks.cancel(session, key_prefix=remind_prefix(order_id))
        await tasks.cancel(session, key_prefix=reconfirm_key(order_id))


async def schedule(deps: Deps, order_id: int) -> int:
    """(Re)schedule the reminders and reconfirmation of the order's appointment.

    Times already past are skipped (an appointment set for in two hours gets no
    24-hour reminder). Where the reconfirmation falls at a reminder offset it
    replaces the volunteer's reminder. Returns how many tasks were scheduled.
    """
    settings, now = deps.settings, deps.now()
    count = 0
    async with deps.db.session() as session:
        await tasks.cancel(session, key_prefix=remind_prefix(order_id))
        await tasks.cancel(session, key_prefix=reconfirm_key(order_id))
        order = await session.get(Order, order_id)
        if order is None or order.status not in HELD or order.appointment_at is None:
            return 0
        at = order.appointment_at
        base = {
            "order_id": order_id,
            "volunteer_id": order.volunteer_id,
            "appointment_at": at.isoformat(),
        }
        reconfirm_at = reconfirm_time(settings.reconfirm_before, at, now)
        if reconfirm_at is not None:
            await tasks.enqueue(session, RECONFIRM, reconfirm_at, base, key=reconfirm_key(order_id))
            count += 1
        for offset in settings.reminder_offsets:
            due = at - offset
            if due <= now:
                continue
            secs = int(offset.total_seconds())
            await tasks.enqueue(
                session,
                REMIND,
                due,
                {**base, "who": REQUESTER},
                key=f"{remind_prefix(order_id)}{secs}:req",
            )
            count += 1
            if due != reconfirm_at:  # there, the reconfirmation is the volunteer's reminder
                await tasks.enqueue(
                    session,
                    REMIND,
                    due,
                    {**base, "who": VOLUNTEER},
                    key=f"{remind_prefix(order_id)}{secs}:vol",
                )
                count += 1
    return count


async def _load_current(deps: Deps, payload: dict[str, Any]) -> parties.Parties | None:
    """The order's parties if the task is still about its appointment, and that is ahead."""
    async with deps.db.session() as session:
        ps = await parties.load(session, payload["order_id"])
    if ps is None or not _current(ps.order, payload):
        return None
    return ps


def _details(deps: Deps, ps: parties.Parties, lang: str, now: datetime) -> dict[str, str]:
    """The appointment's particulars every reminder and the reconfirmation show."""
    order, at = ps.order, ps.order.appointment_at
    assert at is not None
    return {
        "code": order.code or "",
        "when": when(lang, at, deps.settings.tz),
        "left": span(lang, at - now),
        "summary": summary(order.text),
        "address": ps.address(lang),
        "contact": ps.contact(lang),
        "volunteer": ps.volunteer_name(lang),
    }


def reminder_key(task: Task) -> str:
    """The outbox key of a reminder: one per task row and due time (a moved appointment
    re-schedules the same row for another time, which is another reminder)."""
    return f"task:{task.id}:{int(task.due_at.timestamp())}"


async def remind(deps: Deps, task: Task) -> None:
    """Task ``remind``: tell the requester or the volunteer the appointment is near."""
    now = deps.now()
    ps = await _load_current(deps, task.payload)
    if ps is None or ps.order.appointment_at is None or ps.order.appointment_at <= now:
        return
    to_requester = task.payload.get("who") == REQUESTER
    person = ps.requester if to_requester else ps.volunteer_person
    if person is None:
        return
    key = "schedule.remind.requester" if to_requester else "schedule.remind.volunteer"
    await deliver(
        deps,
        person,
        Reply(t(person.language, key, **_details(deps, ps, person.language, now))),
        key=reminder_key(task),
        kind="reminder",
    )


def reconfirm_buttons(lang: str | None, order_id: int) -> tuple[tuple[Button, ...], ...]:
    return rows(
        Button(t(lang, "schedule.reconfirm.yes"), encode(YES_VERB, order_id)),
        Button(t(lang, "schedule.reconfirm.no"), encode(NO_VERB, order_id)),
        per_row=2,
    )


async def reconfirm(deps: Deps, task: Task) -> None:
    """Task ``reconfirm``: ask the volunteer 能按时到 / 去不了; start the answer's deadline."""
    p, now = task.payload, deps.now()
    ps = await _load_current(deps, p)
    if ps is None or ps.volunteer_person is None:
        return
    at = ps.order.appointment_at
    if at is None or at <= now:
        return
    async with deps.db.session() as session:
        # A short-notice ask leaves the admins the second half of the time to call round.
        deadline = min(now + deps.settings.reconfirm_timeout, now + (at - now) / 2)
        await tasks.enqueue(
            session,
            RECONFIRM_TIMEOUT,
            deadline,
            {**p, "asked_at": now.isoformat()},
            key=reconfirm_timeout_key(p["order_id"]),
        )
    person, lang = ps.volunteer_person, ps.volunteer_person.language
    text = t(lang, "schedule.reconfirm.ask", **_details(deps, ps, lang, now))
    await deliver(
        deps,
        person,
        Reply(text, buttons=reconfirm_buttons(lang, p["order_id"])),
        key=reminder_key(task),
        kind="reminder",
    )


async def reconfirm_timeout(deps: Deps, task: Task) -> None:
    """Task ``reconfirm_timeout``: the volunteer did not answer; the admins should call."""
    p = task.payload
    ps = await _load_current(deps, p)
    if ps is None:
        return
    order = ps.order
    asked = datetime.fromisoformat(p["asked_at"]) if p.get("asked_at") else task.created_at
    waited, now = deps.now() - asked, deps.now()

    def render(lang: str) -> Reply:
        return Reply(
            t(
                lang,
                "schedule.reconfirm.timeout_alert",
                waited=span(lang, waited),
                phone=ps.volunteer_phone(lang),
                **_details(deps, ps, lang, now),
            ),
            buttons=order_actions.admin_buttons(lang, order),
        )

    sent = await tell_admins(deps, render, order.station_id)
    log.info("order %s: volunteer did not reconfirm; %s admin(s) alerted", order.code, sent)


async def on_appointment_set(deps: Deps, *, order_id: int, **_: Any) -> None:
    await schedule(deps, order_id)


async def on_order_left(deps: Deps, *, order_id: int, **_: Any) -> None:
    """Released, cancelled, started or done: the appointment's reminders are moot."""
    await drop(deps, order_id)


def register(reg: Registry) -> None:
    reg.task(REMIND, remind)
    reg.task(RECONFIRM, reconfirm)
    reg.task(RECONFIRM_TIMEOUT, reconfirm_timeout)
    reg.listen("appointment_set", on_appointment_set)
    for event in ("order_released", "order_cancelled", "job_started", "job_done"):
        reg.listen(event, on_order_left)
