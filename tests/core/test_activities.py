"""Activities, check-in and hours on the core ring (SQLite and PostgreSQL).

Publish → offer to the team's volunteers in the station subtree → 20 volunteers race
for 5 slots → waitlist moves up on withdrawal; residents to capacity; reminders and
cancelling as task rows; a crash in the offer wave; check-in/out hours; the
organiser's attendance and 惠及人数 in /stats; hours that are right (short jobs,
self-correction within 48 h, /hours audited, /addhours); and the routing hint.
"""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta

import pytest
from sqlmodel import col, func, select

from bot import activities as acts
from bot import jobs, orders
from bot.clock import FixedClock
from bot.deps import Deps
from bot.engine import Engine
from bot.events import Inbound, Kind
from store import tasks
from store.models import (
    Activity,
    ActivitySignup,
    AuditLog,
    HoursEntry,
    Order,
    OrderStatus,
    Person,
    SignupStatus,
    Task,
    TaskStatus,
    Volunteer,
)
from tests.utils import volunteers as f
from tests.utils.admin import Admin, get
from tests.utils.engine import buttons, cmd, data_of, press, say, text
from tests.utils.env import T0
from tests.utils.notifier import Crash, CrashingNotifier, RecordingNotifier

SAT_9 = datetime(2026, 11, 28, 1, 0, tzinfo=UTC)  # Saturday 09:00 in Asia/Shanghai
SAT_1130 = SAT_9 + timedelta(hours=2, minutes=30)


@pytest.fixture
def notifier() -> CrashingNotifier:
    return CrashingNotifier()


async def _admin(deps: Deps) -> Person:
    async with deps.db.session() as s:
        found = (await s.exec(select(Person).where(col(Person.external_id) == "1"))).first()
    return found or await f.person(deps, 1, "管理员")


async def _publish(
    deps: Deps,
    *,
    slots: int = 5,
    residents: int = 0,
    team: str | None = "health",
    station_id: int | None = None,
    starts_at: datetime = SAT_9,
    ends_at: datetime = SAT_1130,
) -> Activity:
    admin = await _admin(deps)
    draft = acts.Draft(
        title="城东村健康义诊",
        team_id=await f.team_id(deps, team) if team else None,
        station_id=station_id,
        starts_at=starts_at,
        ends_at=ends_at,
        place="城东村文化礼堂",
        online=False,
        volunteer_slots=slots,
        resident_slots=residents,
        description="量血压、测血糖、健康咨询",
    )
    return await acts.publish(deps, draft, by=admin)


async def _volunteers(deps: Deps, n: int, **kw: object) -> list[Volunteer]:
    out = []
    for i in range(n):
        out.append(await f.volunteer(deps, 3001 + i, f"师傅{i}", teams=("health",), **kw))  # type: ignore[arg-type]
    return out


async def _people_of(deps: Deps, vols: list[Volunteer]) -> list[Person]:
    async with deps.db.session() as s:
        return [await s.get(Person, v.person_id) for v in vols]  # type: ignore[misc]


async def _signups(deps: Deps, aid: int) -> dict[str, list[int]]:
    async with deps.db.session() as s:
        rows = (
            await s.exec(
                select(ActivitySignup)
                .where(col(ActivitySignup.activity_id) == aid)
                .order_by(col(ActivitySignup.id))
            )
        ).all()
    out: dict[str, list[int]] = {}
    for r in rows:
        out.setdefault(r.status, []).append(r.person_id)
    return out


# ---------------------------------------------------------------- publish, offer, race


