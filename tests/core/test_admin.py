"""Admin commands on the core ring (SQLite and PostgreSQL): every command's happy path,
refusals (non-admins, admins outside their station), audit rows, statistics,
CSV exports and their privacy, and the emergency broadcast with its roll call."""

from __future__ import annotations

import asyncio
import csv
import io
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from sqlmodel import func, select

from bot import broadcast, exports, orders
from bot.deps import Deps
from bot.engine import Engine
from bot.events import Inbound, Kind
from bot.reply import MessageRef, Reply
from bot.stats import Figures, Month, Served, figures, median, month_stats
from bot.texts import t
from scheduler.runner import tick
from store import tasks
from store.models import (
    Broadcast,
    BroadcastReply,
    Feedback,
    Offer,
    OfferStatus,
    Order,
    OrderMessage,
    OrderStatus,
    Person,
    Role,
    Station,
    StationLevel,
    Task,
    TaskStatus,
    Team,
    Volunteer,
    VolunteerStatus,
)
from tests.utils.admin import (
    Admin,
    add_order,
    add_person,
    add_station,
    add_volunteer,
    audit_actions,
    get,
    team_id,
)
from tests.utils.env import T0
from tests.utils.notifier import RecordingNotifier

SUPER = 1  # settings.admin_ids == [1]
FORBIDDEN = t("zh", "common.forbidden")
EXPIRED = t("zh", "common.expired")


# ---------------------------------------------------------------- helpers


@pytest.fixture
async def net(deps: Deps) -> dict[str, Station]:
    """A county with two towns and a point under the first."""
    yh = await add_station(deps, "yh", "余杭区服务站", StationLevel.COUNTY)
    cgz = await add_station(deps, "cgz", "城关镇服务站", StationLevel.TOWN, yh)
    dx = await add_station(deps, "dx", "东乡服务站", StationLevel.TOWN, yh)
    p1 = await add_station(deps, "p1", "城西村服务点", StationLevel.POINT, cgz)
    return {"yh": yh, "cgz": cgz, "dx": dx, "p1": p1}


@pytest.fixture
def boss(engine: Engine) -> Admin:
    return Admin(engine, SUPER, "会长")


@pytest.fixture
def notifier_of(deps: Deps) -> RecordingNotifier:
    return deps.notifier.channels["telegram"]  # type: ignore[return-value]


# ---------------------------------------------------------------- roles and refusals


async def test_non_admin_is_refused_every_admin_command_and_nothing_changes(
    deps: Deps, engine: Engine, net: dict[str, Station]
) -> None:
    worker = await add_person(deps, 500, "路人")
    order = await add_order(deps, worker, "空调坏了", station_id=net["p1"].id)
    stranger = Admin(engine, 500, "路人")
    commands = [
        "/admin",
        "/teams",
        "/team tech",
        "/addteam drone 无人机队",
        "/editteam tech off",
        "/keywords tech add 焊缝",
        "/stations",
        "/addstation x1 某站",
        "/volunteers",
        "/approve 1",
        "/suspend 1",
        "/resume 1",
        "/orders",
        f"/assign {order.code} 1",
        f"/reroute {order.code} legal",
        f"/cancelorder {order.code}",
        "/stats",
        "/export orders",
        "/broadcast all 集合",
        "/grant 500",
        "/revoke 1",
        "/audit",
    ]
    for command in commands:
        assert await stranger(command) == FORBIDDEN, command
    for data in (
        "admin_menu:teams",
        "pending_list_approve:1",
        "admin_learn_keyword:1:0",
        "broadcast_send:1",
    ):
        outcome = await stranger.press(data)
        assert outcome.toast == FORBIDDEN and not outcome.replies, data
    # /order with a code from a non-admin is the worker's service list, not a timeline
    assert order.code not in await stranger(f"/order {order.code}")
    assert await audit_actions(deps) == []
    async with deps.db.session() as s:
        assert (await s.get(Order, order.id)).status == OrderStatus.NEW  # type: ignore[union-attr]
        assert (await s.exec(select(func.count()).select_from(Team))).one() == 12
        assert (await s.exec(select(func.count()).select_from(Broadcast))).one() == 0
    assert "tech" not in [tm.slug for tm in deps.router.teams if not tm.active]


async def test_admin_menu_and_its_shortcut_buttons(boss: Admin) -> None:
    text = await boss("/admin")
    assert "管理菜单" in text and "超级管理员" in text
    for command in (
        "/teams",
        "/stations",
        "/volunteers",
        "/orders",
        "/stats",
        "/broadcast",
        "/grant",
        "/audit",
        "/keywords",
        "/cancelorder",
    ):
        assert command in text
    outcome = await boss.press(boss.data("服务队"))
    assert "技术攻关服务队" in outcome.replies[0].text
    await boss("/admin")
    outcome = await boss.press(boss.data("本月统计"))
    assert "2026年11月" in outcome.replies[0].text
    assert (await boss.press("admin_menu:nonsense")).toast == EXPIRED


