"""Scheduled work on the core ring: reminders, reconfirmation, ratings, stale claims,
the digest and star levels, driven by explicit ticks on a fixed clock."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from sqlmodel import col, select

from bot import dispatch, jobs, lifecycle
from bot.clock import FixedClock
from bot.deps import Deps
from bot.engine import Engine
from bot.events import Actor, Inbound, Kind
from bot.orders import create_order, transition
from bot.reply import MessageRef, Outcome, Reply
from bot.schedule import digest, stars
from scheduler import calendar
from scheduler.runner import SchedulerService, tick
from store import dialogs, tasks
from store.models import (
    Feedback,
    Order,
    OrderStatus,
    Person,
    Station,
    Task,
    TaskStatus,
    Volunteer,
    VolunteerStatus,
)
from tests.utils.env import T0
from tests.utils.notifier import RecordingNotifier

H = timedelta(hours=1)
REQUESTER = Actor("telegram", "1001", "王师傅")
VOLUNTEER = Actor("telegram", "2001", "张师傅")
STRANGER = Actor("telegram", "3001", "路人")
ADMIN_ID = "1"  # admin_ids=[1] in the test settings


@dataclass
class World:
    deps: Deps
    clock: FixedClock
    notifier: RecordingNotifier
    engine: Engine
    requester: Person
    volunteer: Volunteer
    volunteer_person: Person

    async def order(
        self,
        status: str = OrderStatus.CLAIMED,
        *,
        appointment: datetime | None = None,
        text: str = "注塑件毛边太多，想请师傅来看看",
        **fields: Any,
    ) -> Order:
        async with self.deps.db.session() as s:
            order = await create_order(
                s,
                requester_id=self.requester.id,
                text=text,
                now=self.clock.now(),
                team_id=1,
                status=status,
                volunteer_id=self.volunteer.id,
                claimed_at=self.clock.now(),
                appointment_at=appointment,
                address="椒江区工人路1号",
                contact_name="王师傅",
                contact_phone="13900000001",
                **fields,
            )
        return order

    async def tick(self, at: datetime) -> int:
        self.clock.set(at)
        total = 0
        while ran := await tick(self.deps, worker_id="test", now=at):
            total += ran
        return total

    async def press(self, actor: Actor, data: str, message: MessageRef | None = None) -> Outcome:
        inbound = Inbound(
            Kind.BUTTON,
            data=data,
            message=message or MessageRef("telegram", actor.external_id, "99"),
        )
        return await self.engine.handle(actor, inbound)

    async def say(self, actor: Actor, text: str) -> Outcome:
        return await self.engine.handle(actor, Inbound(Kind.TEXT, text=text))

    async def tasks_of(self, order_id: int) -> dict[str, Task]:
        async with self.deps.db.session() as s:
            rows = (
                await s.exec(select(Task).where(col(Task.key).startswith(f"order:{order_id}:")))
            ).all()
        return {t.key: t for t in rows if t.key}

    def to(self, actor: Actor | str) -> list[Reply]:
        ext = actor if isinstance(actor, str) else actor.external_id
        return self.notifier.to(ext)

    def texts(self, actor: Actor | str) -> list[str]:
        return [r.text for r in self.to(actor)]


@pytest.fixture
async def world(
    deps: Deps, clock: FixedClock, notifier: RecordingNotifier, engine: Engine
) -> World:
    async with deps.db.session() as s:
        admin = Person(platform="telegram", external_id=ADMIN_ID, display_name="管理员")
        requester = Person(platform="telegram", external_id="1001", display_name="王师傅")
        vperson = Person(platform="telegram", external_id="2001", display_name="张师傅")
        s.add_all([admin, requester, vperson])
        await s.flush()
        volunteer = Volunteer(
            person_id=vperson.id, name="张师傅", phone="13800000002", status=VolunteerStatus.ACTIVE
        )
        s.add(volunteer)
        await s.flush()
    return World(deps, clock, notifier, engine, requester, volunteer, vperson)


async def _set_appointment(w: World, order: Order, at: datetime) -> None:
    async with w.deps.db.session() as s:
        assert await transition(
            s,
            order.id,
            OrderStatus.SCHEDULED,
            w.clock.now(),
            expect=(OrderStatus.CLAIMED, OrderStatus.SCHEDULED),
            appointment_at=at,
        )
    await lifecycle.emit(w.deps, "appointment_set", order_id=order.id, appointment_at=at)
    w.notifier.clear()  # only what the scheduler sends later is under test


def _labels(reply: Reply) -> list[list[str]]:
    return [[b.label for b in row] for row in reply.buttons]


# --- appointment reminders ------------------------------------------------------------


async def test_reminders_are_scheduled_at_each_offset(world: World) -> None:
    at = T0 + 48 * H
    order = await world.order()
    await _set_appointment(world, order, at)
    due = {
        k: t.due_at
        for k, t in (await world.tasks_of(order.id)).items()
        if t.status == TaskStatus.PENDING
    }
    p = f"order:{order.id}:"
    assert due == {
        f"{p}reconfirm": at - 24 * H,
        f"{p}remind:86400:req": at - 24 * H,  # the volunteer's 24 h one is the reconfirmation
        f"{p}remind:3600:req": at - H,
        f"{p}remind:3600:vol": at - H,
    }


async def test_reminders_are_delivered_when_due(world: World) -> None:
    at = T0 + 48 * H
    order = await world.order()
    await _set_appointment(world, order, at)
    assert await world.tick(at - 24 * H - timedelta(seconds=1)) == 0
    assert world.notifier.sent == []

    await world.tick(at - 24 * H)
    (to_requester,) = world.texts(REQUESTER)
    assert order.code in to_requester and "24小时" in to_requester and "张师傅" in to_requester
    assert "13900000001" not in to_requester  # the requester is not told their own details
    (reconfirm,) = world.to(VOLUNTEER)
    assert _labels(reconfirm) == [["能按时到", "去不了"]]
    assert "椒江区工人路1号" in reconfirm.text and "13900000001" in reconfirm.text

    world.notifier.clear()
    await world.tick(at - H)
    (req,), (vol,) = world.texts(REQUESTER), world.texts(VOLUNTEER)
    assert "1小时" in req and "11月25日" in req and "10:00" in req  # Shanghai time
    assert "1小时" in vol and "13900000001" in vol


async def test_moving_the_appointment_moves_the_reminders(world: World) -> None:
    order = await world.order()
    await _set_appointment(world, order, T0 + 48 * H)
    moved = T0 + 72 * H
    await _set_appointment(world, order, moved)
    pending = {
        k: t.due_at
        for k, t in (await world.tasks_of(order.id)).items()
        if t.status == TaskStatus.PENDING
    }
    assert sorted(pending.values()) == sorted([moved - 24 * H] * 2 + [moved - H] * 2)
    await world.tick(T0 + 24 * H)  # the old 24 h mark: nothing
    await world.tick(T0 + 47 * H)  # the old 1 h mark: nothing
    assert world.notifier.sent == []
    await world.tick(moved - H)
    assert len(world.to(REQUESTER)) == 2 and any("1小时" in t for t in world.texts(REQUESTER))


async def test_a_close_appointment_skips_reminders_already_past(world: World) -> None:
    order = await world.order()
    await _set_appointment(world, order, T0 + 3 * H)
    pending = [
        t for t in (await world.tasks_of(order.id)).values() if t.status == TaskStatus.PENDING
    ]
    reminders = [t for t in pending if ":remind:" in t.key]
    assert sorted(t.key.rsplit(":", 2)[-2:] for t in reminders) == [
        ["3600", "req"],
        ["3600", "vol"],
    ]
    # Booked at short notice: the reconfirmation is asked 2 h before (issue 17.8), not skipped.
    (ask,) = [t for t in pending if t.key.endswith(":reconfirm")]
    assert ask.due_at == T0 + H


async def test_cancel_drops_the_reminders(world: World) -> None:
    order = await world.order()
    await _set_appointment(world, order, T0 + 48 * H)
    async with world.deps.db.session() as s:
        await transition(s, order.id, OrderStatus.CANCELLED, T0, expect=OrderStatus.SCHEDULED)
    await lifecycle.emit(
        world.deps, "order_cancelled", order_id=order.id, by=world.requester.id, reason="不需要了"
    )
    assert all(t.status == TaskStatus.CANCELLED for t in (await world.tasks_of(order.id)).values())
    world.notifier.clear()  # (whatever the cancellation itself told people)
    await world.tick(T0 + 100 * H)
    assert world.notifier.sent == []


async def test_release_drops_reminders_but_not_dispatch_tasks(world: World) -> None:
    order = await world.order()
    await _set_appointment(world, order, T0 + 48 * H)
    async with world.deps.db.session() as s:
        await tasks.enqueue(
            s, "offer_wave", T0 + H, {"order_id": order.id}, key=f"order:{order.id}:wave:2"
        )
    await lifecycle.emit(world.deps, "order_released", order_id=order.id, reason="busy")
    world.notifier.clear()
    mine = await world.tasks_of(order.id)
    assert mine.pop(f"order:{order.id}:wave:2").status == TaskStatus.PENDING
    assert mine and all(t.status == TaskStatus.CANCELLED for t in mine.values())


async def test_a_stale_reminder_sends_nothing(world: World) -> None:
    """A row that escaped cancellation (say, a running one) re-checks the order itself."""
    order = await world.order()
    await _set_appointment(world, order, T0 + 48 * H)
    async with world.deps.db.session() as s:  # released behind the scheduler's back
        await transition(
            s, order.id, OrderStatus.OFFERED, T0, expect=OrderStatus.SCHEDULED, volunteer_id=None
        )
    await world.tick(T0 + 47 * H)
    assert world.notifier.sent == []


async def test_the_job_flow_drives_the_schedule(world: World) -> None:
    """With the real job steps: an appointment schedules, starting drops, finishing asks."""
    order = await world.order()
    at = T0 + 48 * H
    assert await jobs.set_appointment(world.deps, order.id, world.volunteer.id, at)
    pending = [
        t for t in (await world.tasks_of(order.id)).values() if t.status == TaskStatus.PENDING
    ]
    assert len(pending) == 4
    world.clock.set(at - 2 * H)
    assert await jobs.start_service(world.deps, order.id, world.volunteer.id)
    assert not [
        t
        for t in (await world.tasks_of(order.id)).values()
        if t.status == TaskStatus.PENDING and ":remind:" in (t.key or "")
    ]
    world.clock.set(at)
    assert await jobs.finish_service(
        world.deps, order.id, world.volunteer.id, summary="修好了", photos=[]
    )
    world.notifier.clear()
    await world.tick(at + H)
    (ask,) = [r for r in world.to(REQUESTER) if r.buttons]
    assert _labels(ask) == [["★1", "★2", "★3", "★4", "★5"]]


# --- reconfirmation -------------------------------------------------------------------


async def _reconfirm_asked(world: World) -> tuple[Order, Reply]:
    order = await world.order()
    await _set_appointment(world, order, T0 + 48 * H)
    await world.tick(T0 + 24 * H)
    (ask,) = world.to(VOLUNTEER)
    world.notifier.clear()
    return order, ask


def _data(reply: Reply, label: str) -> str:
    (data,) = [b.data for row in reply.buttons for b in row if b.label == label]
    assert data is not None
    return data


async def test_unanswered_reconfirmation_alerts_the_admins(world: World) -> None:
    order, _ = await _reconfirm_asked(world)
    await world.tick(T0 + 30 * H - timedelta(seconds=1))
    assert world.texts(ADMIN_ID) == []
    await world.tick(T0 + 30 * H)  # reconfirm_timeout (6 h) later
    (alert,) = world.texts(ADMIN_ID)
    assert order.code in alert and "张师傅" in alert and "13800000002" in alert
    assert "6小时" in alert


async def test_can_make_it_stops_the_deadline_and_tells_the_requester(world: World) -> None:
    order, ask = await _reconfirm_asked(world)
    out = await world.press(VOLUNTEER, _data(ask, "能按时到"))
    (reply,) = out.replies
    assert reply.edit and "已确认" in reply.text and not reply.buttons
    (told,) = world.texts(REQUESTER)
    assert "按时" in told and order.code in told
    await world.press(VOLUNTEER, _data(ask, "能按时到"))  # a double tap tells nobody again
    assert len(world.texts(REQUESTER)) == 1
    await world.tick(T0 + 31 * H)
    assert world.texts(ADMIN_ID) == []


async def test_reconfirm_buttons_are_only_for_the_volunteer_holding_it(world: World) -> None:
    _, ask = await _reconfirm_asked(world)
    for actor in (STRANGER, REQUESTER):
        out = await world.press(actor, _data(ask, "能按时到"))
        assert out.toast == "已过期"
        out = await world.press(actor, _data(ask, "去不了"))
        assert out.toast == "已过期"
    out = await world.press(VOLUNTEER, "reconfirm_yes:notanumber")
    assert out.toast == "已过期"


async def test_cannot_make_it_releases_through_dispatch(world: World) -> None:
    order, ask = await _reconfirm_asked(world)
    out = await world.press(VOLUNTEER, _data(ask, "去不了"))
    await dispatch.settle(world.deps)
    (reply,) = out.replies
    assert reply.edit and order.code in reply.text and "释放" in reply.text
    async with world.deps.db.session() as s:
        released = await s.get(Order, order.id)
    assert released.volunteer_id is None and released.status in OrderStatus.OPEN
    assert any("去不了" in t and order.code in t for t in world.texts(ADMIN_ID))  # the reason
    left = await world.tasks_of(order.id)
    assert not [
        k
        for k, t in left.items()
        if t.status == TaskStatus.PENDING and (":remind:" in k or ":reconfirm" in k)
    ]
    out = await world.press(VOLUNTEER, _data(ask, "去不了"))  # the order is no longer theirs
    assert out.toast == "已过期"
    world.notifier.clear()
    await world.tick(T0 + 47 * H)
    await dispatch.settle(world.deps)
    assert not [t for t in world.texts(REQUESTER) + world.texts(VOLUNTEER) if "服务提醒" in t]
    assert not [t for t in world.texts(ADMIN_ID) if "预约未确认" in t]  # no deadline alert


# --- feedback -------------------------------------------------------------------------


async def _done(world: World, **fields: Any) -> Order:
    order = await world.order(OrderStatus.DONE, done_at=T0, **fields)
    await lifecycle.emit(world.deps, "job_done", order_id=order.id)
    world.notifier.clear()  # only what the scheduler sends later is under test
    return order


async def _asked(world: World, **fields: Any) -> tuple[Order, Reply]:
    order = await _done(world, **fields)
    await world.tick(T0 + H)
    (ask,) = world.to(REQUESTER)
    return order, ask


async def test_rating_and_comment_are_stored(world: World) -> None:
    order = await _done(world)
    await world.tick(T0 + H - timedelta(seconds=1))
    assert world.to(REQUESTER) == []
    await world.tick(T0 + H)  # feedback_delay after the job was done
    (ask,) = world.to(REQUESTER)
    assert _labels(ask) == [["★1", "★2", "★3", "★4", "★5"]] and order.code in ask.text

    world.clock.set(T0 + 2 * H)
    out = await world.press(REQUESTER, _data(ask, "★4"))
    (reply,) = out.replies
    assert reply.edit and "★★★★☆" in reply.text
    assert [[b.label for b in row] for row in reply.buttons] == [["跳过"]]
    out = await world.say(REQUESTER, "师傅很专业，<b>准时</b>到达")
    assert "已记录" in out.replies[0].text
    async with world.deps.db.session() as s:
        fb = (await s.exec(select(Feedback).where(Feedback.order_id == order.id))).one()
        stored = await s.get(Order, order.id)
        state = await dialogs.dialog_of(s, person_id=world.requester.id)
    assert (fb.rating, fb.comment, fb.volunteer_id) == (
        4,
        "师傅很专业，<b>准时</b>到达",
        world.volunteer.id,
    )
    assert stored.status == OrderStatus.RATED and stored.rated_at == T0 + 2 * H
    assert state is None
    assert world.texts(ADMIN_ID) == []  # a good rating alerts nobody
    # The Skip button is taken off the prompt (which sat on message 99).
    assert [ref.message_id for ref, _ in world.notifier.edits] == ["99"]


async def test_a_second_rating_changes_nothing(world: World) -> None:
    order, ask = await _asked(world)
    await world.press(REQUESTER, _data(ask, "★5"))
    await world.press(REQUESTER, f"feedback_skip_comment:{order.id}")
    out = await world.press(REQUESTER, _data(ask, "★1"))
    assert out.toast == "已评价" and out.replies == []
    async with world.deps.db.session() as s:
        fbs = (await s.exec(select(Feedback).where(Feedback.order_id == order.id))).all()
    assert [f.rating for f in fbs] == [5]
    assert world.texts(ADMIN_ID) == []


async def test_only_the_requester_can_rate(world: World) -> None:
    order, ask = await _asked(world)
    for actor in (STRANGER, VOLUNTEER):
        out = await world.press(actor, _data(ask, "★5"))
        assert out.toast == "已过期"
    for forged in (
        f"feedback_rate:{order.id}:9",
        f"feedback_rate:{order.id}",
        "feedback_rate:999999:5",
        f"feedback_rate:{order.id}:x",
    ):
        out = await world.press(REQUESTER, forged)
        assert out.toast == "已过期", forged
    async with world.deps.db.session() as s:
        assert (await s.exec(select(Feedback))).all() == []
        assert (await s.get(Order, order.id)).status == OrderStatus.DONE


async def test_low_rating_alerts_the_admins_with_the_comment(world: World) -> None:
    order, ask = await _asked(world)
    await world.press(REQUESTER, _data(ask, "★2"))
    (alert,) = world.texts(ADMIN_ID)
    assert order.code in alert and "★★☆☆☆" in alert and "张师傅" in alert
    assert "技术攻关" in alert  # the team
    await world.say(REQUESTER, "迟到两个小时")
    assert "迟到两个小时" in world.texts(ADMIN_ID)[-1]


async def test_nudge_once_if_not_rated(world: World) -> None:
    order, _ = await _asked(world)
    await world.tick(T0 + 25 * H - timedelta(seconds=1))
    assert len(world.to(REQUESTER)) == 1
    await world.tick(T0 + 25 * H)  # feedback_nudge_after (24 h) after the request
    nudge = world.to(REQUESTER)[-1]
    assert len(world.to(REQUESTER)) == 2 and "还没收到" in nudge.text
    assert _labels(nudge) == [["★1", "★2", "★3", "★4", "★5"]]
    await world.tick(T0 + 500 * H)
    assert len(world.to(REQUESTER)) == 2
    await world.press(REQUESTER, _data(nudge, "★3"))  # the nudge's stars work too
    async with world.deps.db.session() as s:
        assert (await s.get(Order, order.id)).status == OrderStatus.RATED


async def test_no_nudge_after_a_rating(world: World) -> None:
    _, ask = await _asked(world)
    await world.press(REQUESTER, _data(ask, "★5"))
    await world.tick(T0 + 100 * H)
    assert len(world.to(REQUESTER)) == 1


async def test_no_request_for_a_cancelled_order(world: World) -> None:
    order = await _done(world)
    async with world.deps.db.session() as s:
        await transition(s, order.id, OrderStatus.CANCELLED, T0, expect=OrderStatus.DONE)
    await lifecycle.emit(world.deps, "order_cancelled", order_id=order.id, by=1, reason="x")
    await world.tick(T0 + 100 * H)
    assert world.to(REQUESTER) == []


async def test_the_comment_step_handles_odd_input(world: World) -> None:
    order, ask = await _asked(world)
    await world.press(REQUESTER, _data(ask, "★4"))
    out = await world.engine.handle(REQUESTER, Inbound(Kind.UNSUPPORTED, media="sticker"))
    assert "文字" in out.replies[0].text and _labels(out.replies[0]) == [["跳过"]]
    out = await world.say(REQUESTER, "   ")
    assert "文字" in out.replies[0].text
    out = await world.say(REQUESTER, "好" * 501)
    assert "501" in out.replies[0].text and "500" in out.replies[0].text
    out = await world.press(REQUESTER, f"feedback_skip_comment:{order.id}")
    assert out.replies[0].edit and "感谢" in out.replies[0].text
    out = await world.press(REQUESTER, f"feedback_skip_comment:{order.id}")  # nothing left to skip
    assert out.toast == "已过期"
    async with world.deps.db.session() as s:
        fb = (await s.exec(select(Feedback).where(Feedback.order_id == order.id))).one()
        assert (
            fb.comment is None and await dialogs.dialog_of(s, person_id=world.requester.id) is None
        )


async def test_cancel_ends_the_comment_step(world: World) -> None:
    _, ask = await _asked(world)
    await world.press(REQUESTER, _data(ask, "★4"))
    out = await world.engine.handle(
        REQUESTER, Inbound(Kind.COMMAND, text="/cancel", command="cancel")
    )
    assert "感谢" in out.replies[0].text
    async with world.deps.db.session() as s:
        assert await dialogs.dialog_of(s, person_id=world.requester.id) is None


async def test_text_long_after_the_prompt_is_not_a_comment(world: World) -> None:
    order, ask = await _asked(world)
    await world.press(REQUESTER, _data(ask, "★4"))
    world.clock.set(T0 + 5 * H)
    out = await world.say(REQUESTER, "空调不制冷了，能派人来修吗")
    assert all("已记录" not in r.text for r in out.replies)
    async with world.deps.db.session() as s:
        fb = (await s.exec(select(Feedback).where(Feedback.order_id == order.id))).one()
        state = await dialogs.dialog_of(s, person_id=world.requester.id)
    assert fb.comment is None
    assert state is None or state.flow != "feedback"


async def test_rating_does_not_hijack_another_dialog(world: World) -> None:
    _, ask = await _asked(world)
    async with world.deps.db.session() as s:
        await dialogs.save_dialog(
            s, person_id=world.requester.id, flow="somebody_elses_flow", step="step", data={"x": 1}
        )
    out = await world.press(REQUESTER, _data(ask, "★5"))
    assert out.replies[0].buttons == ()
    async with world.deps.db.session() as s:
        state = await dialogs.dialog_of(s, person_id=world.requester.id)
    assert state is not None and state.flow == "somebody_elses_flow"


# --- stale claims ---------------------------------------------------------------------


async def test_stale_claim_nudges_then_alerts(world: World) -> None:
    order = await world.order()
    await lifecycle.emit(
        world.deps, "order_claimed", order_id=order.id, volunteer_id=world.volunteer.id
    )
    world.notifier.clear()
    await world.tick(T0 + 48 * H - timedelta(seconds=1))
    assert world.notifier.sent == []
    await world.tick(T0 + 48 * H)
    (nudge,) = world.texts(VOLUNTEER)
    assert order.code in nudge and "2天" in nudge
    assert world.texts(ADMIN_ID) == []
    await world.tick(T0 + 72 * H)
    (alert,) = world.texts(ADMIN_ID)
    assert order.code in alert and "张师傅" in alert and "3天" in alert


async def test_a_job_handed_back_unresolved_can_go_stale(world: World) -> None:
    order = await world.order(OrderStatus.CLAIMED)
    await lifecycle.emit(world.deps, "order_confirmed", order_id=order.id, resolved=False)
    world.notifier.clear()
    await world.tick(T0 + 48 * H)
    (nudge,) = world.texts(VOLUNTEER)
    assert order.code in nudge


async def test_an_appointment_clears_a_stale_claim(world: World) -> None:
    order = await world.order()
    await lifecycle.emit(
        world.deps, "order_claimed", order_id=order.id, volunteer_id=world.volunteer.id
    )
    world.notifier.clear()
    world.clock.set(T0 + 10 * H)
    await _set_appointment(world, order, T0 + 200 * H)
    await world.tick(T0 + 100 * H)
    assert world.notifier.sent == []


async def test_stale_alert_is_skipped_if_the_volunteer_acted_after_the_nudge(
    world: World,
) -> None:
    order = await world.order()
    await lifecycle.emit(
        world.deps, "order_claimed", order_id=order.id, volunteer_id=world.volunteer.id
    )
    world.notifier.clear()
    await world.tick(T0 + 48 * H)
    async with world.deps.db.session() as s:  # set without the event: the row re-checks
        await transition(
            s,
            order.id,
            OrderStatus.SCHEDULED,
            T0 + 50 * H,
            expect=OrderStatus.CLAIMED,
            appointment_at=T0 + 80 * H,
        )
    await world.tick(T0 + 72 * H)
    assert world.texts(ADMIN_ID) == []


# --- digest ---------------------------------------------------------------------------


async def test_digest_lists_what_needs_attention(world: World) -> None:
    w = world
    old = T0 - 72 * H
    async with w.deps.db.session() as s:
        expired = await create_order(
            s,
            requester_id=w.requester.id,
            text="没人接的单",
            now=old,
            team_id=1,
            status=OrderStatus.EXPIRED,
        )
        await create_order(s, requester_id=w.requester.id, text="新单", now=T0 - H, team_id=2)
        overdue = await create_order(
            s,
            requester_id=w.requester.id,
            text="过期预约",
            now=old,
            team_id=1,
            status=OrderStatus.SCHEDULED,
            volunteer_id=w.volunteer.id,
            appointment_at=T0 - 5 * H,
        )
        rated = await create_order(
            s,
            requester_id=w.requester.id,
            text="差评单",
            now=old,
            team_id=1,
            status=OrderStatus.RATED,
            volunteer_id=w.volunteer.id,
        )
        s.add(
            Feedback(
                order_id=rated.id,
                requester_id=w.requester.id,
                volunteer_id=w.volunteer.id,
                rating=1,
                comment="态度<差>",
                created_at=T0 - 2 * H,
            )
        )
        old_rated = await create_order(
            s, requester_id=w.requester.id, text="旧差评", now=old, status=OrderStatus.RATED
        )
        s.add(
            Feedback(
                order_id=old_rated.id, requester_id=w.requester.id, rating=1, created_at=T0 - 30 * H
            )
        )
    assert await digest.send_digest(w.deps, T0) == 1
    (text,) = w.texts(ADMIN_ID)
    assert "11月23日（周一）" in text
    assert "新订单（近24小时）：1" in text
    assert "待认领：2（其中无人认领、需人工处理 1）" in text
    assert expired.code in text and "3天" in text
    assert "预约时间已过仍未开始服务：1" in text and overdue.code in text
    assert "低分评价（近24小时）：1" in text and rated.code in text
    assert "态度&lt;差&gt;" in text and old_rated.code not in text


async def test_a_station_admin_gets_only_their_stations(world: World) -> None:
    w = world
    async with w.deps.db.session() as s:
        county = Station(code="jj", name="椒江区", level="county")
        other = Station(code="lh", name="临海市", level="county")
        s.add_all([county, other])
        await s.flush()
        town = Station(code="jj-hc", name="海门街道", level="town", parent_id=county.id)
        s.add(town)
        await s.flush()
        s.add(
            Person(
                platform="telegram",
                external_id="4001",
                display_name="站长",
                roles=["admin"],
                admin_station_id=county.id,
            )
        )
        mine = await create_order(
            s,
            requester_id=w.requester.id,
            text="本站",
            now=T0 - H,
            station_id=town.id,
            status=OrderStatus.EXPIRED,
        )
        theirs = await create_order(
            s,
            requester_id=w.requester.id,
            text="外站",
            now=T0 - H,
            station_id=other.id,
            status=OrderStatus.EXPIRED,
        )
    assert await digest.send_digest(w.deps, T0) == 2
    (scoped,) = w.texts("4001")
    (everything,) = w.texts(ADMIN_ID)
    assert mine.code in scoped and theirs.code not in scoped
    assert mine.code in everything and theirs.code in everything


async def test_digest_runs_daily_from_the_tasks_table(world: World) -> None:
    """Start-up schedules the next digest; each digest schedules the next day's."""
    w = world
    await calendar.ensure_next(w.deps, T0)  # T0 is 10:00, past today's 09:00
    tomorrow = datetime(2026, 11, 24, 1, 0, tzinfo=UTC)  # 09:00 in Shanghai
    await w.tick(tomorrow - timedelta(seconds=1))
    assert w.texts(ADMIN_ID) == []
    await w.tick(tomorrow + 3 * H)  # the bot was down at 09:00: sent when it is back
    (text,) = w.texts(ADMIN_ID)
    assert "11月24日" in text and "今天没有需要处理的事项" in text
    async with w.deps.db.session() as s:
        keys = {t.key: t.status for t in (await s.exec(select(Task))).all()}
    assert keys["digest:2026-11-24"] == TaskStatus.DONE
    assert keys["digest:2026-11-25"] == TaskStatus.PENDING
    assert keys["stars:2026-12"] == TaskStatus.PENDING
    await calendar.ensure_next(w.deps, tomorrow + 3 * H)  # a restart changes nothing
    await w.tick(tomorrow + 4 * H)
    assert len(w.texts(ADMIN_ID)) == 1