async def test_publish_offers_the_team_in_the_station_subtree(
    deps: Deps, notifier: RecordingNotifier
) -> None:
    st = await f.stations(deps)
    near = await f.volunteer(deps, 3001, "城中村", teams=("health",), station_id=st["yh.a1"])
    town = await f.volunteer(deps, 3002, "玉城", teams=("health",), station_id=st["yh.a"])
    await f.volunteer(deps, 3003, "楚门", teams=("health",), station_id=st["yh.b1"])
    await f.volunteer(deps, 3004, "别队", teams=("tech",), station_id=st["yh.a1"])
    await f.volunteer(deps, 3005, "没站点", teams=("health",))
    activity = await _publish(deps, station_id=st["yh.a"])
    offered = {s.external_id for s in notifier.sent}
    assert offered == {"3001", "3002"}
    offer = notifier.to("3001")[0]
    assert "城东村健康义诊" in offer.text and "0/5" in offer.text
    assert buttons(offer) == ["报名参加", "不方便"]
    assert data_of(offer, "报名参加") == f"activity_join:{activity.id}"
    # The safety-net task was cancelled once the offer went out.
    async with deps.db.session() as s:
        task = (await s.exec(select(Task).where(col(Task.kind) == acts.OFFER_TASK))).one()
    assert task.status == TaskStatus.CANCELLED
    assert near.id and town.id


async def test_twenty_volunteers_race_for_five_slots(
    deps: Deps, engine: Engine, notifier: RecordingNotifier
) -> None:
    vols = await _volunteers(deps, 20)
    activity = await _publish(deps)
    assert len(notifier.sent) == 20
    people = await _people_of(deps, vols)
    outcomes = await asyncio.gather(
        *(press(engine, f.actor(p), f"activity_join:{activity.id}") for p in people)
    )
    toasts = [o.toast for o in outcomes]
    assert toasts.count("报名成功！") == 5
    assert toasts.count("名额已满，已加入候补名单。") == 15
    rows = await _signups(deps, activity.id)  # type: ignore[arg-type]
    assert len(rows[SignupStatus.JOINED]) == 5 and len(rows[SignupStatus.WAITLISTED]) == 15
    assert (await get(deps, Activity, activity.id)).volunteers_joined == 5
    # A second press changes nothing.
    again = await press(engine, f.actor(people[0]), f"activity_join:{activity.id}")
    assert again.toast == "您已经报名了。"
    # One withdraws: the first on the waitlist moves up and is told.
    async with deps.db.session() as s:
        first_waiting = (
            await s.exec(
                select(ActivitySignup)
                .where(col(ActivitySignup.status) == SignupStatus.WAITLISTED)
                .order_by(col(ActivitySignup.queued_at), col(ActivitySignup.id))
            )
        ).first()
    assert first_waiting is not None
    leaver = next(p for p in people if p.id == rows[SignupStatus.JOINED][0])
    promoted = next(p for p in people if p.id == first_waiting.person_id)
    notifier.clear()
    left = await press(engine, f.actor(leaver), f"activity_leave:{activity.id}")
    assert left.toast == "已取消报名。"
    told = notifier.texts_to(promoted.external_id)
    assert len(told) == 1 and "候补转为" in told[0]
    rows = await _signups(deps, activity.id)  # type: ignore[arg-type]
    assert promoted.id in rows[SignupStatus.JOINED] and len(rows[SignupStatus.JOINED]) == 5
    assert len(rows[SignupStatus.WAITLISTED]) == 14
    assert (await get(deps, Activity, activity.id)).volunteers_joined == 5


async def test_withdrawing_closes_at_the_cut_off(
    deps: Deps, engine: Engine, clock: FixedClock
) -> None:
    (vol,) = await _volunteers(deps, 1)
    activity = await _publish(deps)
    (person,) = await _people_of(deps, [vol])
    await press(engine, f.actor(person), f"activity_join:{activity.id}")
    clock.set(SAT_9 - timedelta(hours=1))  # the cut-off is 2 h before
    late = await press(engine, f.actor(person), f"activity_leave:{activity.id}")
    assert "不能取消报名" in (late.toast or "")
    assert (await _signups(deps, activity.id))[SignupStatus.JOINED] == [person.id]  # type: ignore[arg-type]


