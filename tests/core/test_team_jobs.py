"""Team jobs (组队式服务) on the core ring (SQLite and PostgreSQL): "需要三位师傅" makes a
3-person job, six volunteers race and exactly three win, the first is the lead, every
member gets the job card, the requester hears who is coming, and the lead's 完成服务
credits every member's hours. Admins set 需要人数 from /order."""

from __future__ import annotations

import asyncio
from datetime import timedelta

import pytest
from sqlmodel import col, select

from bot import dispatch, jobs
from bot.clock import FixedClock
from bot.deps import Deps
from bot.engine import Engine
from bot.lifecycle import emit
from bot.team_jobs import size_from_text
from store.models import HoursEntry, JobMember, Order, OrderStatus, Person, Task, Volunteer
from tests.utils import volunteers as f
from tests.utils.admin import Admin, get
from tests.utils.engine import buttons, press
from tests.utils.notifier import Crash, CrashingNotifier, RecordingNotifier

PHONE = "13812345678"


@pytest.fixture
def notifier() -> CrashingNotifier:
    return CrashingNotifier()


def test_the_size_is_read_from_the_requesters_words() -> None:
    assert size_from_text("我们厂需要三位师傅一起来调试整条生产线") == 3
    assert size_from_text("需要2名志愿者帮忙搬运") == 2
    assert size_from_text("要两位师傅") == 2
    assert size_from_text("空调不制冷，请师傅来看看") is None
    assert size_from_text("需要一位师傅") is None  # one is an ordinary job


async def _team_job(deps: Deps, n_volunteers: int) -> tuple[int, list[Person], Person]:
    vols = [
        await f.volunteer(deps, 3001 + i, f"师傅{i}", max_open_jobs=3) for i in range(n_volunteers)
    ]
    requester = await f.person(deps, 2001, "厂长", phone=PHONE)
    oid = await f.order(
        deps,
        requester,
        text="我们厂需要三位师傅一起来调试整条生产线",
        contact_phone=PHONE,
        address="机电园区8号",
    )
    await emit(deps, "order_created", order_id=oid)
    await dispatch.settle(deps)
    async with deps.db.session() as s:
        people = [await s.get(Person, v.person_id) for v in vols]
    return oid, people, requester  # type: ignore[return-value]


@pytest.mark.settings(offer_wave_size=6)
async def test_three_of_six_win_a_three_person_job(
    deps: Deps, engine: Engine, notifier: RecordingNotifier, clock: FixedClock
) -> None:
    oid, people, requester = await _team_job(deps, 6)
    offers = [notifier.to(p.external_id)[0] for p in people]
    assert all("需 3 人 · 已认领 0/3" in o.text for o in offers)
    notifier.clear()
    outcomes = await asyncio.gather(*(press(engine, f.actor(p), f"jclaim:{oid}") for p in people))
    winners = [p for p, o in zip(people, outcomes, strict=True) if o.toast == "认领成功！"]
    assert len(winners) == 3
    order = await get(deps, Order, oid)
    assert (order.team_size, order.team_claimed, order.status) == (3, 3, OrderStatus.CLAIMED)
    async with deps.db.session() as s:
        team = (await s.exec(select(JobMember).order_by(col(JobMember.created_at)))).all()
        lead_vol = await s.get(Volunteer, order.volunteer_id)
    assert len(team) == 3 and [m.lead for m in team].count(True) == 1
    lead = next(m for m in team if m.lead)
    assert lead.volunteer_id == order.volunteer_id
    # Every member has the job card with the requester's contact; only the lead schedules.
    for p in winners:
        card = next(r for r in notifier.to(p.external_id) if "认领成功" in r.text)
        assert PHONE in card.text and "机电园区8号" in card.text and "负责人" in card.text
        is_lead = p.id == lead_vol.person_id  # type: ignore[union-attr]
        assert ("约定时间" in buttons(card)) is is_lead
    told = [t for t in notifier.texts_to(requester.external_id) if "加入服务团队" in t]
    assert sorted(t.split("（")[1][:3] for t in told) == ["1/3", "2/3", "3/3"]
    # The lead sets the time: the members hear it and get their own reminders.
    notifier.clear()
    at = clock.now() + timedelta(days=2)
    assert await jobs.set_appointment(deps, oid, order.volunteer_id, at)  # type: ignore[arg-type]
    members = [p for p in winners if p.id != lead_vol.person_id]  # type: ignore[union-attr]
    for p in members:
        assert "已约定服务时间" in notifier.texts_to(p.external_id)[0]
    async with deps.db.session() as s:
        due = (
            await s.exec(
                select(Task).where(col(Task.kind) == "team_remind").order_by(col(Task.due_at))
            )
        ).all()
    assert [d.due_at for d in due] == [at - timedelta(hours=24), at - timedelta(hours=1)]
    notifier.clear()
    clock.set(due[1].due_at)
    await deps.bus.tasks["team_remind"](deps, due[1])
    assert sorted(s.external_id for s in notifier.sent) == sorted(p.external_id for p in members)
    clock.set(at)
    # The lead starts and finishes: every member is credited the same hours.
    lead_person = next(p for p in winners if p.id == lead_vol.person_id)  # type: ignore[union-attr]
    assert await jobs.start_service(deps, oid, order.volunteer_id)  # type: ignore[arg-type]
    clock.advance(timedelta(hours=2))
    assert await jobs.finish_service(deps, oid, order.volunteer_id, summary="已调试", photos=[])  # type: ignore[arg-type]
    for p in winners:
        v = await _volunteer_of(deps, p)
        assert v.service_minutes == 120, p.display_name
    losers = [p for p in people if p not in winners]
    for p in losers:
        assert (await _volunteer_of(deps, p)).service_minutes == 0
    async with deps.db.session() as s:
        entries = (await s.exec(select(HoursEntry).where(col(HoursEntry.order_id) == oid))).all()
    assert sorted(e.minutes for e in entries) == [120, 120, 120]
    assert lead_person is not None