# --- star levels ----------------------------------------------------------------------


async def _volunteer(
    world: World, ext: str, minutes: int, level: int = 0, status: str = VolunteerStatus.ACTIVE
) -> Volunteer:
    async with world.deps.db.session() as s:
        p = Person(platform="telegram", external_id=ext, display_name=f"师傅{ext}")
        s.add(p)
        await s.flush()
        v = Volunteer(
            person_id=p.id,
            name=f"师傅{ext}",
            service_minutes=minutes,
            star_level=level,
            status=status,
        )
        s.add(v)
        await s.flush()
    return v


async def test_star_levels_follow_cumulative_hours(world: World) -> None:
    w = world
    riser = await _volunteer(w, "5001", 55 * 60, level=1)  # 55 h: two stars
    steady = await _volunteer(w, "5002", 25 * 60, level=1)  # 25 h: still one
    newcomer = await _volunteer(w, "5003", 19 * 60 + 59)  # just under 20 h
    top = await _volunteer(w, "5004", 1000 * 60, level=3)
    paused = await _volunteer(w, "5005", 120 * 60, status=VolunteerStatus.SUSPENDED)
    changes = await stars.review(w.deps)
    levels = {c.volunteer_id: (c.before, c.after) for c in changes}
    assert levels == {riser.id: (1, 2), top.id: (3, 5), paused.id: (0, 3)}
    assert steady.id not in levels and newcomer.id not in levels
    (msg,) = w.texts("5001")
    assert "★★" in msg and "55小时" in msg
    assert len(w.texts("5004")) == 1 and w.texts("5005") == []  # suspended: stored, not told
    async with w.deps.db.session() as s:
        assert (await s.get(Volunteer, top.id)).star_level == 5
    w.notifier.clear()
    assert await stars.review(w.deps) == []  # a repeated run changes and says nothing
    assert w.notifier.sent == []