async def test_declining_an_offer(deps: Deps, engine: Engine, notifier: RecordingNotifier) -> None:
    (vol,) = await _volunteers(deps, 1)
    activity = await _publish(deps)
    (person,) = await _people_of(deps, [vol])
    out = await press(engine, f.actor(person), f"activity_decline:{activity.id}")
    assert out.toast == "已标记为不方便。" and out.replies[0].edit
    # They can still change their mind from /activities.
    joined = await press(engine, f.actor(person), f"activity_join:{activity.id}")
    assert joined.toast == "报名成功！"


async def test_residents_sign_up_to_capacity(deps: Deps, engine: Engine) -> None:
    activity = await _publish(deps, slots=3, residents=2)
    residents = [await f.person(deps, 5001 + i, f"居民{i}") for i in range(3)]
    listing = await cmd(engine, f.actor(residents[0]), "activities")
    card = listing.replies[1]
    assert "居民 0/2" in card.text and buttons(card) == ["我要参加"]
    toasts = [(await press(engine, f.actor(r), data_of(card, "我要参加"))).toast for r in residents]
    assert toasts == ["报名成功！", "报名成功！", "名额已满，已加入候补名单。"]
    a = await get(deps, Activity, activity.id)
    assert a.residents_joined == 2 and a.volunteers_joined == 0
    closed = await _publish(deps, residents=0)
    other = await f.person(deps, 5010, "路人")
    out = await press(engine, f.actor(other), f"activity_join:{closed.id}")
    assert out.toast == "该活动不接受居民报名。"


async def test_activities_lists_upcoming_nearest_first_and_deep_link(
    deps: Deps, engine: Engine, clock: FixedClock
) -> None:
    (vol,) = await _people_of(deps, await _volunteers(deps, 1))
    later = await _publish(
        deps, starts_at=SAT_9 + timedelta(days=7), ends_at=SAT_1130 + timedelta(days=7)
    )
    sooner = await _publish(deps)
    past = await _publish(deps, starts_at=T0 + timedelta(hours=1), ends_at=T0 + timedelta(hours=2))
    clock.advance(timedelta(hours=3))
    listing = await cmd(engine, f.actor(vol), "activities")
    ids = [r.text for r in listing.replies[1:]]
    assert len(ids) == 2 and f"#{sooner.id}" in ids[0] and f"#{later.id}" in ids[1]
    assert buttons(listing.replies[1]) == ["报名"]
    assert all(f"#{past.id}）" not in t for t in ids)
    linked = await cmd(engine, f.actor(vol), "start", f"activity-{sooner.id}")
    assert f"#{sooner.id}" in text(linked) and buttons(linked.replies[0]) == ["报名"]
    assert await acts.cancel(deps, sooner.id, by=await _admin(deps))  # type: ignore[arg-type]
    gone = await cmd(engine, f.actor(vol), "start", f"activity-{sooner.id}")
    assert text(gone) == "该活动已取消或不存在。"
    assert text(await cmd(engine, f.actor(vol), "start", "activity-x")) == "该活动已取消或不存在。"


# ---------------------------------------------------------------- durability, reminders


async def test_a_crash_in_the_offer_wave_neither_loses_nor_doubles_a_signup(
    deps: Deps, engine: Engine, notifier: CrashingNotifier
) -> None:
    vols = await _volunteers(deps, 6)
    people = await _people_of(deps, vols)
    notifier.crash_at = 4
    with pytest.raises(Crash):
        await _publish(deps)
    async with deps.db.session() as s:
        activity = (await s.exec(select(Activity))).one()
        task = (await s.exec(select(Task).where(col(Task.kind) == acts.OFFER_TASK))).one()
    assert task.status == TaskStatus.PENDING  # the safety net survives the crash
    assert len(notifier.sent) == 3
    # Someone who got the offer signs up before the scheduler picks the wave up again.
    first = people[0]
    assert (
        await press(engine, f.actor(first), f"activity_join:{activity.id}")
    ).toast == "报名成功！"
    await deps.bus.tasks[acts.OFFER_TASK](deps, task)
    await deps.bus.tasks[acts.OFFER_TASK](deps, task)  # at-least-once: a second run
    per_person = {p.external_id: len(notifier.to(p.external_id)) for p in people}
    assert per_person == {p.external_id: 1 for p in people}
    rows = await _signups(deps, activity.id)  # type: ignore[arg-type]
    assert rows[SignupStatus.JOINED] == [first.id]
    assert sorted(rows[SignupStatus.INVITED]) == sorted(p.id for p in people[1:])
    async with deps.db.session() as s:
        n = (await s.exec(select(func.count()).select_from(ActivitySignup))).one()
    assert n == 6
    assert (await get(deps, Activity, activity.id)).volunteers_joined == 1