async def test_grant_scoped_admin_refresh_menu_and_revoke(
    deps: Deps,
    engine: Engine,
    boss: Admin,
    net: dict[str, Station],
    notifier_of: RecordingNotifier,
) -> None:
    menus: list[tuple[str, str]] = []

    async def set_menu(person: Person, audience: str) -> None:
        menus.append((person.external_id, audience))

    notifier_of.set_menu = set_menu  # type: ignore[attr-defined]
    await add_person(deps, 77, "李站长")
    assert "城关镇服务站" in await boss("/grant @user77 cgz")
    async with deps.db.session() as s:
        li = (await s.exec(select(Person).where(Person.external_id == "77"))).one()
    assert Role.ADMIN in li.roles and li.admin_station_id == net["cgz"].id
    assert menus == [("77", "admin")]
    assert "管理员" in notifier_of.texts_to("77")[-1]
    # a granted (non-super) admin may not grant or revoke
    li_chat = Admin(engine, 77, "李站长")
    assert await li_chat("/grant 500") == FORBIDDEN
    assert await li_chat("/revoke 1") == FORBIDDEN
    assert "城关镇服务站及下属站点" in await li_chat("/admin")
    # an unknown numeric id is granted ahead of their first message
    assert "已将" in await boss("/grant 4242")
    assert "超级管理员" in await boss(f"/revoke {SUPER}")
    assert "已撤销" in await boss("/revoke 77")
    assert "不是管理员" in await boss("/revoke 77")
    assert menus[-1] == ("77", "everyone")
    assert await li_chat("/teams") == FORBIDDEN
    assert "找不到" in await boss("/grant @nobody")
    assert "没有代码" in await boss("/grant 77 nowhere")
    assert await audit_actions(deps) == ["admin.grant", "admin.grant", "admin.revoke"]


async def test_scoped_admin_is_refused_outside_their_station(
    deps: Deps,
    engine: Engine,
    boss: Admin,
    net: dict[str, Station],
) -> None:
    await add_person(deps, 77, "李站长")
    await boss("/grant 77 cgz")
    li = Admin(engine, 77, "李站长")
    worker = await add_person(deps, 500, "工人")
    inside = await add_order(deps, worker, "电机进水", station_id=net["p1"].id)
    outside = await add_order(deps, worker, "水泵坏了", station_id=net["dx"].id)
    nowhere = await add_order(deps, worker, "没有站点的订单")
    far = await add_volunteer(
        deps,
        801,
        "外站师傅",
        station=net["dx"],
        teams=("electric",),
        status=VolunteerStatus.PENDING,
    )
    near = await add_volunteer(
        deps,
        802,
        "本站师傅",
        station=net["p1"],
        teams=("electric",),
        status=VolunteerStatus.PENDING,
    )
    before = await audit_actions(deps)
    for command in (
        f"/order {outside.code}",
        f"/cancelorder {outside.code}",
        f"/cancelorder {nowhere.code}",
        f"/reroute {outside.code} legal",
        f"/approve {far.id}",
        f"/suspend {far.id}",
        "/volunteers dx",
        "/orders dx",
        "/broadcast dx 集合",
        "/addstation zz 新站 dx",
        "/addstation zz 新县站",
        "/addteam drone 无人机队",
        "/keywords tech add 焊缝",
        "/editteam tech off",
    ):
        assert await li(command) == FORBIDDEN, command
    assert (await li.press(f"pending_list_approve:{far.id}")).toast == FORBIDDEN
    assert await audit_actions(deps) == before
    assert (await get(deps, Order, outside.id)).status == OrderStatus.NEW
    assert (await get(deps, Volunteer, far.id)).status == VolunteerStatus.PENDING
    # inside their subtree everything works, and lists show only their stations
    assert inside.code in await li("/orders")
    listing = await li("/orders all")
    assert outside.code not in listing and nowhere.code not in listing
    assert "电机进水" in await li(f"/order {inside.code}")
    assert "本站师傅" in (text := await li("/volunteers pending")) and "外站师傅" not in text
    assert "已批准" in await li(f"/approve {near.id}")
    stations = await li("/stations")
    assert "城关镇服务站" in stations and "东乡服务站" not in stations
    assert "服务点" in await li("/addstation p2 城东村 cgz")
    assert "已取消" in await li(f"/cancelorder {inside.code} 重复下单")
    # scoped admins see only their own actions in the audit log
    audit = await li("/audit 50")
    assert "取消订单" in audit and "授予管理员" not in audit


# ---------------------------------------------------------------- teams and keywords