async def test_star_review_runs_monthly_from_the_tasks_table(world: World) -> None:
    w = world
    await _volunteer(w, "5001", 21 * 60)
    await calendar.ensure_next(w.deps, T0)
    first = datetime(2026, 12, 1, 1, 0, tzinfo=UTC)  # 1 December, 09:00 in Shanghai
    await w.tick(first)
    assert len(w.texts("5001")) == 1 and "★" in w.texts("5001")[0]
    async with w.deps.db.session() as s:
        keys = {t.key: t.status for t in (await s.exec(select(Task))).all()}
    assert keys["stars:2026-12"] == TaskStatus.DONE
    assert keys["stars:2027-01"] == TaskStatus.PENDING


def test_calendar_slots_in_local_time(deps: Deps) -> None:
    s = deps.settings
    nine = datetime(2026, 11, 23, 1, 0, tzinfo=UTC)
    assert calendar.digest_slot(s, nine - timedelta(seconds=1)) == nine
    assert calendar.digest_slot(s, nine) == nine
    assert calendar.digest_slot(s, nine + timedelta(seconds=1)) == nine + 24 * H
    assert calendar.digest_slot(s, nine + H, today=True) == nine
    assert calendar.star_slot(s, datetime(2026, 12, 15, tzinfo=UTC)) == datetime(
        2027, 1, 1, 1, 0, tzinfo=UTC
    )
    assert calendar.star_key(s, datetime(2026, 12, 31, 17, 0, tzinfo=UTC)) == "stars:2027-01"


