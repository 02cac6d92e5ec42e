"""Scheduled work through the real bot and the fake Bot API, with short timings:
a reminder arrives, a rating and comment are collected, and a restart delivers
what fell due while the bot was down."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlmodel import select

from bot import lifecycle
from bot.orders import create_order
from store import tasks
from store.models import (
    Feedback,
    Order,
    OrderStatus,
    Person,
    Task,
    TaskStatus,
    Volunteer,
    VolunteerStatus,
)
from tests.utils import tgrig
from tests.utils.fakebot import fixtures
from tests.utils.fakebot.driver import FakeUser
from tests.utils.tgrig import TgRig

# The Telegram ring's fixtures, used by name below.
fake_bot_api = fixtures.fake_bot_api
tg = tgrig.tg

H = timedelta(hours=1)


async def _person(tg: TgRig, user: FakeUser) -> Person:
    """The user says hello first (the bot may only write to people who did)."""
    await user.send("/start")
    await user.next_message()
    async with tg.db.session() as s:
        return (
            await s.exec(
                select(Person).where(
                    Person.platform == "telegram", Person.external_id == str(user.id)
                )
            )
        ).one()


async def _order(
    tg: TgRig, requester: Person, volunteer: Volunteer | None = None, **fields: object
) -> Order:
    async with tg.db.session() as s:
        return await create_order(
            s,
            requester_id=requester.id,
            text="洗衣机不脱水",
            now=tg.deps.now(),
            team_id=1,
            volunteer_id=volunteer.id if volunteer else None,
            address="海门街道1号",
            **fields,
        )


async def _volunteer(tg: TgRig, person: Person) -> Volunteer:
    async with tg.db.session() as s:
        v = Volunteer(
            person_id=person.id, name="张师傅", phone="13800000002", status=VolunteerStatus.ACTIVE
        )
        s.add(v)
        await s.flush()
    return v


@pytest.mark.settings(tick_interval="1s")
async def test_a_reminder_arrives_and_the_volunteer_reconfirms(tg: TgRig) -> None:
    requester, vol_user = tg.user(1001, "王师傅"), tg.user(2001, "张师傅")
    req, vperson = await _person(tg, requester), await _person(tg, vol_user)
    volunteer = await _volunteer(tg, vperson)
    at = tg.deps.now() + 30 * H
    order = await _order(
        tg,
        req,
        volunteer,
        status=OrderStatus.SCHEDULED,
        appointment_at=at,
        claimed_at=tg.deps.now(),
    )
    await lifecycle.emit(tg.deps, "appointment_set", order_id=order.id, appointment_at=at)
    await requester.expect_no_message(within=1.5)  # nothing is due for six hours

    tg.clock.advance(6 * H + timedelta(seconds=1))  # the 24-hour mark
    reminder = await requester.next_message()
    assert "服务提醒" in reminder.text and order.code in reminder.text
    assert "张师傅" in reminder.text
    ask = await vol_user.next_message()
    assert ask.buttons == [["能按时到", "去不了"]] and "海门街道1号" in ask.text

    await vol_user.press("能按时到", message=ask)
    edited = await vol_user.next_edit(ask)
    assert "已确认" in edited.text and edited.buttons == []
    told = await requester.next_message()
    assert "按时" in told.text
    async with tg.db.session() as s:
        deadline = (
            await s.exec(select(Task).where(Task.key == f"order:{order.id}:reconfirm:timeout"))
        ).one()
    assert deadline.status == TaskStatus.CANCELLED


@pytest.mark.settings(tick_interval="1s", feedback_delay="1s")
async def test_a_rating_and_comment_are_collected(tg: TgRig) -> None:
    requester, vol_user = tg.user(1001, "王师傅"), tg.user(2001, "张师傅")
    req, vperson = await _person(tg, requester), await _person(tg, vol_user)
    volunteer = await _volunteer(tg, vperson)
    order = await _order(tg, req, volunteer, status=OrderStatus.DONE, done_at=tg.deps.now())
    await lifecycle.emit(tg.deps, "job_done", order_id=order.id)

    ask = await requester.next_message()
    assert ask.buttons == [["★1", "★2", "★3", "★4", "★5"]] and order.code in ask.text
    await requester.press("★5", message=ask)
    prompt = await requester.next_edit(ask)
    assert "★★★★★" in prompt.text and prompt.buttons == [["跳过"]]
    await requester.send_sticker()
    assert "文字" in (await requester.next_message()).text
    await requester.send("师傅很耐心 <i>谢谢</i>")
    assert "已记录" in (await requester.next_message()).text
    assert (await requester.next_edit(prompt)).buttons == []  # Skip is gone

    await requester.press_data(f"feedback_rate:{order.id}:1", message=ask)  # a late second tap
    assert (await requester.last_callback_answer()).text == "已评价"
    async with tg.db.session() as s:
        fb = (await s.exec(select(Feedback).where(Feedback.order_id == order.id))).one()
        stored = await s.get(Order, order.id)
    assert (fb.rating, fb.comment) == (5, "师傅很耐心 <i>谢谢</i>")
    assert stored is not None and stored.status == OrderStatus.RATED


@pytest.mark.settings(tick_interval="1s", feedback_delay="1s")
@pytest.mark.parametrize("typed", ["跳过", "不用了"])
async def test_typing_skip_is_not_saved_as_the_comment(tg: TgRig, typed: str) -> None:
    requester, vol_user = tg.user(1001, "王师傅"), tg.user(2001, "张师傅")
    req, vperson = await _person(tg, requester), await _person(tg, vol_user)
    volunteer = await _volunteer(tg, vperson)
    order = await _order(tg, req, volunteer, status=OrderStatus.DONE, done_at=tg.deps.now())
    await lifecycle.emit(tg.deps, "job_done", order_id=order.id)
    ask = await requester.next_message()
    await requester.press("★4", message=ask)
    prompt = await requester.next_edit(ask)
    await requester.send(typed)
    assert "再次感谢您的评价" in (await requester.next_message()).text
    assert (await requester.next_edit(prompt)).buttons == []
    async with tg.db.session() as s:
        fb = (await s.exec(select(Feedback).where(Feedback.order_id == order.id))).one()
    assert (fb.rating, fb.comment) == (4, None)


@pytest.mark.settings(tick_interval="1s", feedback_delay="1s")
async def test_a_new_need_after_rating_starts_an_order_not_a_comment(tg: TgRig) -> None:
    requester, vol_user = tg.user(1001, "王师傅"), tg.user(2001, "张师傅")
    req, vperson = await _person(tg, requester), await _person(tg, vol_user)
    volunteer = await _volunteer(tg, vperson)
    order = await _order(tg, req, volunteer, status=OrderStatus.DONE, done_at=tg.deps.now())
    await lifecycle.emit(tg.deps, "job_done", order_id=order.id)
    ask = await requester.next_message()
    await requester.press("★5", message=ask)
    await requester.next_edit(ask)
    await requester.send("厨房的抽油烟机不转了，麻烦师傅看看")
    answer = await requester.next_message()
    assert "已记录" not in answer.text and "服务队" in answer.text  # routed as a new order
    async with tg.db.session() as s:
        fb = (await s.exec(select(Feedback).where(Feedback.order_id == order.id))).one()
    assert fb.comment is None


@pytest.mark.settings(tick_interval="1h")
async def test_a_restart_delivers_what_fell_due_while_down(tg: TgRig) -> None:
    """An hourly tick has just run; only the restart's first tick can deliver these."""
    requester = tg.user(1001, "王师傅")
    req = await _person(tg, requester)
    now = tg.deps.now()
    waiting = await _order(tg, req, status=OrderStatus.DONE, done_at=now - 5 * H)
    interrupted = await _order(tg, req, status=OrderStatus.DONE, done_at=now - 5 * H)
    async with tg.db.session() as s:
        # Fell due while the bot was down.
        await tasks.enqueue(
            s,
            "feedback_ask",
            now - 4 * H,
            {"order_id": waiting.id},
            key=f"order:{waiting.id}:feedback:ask",
        )
        # Claimed by a process that died before sending: its lease has run out.
        dead = await tasks.enqueue(
            s,
            "feedback_ask",
            now - 4 * H,
            {"order_id": interrupted.id},
            key=f"order:{interrupted.id}:feedback:ask",
        )
        dead.status, dead.leased_by = TaskStatus.RUNNING, "dead-host:1:abc"
        dead.lease_until, dead.attempts = now - H, 1
        s.add(dead)
    await requester.expect_no_message(within=1.0)

    await tg.restart()
    first, second = await requester.next_message(), await requester.next_message()
    assert sorted(
        o.code for o in (waiting, interrupted) for m in (first, second) if o.code in m.text
    ) == sorted([waiting.code, interrupted.code])
    assert first.buttons == [["★1", "★2", "★3", "★4", "★5"]]
    await requester.expect_no_message(within=0.5)  # each exactly once
    async with tg.db.session() as s:
        done = (await s.exec(select(Task).where(Task.kind == "feedback_ask"))).all()
    assert {t.status for t in done} == {TaskStatus.DONE}
    assert tg.deps.scheduler is not None and tg.deps.scheduler.running