async def test_team_commands_edit_the_catalog_and_routing_at_once(deps: Deps, boss: Admin) -> None:
    assert "技术攻关服务队" in await boss("/teams")
    detail = await boss("/team tech")
    assert "tech" in detail and "关键词" in detail
    assert "没有代码" in await boss("/team nope")
    assert "不合格" in await boss("/addteam 9bad 坏代码")
    assert "已新增" in await boss("/addteam drone 无人机服务队 植保无人机维修与培训")
    assert "已被使用" in await boss("/addteam drone 重复")
    assert deps.router.route("植保无人机旋翼坏了").team != "drone"
    saved = await boss("/keywords drone add 无人机^2 植保 旋翼")
    assert "已保存" in saved and "无人机^2" in await boss("/keywords drone")
    assert deps.router.route("植保无人机旋翼坏了").team == "drone"
    assert "问候" in await boss("/keywords drone add 你好")
    assert "权重" in await boss("/keywords drone add 无人机^9")
    removed = await boss("/keywords drone del 旋翼 不存在的词")
    assert "删除：旋翼" in removed and "未找到（未删除）：不存在的词" in removed
    assert "名称" in await boss("/editteam drone name 无人机队")
    assert "已停用" in await boss("/editteam drone off")
    assert deps.router.route("植保无人机旋翼坏了").team != "drone"
    assert "没有变化" in await boss("/editteam drone active off")
    assert "不是整数" in await boss("/editteam drone order x")
    async with deps.db.session() as s:
        drone = (await s.exec(select(Team).where(Team.slug == "drone"))).one()
    assert drone.name == "无人机队" and not drone.active and drone.keywords == ["无人机^2", "植保"]
    assert await audit_actions(deps) == [
        "team.add",
        "team.keywords",
        "team.keywords",
        "team.edit",
        "team.edit",
    ]


# ---------------------------------------------------------------- stations


async def test_addstation_derives_the_level_from_the_parent(deps: Deps, boss: Admin) -> None:
    assert "还没有站点" in await boss("/stations")
    assert "县级服务站" in await boss("/addstation YH 余杭区服务站")
    assert "镇街服务站" in await boss("/addstation cgz 城关镇服务站 yh")
    assert "服务点" in await boss("/addstation p1 城西村 服务点 cgz")
    assert "不能再往下" in await boss("/addstation p9 再下一级 p1")
    assert "已被使用" in await boss("/addstation cgz 重复 yh")
    assert "没有代码" in await boss("/addstation q1 某站 nowhere")
    assert "不合格" in await boss("/addstation 站点 名称")
    async with deps.db.session() as s:
        rows = {st.code: st for st in (await s.exec(select(Station))).all()}
    assert rows["yh"].level == StationLevel.COUNTY and rows["yh"].parent_id is None
    assert rows["cgz"].level == StationLevel.TOWN and rows["cgz"].parent_id == rows["yh"].id
    assert rows["p1"].level == StationLevel.POINT and rows["p1"].name == "城西村 服务点"
    tree = await boss("/stations")
    assert tree.index("余杭区服务站") < tree.index("城关镇服务站") < tree.index("城西村")
    assert await audit_actions(deps) == ["station.add"] * 3


# ---------------------------------------------------------------- volunteers


async def test_volunteer_review_and_status_commands(
    deps: Deps, boss: Admin, net: dict[str, Station], notifier_of: RecordingNotifier
) -> None:
    a = await add_volunteer(
        deps, 801, "张<b>工</b>", station=net["p1"], teams=("tech",), status=VolunteerStatus.PENDING
    )
    b = await add_volunteer(
        deps, 802, "李工", station=net["dx"], teams=("electric",), status=VolunteerStatus.PENDING
    )
    c = await add_volunteer(deps, 803, "王工", station=net["dx"], teams=("electric",))
    pending = await boss("/volunteers pending")
    assert "张&lt;b&gt;工&lt;/b&gt;" in pending and "李工" in pending and "王工" not in pending
    labels = [btn.label for r in boss.last.replies for row in r.buttons for btn in row]
    assert f"批准 #{a.id} 张<b>工</b>" in labels  # labels are plain text
    outcome = await boss.press(f"pending_list_approve:{a.id}")
    assert "已批准" in (outcome.toast or "")
    assert "张" not in outcome.replies[0].text and outcome.replies[0].edit
    assert (await boss.press(f"pending_list_approve:{a.id}")).toast == EXPIRED  # decided already
    assert (await boss.press(f"pending_list_reject:{b.id}")).toast and (
        await get(deps, Volunteer, b.id)
    ).status == VolunteerStatus.REJECTED
    assert "王工" in await boss("/volunteers electric")
    assert "王工" in await boss("/volunteers dx")
    assert "既不是" in await boss("/volunteers nonsense")
    assert "已停用" in await boss(f"/suspend {c.id} 多次爽约")
    assert (await get(deps, Volunteer, c.id)).status == VolunteerStatus.SUSPENDED
    assert "不能这样操作" in await boss(f"/suspend {c.id}")
    assert "已恢复" in await boss("/resume @user803")
    assert "找不到" in await boss("/approve 999")
    assert (await get(deps, Volunteer, c.id)).status == VolunteerStatus.ACTIVE
    assert await audit_actions(deps) == [
        "volunteer.approve",
        "volunteer.reject",
        "volunteer.suspend",
        "volunteer.resume",
    ]
    assert any("多次爽约" in x for x in notifier_of.texts_to("803"))


# ---------------------------------------------------------------- orders