async def test_reminders_are_task_rows_and_cancel_tells_everyone(
    deps: Deps, engine: Engine, notifier: RecordingNotifier, clock: FixedClock
) -> None:
    vols = await _volunteers(deps, 2)
    activity = await _publish(deps, slots=1)
    people = await _people_of(deps, vols)
    for p in people:
        await press(engine, f.actor(p), f"activity_join:{activity.id}")
    async with deps.db.session() as s:
        reminders = (
            await s.exec(
                select(Task).where(col(Task.kind) == acts.REMIND_TASK).order_by(col(Task.due_at))
            )
        ).all()
    assert [r.due_at for r in reminders] == [
        SAT_9 - timedelta(hours=24),
        SAT_9 - timedelta(hours=1),
    ]
    notifier.clear()
    clock.set(reminders[1].due_at)
    await deps.bus.tasks[acts.REMIND_TASK](deps, reminders[1])
    assert "活动提醒" in notifier.texts_to(people[0].external_id)[0]
    assert notifier.texts_to(people[1].external_id) == []  # waitlisted: no reminder
    notifier.clear()
    assert await acts.cancel(deps, activity.id, by=await get(deps, Person, 1))  # type: ignore[arg-type]
    for p in people:
        assert "已取消" in notifier.texts_to(p.external_id)[0]
    assert notifier.edits == []  # both had answered their offers: nothing left to edit
    async with deps.db.session() as s:
        pending = (
            await s.exec(
                select(Task).where(
                    col(Task.key).startswith(acts.key_prefix(activity.id)),  # type: ignore[arg-type]
                    col(Task.status) == TaskStatus.PENDING,
                )
            )
        ).all()
    assert pending == []
    # A late reminder of a cancelled activity sends nothing.
    notifier.clear()
    await deps.bus.tasks[acts.REMIND_TASK](deps, reminders[1])
    assert notifier.sent == []


async def test_cancelling_removes_the_buttons_of_unanswered_offers(
    deps: Deps, notifier: RecordingNotifier
) -> None:
    await _volunteers(deps, 2)
    activity = await _publish(deps)
    offers = {s.ref for s in notifier.sent}
    assert await acts.cancel(deps, activity.id, by=await _admin(deps))  # type: ignore[arg-type]
    assert {ref for ref, _ in notifier.edits} == offers
    assert all(not r.buttons and "已取消" in r.text for _, r in notifier.edits)


async def test_the_organiser_messages_everyone(
    deps: Deps, engine: Engine, notifier: RecordingNotifier
) -> None:
    vols = await _volunteers(deps, 2)
    activity = await _publish(deps)
    people = await _people_of(deps, vols)
    for p in people:
        await press(engine, f.actor(p), f"activity_join:{activity.id}")
    admin = Admin(engine, 1)
    view = await admin.press(f"activity_manage:{activity.id}")
    assert "师傅0" in view.replies[0].text
    await admin.press(admin.data("通知参与者"))
    notifier.clear()
    out = await say(engine, admin.actor, "请带好血压计，8:30集合")
    assert "已发送给 2 人" in text(out)
    assert "8:30集合" in notifier.texts_to(people[1].external_id)[0]
    # A volunteer may not manage.
    refused = await press(engine, f.actor(people[0]), f"activity_manage:{activity.id}")
    assert refused.toast == "无权限"


# ---------------------------------------------------------------- check-in, hours, stats