# --- the tick itself ------------------------------------------------------------------


async def test_a_task_due_while_the_bot_was_down_runs_at_the_next_tick(world: World) -> None:
    order = await world.order(OrderStatus.DONE, done_at=T0 - 72 * H)
    async with world.deps.db.session() as s:
        await tasks.enqueue(
            s,
            "feedback_ask",
            T0 - 71 * H,
            {"order_id": order.id},
            key=f"order:{order.id}:feedback:ask",
        )
    assert await world.tick(T0) == 1
    assert len(world.to(REQUESTER)) == 1
    metrics = world.deps.metrics.registry
    assert metrics.get_sample_value("jiangxin_scheduler_task_lag_seconds_sum") == 71 * 3600


async def test_a_failing_handler_is_retried_with_backoff_then_failed(world: World) -> None:
    runs: list[datetime] = []

    async def explode(deps: Deps, task: Task) -> None:
        runs.append(deps.now())
        raise RuntimeError("database on fire")

    world.deps.bus.task("explode", explode)
    async with world.deps.db.session() as s:
        await tasks.enqueue(s, "explode", T0, key="boom")
    now = T0
    for attempt in range(1, tasks.MAX_ATTEMPTS + 1):
        assert await world.tick(now) == 1
        assert await world.tick(now + tasks.backoff(attempt) - timedelta(seconds=1)) == 0
        now += tasks.backoff(attempt)
    assert len(runs) == tasks.MAX_ATTEMPTS
    async with world.deps.db.session() as s:
        task = (await s.exec(select(Task).where(Task.key == "boom"))).one()
    assert task.status == TaskStatus.FAILED and "database on fire" in (task.last_error or "")
    assert await world.tick(now + 100 * H) == 0