async def _volunteer_of(deps: Deps, p: Person) -> Volunteer:
    async with deps.db.session() as s:
        return (await s.exec(select(Volunteer).where(col(Volunteer.person_id) == p.id))).one()


async def test_an_admin_sets_the_number_needed_from_order(
    deps: Deps, engine: Engine, notifier: RecordingNotifier
) -> None:
    requester = await f.person(deps, 2001, "居民")
    oid = await f.order(deps, requester, text="社区活动室线路老化")
    await f.person(deps, 1, "管理员")
    admin = Admin(engine, 1)
    code = (await get(deps, Order, oid)).code
    await admin(f"/order {code}")
    await admin.press(admin.data("需要人数"))
    assert "需要几位" in admin.last.replies[0].text
    await admin.press(admin.data("4"))
    assert admin.last.toast == f"✅ {code} 需要 4 位志愿者。"
    assert (await get(deps, Order, oid)).team_size == 4


async def test_after_the_lead_claims_more_volunteers_are_offered(
    deps: Deps, engine: Engine, notifier: RecordingNotifier
) -> None:
    oid, people, _ = await _team_job(deps, 6)  # waves offer 3 at a time
    offered = [p for p in people if notifier.to(p.external_id)]
    assert len(offered) == 3
    lead = offered[0]
    assert (await press(engine, f.actor(lead), f"jclaim:{oid}")).toast == "认领成功！"
    now_offered = [p for p in people if notifier.to(p.external_id)]
    assert len(now_offered) == 5  # 2 places left: 4 live offers
    newcomer = next(p for p in now_offered if p not in offered)
    offer = notifier.to(newcomer.external_id)[0]
    assert "需 3 人 · 已认领 1/3" in offer.text
    others = [p for p in now_offered if p is not lead]
    outcomes = await asyncio.gather(*(press(engine, f.actor(p), f"jclaim:{oid}") for p in others))
    assert [o.toast for o in outcomes].count("认领成功！") == 2
    assert (await get(deps, Order, oid)).team_claimed == 3


async def test_a_crash_after_a_team_claim_still_sends_the_card(
    deps: Deps, notifier: CrashingNotifier
) -> None:
    oid, people, _ = await _team_job(deps, 3)
    member = await _volunteer_of(deps, people[1])
    notifier.clear()
    notifier.crash_at = 1  # dies sending the job card, after the claim committed
    with pytest.raises(Crash):
        await dispatch.claim(deps, oid, member.id)  # type: ignore[arg-type]
    assert (await get(deps, Order, oid)).team_claimed == 1
    async with deps.db.session() as s:
        task = (await s.exec(select(Task).where(col(Task.kind) == "team_followup"))).one()
    await deps.bus.tasks["team_followup"](deps, task)
    card = [r for r in notifier.to(people[1].external_id) if "认领成功" in r.text]
    assert len(card) == 1 and PHONE in card[0].text
    async with deps.db.session() as s:
        again = await s.get(Task, task.id)
    assert again is not None and again.status == "cancelled"
    # A double press by a member changes nothing.
    assert await dispatch.claim(deps, oid, member.id)  # type: ignore[arg-type]
    assert (await get(deps, Order, oid)).team_claimed == 1
