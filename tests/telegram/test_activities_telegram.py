"""Activities through the real python-telegram-bot stack and the fake Bot API.

An admin publishes with /newactivity (buttons and typed answers); the team's volunteers
get 报名参加 / 不方便; six race for two slots; one withdraws from /activities and the
first waitlisted is told; a resident opens the deep link and signs up; check-in.
"""

from __future__ import annotations

import asyncio
from datetime import timedelta

import pytest
from sqlmodel import col, select

from bot.lifecycle import emit
from store.models import Activity, ActivitySignup, JobMember, Order, Person, SignupStatus
from tests.utils import tgrig
from tests.utils import volunteers as f
from tests.utils.fakebot import fixtures
from tests.utils.fakebot.driver import FakeUser
from tests.utils.tgrig import TgRig

fake_bot_api = fixtures.fake_bot_api
tg = tgrig.tg


async def _volunteers(rig: TgRig, n: int) -> list[FakeUser]:
    users = []
    for i in range(n):
        uid = 3001 + i
        users.append(rig.user(uid, f"师傅{i}", started=True))
        await f.volunteer(rig.deps, uid, f"师傅{i}", teams=("health",))
    return users


async def _publish(rig: TgRig, admin: FakeUser, *, slots: int, residents: int) -> int:
    day = (rig.clock.now() + timedelta(days=3)).astimezone(rig.settings.tz)
    await admin.send("/newactivity")
    assert "活动名称" in (await admin.next_message()).text
    await admin.send("城东村健康义诊")
    teams = await admin.next_message()
    await admin.press("职工健康服务队", message=teams)
    stations = await admin.next_message()
    await admin.press("全部站点", message=stations)
    assert "活动时间" in (await admin.next_message()).text
    await admin.send(f"{day.month}月{day.day}日 9:00-11:30")
    place = await admin.next_message()
    assert place.buttons == [["线上"]]
    await admin.send("城东村文化礼堂")
    assert "志愿者" in (await admin.next_message()).text
    await admin.send(str(slots))
    assert "居民" in (await admin.next_message()).text
    await admin.send(str(residents))
    desc = await admin.next_message()
    await admin.press("跳过", message=desc)
    preview = await admin.next_message()
    assert "城东村健康义诊" in preview.text and "城东村文化礼堂" in preview.text
    await admin.press("发布", message=preview)
    assert "已发布" in (await admin.next_message()).text
    async with rig.deps.db.session() as s:
        return (await s.exec(select(Activity.id))).one()  # type: ignore[return-value]


async def test_publish_race_withdraw_and_deep_link(tg: TgRig) -> None:
    admin = tg.user(1, "管理员", started=True)
    masters = await _volunteers(tg, 6)
    aid = await _publish(tg, admin, slots=2, residents=1)
    offers = [await m.next_message() for m in masters]
    assert all(o.buttons == [["报名参加", "不方便"]] for o in offers)
    assert "志愿者 0/2" in offers[0].text
    # Six press at once; exactly two get a slot.
    await asyncio.gather(
        *(m.press("报名参加", message=o) for m, o in zip(masters, offers, strict=True))
    )
    answers = [(await m.last_callback_answer()).text for m in masters]
    assert answers.count("报名成功！") == 2
    assert answers.count("名额已满，已加入候补名单。") == 4
    async with tg.deps.db.session() as s:
        rows = (
            await s.exec(
                select(ActivitySignup)
                .where(col(ActivitySignup.activity_id) == aid)
                .order_by(col(ActivitySignup.queued_at), col(ActivitySignup.id))
            )
        ).all()
    joined = [r for r in rows if r.status == SignupStatus.JOINED]
    waiting = [r for r in rows if r.status == SignupStatus.WAITLISTED]
    assert len(joined) == 2 and len(waiting) == 4
    by_person = {}
    for m in masters:
        async with tg.deps.db.session() as s:
            p = (await s.exec(select(Person).where(col(Person.external_id) == str(m.id)))).one()
        by_person[p.id] = m
    leaver, first_waiting = by_person[joined[0].person_id], by_person[waiting[0].person_id]
    # The leaver withdraws from /activities.
    await leaver.send("/activities")
    head = await leaver.next_message()
    assert "近期活动" in head.text
    card = await leaver.next_message()
    assert "您已报名" in card.text and card.buttons == [["取消报名"]]
    await leaver.press("取消报名", message=card)
    assert (await leaver.last_callback_answer()).text == "已取消报名。"
    assert (await leaver.next_edit(card)).buttons == [["报名"]]
    promoted = await first_waiting.next_message()
    assert "候补转为" in promoted.text and "城东村健康义诊" in promoted.text
    # A resident opens the deep link and signs up.
    resident = tg.user(5001, "居民", started=True)
    await resident.send(f"/start activity-{aid}")
    card = await resident.next_message()
    assert "居民 0/1" in card.text and card.buttons == [["我要参加"]]
    await resident.press("我要参加", message=card)
    assert (await resident.last_callback_answer()).text == "报名成功！"
    assert "居民 1/1" in (await resident.next_edit(card)).text


async def test_free_text_about_an_activity_points_to_activities(tg: TgRig) -> None:
    resident = tg.user(5001, "居民", started=True)
    await resident.send("社区周六有义诊活动，我想报名参加")
    assert "/activities" in (await resident.next_message()).text


@pytest.mark.settings(offer_wave_size=6)
async def test_a_three_person_job_has_exactly_three_winners(tg: TgRig) -> None:
    masters = []
    for i in range(6):
        uid = 3101 + i
        masters.append(tg.user(uid, f"工匠{i}", started=True))
        await f.volunteer(tg.deps, uid, f"工匠{i}")
    tg.user(2001, "厂长", started=True)
    requester = await f.person(tg.deps, 2001, "厂长", phone="13812345678")
    oid = await f.order(tg.deps, requester, text="我们厂需要三位师傅一起来调试注塑生产线")
    await emit(tg.deps, "order_created", order_id=oid)  # as the ordering flow does
    offers = [await m.next_message() for m in masters]
    assert all("需 3 人 · 已认领 0/3" in o.text for o in offers)
    await asyncio.gather(
        *(m.press("认领", message=o) for m, o in zip(masters, offers, strict=True))
    )
    answers = [(await m.last_callback_answer()).text for m in masters]
    assert answers.count("认领成功！") == 3
    async with tg.deps.db.session() as s:
        order = (await s.exec(select(Order))).one()
        team = (await s.exec(select(JobMember))).all()
    assert order.team_claimed == 3 and len(team) == 3
