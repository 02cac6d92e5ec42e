"""名师带徒 on the core ring (SQLite and PostgreSQL), issue 20.

A pairing runs through the invitation link, three check-ins on a compressed clock (the
apprentice misses the second: nudged, then the admins are alerted), a milestone and
completion with both ratings, and the mentor's hours counted as service hours. A request
like "想拜劳模为师，长期跟着学焊接手艺" becomes a 名师带徒 request, not a one-off job.
"""

from __future__ import annotations

import io
from datetime import timedelta

from openpyxl import load_workbook
from sqlmodel import col, select

from bot.clock import FixedClock
from bot.deps import Deps
from bot.engine import Engine
from bot.events import Actor
from scheduler.runner import tick
from store.models import (
    HoursEntry,
    MentorCheckin,
    MentorPairing,
    MentorRequest,
    Order,
    PairingStatus,
    Task,
    TaskStatus,
    Volunteer,
)
from tests.utils import volunteers as f
from tests.utils.admin import Admin, settle
from tests.utils.engine import cmd, press, say
from tests.utils.env import T0
from tests.utils.notifier import RecordingNotifier
from tests.utils.ordering import Chat

D = timedelta(days=1)
MENTOR = Actor("telegram", "301", "张工")
APPRENTICE = Actor("telegram", "2001", "小李")


async def run_due(deps: Deps, clock: FixedClock, at) -> int:  # type: ignore[no-untyped-def]
    clock.set(at)
    total = 0
    while ran := await tick(deps, worker_id="test", now=at):
        total += ran
    await settle(deps)
    return total


def last_button(notifier: RecordingNotifier, external_id: str, label: str) -> str:
    for reply in reversed(notifier.to(external_id)):
        for row in reply.buttons:
            for b in row:
                if b.label == label and b.data:
                    return b.data
    raise AssertionError(f"no {label!r} sent to {external_id}: {notifier.texts_to(external_id)}")


async def check_in(
    engine: Engine, notifier: RecordingNotifier, who: Actor, note: str, hours: str
) -> str:
    out = await press(engine, who, last_button(notifier, who.external_id, "填写进展"))
    assert "进展" in out.replies[0].text
    await say(engine, who, note)
    done = await say(engine, who, hours)
    return done.replies[0].text


async def pairing(deps: Deps) -> MentorPairing:
    async with deps.db.session() as s:
        return (await s.exec(select(MentorPairing))).one()