async def test_orders_list_and_the_admin_timeline(
    deps: Deps, boss: Admin, net: dict[str, Station]
) -> None:
    worker = await add_person(deps, 500, "刘女士")
    vol = await add_volunteer(deps, 801, "赵师傅", station=net["p1"], teams=("convenience",))
    other = await add_volunteer(deps, 802, "钱师傅", station=net["p1"], teams=("convenience",))
    tid = await team_id(deps, "convenience")
    done = await add_order(
        deps,
        worker,
        "冰箱不制冷了",
        team_id=tid,
        station_id=net["p1"].id,
        contact_phone="13912345678",
        address="城西村8号",
        route_score=0.83,
    )
    waiting = await add_order(
        deps,
        worker,
        "<script>洗衣机漏水</script>",
        team_id=tid,
        created_at=T0 + timedelta(minutes=5),
    )
    async with deps.db.session() as s:
        s.add(
            Offer(
                order_id=done.id,
                volunteer_id=other.id,
                status=OfferStatus.DECLINED,  # type: ignore[arg-type]
                created_at=T0 + timedelta(minutes=1),
                responded_at=T0 + timedelta(minutes=2),
            )
        )
        s.add(
            Offer(
                order_id=done.id,
                volunteer_id=vol.id,
                status=OfferStatus.CLAIMED,  # type: ignore[arg-type]
                created_at=T0 + timedelta(minutes=2),
            )
        )
        o = await s.get(Order, done.id)
        o.status, o.volunteer_id = OrderStatus.RATED, vol.id  # type: ignore[union-attr]
        o.claimed_at = T0 + timedelta(minutes=3)  # type: ignore[union-attr]
        o.done_at = T0 + timedelta(hours=3)  # type: ignore[union-attr]
        o.service_minutes, o.summary = 45, "更换温控器"  # type: ignore[union-attr]
        o.rated_at = T0 + timedelta(hours=5)  # type: ignore[union-attr]
        s.add(o)  # type: ignore[arg-type]
        s.add(
            Feedback(
                order_id=done.id,
                requester_id=worker.id,
                volunteer_id=vol.id,  # type: ignore[arg-type]
                rating=5,
                comment="师傅很专业",
            )
        )
        for text in ("几点到？", "十点到"):
            s.add(OrderMessage(order_id=done.id, sender_id=worker.id, text=text))  # type: ignore[arg-type]
    listing = await boss("/orders")
    assert waiting.code in listing and done.code not in listing  # unfinished only
    assert "&lt;script&gt;" in listing
    assert done.code in await boss("/orders 已评价")
    assert done.code in await boss("/orders finished cgz")
    assert waiting.code not in await boss("/orders cgz")
    assert "既不是" in await boss("/orders 火星")
    detail = await boss(f"/order {done.code}")
    for part in (
        "冰箱不制冷了",
        "13912345678",
        "城西村8号",
        "0.83",
        "派单给 钱师傅",
        "钱师傅 表示不方便",
        "赵师傅 认领",
        "更换温控器",
        "评价 5 星：师傅很专业",
        "转达留言 2 条",
        "刘女士 下单",
    ):
        assert part in detail, part
    assert (
        detail.index("下单")
        < detail.index("派单给")
        < detail.index("认领")
        < detail.index("评价 5 星")
    )
    assert "找不到" in await boss("/order JX-999999")
    assert "用法" in await boss("/order a b")
    # without a code an admin gets the ordinary service list
    assert "JX-" not in await boss("/order")


async def test_reroute_redispatches_and_learns_keywords(
    deps: Deps, boss: Admin, net: dict[str, Station]
) -> None:
    events: list[dict[str, Any]] = []

    async def heard(deps: Deps, **payload: Any) -> None:
        events.append(payload)

    deps.bus.listen("order_rerouted", heard)
    worker = await add_person(deps, 500, "工人")
    text = "车间里的老式行车吊钩开裂需要探伤"
    order = await add_order(
        deps, worker, text, team_id=await team_id(deps, "convenience"), station_id=net["p1"].id
    )
    reply = await boss(f"/reroute {order.code} tech")
    assert "改派给 技术攻关服务队" in reply
    assert (await get(deps, Order, order.id)).team_id == await team_id(deps, "tech")
    assert events and events[0]["team_id"] == await team_id(deps, "tech")
    offer = boss.last.replies[1]
    terms = [b.label[1:] for row in offer.buttons for b in row if b.label.startswith("＋")]
    assert terms, offer
    first = offer.buttons[0][0].data
    outcome = await boss.press(first)  # type: ignore[arg-type]
    assert outcome.replies[0].edit and "已加入" in outcome.replies[0].text
    async with deps.db.session() as s:
        tech = (await s.exec(select(Team).where(Team.slug == "tech"))).one()
    assert terms[0] in tech.keywords
    assert (await boss.press(first)).toast == EXPIRED  # type: ignore[arg-type]  # learned
    assert len(terms) > 1
    close = [b.data for row in outcome.replies[0].buttons for b in row if b.label == "不用了"]
    closed = await boss.press(close[0])  # type: ignore[arg-type]
    assert closed.replies[0].edit and not closed.replies[0].buttons
    assert "已属于" in await boss(f"/reroute {order.code} tech")
    assert "没有代码" in await boss(f"/reroute {order.code} nope")
    # a claimed order keeps its team
    async with deps.db.session() as s:
        await orders.transition(
            s,
            order.id,
            OrderStatus.CLAIMED,
            T0,  # type: ignore[arg-type]
            expect=OrderStatus.OPEN,
        )
    assert "不能改派" in await boss(f"/reroute {order.code} legal")
    actions = await audit_actions(deps)
    assert actions[:2] == ["order.reroute", "team.keywords"]
    assert (await boss.press("admin_learn_keyword:999999:0")).toast == EXPIRED


