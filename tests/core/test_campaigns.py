"""Service-month campaigns on the core ring (SQLite and PostgreSQL), issue 20.

One campaign runs through every stage on a compressed clock (stage dates a day apart):
needs collected without dispatch (by the campaign's link and by the order summary's
纳入 button), sorted by team, a duplicate merged, published, claimed, one 揭榜 with two
applicants and the admin's pick, served (with an activity tagged), rated, evaluated,
two cases selected, edited and published, exported, and the report's figures checked
against the hand count.
"""

from __future__ import annotations

import io
from datetime import UTC, datetime, timedelta

import pytest
from openpyxl import load_workbook
from sqlmodel import col, select

from bot import activities as acts
from bot import callbacks, jobs
from bot.clock import FixedClock
from bot.deps import Deps
from bot.engine import Engine
from bot.events import Actor
from bot.reports.fonts import cjk_font
from scheduler.runner import tick
from store.models import (
    CampaignActivity,
    CampaignCase,
    CampaignNeed,
    Offer,
    Order,
    OrderStatus,
    Person,
    Task,
)
from tests.utils import volunteers as f
from tests.utils.admin import Admin, settle
from tests.utils.engine import press, say
from tests.utils.notifier import RecordingNotifier
from tests.utils.ordering import Chat

NAME = "2026年劳模工匠志愿服务月"
# Local midnights (Asia/Shanghai) of the five stage dates and the end, as UTC instants.
DATES = "2026-11-23 2026-11-24 2026-11-25 2026-11-26 2026-11-27 2026-11-28"
MATCH_AT = datetime(2026, 11, 23, 16, 0, tzinfo=UTC)  # 11-24 00:00 local
SERVE_AT = MATCH_AT + timedelta(days=1)
EVALUATE_AT = MATCH_AT + timedelta(days=2)
SELECT_AT = MATCH_AT + timedelta(days=3)


async def run_due(deps: Deps, clock: FixedClock, at: datetime) -> int:
    clock.set(at)
    total = 0
    while ran := await tick(deps, worker_id="test", now=at):
        total += ran
    await settle(deps)
    return total


async def order_need(chat: Chat, text: str, *, join: str | None = None) -> str:
    """Through the order dialog to 确认提交 (pressing 纳入 first when ``join``); the reply."""
    await chat.say(text)
    tech = [
        b.data
        for r in chat.last.replies
        for row in r.buttons
        for b in row
        if "技术攻关" in b.label and b.data
    ]
    assert tech, chat.text
    await chat.press_data(tech[0])
    await chat.say("宁波市北仑区大碶街道1号")
    await chat.press("尽快")
    await chat.say("13812345678")
    await chat.press("跳过")
    if join is not None:
        assert "纳入" not in chat.text.split("\n")[-1]
        await chat.press(join)
        assert "📌 纳入" in chat.text
    await chat.press("确认提交")
    return chat.text


async def orders_by_text(deps: Deps) -> dict[str, Order]:
    async with deps.db.session() as s:
        rows = (await s.exec(select(Order).order_by(col(Order.id)))).all()
    return {o.text: o for o in rows}


async def get_need(deps: Deps, order_id: int) -> CampaignNeed:
    async with deps.db.session() as s:
        need = await s.get(CampaignNeed, order_id)
    assert need is not None
    return need


def offers_to(notifier: RecordingNotifier, external_id: str) -> list[str]:
    return [r.text for r in notifier.to(external_id)]


async def serve(deps: Deps, order: Order, volunteer_id: int) -> None:
    assert await jobs.start_service(deps, order.id, volunteer_id)  # type: ignore[arg-type]
    done = await jobs.finish_service(
        deps,
        order.id,
        volunteer_id,
        summary="现场调整了模具温度和保压",
        photos=[],  # type: ignore[arg-type]
    )
    assert done is not None and done.status == OrderStatus.DONE