async def test_a_pairing_runs_from_invitation_to_completion_with_hours_counted(
    deps: Deps, engine: Engine, notifier: RecordingNotifier, clock: FixedClock
) -> None:
    admin = Admin(engine, 1)
    mentor = await f.volunteer(deps, 301, "张工", teams=("tech",), honours="全国劳动模范")

    # ---- /mentor new: mentor, apprentice, skill, goals, dates → an invitation link
    await admin("/mentor new")
    for answer in ("张工", "小李", "焊接", "考取中级焊工证", "2026-11-23 2027-01-31"):
        admin.last = await say(engine, admin.actor, answer)
    assert "师傅：张工 · 徒弟：小李" in admin.last.replies[0].text
    admin.last = await press(engine, admin.actor, admin.data("创建"))
    created = admin.last.replies[0].text
    assert "/start mentor-" in created
    payload = created.split("/start ")[1].split()[0]
    assert any("与 小李 结为师徒" in t for t in notifier.texts_to("301"))

    # ---- the apprentice (not yet a user) opens the link and accepts
    apprentice = Chat(engine, APPRENTICE)
    await apprentice.command("start", payload)
    assert "拜师邀请" in apprentice.text and "全国劳动模范" in apprentice.text
    accept = apprentice.last.replies[0].buttons[0][0].data or ""
    await apprentice.press("确认拜师")
    assert "拜师成功" in apprentice.text and "每 14 天" in apprentice.text
    assert any("小李 已确认拜师" in t for t in notifier.texts_to("301"))
    assert (await pairing(deps)).status == PairingStatus.ACTIVE
    again = await press(engine, Actor("telegram", "2002", "别人"), accept)
    assert again.toast == "已过期"  # an accepted invitation cannot be taken by someone else

    # ---- check-in 1: both answer
    await run_due(deps, clock, T0 + 14 * D)
    assert "第 1 次进展打卡" in notifier.texts_to("2001")[-1]
    assert "已记录进展" in await check_in(
        engine, notifier, MENTOR, "练习平焊，讲解了运条手法", "6小时"
    )
    assert "已记录进展" in await check_in(engine, notifier, APPRENTICE, "平焊还不稳", "6小时")

    # ---- check-in 2: the apprentice does not answer → nudged, then the admins hear
    notifier.clear()
    await run_due(deps, clock, T0 + 28 * D)
    await check_in(engine, notifier, MENTOR, "立焊入门", "5小时")
    await run_due(deps, clock, T0 + 28 * D + timedelta(days=3, hours=12))
    assert any("提醒：这次的进展还没填写" in t for t in notifier.texts_to("2001"))
    assert not any("提醒" in t for t in notifier.texts_to("301"))  # the mentor had answered
    assert not any("未填写" in t for t in notifier.texts_to("1"))
    await run_due(deps, clock, T0 + 35 * D)
    alerts = [t for t in notifier.texts_to("1") if "第 2 次打卡未填写" in t]
    assert len(alerts) == 1 and "小李" in alerts[0] and "张工" not in alerts[0].split("：")[-1]

    # ---- check-in 3: both answer
    await run_due(deps, clock, T0 + 42 * D)
    await check_in(engine, notifier, MENTOR, "仰焊练习", "4小时")
    await check_in(engine, notifier, APPRENTICE, "能独立完成平焊试件了", "4小时")

    # ---- a milestone, recorded by the mentor from the pairing card
    p = await pairing(deps)
    shown = await cmd(engine, MENTOR, "mentor", str(p.id))
    assert "打卡 5/6" in shown.replies[0].text
    milestone = next(
        b.data for row in shown.replies[0].buttons for b in row if b.label == "记录里程碑"
    )
    await press(engine, MENTOR, milestone or "")
    await say(engine, MENTOR, "独立完成平焊试件，探伤合格")
    assert any("里程碑：独立完成平焊试件" in t for t in notifier.texts_to("2001"))

    # ---- completion: a closing note, then both rate
    finish = next(b.data for row in shown.replies[0].buttons for b in row if b.label == "结业")
    await press(engine, MENTOR, finish or "")
    done = await say(engine, MENTOR, "已掌握平焊和立焊，可以报考中级工")
    assert "已结业" in done.replies[0].text
    await press(engine, MENTOR, last_button(notifier, "301", "★★★★★"))
    await press(engine, APPRENTICE, last_button(notifier, "2001", "★★★★"))
    p = await pairing(deps)
    assert p.status == PairingStatus.COMPLETED
    assert (p.mentor_rating, p.apprentice_rating) == (5, 4)
    assert p.completion_note == "已掌握平焊和立焊，可以报考中级工"

    # ---- hours: the mentor's 6 + 5 + 4 hours are service hours; no check-in is left due
    assert p.minutes == 15 * 60
    async with deps.db.session() as s:
        entries = (await s.exec(select(HoursEntry).where(col(HoursEntry.source) == "mentor"))).all()
        v = await s.get(Volunteer, mentor.id)
        pending = (
            await s.exec(
                select(Task).where(
                    col(Task.key).startswith(f"mentor:{p.id}:"),
                    col(Task.status) == TaskStatus.PENDING,
                )
            )
        ).all()
        checkins = (await s.exec(select(MentorCheckin))).all()
    assert sorted(e.minutes for e in entries) == [240, 300, 360]
    assert v is not None and v.service_minutes == 15 * 60
    assert not pending
    assert len(checkins) == 6 and sum(1 for c in checkins if c.answered_at is None) == 1
    hours_text = await cmd(engine, MENTOR, "hours")
    assert "名师带徒" in hours_text.replies[0].text
    listing = await admin("/mentors")
    assert "带徒中 0 对 · 已结业 1 对 · 待确认 0 对 · 共同学习 15小时" in listing
    assert "名师带徒：带徒中 0 对 · 已结业 1 对 · 共同学习 15小时" in await admin("/stats 2026-11")
    await admin("/export mentors 2026-11")
    exported = admin.last.replies[0].document
    assert exported is not None
    sheet = load_workbook(io.BytesIO(exported.content)).worksheets[0]
    header = [c.value for c in sheet[1]]
    [row] = [[c.value for c in r] for r in sheet.iter_rows(min_row=2)]
    record = dict(zip(header, row, strict=True))
    assert record["师傅"] == "张工" and record["徒弟"] == "小李" and record["共同学习小时"] == 15
    assert record["打卡（已填/已发）"] == "5/6" and record["里程碑"] == 1
    assert (record["师傅评分"], record["徒弟评分"]) == (5, 4)
    mine = await cmd(engine, APPRENTICE, "mentors")
    assert "张工 → 小李（焊接，已结业）" in mine.replies[0].text