async def test_assign_and_cancelorder(
    deps: Deps, boss: Admin, net: dict[str, Station], notifier_of: RecordingNotifier
) -> None:
    worker = await add_person(deps, 500, "工人")
    vol = await add_volunteer(deps, 801, "孙师傅", station=net["p1"], teams=("electric",))
    busy = await add_volunteer(
        deps,
        802,
        "停用师傅",
        station=net["p1"],
        teams=("electric",),
        status=VolunteerStatus.SUSPENDED,
    )
    tid = await team_id(deps, "electric")
    order = await add_order(deps, worker, "配电箱跳闸", team_id=tid, station_id=net["p1"].id)
    assert "未能" in await boss(f"/assign {order.code} {busy.id}")
    assert "已把订单" in await boss(f"/assign {order.code} {vol.id}")
    row = await get(deps, Order, order.id)
    assert row.status == OrderStatus.CLAIMED and row.volunteer_id == vol.id
    assert "已由" in await boss(f"/assign {order.code} {vol.id}")
    async with deps.db.session() as s:
        await tasks.enqueue(s, "probe", T0 + timedelta(days=1), key=f"order:{order.id}:remind")
    notifier_of.clear()
    assert "已取消" in await boss(f"/cancelorder {order.code} 需求方已自行解决")
    row = await get(deps, Order, order.id)
    assert row.status == OrderStatus.CANCELLED and row.cancel_reason == "需求方已自行解决"
    assert any("需求方已自行解决" in x for x in notifier_of.texts_to("500"))  # requester
    assert any(order.code in x for x in notifier_of.texts_to("801"))  # volunteer (dispatch)
    async with deps.db.session() as s:
        task = (await s.exec(select(Task).where(Task.kind == "probe"))).one()
    assert task.status == TaskStatus.CANCELLED
    assert "不能取消" in await boss(f"/cancelorder {order.code}")
    assert await audit_actions(deps) == ["order.assign", "order.cancel"]


# ---------------------------------------------------------------- statistics


def test_figures_are_computed_from_served_orders() -> None:
    rows = [
        Served(1, 1, 10, 100, 500, 60, 5),
        Served(2, 1, 10, 100, 501, 30, None),
        Served(3, 2, None, 101, 500, 90, 4),
    ]
    assert figures(rows) == Figures(
        sessions=3, volunteers=2, people=2, hours=3.0, rating=4.5, ratings=2
    )
    assert figures([]) == Figures()
    assert median([timedelta(minutes=m) for m in (10, 30, 20, 40)]) == timedelta(minutes=25)
    assert median([]) is None
    assert Month.parse("2026-11") == Month(2026, 11) == Month.parse("2026年11月")
    assert Month.parse("2026-13") is None and Month.parse("hello") is None
    assert Month(2026, 12).next() == Month(2027, 1)


async def _seed_month(deps: Deps, net: dict[str, Station]) -> dict[str, Any]:
    """November 2026 (Shanghai): 3 served orders, 1 cancelled, 1 unclaimed; one October."""
    w1, w2 = await add_person(deps, 500, "工人甲"), await add_person(deps, 501, "工人乙")
    v1 = await add_volunteer(deps, 801, "甲师傅", station=net["p1"], teams=("tech",))
    v2 = await add_volunteer(deps, 802, "乙师傅", station=net["dx"], teams=("legal",))
    tech, legal = await team_id(deps, "tech"), await team_id(deps, "legal")
    shanghai_nov1 = datetime(2026, 10, 31, 16, 0, tzinfo=UTC)  # 2026-11-01 00:00 +08:00
    plan = [
        # (requester, team, station, volunteer, status, created, claim after, done, minutes, rating)
        (w1, tech, net["p1"], v1, OrderStatus.RATED, shanghai_nov1, 10, True, 120, 5),
        (w2, tech, net["p1"], v1, OrderStatus.CONFIRMED, T0, 30, True, 60, None),
        (w1, legal, net["dx"], v2, OrderStatus.DONE, T0, 20, True, 30, 3),
        (w2, legal, net["dx"], None, OrderStatus.CANCELLED, T0, None, False, None, None),
        (w2, tech, None, None, OrderStatus.EXPIRED, T0, None, False, None, None),
        # October (one second before November in Shanghai): not counted
        (
            w1,
            tech,
            net["p1"],
            v1,
            OrderStatus.RATED,
            shanghai_nov1 - timedelta(seconds=1),
            None,
            True,
            600,
            1,
        ),
    ]
    made = []
    for req, team, station, vol, status, created, claim_min, done, minutes, rating in plan:
        o = await add_order(
            deps,
            req,
            "需求",
            team_id=team,
            created_at=created,
            station_id=station.id if station else None,
            contact_phone="13912345678",
            address="某路1号",
            contact_name="联系人",
        )
        async with deps.db.session() as s:
            row = await s.get(Order, o.id)
            row.status = status  # type: ignore[union-attr]
            row.volunteer_id = vol.id if vol else None  # type: ignore[union-attr]
            if claim_min is not None:
                row.claimed_at = created + timedelta(minutes=claim_min)  # type: ignore[union-attr]
            if done:
                row.done_at = created  # type: ignore[union-attr]
                row.service_minutes = minutes  # type: ignore[union-attr]
            if status == OrderStatus.EXPIRED:
                row.expired_at = created + timedelta(hours=1)  # type: ignore[union-attr]
            s.add(row)  # type: ignore[arg-type]
            if rating is not None:
                s.add(
                    Feedback(
                        order_id=o.id,
                        requester_id=req.id,
                        volunteer_id=vol.id,  # type: ignore[arg-type, union-attr]
                        rating=rating,
                        comment='=HYPERLINK("x")',
                        created_at=created,
                    )
                )
        made.append(o)
    return {"orders": made, "v1": v1, "v2": v2}