async def test_a_campaign_runs_through_every_stage(
    deps: Deps, engine: Engine, notifier: RecordingNotifier, clock: FixedClock
) -> None:
    admin = Admin(engine, 1)
    zhang = await f.volunteer(deps, 301, "张工", teams=("tech",))
    li = await f.volunteer(deps, 302, "李工", teams=("tech",), honours="浙江工匠")
    wang = await f.volunteer(deps, 303, "王工", teams=("tech",))

    # ---- /campaign new: name, stage dates, teams, stations, 创建
    await admin("/campaign new")
    assert "活动名称" in admin.last.replies[0].text
    for answer in (NAME, DATES, "全部", "全部"):
        admin.last = await say(engine, admin.actor, answer)
    assert NAME in admin.last.replies[0].text
    admin.last = await press(engine, admin.actor, admin.data("创建"))
    card = admin.last.replies[-1]
    assert "当前阶段：<b>需求征集</b>" in card.text
    assert "/start campaign-" in card.text
    assert [b.label for row in card.buttons for b in row] == ["下一阶段（对接认领）"]
    link = card.text.split("/start ")[1].split()[0]

    # ---- 需求征集: by the link, and by 纳入 on the order summary; nothing is dispatched
    a = Chat(engine, Actor("telegram", "1001", "王师傅"))
    await a.command("start", link)
    assert NAME in a.text and "需求征集" in a.text
    submitted = await order_need(a, "注塑件毛边太多怎么办")
    assert "📌 纳入：" in submitted
    assert any("已纳入服务月需求征集" in t for t in offers_to(notifier, "1001"))
    b = Chat(engine, Actor("telegram", "1002", "陈厂长"))
    await order_need(b, "注塑模具老是粘模，想请师傅看看", join=f"📌 纳入「{NAME}」需求征集")
    c = Chat(engine, Actor("telegram", "1003", "周师傅"))
    await c.command("start", link)
    await order_need(c, "注塑件毛边太多，还是没解决")
    d = Chat(engine, Actor("telegram", "1004", "吴经理"))
    await d.command("start", link)
    await order_need(d, "数控机床主轴异响，厂里师傅都查不出原因")
    await settle(deps)
    needs = await orders_by_text(deps)
    order_a = needs["注塑件毛边太多怎么办"]
    order_b = needs["注塑模具老是粘模，想请师傅看看"]
    order_c = needs["注塑件毛边太多，还是没解决"]
    order_d = needs["数控机床主轴异响，厂里师傅都查不出原因"]
    for order in (order_a, order_b, order_c, order_d):
        assert order.status == OrderStatus.NEW
        assert (await get_need(deps, order.id)).held  # type: ignore[arg-type]
    async with deps.db.session() as s:
        assert not (await s.exec(select(Offer))).all()
    assert not any(offers_to(notifier, v) for v in ("301", "302", "303"))
    await run_due(deps, clock, MATCH_AT - timedelta(minutes=1))  # safety nets: still nothing
    async with deps.db.session() as s:
        assert not (await s.exec(select(Offer))).all()

    # ---- 对接认领 on its date: needs grouped by team, a duplicate merged
    notifier.clear()
    await run_due(deps, clock, MATCH_AT)
    assert any("进入「对接认领」阶段" in t for t in offers_to(notifier, "1"))
    needs_text = await admin("/campaign needs")
    assert "<b>技术攻关服务队</b>（4）" in needs_text
    assert all(o.code in needs_text for o in (order_a, order_b, order_c, order_d))
    merged = await admin(f"/campaign merge {order_c.code} {order_a.code}")
    assert f"{order_c.code} 已合并到 {order_a.code}" in merged
    assert any(order_a.code in t and "合并" in t for t in offers_to(notifier, "1003"))

    # ---- 揭榜: open to every qualified volunteer; two apply
    published = await admin(f"/campaign bounty {order_d.code} 6h")
    assert "已通知 3 位志愿者" in published
    bounty_offer = notifier.to("302")[-1]
    assert "揭榜挂帅" in bounty_offer.text and "13812345678" not in bounty_offer.text
    bid = button_data_of(bounty_offer, "我要揭榜")
    assert "已揭榜" in (await press(engine, Actor("telegram", "301", "张工"), bid)).replies[0].text
    assert "已揭榜" in (await press(engine, Actor("telegram", "302", "李工"), bid)).replies[0].text
    again = await press(engine, Actor("telegram", "302", "李工"), bid)
    assert "已经揭榜" in again.replies[0].text

    # ---- publish the rest: the team's volunteers are offered them and claim as usual
    notifier.clear()
    out = await admin("/campaign publish")
    assert "已发布 2 条需求" in out and order_a.code in out and order_b.code in out
    await settle(deps)
    assert any("已开始对接" in t for t in offers_to(notifier, "1001"))
    claim_a = callbacks.encode(callbacks.JOB_CLAIM, order_a.id)
    claim_b = callbacks.encode(callbacks.JOB_CLAIM, order_b.id)
    await press(engine, Actor("telegram", "301", "张工"), claim_a)
    await press(engine, Actor("telegram", "303", "王工"), claim_b)
    await settle(deps)
    async with deps.db.session() as s:
        d_offers = (await s.exec(select(Offer).where(Offer.order_id == order_d.id))).all()
    assert not d_offers  # the 揭榜 need is not in the waves

    # ---- the deadline: the admins see the two applicants and pick one
    notifier.clear()
    await run_due(deps, clock, MATCH_AT + timedelta(hours=6))
    applicants = next(r for r in notifier.to("1") if "揭榜 2 人" in r.text)
    assert "李工（浙江工匠）" in applicants.text
    admin.last = await press(engine, admin.actor, button_data_of(applicants, "选定 李工"))
    await settle(deps)
    assert "已交给选定的志愿者" in admin.last.replies[0].text
    assert any("选定其他志愿者" in t for t in offers_to(notifier, "301"))
    fresh = await orders_by_text(deps)
    assert fresh[order_d.text].volunteer_id == li.id
    assert fresh[order_d.text].status == OrderStatus.CLAIMED

    # ---- 下一阶段 early (before the 服务 date); the date then changes nothing
    await run_due(deps, clock, SERVE_AT - timedelta(hours=3))
    admin.last = await press(engine, admin.actor, admin_card_next(await admin("/campaign"), admin))
    assert "当前阶段：<b>服务</b>" in admin.last.replies[0].text
    await run_due(deps, clock, SERVE_AT)
    assert "当前阶段：<b>服务</b>" in await admin("/campaign")

    # ---- 服务: jobs served; an order and an activity made now are tagged with the campaign
    await serve(deps, fresh[order_a.text], zhang.id)  # type: ignore[arg-type]
    await serve(deps, fresh[order_b.text], wang.id)  # type: ignore[arg-type]
    await serve(deps, fresh[order_d.text], li.id)  # type: ignore[arg-type]
    e = Chat(engine, Actor("telegram", "1005", "郑师傅"))
    await order_need(e, "注塑件有缩痕怎么调")
    await settle(deps)
    order_e = (await orders_by_text(deps))["注塑件有缩痕怎么调"]
    need_e = await get_need(deps, order_e.id)  # type: ignore[arg-type]
    assert need_e.stage == "serve" and not need_e.held
    activity = await acts.publish(
        deps,
        acts.Draft(
            title="服务月技术义诊",
            team_id=await f.team_id(deps, "tech"),
            station_id=None,
            starts_at=SERVE_AT + timedelta(hours=30),
            ends_at=SERVE_AT + timedelta(hours=32),
            place="北仑区职工服务中心",
            online=False,
            volunteer_slots=3,
            resident_slots=0,
            description="",
        ),
        by=await person_of(deps, "1"),
    )
    async with deps.db.session() as s:
        assert await s.get(CampaignActivity, activity.id) is not None
    # requesters rate two of the three jobs
    await press(engine, a.actor, callbacks.encode(callbacks.FEEDBACK_RATE, order_a.id, 5))
    await press(engine, b.actor, callbacks.encode(callbacks.FEEDBACK_RATE, order_b.id, 4))

    # ---- 评估 on its date: each finished job, effect, benefit, 推荐为优秀案例?
    await run_due(deps, clock, EVALUATE_AT)
    listing = await admin("/campaign evaluate")
    assert "待评估的服务（3）" in listing and "★5" in listing and "未评价" in listing
    for order, nominate in ((order_a, True), (order_b, True), (order_d, False)):
        admin.last = await press(engine, admin.actor, admin.data(f"评估 {order.code}"))
        admin.last = await say(engine, admin.actor, "毛边问题彻底解决，良品率从85%提到98%")
        admin.last = await say(engine, admin.actor, "每月节约返工成本约2万元")
        admin.last = await press(engine, admin.actor, admin.data("推荐" if nominate else "不推荐"))
        assert "已评估" in admin.last.replies[0].text
        admin.last = await admin.engine.handle(admin.actor, _cmd("campaign", "evaluate"))
    assert "没有待评估的服务" in admin.last.replies[0].text

    # ---- 选树: two cases selected, one edited, both published; everyone sees them
    await run_due(deps, clock, SELECT_AT)
    listing = await admin("/cases")
    assert "待选树</b>（2）" in listing
    async with deps.db.session() as s:
        cases = (await s.exec(select(CampaignCase).order_by(col(CampaignCase.id)))).all()
    assert [c.order_id for c in cases] == [order_a.id, order_b.id]
    assert cases[0].volunteers == "张工" and cases[0].action == "现场调整了模具温度和保压"
    for case in cases:
        admin.last = await press(
            engine, admin.actor, callbacks.encode(callbacks.CASE_SELECT, case.id)
        )
        assert "已选定" in admin.last.replies[0].text
    admin.last = await press(
        engine, admin.actor, callbacks.encode(callbacks.CASE_EDIT, cases[0].id)
    )
    assert "标题（当前：注塑件毛边太多怎么办）" in admin.last.replies[0].text
    admin.last = await say(engine, admin.actor, "劳模巧手除毛边，良品率提至98%")
    for _ in range(4):  # problem, action, result, volunteers kept
        admin.last = await press(engine, admin.actor, admin.data("保持不变"))
    admin.last = await press(engine, admin.actor, admin.data("完成"))
    assert "案例 #" in admin.last.replies[0].text and "已保存" in admin.last.replies[0].text
    for case in cases:
        admin.last = await press(
            engine, admin.actor, callbacks.encode(callbacks.CASE_PUBLISH, case.id)
        )
        assert "已发布" in admin.last.replies[0].text
    visitor = Chat(engine, Actor("telegram", "1009", "路人"))
    await visitor.command("cases")
    assert "优秀案例</b>（2）" in visitor.text and "劳模巧手除毛边" in visitor.text
    assert "待选树" not in visitor.text
    await visitor.press("导出 Excel")
    sheet = visitor.last.replies[0].document
    assert sheet is not None and sheet.filename == "cases.xlsx" and sheet.content[:2] == b"PK"
    if cjk_font() is not None:
        await visitor.press("导出 PDF 案例集", await _cases(visitor))
        booklet = visitor.last.replies[0].document
        assert booklet is not None and booklet.content.startswith(b"%PDF")

    # ---- the report: counted by hand — A, B, D collected (C merged into A), E tagged in
    # 服务 (open, unclaimed); matched A, B, D; served A, B, D; rated A, B; 2 cases; 1 activity
    report = await admin("/campaign report")
    assert "合计：征集 4 · 对接 3 · 服务 3 · 评价 2 · 案例 2" in report
    assert "技术攻关服务队：征集 4 · 对接 3 · 服务 3 · 评价 2 · 案例 2" in report
    assert "未注明站点：征集 4 · 对接 3 · 服务 3 · 评价 2 · 案例 2" in report
    assert "活动场次：1" in report
    await admin("/campaign report xlsx")
    workbook = admin.last.replies[-1].document
    assert workbook is not None and workbook.content[:2] == b"PK"
    # /stats and /export orders carry the campaign too
    assert f"服务月：{NAME}（选树优秀案例）征集 4 · 服务 3 · 案例 2" in await admin(
        "/stats 2026-11"
    )
    await admin("/export orders 2026-11")
    exported = admin.last.replies[0].document
    assert exported is not None
    sheet = load_workbook(io.BytesIO(exported.content)).worksheets[0]
    header = [c.value for c in sheet[1]]
    column = header.index("服务月")
    tagged = {row[0].value: row[column].value for row in sheet.iter_rows(min_row=2)}
    assert tagged[order_a.code] == NAME and tagged[order_e.code] == NAME

    # ---- and the campaign closes on its end date
    await run_due(deps, clock, SELECT_AT + timedelta(days=2))
    assert "没有进行中的服务月活动" in await admin("/campaign")