async def test_a_wish_to_learn_from_a_master_becomes_a_mentorship_request(
    deps: Deps, engine: Engine, notifier: RecordingNotifier
) -> None:
    await f.volunteer(deps, 301, "张工", teams=("tech",))
    admin = Admin(engine, 1)
    assert "还没有师徒结对" in await admin("/mentors")
    worker = Chat(engine, Actor("telegram", "2001", "小李"))
    await worker.say("想拜劳模为师，长期跟着学焊接手艺")
    assert "名师带徒" in worker.text and "技术攻关" not in worker.text
    await worker.press("申请名师带徒")
    assert "已提交名师带徒申请" in worker.text
    async with deps.db.session() as s:
        assert not (await s.exec(select(Order))).all()  # not a one-off job
        request = (await s.exec(select(MentorRequest))).one()
    assert request.text == "想拜劳模为师，长期跟着学焊接手艺"
    notice = next(r for r in notifier.to("1") if "名师带徒申请" in r.text)
    admin.last = await press(engine, admin.actor, notice.buttons[0][0].data or "")
    assert "师傅是哪位志愿者" in admin.last.replies[-1].text
    for answer in ("张工", "焊接", "三个月入门", "2026-11-23 2027-02-28"):
        admin.last = await say(engine, admin.actor, answer)
    admin.last = await press(engine, admin.actor, admin.data("创建"))
    assert "已通知徒弟 小李" in admin.last.replies[0].text
    assert any("您已拜 张工 为师" in t for t in notifier.texts_to("2001"))
    p = await pairing(deps)
    assert p.status == PairingStatus.ACTIVE and p.apprentice_id is not None
    async with deps.db.session() as s:
        assert (await s.get(MentorRequest, request.id)).pairing_id == p.id  # type: ignore[union-attr]


async def test_the_person_may_still_order_a_one_off_job_instead(engine: Engine) -> None:
    worker = Chat(engine, Actor("telegram", "2001", "小李"))
    await worker.say("想拜师傅学一下怎么修注塑机")
    await worker.press("不是，我要点单解决问题")
    assert "对吗" in worker.text or "服务队" in worker.text


async def test_a_volunteer_proposes_a_pairing_as_its_mentor(
    deps: Deps, engine: Engine, notifier: RecordingNotifier
) -> None:
    await f.volunteer(deps, 301, "张工", teams=("tech",))
    out = await cmd(engine, MENTOR, "mentor", "new")
    assert "徒弟的姓名" in out.replies[0].text
    for answer in ("小王", "数控编程", "独立编程", "2026-12-01 2027-05-31"):
        out = await say(engine, MENTOR, answer)
    out = await press(
        engine,
        MENTOR,
        next(b.data for row in out.replies[0].buttons for b in row if b.label == "创建") or "",
    )
    assert "/start mentor-" in out.replies[0].text
    stranger = await cmd(engine, Actor("telegram", "2009", "路人"), "mentor", "new")
    assert "只有管理员和志愿者" in stranger.replies[0].text


async def test_typing_on_after_the_mentorship_question_starts_an_order(engine: Engine) -> None:
    worker = Chat(engine, Actor("telegram", "2001", "小李"))
    await worker.say("想拜师学焊接")
    assert "申请名师带徒" in str(worker.last.replies[0].buttons)
    await worker.say("注塑件毛边太多怎么办")
    assert "技术攻关服务队" in worker.text