async def test_stats_of_a_seeded_month(deps: Deps, boss: Admin, net: dict[str, Station]) -> None:
    await _seed_month(deps, net)
    async with deps.db.session() as s:
        report = await month_stats(s, Month(2026, 11), deps.settings.tz)
    assert report.total == Figures(
        sessions=3, volunteers=2, people=2, hours=3.5, rating=4.0, ratings=2
    )
    assert report.created == 5 and report.cancelled == 1 and report.unclaimed == 1
    assert report.unclaimed_rate == pytest.approx(0.2)
    assert report.median_to_claim == timedelta(minutes=20) and report.claimed == 3
    assert report.by_team[await team_id(deps, "tech")].sessions == 2
    assert report.by_station[net["dx"].id] == Figures(1, 1, 1, 0.5, 3.0, 1)
    text = await boss("/stats 2026-11")
    for part in (
        "服务场次：3 场",
        "参与志愿者：2 人",
        "服务人次：2 人",
        "服务时长：3.5 小时",
        "平均评分：4.0",
        "无人认领 1 单",
        "20.0%",
        "20 分钟",
        "按服务队",
        "按站点",
        "技术攻关服务队：2 场",
        "东乡服务站：1 场",
    ):
        assert part in text, part
    assert "服务场次：1 场" in await boss("/stats 2026-10")
    assert "2026年11月" in await boss("/stats")  # the current month (T0)
    assert "用法" in await boss("/stats 11-2026")


# ---------------------------------------------------------------- exports


def _csv(reply: Reply) -> list[list[str]]:
    assert reply.document is not None
    raw = reply.document.content
    assert raw.startswith(b"\xef\xbb\xbf")  # UTF-8 BOM for Excel
    return list(csv.reader(io.StringIO(raw.decode("utf-8-sig"))))


async def test_exports_are_excel_csv_and_private_columns_are_for_super_admins(
    deps: Deps, engine: Engine, boss: Admin, net: dict[str, Station]
) -> None:
    await _seed_month(deps, net)
    await boss("/export orders 2026-11")
    reply = boss.last.replies[0]
    assert reply.document is not None and reply.document.filename.endswith("2026-11.csv")
    rows = _csv(reply)
    assert rows[0][:3] == ["订单号", "状态", "服务队"]
    assert "联系电话" in rows[0] and "地址" in rows[0]
    assert len(rows) == 1 + 5 and "13912345678" in rows[1]
    await boss("/export feedback 2026-11")
    feedback = _csv(boss.last.replies[0])
    assert feedback[0] == [
        "订单号",
        "服务队",
        "站点",
        "志愿者",
        "评分",
        "评价内容",
        "是否解决",
        "评价时间",
    ]
    assert feedback[1][5] == '\'=HYPERLINK("x")'  # a formula stays text
    await boss("/export volunteers 2026-11")
    vols = _csv(boss.last.replies[0])
    assert "电话" in vols[0] and vols[1][1] == "甲师傅"
    assert vols[1][vols[0].index("本月服务场次")] == "2"
    # an unscoped but not super admin: the same files without phones and addresses
    await add_person(deps, 70, "副会长")
    await boss("/grant 70")
    deputy = Admin(engine, 70, "副会长")
    caption = await deputy("/export orders 2026-11")
    assert "已略去" in caption
    rows = _csv(deputy.last.replies[0])
    assert not {"联系电话", "地址", "联系人", "纬度"} & set(rows[0])
    assert all("13912345678" not in cell for row in rows for cell in row)
    await deputy("/export volunteers")
    assert "电话" not in _csv(deputy.last.replies[0])[0]
    # a station admin exports their own stations only
    await add_person(deps, 71, "东乡站长")
    await boss("/grant 71 dx")
    assert len(_csv(await _last_export(engine, 71))) == 1 + 2  # the two orders at dx
    assert "用法" in await boss("/export phones")
    assert "用法" in await boss("/export orders 2026-99")
    assert (await audit_actions(deps)).count("export") == 6