async def test_check_in_and_out_hours_capped_at_the_length(
    deps: Deps, engine: Engine, clock: FixedClock
) -> None:
    vols = await _volunteers(deps, 2)
    activity = await _publish(deps)
    people = await _people_of(deps, vols)
    for p in people:
        await press(engine, f.actor(p), f"activity_join:{activity.id}")
    early = await press(engine, f.actor(people[0]), f"activity_check_in:{activity.id}")
    assert "不在签到时间" in (early.toast or "")
    clock.set(SAT_9 - timedelta(minutes=20))
    ok = await press(engine, f.actor(people[0]), f"activity_check_in:{activity.id}")
    assert ok.toast == "签到成功！" and buttons(ok.replies[0])[0] == "签退"
    assert ok.replies[1].keyboard[0][0].request == "location"
    shared = await engine.handle(
        f.actor(people[0]), Inbound(Kind.LOCATION, latitude=28.13, longitude=121.23)
    )
    assert text(shared) == "✅ 已记录签到位置。" and shared.replies[0].remove_keyboard
    async with deps.db.session() as s:
        signup = (
            await s.exec(
                select(ActivitySignup).where(col(ActivitySignup.person_id) == people[0].id)
            )
        ).one()
    assert (signup.latitude, signup.longitude) == (28.13, 121.23)
    clock.set(SAT_1130 + timedelta(hours=2))  # forgot to check out until later
    out = await press(engine, f.actor(people[0]), f"activity_check_out:{activity.id}")
    assert out.toast == "签退成功，本次记录 2小时30分钟。"
    v0 = await get(deps, Volunteer, vols[0].id)
    assert v0.service_minutes == 150
    # The organiser marks the one without a phone present: the full length counts.
    admin = Admin(engine, 1)
    await admin.press(f"activity_manage:{activity.id}")
    await admin.press(admin.data("标记到场：师傅1"))
    assert admin.last.toast == "已标记到场。"
    assert (await get(deps, Volunteer, vols[1].id)).service_minutes == 150
    async with deps.db.session() as s:
        entries = (await s.exec(select(HoursEntry).order_by(col(HoursEntry.id)))).all()
    assert [(e.source, e.minutes) for e in entries] == [("activity", 150), ("activity", 150)]


async def test_served_people_and_participants_in_stats(
    deps: Deps, engine: Engine, clock: FixedClock
) -> None:
    vols = await _volunteers(deps, 2)
    activity = await _publish(deps, residents=5)
    people = await _people_of(deps, vols)
    resident = await f.person(deps, 5001, "居民")
    for p in [*people, resident]:
        await press(engine, f.actor(p), f"activity_join:{activity.id}")
    admin = Admin(engine, 1)
    await admin.press(f"activity_report:{activity.id}")
    await say(engine, admin.actor, "36")
    await say(engine, admin.actor, "为村民测血压、讲解慢病防治")
    out = await say(engine, admin.actor, "完成")
    assert buttons(out.replies[0]) == ["完成"]
    done = await admin.press(data_of(out.replies[0], "完成"))
    assert "惠及 36 人" in done.replies[0].text
    clock.set(SAT_1130 + timedelta(days=1))
    report = await admin("/stats 2026-11")
    assert "1 场次" in report and "3 人次" in report and "惠及 36 人" in report
    assert (await get(deps, Activity, activity.id)).summary == "为村民测血压、讲解慢病防治"
    await admin("/export activities 2026-11 csv")  # XLSX is the default (issue 19)
    doc = admin.last.replies[0].document
    assert doc is not None
    csv_text = doc.content.decode("utf-8-sig")
    assert "惠及人数" in csv_text.splitlines()[0]
    assert "城东村健康义诊" in csv_text and ",36," in csv_text and ",3,0,36," in csv_text


# ---------------------------------------------------------------- hours that are right


async def _finished_job(deps: Deps, vol: Volunteer, minutes: int) -> int:
    requester = await f.person(deps, 2001, "王女士")
    oid = await f.order(deps, requester, team="health")
    async with deps.db.session() as s:
        await orders.transition(
            s,
            oid,
            OrderStatus.IN_PROGRESS,
            deps.now() - timedelta(minutes=minutes),
            expect=(OrderStatus.NEW,),
            volunteer_id=vol.id,
        )
    assert await jobs.finish_service(deps, oid, vol.id, summary="好了", photos=[])  # type: ignore[arg-type]
    return oid