def button_data_of(reply, label: str) -> str:  # type: ignore[no-untyped-def]
    found = [b.data for row in reply.buttons for b in row if b.label == label]
    assert len(found) == 1, [b.label for row in reply.buttons for b in row]
    return found[0]  # type: ignore[return-value]


def admin_card_next(_: str, admin: Admin) -> str:
    return next(
        b.data
        for r in admin.last.replies
        for row in r.buttons
        for b in row
        if "下一阶段" in b.label
    )  # type: ignore[return-value]


async def person_of(deps: Deps, external_id: str) -> Person:
    async with deps.db.session() as s:
        return (await s.exec(select(Person).where(Person.external_id == external_id))).one()


def _cmd(name: str, *args: str):  # type: ignore[no-untyped-def]
    from bot.events import Inbound, Kind

    return Inbound(Kind.COMMAND, text=" ".join((f"/{name}", *args)), command=name, args=args)


async def _cases(chat: Chat):  # type: ignore[no-untyped-def]
    await chat.command("cases")
    return chat.last


async def test_the_next_stage_button_moves_once_and_a_stale_press_is_expired(
    deps: Deps, engine: Engine, clock: FixedClock
) -> None:
    admin = Admin(engine, 1)
    await admin("/campaign new")
    for answer in ("玉环服务月", DATES, "tech", "全部"):
        admin.last = await say(engine, admin.actor, answer)
    admin.last = await press(engine, admin.actor, admin.data("创建"))
    stale = admin_card_next("", admin)
    admin.last = await press(engine, admin.actor, stale)
    assert "当前阶段：<b>对接认领</b>" in admin.last.replies[0].text
    again = await press(engine, admin.actor, stale)
    assert again.toast == "已过期"  # pressed twice: moved once
    # the 对接认领 date then passes without moving it further
    await run_due(deps, clock, MATCH_AT)
    assert "当前阶段：<b>对接认领</b>" in await admin("/campaign")
    async with deps.db.session() as s:
        pending = (await s.exec(select(Task).where(col(Task.kind) == "campaign_stage"))).all()
    assert len(pending) == 5