async def test_an_unknown_kind_fails_clearly(world: World) -> None:
    async with world.deps.db.session() as s:
        await tasks.enqueue(s, "no_such_kind", T0, key="mystery")
    await world.tick(T0)
    async with world.deps.db.session() as s:
        task = (await s.exec(select(Task).where(Task.key == "mystery"))).one()
    assert task.status == TaskStatus.FAILED and "no_such_kind" in (task.last_error or "")
    assert task.attempts == 1


async def _task(world: World, key: str) -> Task:
    async with world.deps.db.session() as s:
        return (await s.exec(select(Task).where(Task.key == key))).one()


async def test_a_long_task_runs_beside_the_tick(world: World) -> None:
    """The nightly retrain takes seconds: a reminder due at the same moment does not wait."""
    started, release, quick = asyncio.Event(), asyncio.Event(), asyncio.Event()

    async def slow(deps: Deps, task: Task) -> None:
        started.set()
        await release.wait()

    async def probe(deps: Deps, task: Task) -> None:
        quick.set()

    world.deps.bus.task("slow", slow, long=True)
    world.deps.bus.task("probe", probe)
    world.deps.settings = world.deps.settings.model_copy(update={"tick_interval": 3600 * H})
    async with world.deps.db.session() as s:
        await tasks.enqueue(s, "slow", T0 - 2 * H, key="retrain")  # leased first
        await tasks.enqueue(s, "probe", T0 - H, key="reminder")
    service = SchedulerService(world.deps, worker_id="svc")
    await service.start()
    try:
        await asyncio.wait_for(started.wait(), 5)
        await asyncio.wait_for(quick.wait(), 5)  # while the long one still runs
        assert (await _task(world, "reminder")).status == TaskStatus.DONE
        assert (await _task(world, "retrain")).status == TaskStatus.RUNNING
        release.set()
        for _ in range(100):
            if (await _task(world, "retrain")).status == TaskStatus.DONE:
                break
            await asyncio.sleep(0.05)
        assert (await _task(world, "retrain")).status == TaskStatus.DONE
    finally:
        await service.stop()