async def test_a_job_under_five_minutes_asks_for_the_real_time(
    deps: Deps, engine: Engine, notifier: RecordingNotifier, clock: FixedClock
) -> None:
    (vol,) = await _volunteers(deps, 1)
    (person,) = await _people_of(deps, [vol])
    oid = await _finished_job(deps, vol, 2)
    asked = [r for r in notifier.to(person.external_id) if "只记录了 2 分钟" in r.text]
    assert len(asked) == 1 and buttons(asked[0])[:2] == ["30分钟", "1小时"]
    out = await press(engine, f.actor(person), data_of(asked[0], "1小时"))
    assert out.toast == "✅ 服务时长已记为 1小时。"
    assert (await get(deps, Order, oid)).service_minutes == 60
    assert (await get(deps, Volunteer, vol.id)).service_minutes == 60
    # Later, typed: 1.5 hours.
    await press(engine, f.actor(person), data_of(asked[0], "其他时长"))
    typed = await say(engine, f.actor(person), "1.5小时")
    assert "1小时30分钟" in text(typed)
    assert (await get(deps, Volunteer, vol.id)).service_minutes == 90
    # More than 12 h is refused; after 48 h the volunteer can no longer correct.
    await press(engine, f.actor(person), data_of(asked[0], "其他时长"))
    assert "最多记12小时" in text(await say(engine, f.actor(person), "13小时"))
    clock.advance(timedelta(hours=49))
    late = await press(engine, f.actor(person), data_of(asked[0], "2小时"))
    assert "48小时" in (late.toast or "")
    async with deps.db.session() as s:
        audits = (
            await s.exec(select(AuditLog).where(col(AuditLog.action) == "hours.correct"))
        ).all()
    assert [(a.before, a.after["minutes"]) for a in audits] == [  # type: ignore[index]
        ({"minutes": 2}, 60),
        ({"minutes": 60}, 90),
    ]


@pytest.mark.settings(job_hours_cap=4)
async def test_the_setting_caps_hours_per_job(deps: Deps) -> None:
    (vol,) = await _volunteers(deps, 1)
    oid = await _finished_job(deps, vol, 6 * 60)
    assert (await get(deps, Order, oid)).service_minutes == 240
    assert (await get(deps, Volunteer, vol.id)).service_minutes == 240


async def test_admin_corrects_hours_with_a_reason_and_adds_offline_hours(
    deps: Deps, engine: Engine
) -> None:
    (vol,) = await _volunteers(deps, 1)
    await _finished_job(deps, vol, 45)
    async with deps.db.session() as s:
        entry = (await s.exec(select(HoursEntry))).one()
    admin, admin_person = Admin(engine, 1), await _admin(deps)
    listed = await admin(f"/hours {vol.name}")
    assert f"#{entry.id}" in listed and "45分钟" in listed
    assert "用法" in await admin(f"/hours #{entry.id} 2小时")  # a reason is required
    done = await admin(f"/hours #{entry.id} 2小时 漏记了路上时间")
    assert "45分钟 改为 2小时" in done
    added = await admin(f"/addhours {vol.name} 3小时 海岛巡回义诊")
    assert "补录 3小时" in added
    assert (await get(deps, Volunteer, vol.id)).service_minutes == 120 + 180
    async with deps.db.session() as s:
        audits = (await s.exec(select(AuditLog).order_by(col(AuditLog.id)))).all()
    corrected = [a for a in audits if a.action == "hours.correct"]
    assert corrected[0].after["reason"] == "漏记了路上时间"  # type: ignore[index]
    assert corrected[0].actor_id == admin_person.id
    assert any(a.action == "hours.add" for a in audits)
    # The volunteer sees their own, with 修改 for recent ones.
    mine = await cmd(engine, f.actor(await get(deps, Person, vol.person_id)), "hours")
    assert "5小时" in mine.replies[0].text and len(mine.replies[0].buttons) == 2