async def _last_export(engine: Engine, uid: int) -> Reply:
    admin = Admin(engine, uid)
    await admin("/export orders 2026-11")
    return admin.last.replies[0]


def test_csv_cells_are_defused_and_bom_prefixed() -> None:
    data = exports.to_csv(["a", "b"], [["=1+1", "+86 138"], ["-x", "@y"], [3, None]])
    text = data.decode("utf-8-sig")
    assert data.startswith(exports.BOM.encode())
    assert list(csv.reader(io.StringIO(text))) == [
        ["a", "b"],
        ["'=1+1", "'+86 138"],
        ["'-x", "'@y"],
        ["3", ""],
    ]


# ---------------------------------------------------------------- audit


async def test_audit_shows_the_latest_actions(deps: Deps, boss: Admin) -> None:
    assert "还没有" in await boss("/audit")
    await boss("/addteam drone 无人机队")
    await boss("/editteam drone desc 植保无人机")
    text = await boss("/audit 1")
    assert "修改服务队" in text and "新增服务队" not in text
    assert "description: →植保无人机" in text
    assert "新增服务队" in await boss("/audit")
    assert "用法" in await boss("/audit 0")
    assert "用法" in await boss("/audit many")


# ---------------------------------------------------------------- emergency broadcast


@pytest.fixture
def fast_broadcast(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(broadcast.common, "RATE_PER_SECOND", 500.0)
    monkeypatch.setattr(broadcast.common, "EDIT_EVERY", 0.05)
    monkeypatch.setattr(broadcast.common, "PERSIST_EVERY", 0.05)


async def test_broadcast_fans_out_and_counts_the_roll_call(
    deps: Deps,
    engine: Engine,
    boss: Admin,
    net: dict[str, Station],
    notifier_of: RecordingNotifier,
    fast_broadcast: None,
) -> None:
    team_a = [
        await add_volunteer(deps, 800 + i, f"应急{i}", station=net["p1"], teams=("emergency",))
        for i in range(6)
    ]
    await add_volunteer(deps, 850, "外队", station=net["p1"], teams=("tech",))
    await add_volunteer(deps, 851, "待审", teams=("emergency",), status=VolunteerStatus.PENDING)
    notifier_of.blocked.add("805")  # blocked the bot: counted as failed
    assert "在岗志愿者" in await boss("/broadcast emergency 台风过境，明早8点集合抢修水泵")
    preview = boss.last.replies[0]
    assert "<b>6</b>" in preview.text and not notifier_of.texts_to("800")
    drafts = await boss.press(boss.data("确认发送"), MessageRef("telegram", "1", "77"))
    assert drafts.toast == "开始发送给 6 人"
    assert (await boss.press(preview.buttons[0][0].data)).toast == EXPIRED  # type: ignore[arg-type]
    for v in team_a[:5]:
        got = notifier_of.to(str(800 + team_a.index(v)))
        assert len(got) == 1 and "台风过境" in got[0].text
        assert [b.label for b in got[0].buttons[0]] == ["我能到场", "去不了"]
    assert not notifier_of.texts_to("850") and not notifier_of.texts_to("851")
    async with deps.db.session() as s:
        row = (await s.exec(select(Broadcast))).one()
    assert (row.total, row.sent, row.failed) == (6, 5, 1) and row.finished_at is not None
    progress = [r.text for ref, r in notifier_of.edits if ref.message_id == "77"]
    assert "发送完成：6/6（成功 5，失败 1）" in progress[-1]
    # the roll call: answers count live, one per person, changeable
    yes = notifier_of.to("800")[0].buttons[0][0].data
    no = notifier_of.to("800")[0].buttons[0][1].data
    v0, v1 = Admin(engine, 800), Admin(engine, 801)
    out = await v0.press(yes)  # type: ignore[arg-type]
    assert out.toast == "已登记：我能到场" and "可更改" in out.replies[0].text
    assert out.replies[0].edit and out.replies[0].buttons
    await v1.press(yes)  # type: ignore[arg-type]
    await v1.press(no)  # type: ignore[arg-type]
    repeat = await v1.press(no)  # type: ignore[arg-type]
    assert repeat.toast == "已登记：去不了" and not repeat.replies
    progress = [r.text for ref, r in notifier_of.edits if ref.message_id == "77"]
    assert "能到场 <b>1</b> 人" in progress[-1] and "去不了 1 人" in progress[-1]
    assert "能到场：应急0" in progress[-1]
    async with deps.db.session() as s:
        answers = {r.person_id: r.answer for r in (await s.exec(select(BroadcastReply))).all()}
    assert sorted(answers.values()) == ["no", "yes"]
    # somebody who did not receive it cannot answer (forged button)
    assert (await Admin(engine, 850).press(yes)).toast == EXPIRED  # type: ignore[arg-type]
    assert (await v0.press(f"broadcast_answer:{row.id}:maybe")).toast == EXPIRED
    assert "broadcast.start" in await audit_actions(deps)


async def test_broadcast_scope_checks_and_draft_cancel(
    deps: Deps,
    engine: Engine,
    boss: Admin,
    net: dict[str, Station],
    notifier_of: RecordingNotifier,
    fast_broadcast: None,
) -> None:
    await add_volunteer(deps, 800, "城关", station=net["p1"], teams=("emergency",))
    await add_volunteer(deps, 801, "东乡", station=net["dx"], teams=("emergency",))
    assert "用法" in await boss("/broadcast all")
    assert "既不是" in await boss("/broadcast mars 集合")
    assert "没有在岗志愿者" in await boss("/broadcast heritage 集合")
    assert "太长" in await boss("/broadcast all " + "急" * 1001)
    await boss("/broadcast cgz 城关镇集合")
    assert "<b>1</b>" in boss.last.replies[0].text
    drop = boss.data("取消")
    dropped = await boss.press(drop)
    assert dropped.replies[0].edit and "未发送" in dropped.replies[0].text
    assert (await boss.press(drop)).toast == EXPIRED
    assert not notifier_of.texts_to("800")
    # a station admin's "all" reaches their own stations only; someone else's draft is not theirs
    await add_person(deps, 77, "城关站长")
    await boss("/grant 77 cgz")
    li = Admin(engine, 77)
    await li("/broadcast all 全体集合\n第二行")
    go = li.data("确认发送")
    assert (await boss.press(go)).toast == EXPIRED
    await li.press(go)
    assert notifier_of.texts_to("800")[0].count("全体集合\n第二行") == 1
    assert not notifier_of.texts_to("801")


async def test_broadcast_resumes_after_a_stop_and_after_a_crash(
    deps: Deps,
    boss: Admin,
    net: dict[str, Station],
    notifier_of: RecordingNotifier,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(broadcast.common, "RATE_PER_SECOND", 100.0)
    monkeypatch.setattr(broadcast.common, "PERSIST_EVERY", 0.05)
    monkeypatch.setattr(broadcast.common, "EDIT_EVERY", 0.05)
    for i in range(30):
        await add_volunteer(deps, 800 + i, f"队员{i}", teams=("emergency",))
    await boss("/broadcast all 集合")
    go = boss.data("确认发送")
    event = Inbound(Kind.BUTTON, data=go, message=MessageRef("telegram", "1", "77"))
    eight_sent = asyncio.Event()
    record = notifier_of.send

    async def counting(person: Person, reply: Reply) -> MessageRef | None:
        ref = await record(person, reply)
        if len(notifier_of.sent) >= 8:
            eight_sent.set()
        return ref

    monkeypatch.setattr(notifier_of, "send", counting)
    await boss.engine.handle(boss.actor, event)  # not settled: stop it part-way
    await asyncio.wait_for(eight_sent.wait(), 5)
    await broadcast.shutdown(deps)  # a clean stop hands the task back with its cursor
    sent_before = len([s for s in notifier_of.sent if s.external_id != "1"])
    assert 8 <= sent_before < 30
    async with deps.db.session() as s:
        task = (await s.exec(select(Task).where(Task.kind == "broadcast"))).one()
    assert task.status == TaskStatus.PENDING and task.payload["cursor"] == sent_before
    assert await tick(deps, worker_id="w1") == 1  # the scheduler resumes it
    await broadcast.settle(deps)
    received = [s.external_id for s in notifier_of.sent if s.external_id != "1"]
    assert sorted(received) == sorted(str(800 + i) for i in range(30))  # each exactly once
    async with deps.db.session() as s:
        row = (await s.exec(select(Broadcast))).one()
        statuses = [tk.status for tk in (await s.exec(select(Task))).all()]
    assert (row.sent, row.failed) == (30, 0) and row.finished_at is not None
    assert statuses == [TaskStatus.DONE, TaskStatus.DONE]
    # a crash: the lease simply runs out and the scheduler picks the rest up
    notifier_of.clear()
    async with deps.db.session() as s:
        draft = await broadcast.create_draft(s, admin_id=row.admin_id, scope="all", text="二次")
        people = await broadcast.recipients(s, "all", None)
        s.add(
            Task(
                kind="broadcast",
                key=f"broadcast:{draft.id}",
                due_at=T0,
                status=TaskStatus.RUNNING,
                leased_by="dead-process",
                lease_until=T0 - timedelta(seconds=1),
                payload={"broadcast_id": draft.id, "recipients": people, "cursor": 25},
            )
        )
        draft.total, draft.sent = 30, 25
        s.add(draft)
    assert await tick(deps, worker_id="w1") == 1
    await broadcast.settle(deps)
    assert sorted(s.external_id for s in notifier_of.sent) == [str(800 + i) for i in range(25, 30)]
    assert (await get(deps, Broadcast, draft.id)).sent == 30
    assert all(s.reply.buttons for s in notifier_of.sent)  # roll-call messages only