async def test_a_tick_run_directly_waits_for_a_long_task(world: World) -> None:
    """Without a service to run it beside (tools, tests), a long task runs in the tick."""
    done: list[str] = []

    async def slow(deps: Deps, task: Task) -> None:
        await asyncio.sleep(0.05)
        done.append(task.key or "")

    world.deps.bus.task("slow", slow, long=True)
    async with world.deps.db.session() as s:
        await tasks.enqueue(s, "slow", T0, key="inline")
    assert await world.tick(T0) == 1
    assert done == ["inline"]


async def test_stopping_hands_back_a_long_task_still_running(
    world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    import scheduler.runner as runner

    monkeypatch.setattr(runner, "STOP_GRACE", 0.2)
    started, cancelled = asyncio.Event(), asyncio.Event()

    async def endless(deps: Deps, task: Task) -> None:
        started.set()
        try:
            await asyncio.sleep(3600)
        except asyncio.CancelledError:
            cancelled.set()
            raise

    world.deps.bus.task("endless", endless, long=True)
    world.deps.settings = world.deps.settings.model_copy(update={"tick_interval": 3600 * H})
    async with world.deps.db.session() as s:
        await tasks.enqueue(s, "endless", T0 - H, key="cut-short")
    service = SchedulerService(world.deps, worker_id="svc")
    await service.start()
    await asyncio.wait_for(started.wait(), 5)
    await asyncio.wait_for(service.stop(), 5)
    assert cancelled.is_set()
    task = await _task(world, "cut-short")
    assert (task.status, task.leased_by, task.attempts) == (TaskStatus.PENDING, None, 0)


async def test_the_service_ticks_at_start_and_when_kicked(world: World) -> None:
    """Overdue work runs right after start-up; kick() runs new work without waiting."""
    runs: list[str] = []
    ran = asyncio.Event()

    async def probe(deps: Deps, task: Task) -> None:
        runs.append(task.key or "")
        ran.set()

    world.deps.bus.task("probe", probe)
    world.deps.settings = world.deps.settings.model_copy(update={"tick_interval": 3600 * H})
    async with world.deps.db.session() as s:
        await tasks.enqueue(s, "probe", T0 - 24 * H, key="overdue")
    service = SchedulerService(world.deps, worker_id="svc")
    await service.start()
    try:
        assert service.running
        await asyncio.wait_for(ran.wait(), 5)
        assert runs == ["overdue"]
        ran.clear()
        async with world.deps.db.session() as s:
            await tasks.enqueue(s, "probe", T0, key="fresh")
        service.kick()
        await asyncio.wait_for(ran.wait(), 5)
        assert runs == ["overdue", "fresh"]
    finally:
        await service.stop()
    assert not service.running
    async with world.deps.db.session() as s:
        keys = {t.key for t in (await s.exec(select(Task))).all()}
    assert {"digest:2026-11-24", "stars:2026-12"} <= keys  # start-up made sure of them