async def test_a_scoped_admin_cannot_touch_hours_outside_their_station(
    deps: Deps, engine: Engine
) -> None:
    st = await f.stations(deps)
    (vol,) = await _volunteers(deps, 1, station_id=st["lq.a"])
    scoped = await f.person(deps, 77, "玉环管理员")
    async with deps.db.session() as s:
        p = await s.get(Person, scoped.id)
        assert p is not None
        p.roles, p.admin_station_id = ["admin"], st["yh"]
        s.add(p)
    out = await cmd(engine, f.actor(scoped), "addhours", vol.name, "3小时", "义诊")
    assert "无权限" in text(out)
    assert (await get(deps, Volunteer, vol.id)).service_minutes == 0


# ---------------------------------------------------------------- /newactivity, routing


async def test_newactivity_dialog_preview_then_publish(
    deps: Deps, engine: Engine, notifier: RecordingNotifier
) -> None:
    await _volunteers(deps, 3)
    await _admin(deps)
    admin = Admin(engine, 1)
    assert "活动名称" in await admin("/newactivity")
    teams = await say(engine, admin.actor, "城东村公益理发")
    assert "服务队" in text(teams) and "不限服务队" in buttons(teams.replies[0])
    health = await f.team_id(deps, "health")
    await admin.press(f"activity_new_team:{health}")
    assert "服务站点" in admin.last.replies[0].text
    await admin.press(admin.data("全部站点"))
    bad = await say(engine, admin.actor, "随便")
    assert "没看懂" in text(bad)
    assert "活动地点" in text(await say(engine, admin.actor, "11月28日 9:00-11:30"))
    await say(engine, admin.actor, "城东村文化礼堂")
    assert "居民" in text(await say(engine, admin.actor, "3"))
    assert "介绍" in text(await say(engine, admin.actor, "10"))
    preview = await say(engine, admin.actor, "免费理发，老人优先")
    assert "城东村公益理发" in text(preview) and "居民 0/10" in text(preview)
    assert buttons(preview.replies[0]) == ["发布"]
    notifier.clear()
    await admin.press(data_of(preview.replies[0], "发布"))
    assert "已发布" in admin.last.replies[0].text
    assert len(notifier.sent) == 3
    async with deps.db.session() as s:
        a = (await s.exec(select(Activity))).one()
    assert (a.starts_at, a.ends_at, a.volunteer_slots, a.resident_slots) == (SAT_9, SAT_1130, 3, 10)
    assert a.team_id == health and a.station_id is None


async def test_signup_words_point_to_activities_not_an_order(deps: Deps, engine: Engine) -> None:
    resident = await f.person(deps, 5001, "居民")
    out = await say(engine, f.actor(resident), "社区周六有义诊活动，我想报名参加")
    assert "/activities" in text(out)
    async with deps.db.session() as s:
        assert (await s.exec(select(func.count()).select_from(Order))).one() == 0
    booking = await say(engine, f.actor(resident), "我们公司想请劳模来参加我们的安全生产活动做讲座")
    assert "/activities" not in text(booking)
    await cmd(engine, f.actor(resident), "cancel")
    # A real need still becomes an order draft.
    need = await say(engine, f.actor(resident), "家里水管漏水了，想请师傅来修")
    assert "/activities" not in text(need)


async def test_tasks_are_keyed_by_activity(deps: Deps) -> None:
    activity = await _publish(deps)
    async with deps.db.session() as s:
        keys = sorted(
            t.key
            for t in (await s.exec(select(Task))).all()
            if t.key and t.key.startswith("activity:")
        )
        await tasks.cancel(s, key_prefix=acts.key_prefix(activity.id))  # type: ignore[arg-type]
    assert keys == [
        f"activity:{activity.id}:offer",
        f"activity:{activity.id}:remind:3600",
        f"activity:{activity.id}:remind:86400",
    ]
