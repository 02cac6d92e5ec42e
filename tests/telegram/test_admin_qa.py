"""Admin commands as a demanding association staff member uses them: full-width input
from a Chinese IME, Chinese punctuation, repeated and ambiguous commands, and long
lists that must still fit Telegram's messages. Each test pins a bug found in QA."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest
from sqlmodel import col, func, select

from bot.deps import Deps
from bot.engine import Engine
from bot.events import Actor, Inbound, Kind
from bot.texts import t
from store.models import (
    AuditLog,
    Order,
    OrderStatus,
    Person,
    Role,
    Station,
    StationLevel,
    Team,
    Volunteer,
    VolunteerStatus,
    VolunteerTeam,
)
from tests.utils.admin import (
    Admin,
    add_order,
    add_person,
    add_station,
    add_volunteer,
    audit_actions,
    get,
)
from tests.utils.notifier import RecordingNotifier
from tests.utils.tgrig import TgRig

SUPER = 1
CRASH = t("zh", "common.error")
TELEGRAM_LIMIT = 4096


@pytest.fixture
def boss(engine: Engine) -> Admin:
    return Admin(engine, SUPER, "会长")


@pytest.fixture
def notifier_of(deps: Deps) -> RecordingNotifier:
    return deps.notifier.channels["telegram"]  # type: ignore[return-value]


async def keywords_of(deps: Deps, slug: str) -> list[str]:
    async with deps.db.session() as s:
        return list((await s.exec(select(Team).where(Team.slug == slug))).one().keywords)


async def audit_count(deps: Deps) -> int:
    async with deps.db.session() as s:
        return (await s.exec(select(func.count()).select_from(AuditLog))).one()


# ---------------------------------------------------------------- keywords


async def test_keywords_typed_with_chinese_commas_are_separate_terms(
    deps: Deps, boss: Admin
) -> None:
    await boss("/addteam drone 无人机服务队")
    reply = await boss("/keywords drone add 无人机，植保、旋翼,航拍")
    assert "已保存" in reply
    assert await keywords_of(deps, "drone") == ["无人机", "植保", "旋翼", "航拍"]
    assert deps.router.route("旋翼断了一片").team == "drone"
    removed = await boss("/keywords drone del 植保，航拍")
    assert "删除：植保、航拍" in removed
    assert await keywords_of(deps, "drone") == ["无人机", "旋翼"]


async def test_adding_an_existing_keyword_keeps_its_weight_and_says_so(
    deps: Deps, boss: Admin
) -> None:
    before = await keywords_of(deps, "tech")
    assert "焊接^1.2" in before
    audited = await audit_count(deps)
    reply = await boss("/keywords tech add 焊接")
    assert "已有" in reply and "焊接" in reply and "未找到" not in reply
    assert await keywords_of(deps, "tech") == before  # the weight 1.2 is not reset to 1
    assert await audit_count(deps) == audited
    # a new term next to an existing one: only the new one is reported as added
    reply = await boss("/keywords tech add 焊接 激光熔覆")
    assert "添加：激光熔覆" in reply and "已有：焊接" in reply
    assert "焊接^1.2" in await keywords_of(deps, "tech")
    # an explicit weight re-weights, and is reported as such
    reply = await boss("/keywords tech add 焊接^2")
    assert "焊接^2" in await keywords_of(deps, "tech") and "焊接^2" in reply
    # the same term twice in one removal is reported once
    reply = await boss("/keywords tech del 激光熔覆 激光熔覆")
    assert reply.count("激光熔覆") == 1


async def test_new_keyword_routes_a_free_text_order_at_once(
    deps: Deps, engine: Engine, boss: Admin
) -> None:
    text = "村里的沼气池漏气了"
    assert deps.router.route(text).team != "environment"
    assert "已保存" in await boss("/keywords environment add 沼气池^2")
    worker = Actor("telegram", "500", "工人")
    await engine.handle(worker, Inbound(Kind.TEXT, text=text))
    assert deps.router.route(text).team == "environment"
    assert "问候" in await boss("/keywords environment add 你好")
    assert "最多 20 个字" in await boss("/keywords environment add " + "沼" * 21)


# ---------------------------------------------------------------- what an IME types


async def test_full_width_identifiers_work_like_ascii(
    deps: Deps, boss: Admin, notifier_of: RecordingNotifier
) -> None:
    yh = await add_station(deps, "yh", "余杭区服务站", StationLevel.COUNTY)
    worker = await add_person(deps, 500, "工人")
    order = await add_order(deps, worker, "空调坏了", station_id=yh.id)
    assert "空调坏了" in await boss("/order ＪＸ－００００01")
    assert "2026年11月" in await boss("/stats ２０２６－１１")
    assert "用法" not in await boss("/audit ５")
    assert "余杭区服务站：暂无志愿者" in await boss("/volunteers ＹＨ")
    granted = await boss("/grant １２３ ｙｈ")
    assert "余杭区服务站" in granted
    async with deps.db.session() as s:
        person = (await s.exec(select(Person).where(Person.external_id == "123"))).first()
        bogus = (await s.exec(select(Person).where(Person.external_id == "１２３"))).first()
    assert bogus is None
    assert person is not None and Role.ADMIN in person.roles
    # the granted person never wrote to the bot: the admin is told so, by the id they typed
    assert "ID 123" in granted and "/start" in granted
    assert "已取消" in await boss(f"/cancelorder {order.code.replace('JX', 'jx')}")


async def test_odd_digits_never_crash_a_command(deps: Deps, boss: Admin) -> None:
    for command in ("/audit ²", "/audit ①", "/resume ²", "/approve ³", "/assign JX-1 ²"):
        reply = await boss(command)
        assert reply != CRASH and "出了点问题" not in reply, command
    assert "用法" in await boss("/audit 2.5")
    assert "用法" not in await boss("/audit ２")  # NFKC folds it to 2


# ---------------------------------------------------------------- roles


async def test_granting_twice_changes_nothing_and_writes_no_second_audit_row(
    deps: Deps, boss: Admin, notifier_of: RecordingNotifier
) -> None:
    await add_person(deps, 77, "李站长")
    cgz = await add_station(deps, "cgz", "城关镇服务站", StationLevel.TOWN)
    assert "已将" in await boss("/grant 77")
    notices = len(notifier_of.texts_to("77"))
    again = await boss("/grant 77")
    assert "已是管理员" in again and "已将" not in again
    assert len(notifier_of.texts_to("77")) == notices
    assert await audit_actions(deps) == ["admin.grant"]
    # changing the scope is a real change
    assert "城关镇服务站" in await boss("/grant @user77 cgz")
    assert await audit_actions(deps) == ["admin.grant", "admin.grant"]
    async with deps.db.session() as s:
        li = (await s.exec(select(Person).where(Person.external_id == "77"))).one()
    assert li.admin_station_id == cgz.id


# ---------------------------------------------------------------- volunteers and orders


async def test_a_shared_name_lists_the_candidates_instead_of_not_found(
    deps: Deps, boss: Admin
) -> None:
    a = await add_volunteer(deps, 801, "王师傅", teams=("electric",))
    b = await add_volunteer(deps, 802, "王师傅", teams=("legal",), status=VolunteerStatus.PAUSED)
    reply = await boss("/resume 王师傅")
    assert "找不到" not in reply and f"#{a.id}" in reply and f"#{b.id}" in reply
    assert (await get(deps, Volunteer, b.id)).status == VolunteerStatus.PAUSED
    # a name starting with a digit is a name, not volunteer number 2
    c = await add_volunteer(deps, 803, "2号师傅", status=VolunteerStatus.SUSPENDED)
    assert "已恢复" in await boss("/resume 2号师傅")
    assert (await get(deps, Volunteer, c.id)).status == VolunteerStatus.ACTIVE


async def test_reroute_to_a_retired_team_says_it_is_retired(deps: Deps, boss: Admin) -> None:
    worker = await add_person(deps, 500, "工人")
    order = await add_order(deps, worker, "被拖欠工资")
    await boss("/editteam legal off")
    reply = await boss(f"/reroute {order.code} legal")
    assert "已停用" in reply and "没有代码" not in reply
    assert (await get(deps, Order, order.id)).team_id is None


async def test_assign_to_a_volunteer_who_cannot_work_says_why(deps: Deps, boss: Admin) -> None:
    worker = await add_person(deps, 500, "工人")
    order = await add_order(deps, worker, "配电箱跳闸")
    off = await add_volunteer(deps, 801, "停师傅", status=VolunteerStatus.SUSPENDED)
    new = await add_volunteer(deps, 802, "新师傅", status=VolunteerStatus.PENDING)
    for v, status in ((off, "已停用"), (new, "待审核")):
        reply = await boss(f"/assign {order.code} {v.id}")
        assert status in reply and "待派单" not in reply, reply
    assert (await get(deps, Order, order.id)).status == OrderStatus.NEW
    assert await audit_actions(deps) == []


# ---------------------------------------------------------------- audit and stats wording


async def test_audit_shows_which_keywords_changed_and_the_order_code(
    deps: Deps, boss: Admin
) -> None:
    await boss("/keywords tech add 激光熔覆")
    await boss("/keywords tech del 咬边")
    text = await boss("/audit 2")
    assert "+激光熔覆" in text and "-咬边" in text
    assert "技术攻关^1.5" not in text  # not the whole 300-term list
    worker = await add_person(deps, 500, "工人")
    order = await add_order(deps, worker, "空调坏了")
    await boss(f"/cancelorder {order.code}")
    assert order.code in await boss("/audit 1")


async def test_stats_of_another_month_does_not_say_this_month(boss: Admin) -> None:
    past = await boss("/stats 2026-10")
    assert "本月" not in past and "2026年10月还没有完成的服务" in past
    assert "本月还没有完成的服务" in await boss("/stats")


# ---------------------------------------------------------------- long lists


async def _crowd(deps: Deps, n: int, *, status: str) -> list[Volunteer]:
    async with deps.db.session() as s:
        town = Station(code="cgz", name="城关镇服务站（长长的名字）", level=StationLevel.TOWN)
        s.add(town)
        await s.flush()
        teams = list((await s.exec(select(Team).order_by(col(Team.id)).limit(4))).all())
        people = [
            Person(platform="telegram", external_id=str(5000 + i), display_name=f"队员{i}")
            for i in range(n)
        ]
        s.add_all(people)
        await s.flush()
        rows = [
            Volunteer(
                person_id=p.id,  # type: ignore[arg-type]
                name=f"志愿者<b>{i}</b>名字长长长长长长长长长长",
                phone="13800000000",
                station_id=town.id,
                status=status,
                skills="焊接、电工、数控、模具、注塑、钳工、管道、锅炉、制冷、空调" * 5,
                honours="全国劳动模范、浙江工匠、杭州工匠、五一劳动奖章" * 4,
            )
            for i, p in enumerate(people)
        ]
        s.add_all(rows)
        await s.flush()
        s.add_all(
            VolunteerTeam(volunteer_id=v.id, team_id=tm.id)  # type: ignore[arg-type]
            for v in rows
            for tm in teams
        )
    return rows


async def test_the_pending_list_fits_one_message_before_and_after_a_decision(
    deps: Deps, boss: Admin
) -> None:
    await _crowd(deps, 40, status=VolunteerStatus.PENDING)
    await boss("/volunteers pending")
    [listing] = boss.last.replies
    assert len(listing.text) <= TELEGRAM_LIMIT and listing.buttons
    assert "共 40 条" in listing.text
    outcome = await boss.press(listing.buttons[0][0].data)  # type: ignore[arg-type]
    [edited] = outcome.replies
    assert edited.edit and len(edited.text) <= TELEGRAM_LIMIT
    assert "共 39 条" in edited.text


# ---------------------------------------------------------------- the Telegram ring


async def _ask(user: Any, text: str) -> Any:
    await user.send(text)
    return await user.next_message()


async def test_long_admin_views_fit_telegram(tg: TgRig) -> None:
    """Lists that outgrow one message are split on line breaks, never in the middle of
    markup, and the pending list an admin decides from stays one message that edits."""
    admin = tg.user(SUPER, "会长")
    await _ask(admin, "/start")
    await _crowd(tg.deps, 60, status=VolunteerStatus.PENDING)
    async with tg.db.session() as s:
        county = (await s.exec(select(Station).where(Station.code == "cgz"))).one()
        for i in range(30):
            town = Station(
                code=f"t{i}",
                name=f"第{i}镇街服务站<i>名字</i>比较长一些",
                level=StationLevel.TOWN,
                parent_id=county.id,
            )
            s.add(town)
            await s.flush()
            s.add_all(
                Station(
                    code=f"t{i}p{j}",
                    name=f"第{i}镇第{j}村服务点&名字也比较长",
                    level=StationLevel.POINT,
                    parent_id=town.id,
                )
                for j in range(4)
            )
        s.add_all(
            AuditLog(
                actor_id=None,
                action="team.keywords",
                target_type="team",
                target_id="tech",
                before={"keywords": ["<a>&"] * 50},
                after={"keywords": ["<b>"] * 60},
            )
            for _ in range(60)
        )
    server = tg.api.server

    def refused() -> list[Any]:  # what the admin's chat was refused (too long, bad markup)
        return [e for e in server.errors if str(e.params.get("chat_id")) == str(SUPER)]

    for command in ("/stations", "/audit 50", "/volunteers", "/keywords tech", "/teams"):
        await admin.send(command)
        await admin.next_message()
        await asyncio.sleep(0.3)  # the other parts of a long list
        admin.drain()
        assert not refused(), (command, refused())
    listing = await _ask(admin, "/volunteers pending")
    await admin.expect_no_message(within=0.3)  # one message, buttons under it
    assert listing.buttons and "共 60 条" in listing.text
    await admin.press(listing.buttons[0][0], message=listing)
    edited = await admin.next_edit(listing)
    assert "共 59 条" in edited.text and edited.buttons
    assert not refused(), refused()


# ---------------------------------------------------------------- scope and exports


async def test_a_station_admin_changes_nothing_outside_their_station(
    deps: Deps, engine: Engine, boss: Admin
) -> None:
    yh = await add_station(deps, "yh", "余杭区服务站", StationLevel.COUNTY)
    cgz = await add_station(deps, "cgz", "城关镇服务站", StationLevel.TOWN, yh)
    dx = await add_station(deps, "dx", "东乡服务站", StationLevel.TOWN, yh)
    worker = await add_person(deps, 500, "工人")
    inside = await add_order(deps, worker, "电机进水", station_id=cgz.id)
    outside = await add_order(deps, worker, "水泵坏了", station_id=dx.id)
    near = await add_volunteer(deps, 801, "本站", station=cgz, teams=("electric",))
    far = await add_volunteer(
        deps, 802, "外站", station=dx, teams=("electric",), status=VolunteerStatus.SUSPENDED
    )
    pending = await add_volunteer(deps, 803, "外站新人", station=dx, status=VolunteerStatus.PENDING)
    await add_volunteer(deps, 804, "东乡在岗", station=dx, teams=("emergency",))
    await boss("/broadcast dx 东乡集合")
    boss_go = boss.data("确认发送")
    await add_person(deps, 77, "城关站长")
    await boss("/grant 77 cgz")
    li = Admin(engine, 77)
    before = await audit_actions(deps)
    for command in (
        f"/assign {inside.code} {far.id}",
        f"/assign {outside.code} {near.id}",
        f"/resume {far.id}",
        f"/approve {pending.id}",
        f"/reroute {outside.code} legal",
        "/keywords tech del 焊接",
        "/editteam tech name 改名",
        "/grant 500",
        "/revoke 77",
        "/addstation dx1 东乡村 dx",
        "/export orders 2026-13",
    ):
        reply = await li(command)
        assert reply == t("zh", "common.forbidden") or "用法" in reply, command
    for data in (
        f"pending_list_reject:{pending.id}",
        "admin_learn_keyword:1:0",
        boss_go,
        boss_go.replace("broadcast_send", "broadcast_drop"),
    ):
        outcome = await li.press(data)
        assert outcome.toast in (t("zh", "common.forbidden"), t("zh", "common.expired")), data
        assert not outcome.replies
    assert await audit_actions(deps) == before
    assert (await get(deps, Order, outside.id)).status == OrderStatus.NEW
    assert (await get(deps, Volunteer, far.id)).status == VolunteerStatus.SUSPENDED
    assert (await get(deps, Volunteer, pending.id)).status == VolunteerStatus.PENDING
    # their own views and files hold their own stations only
    listing = await li("/volunteers electric")
    assert "本站" in listing and "外站" not in listing and "东乡在岗" not in listing
    await li("/export orders")
    text = li.last.replies[0].document.content.decode("utf-8-sig")  # type: ignore[union-attr]
    assert inside.code in text and outside.code not in text


async def test_exported_cells_survive_commas_quotes_newlines_and_markup(
    deps: Deps, boss: Admin
) -> None:
    import csv
    import io

    worker = await add_person(deps, 500, "工人")
    tricky = '空调坏了,"不制冷"\n第二行 <b>&amp;</b>'
    order = await add_order(deps, worker, tricky, address="城西村,8号\r\n东门")
    await boss("/export orders")
    content = boss.last.replies[0].document.content  # type: ignore[union-attr]
    assert content.startswith("\ufeff".encode())
    text = content.decode("utf-8-sig")
    assert text.split("\r\n", 1)[0].startswith("订单号,状态,服务队")
    header, row = list(csv.reader(io.StringIO(text, newline="")))
    assert row[header.index("订单号")] == order.code
    assert row[header.index("需求")] == tricky
    assert row[header.index("地址")] == "城西村,8号\r\n东门"
    await boss("/export feedback 2026-10")
    empty = boss.last.replies[0]
    assert "共 0 行" in empty.text
    assert len(list(csv.reader(io.StringIO(empty.document.content.decode("utf-8-sig"))))) == 1  # type: ignore[union-attr]