async def test_an_order_outside_the_campaign_teams_is_dispatched_as_usual(
    deps: Deps, engine: Engine, notifier: RecordingNotifier
) -> None:
    admin = Admin(engine, 1)
    await f.volunteer(deps, 301, "张工", teams=("tech",))
    await admin("/campaign new")
    for answer in ("法律服务月", DATES, "legal", "全部"):
        admin.last = await say(engine, admin.actor, answer)
    admin.last = await press(engine, admin.actor, admin.data("创建"))
    chat = Chat(engine, Actor("telegram", "1001", "王师傅"))
    await chat.say("注塑件毛边太多怎么办")
    await chat.press("✅ 对，交给技术攻关服务队")
    await chat.say("宁波市北仑区大碶街道1号")
    await chat.press("尽快")
    await chat.say("13812345678")
    await chat.press("跳过")
    assert "纳入" not in " ".join(
        b.label for r in chat.last.replies for row in r.buttons for b in row
    )
    await chat.press("确认提交")
    await settle(deps)
    assert any("注塑件毛边" in t for t in offers_to(notifier, "301"))


async def test_non_admins_cannot_run_a_campaign(engine: Engine) -> None:
    chat = Chat(engine, Actor("telegram", "1001", "王师傅"))
    await chat.command("campaign", "new")
    assert "无权限" in chat.text


@pytest.mark.parametrize("text", ["2027-03-01 2027-04-01", "3-1 4-1 5-1 6-1 5-20", "abc"])
def test_stage_dates_must_be_five_or_six_increasing_days(text: str) -> None:
    from datetime import date

    from bot.campaigns import parse_dates, schedule_from

    days = parse_dates(text, date(2026, 12, 1))
    assert days is None or schedule_from(days) is None


def test_short_dates_in_december_mean_next_year() -> None:
    from datetime import date

    from bot.campaigns import parse_dates, schedule_from

    days = parse_dates("3-1 4月1日 5/1 6-1 6-20", date(2026, 12, 1))
    assert days is not None
    schedule = schedule_from(days)
    assert schedule == {
        "collect": "2027-03-01",
        "match": "2027-04-01",
        "serve": "2027-05-01",
        "evaluate": "2027-06-01",
        "select": "2027-06-20",
    }


def test_a_stage_without_a_date_waits_for_the_button() -> None:
    from datetime import date

    from bot.campaigns import parse_dates, schedule_from

    days = parse_dates(
        "2027-03-01 2027-04-01 - 2027-06-01 2027-06-20 2027-07-10", date(2026, 12, 1)
    )
    assert days is not None
    schedule = schedule_from(days)
    assert schedule is not None and "serve" not in schedule
    assert schedule["closed"] == "2027-07-10"
    assert schedule_from([None, *days[1:]]) is None  # the first stage needs its date


async def test_a_collected_need_is_rerouted_and_stays_held_until_published(
    deps: Deps, engine: Engine, notifier: RecordingNotifier
) -> None:
    admin = Admin(engine, 1)
    await f.volunteer(deps, 301, "张工", teams=("tech",))
    await f.volunteer(deps, 302, "刘律师", teams=("legal",))
    await admin("/campaign new")
    for answer in ("维权服务月", DATES, "全部", "全部"):
        admin.last = await say(engine, admin.actor, answer)
    admin.last = await press(engine, admin.actor, admin.data("创建"))
    link = admin.last.replies[-1].text.split("/start ")[1].split()[0]
    a = Chat(engine, Actor("telegram", "1001", "王师傅"))
    await a.command("start", link)
    await order_need(a, "注塑件毛边太多怎么办")
    await settle(deps)
    order = (await orders_by_text(deps))["注塑件毛边太多怎么办"]
    out = await admin(f"/reroute {order.code} legal")
    assert order.code in out
    await settle(deps)
    assert (await get_need(deps, order.id)).held  # type: ignore[arg-type]
    assert not notifier.to("301") and not notifier.to("302")
    assert "<b>法律维权服务队</b>（1）" in await admin("/campaign needs")
    assert "已发布 1 条需求" in await admin(f"/campaign publish {order.code}")
    await settle(deps)
    assert any("注塑件毛边" in r.text for r in notifier.to("302"))
    assert not notifier.to("301")
