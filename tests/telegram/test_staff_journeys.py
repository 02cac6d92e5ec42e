"""Issue 17, items 10–19: what volunteers and admins see and can tap, through the real
python-telegram-bot stack and the fake Bot API. Each test names its item."""

from __future__ import annotations

import pytest
from sqlmodel import select

from bot import dispatch
from bot.lifecycle import emit
from store.models import Order, OrderStatus, Person, VolunteerStatus
from tests.utils import tgrig
from tests.utils import volunteers as f
from tests.utils.fakebot import fixtures
from tests.utils.fakebot.driver import BotMessage, FakeUser
from tests.utils.tgrig import TgRig

fake_bot_api = fixtures.fake_bot_api
tg = tgrig.tg

PHONE = "13812345678"


async def _ask(user: FakeUser, text: str) -> BotMessage:
    await user.send(text)
    return await user.next_message()


async def _started(tg: TgRig, uid: int, name: str) -> tuple[FakeUser, Person]:
    user = tg.user(uid, name, username=f"u{uid}")
    await _ask(user, "/start")
    async with tg.db.session() as s:
        person = (await s.exec(select(Person).where(Person.external_id == str(uid)))).one()
    return user, person


# ---------------------------------------------------------------- item 17


async def test_item17_a_station_admins_broadcast_all_says_whom_it_reaches(tg: TgRig) -> None:
    admin, _ = await _started(tg, 1, "会长")
    ids = await f.stations(tg.deps)
    await f.volunteer(tg.deps, 3001, "李师傅", station_id=ids["yh.a1"])
    await f.volunteer(tg.deps, 3002, "赵师傅", station_id=ids["lq.a"])
    chief, _ = await _started(tg, 78, "站长")
    assert "玉城街道" in (await _ask(admin, "/grant 78 yh-a")).text
    chief.drain()
    preview = await _ask(chief, "/broadcast all 台风过境，今晚8点集合")
    assert "本站点及下属全体志愿者（玉城街道）" in preview.text and "1 名" in preview.text
    # The association-wide admin's label is unchanged.
    assert "本站点" not in (await _ask(admin, "/broadcast all 台风过境")).text


# ---------------------------------------------------------------- item 18


async def test_item18_escalation_stops_at_the_county_then_the_admins(tg: TgRig) -> None:
    """A 临海 volunteer no longer gets a 玉环 order; the admins hear 无人认领 instead."""
    admin, _ = await _started(tg, 1, "会长")
    ids = await f.stations(tg.deps)
    far = tg.user(3002, "临海赵师傅", started=True)
    await f.volunteer(tg.deps, 3002, "临海赵师傅", station_id=ids["lq.a"])
    requester = await f.person(tg.deps, 2001, "王女士", phone=PHONE)
    oid = await f.order(tg.deps, requester, station_id=ids["yh.a1"], address="解放路88号")
    await dispatch.start(tg.deps, oid)
    await dispatch.settle(tg.deps)
    alert = await admin.next_message()
    assert "无人认领" in alert.text
    await far.expect_no_message()
    assert (await _ask(far, "/board")).text.startswith("暂时没有")


@pytest.mark.settings(escalation_scope="all")
async def test_item18_escalation_scope_all_still_reaches_other_counties(tg: TgRig) -> None:
    ids = await f.stations(tg.deps)
    far = tg.user(3002, "临海赵师傅", started=True)
    await f.volunteer(tg.deps, 3002, "临海赵师傅", station_id=ids["lq.a"])
    requester = await f.person(tg.deps, 2001, "王女士", phone=PHONE)
    oid = await f.order(tg.deps, requester, station_id=ids["yh.a1"], address="解放路88号")
    await dispatch.start(tg.deps, oid)
    assert "新的服务需求" in (await far.next_message()).text


# ---------------------------------------------------------------- item 12


async def test_item12_an_approved_volunteers_menu_shows_what_they_can_do(tg: TgRig) -> None:
    admin, _ = await _started(tg, 1, "会长")
    master = tg.user(3001, "李建国", started=True)
    v = await f.volunteer(tg.deps, 3001, "李建国", status=VolunteerStatus.PENDING)
    await _ask(admin, f"/approve {v.id}")
    assert "恭喜" in (await master.next_message()).text
    menu = dict(tg.api.server.get_commands(scope={"type": "chat", "chat_id": 3001}))
    assert "jobs" in menu and "board" in menu and "available" in menu
    assert "volunteer" not in menu  # not 申请成为志愿者 any more
    # WeChat's 志愿者 entry and old menus send /volunteer: they get the same choices.
    now = await _ask(master, "/volunteer")
    assert "/jobs" in now.text and "/board" in now.text and "姓名" not in now.text
    # After a restart (an upgrade) the menu is set again, still without /volunteer.
    await tg.restart()
    menu = dict(tg.api.server.get_commands(scope={"type": "chat", "chat_id": 3001}))
    assert "jobs" in menu and "volunteer" not in menu


# ---------------------------------------------------------------- item 15


async def test_item15_the_admin_menu_is_short_and_grouped(tg: TgRig) -> None:
    admin, _ = await _started(tg, 1, "会长")
    menu = [name for name, _ in tg.api.server.get_commands(scope={"type": "chat", "chat_id": 1})]
    assert len(menu) <= 15, menu
    assert {"admin", "orders", "volunteers", "teams", "stats", "broadcast"} <= set(menu)
    assert not {"jobs", "board", "busy", "volunteer", "grant", "keywords"} & set(menu)
    shown = await _ask(admin, "/admin")
    for group in ("订单", "志愿者", "服务队与站点", "统计导出", "应急"):
        assert group in shown.text
    assert "/help admin" in shown.text and "代码 字段 值" not in shown.text  # names, no forms
    assert len(shown.text.splitlines()) <= 12
    everything = await _ask(admin, "/help admin")
    for command in ("/keywords", "/grant", "/audit", "/addstation", "/reroute", "/addhours"):
        assert command in everything.text
    assert "代码 字段 值" in everything.text
    # Not for others: /help admin from a worker is the worker's help.
    worker, _ = await _started(tg, 1001, "刘女士")
    assert "/keywords" not in (await _ask(worker, "/help admin")).text


# ---------------------------------------------------------------- item 19


async def test_item19_the_bot_has_a_description_per_language(tg: TgRig) -> None:
    """What a person sees before pressing Start, and on the bot's profile."""
    server = tg.api.server
    for code in ("", "en"):
        description = server.descriptions.get(("description", code), "")
        short = server.descriptions.get(("short_description", code), "")
        assert description and short and len(short) <= 120
    assert "你点单，我服务" in server.descriptions[("description", "")]
    assert "You order, we serve" in server.descriptions[("short_description", "en")]


async def test_item19_the_input_hint_follows_the_step_on_telegram(tg: TgRig) -> None:
    worker = tg.user(1001, "王女士")
    await worker.send("家里空调不制冷了，想请师傅上门修一下")
    confirm = await worker.next_message()
    label = next(b for row in confirm.buttons for b in row if b.startswith("✅"))
    await worker.press(label, message=confirm)
    await worker.next_edit(confirm)
    place = await worker.next_message()
    assert place.keyboard_markup is not None
    assert place.keyboard_markup.get("input_field_placeholder", "").startswith("例如：")
    assert "路" in place.keyboard_markup["input_field_placeholder"]


# ---------------------------------------------------------------- item 11


@pytest.mark.settings(tick_interval="1s", feedback_delay="1s")
async def test_item11_a_job_done_in_one_go_gets_real_hours_and_the_rating_reaches_the_volunteer(
    tg: TgRig,
) -> None:
    master = tg.user(3001, "李建国", started=True)
    await f.volunteer(tg.deps, 3001, "李建国")
    requester = tg.user(2001, "王女士", started=True)
    person = await f.person(tg.deps, 2001, "王女士", phone=PHONE)
    oid = await f.order(tg.deps, person, address="解放路88号", contact_phone=PHONE)
    await dispatch.start(tg.deps, oid)
    offer = await master.next_message()
    await master.press("认领", message=offer)
    await master.next_edit(offer)
    card = await master.next_message()
    await requester.next_message()  # who is coming
    # 开始服务 and 完成服务 in one go.
    await master.press("开始服务", message=card)
    card = await master.next_edit(card)
    await requester.next_message()
    await master.press("完成服务", message=card)
    await master.next_message()  # 服务情况?
    await master.send("更换了顶针")
    ask_photos = await master.next_message()
    await master.press("提交", message=ask_photos)
    await master.next_edit(ask_photos)
    verdict = await requester.next_message()
    question = await master.next_message()
    assert "只记录了 0 分钟" in question.text and question.has_button("1小时")
    await requester.press("已解决", message=verdict)
    await requester.next_edit(verdict)
    confirmed = await master.next_message()
    assert "已解决" in confirmed.text and "本次服务 0 分钟" not in confirmed.text
    await master.press("1小时", message=question)
    assert "1小时" in (await master.next_edit(question)).text
    assert "1小时" in (await _ask(master, "/hours")).text
    # The requester's ★5 and praise reach the volunteer.
    ask = await requester.next_message(timeout=10)
    await requester.press("★5", message=ask)
    await requester.next_edit(ask)
    rated = await master.next_message()
    assert "★★★★★" in rated.text and "5分" in rated.text
    await requester.send("师傅很专业，态度也好")
    assert "已记录" in (await requester.next_message()).text
    praise = await master.next_message()
    assert "师傅很专业，态度也好" in praise.text


# ---------------------------------------------------------------- item 14


async def test_item14_alerts_and_order_views_carry_the_admins_actions(tg: TgRig) -> None:
    admin, _ = await _started(tg, 1, "会长")
    requester = tg.user(2001, "王女士", started=True)
    person = await f.person(tg.deps, 2001, "王女士", phone=PHONE)
    oid = await f.order(tg.deps, person, address="解放路88号", contact_phone=PHONE)
    await dispatch.start(tg.deps, oid)  # nobody serves the team yet: 无人认领
    alert = await admin.next_message()
    assert "无人认领" in alert.text and "/assign" not in alert.text
    assert alert.buttons == [["派单", "改派服务队"], ["联系求助人", "取消"]]
    # 派单: volunteers in dispatch order; one tap gives the job.
    master = tg.user(3001, "李建国", started=True)
    await f.volunteer(tg.deps, 3001, "李建国")
    await admin.press("派单", message=alert)
    picker = await admin.next_message()
    assert "按派单顺序" in picker.text and picker.buttons[0][0].startswith("李建国")
    await admin.press(picker.buttons[0][0], message=picker)
    assert "指派给 李建国" in (await admin.next_edit(picker)).text
    card = await master.next_message()
    assert PHONE in card.text or PHONE in (await master.next_message()).text  # the job card
    async with tg.db.session() as s:
        order = await s.get(Order, oid)
    assert order is not None and order.status == OrderStatus.CLAIMED
    # /orders lists with a details button; the view has 联系求助人 and 取消.
    other = await f.order(tg.deps, person, text="老板三个月没发工资", team=None)
    listing = await _ask(admin, "/orders")
    code = f"JX-{other:06d}"
    await admin.press(f"{code} 详情", message=listing)
    view = await admin.next_message()
    assert code in view.text and view.buttons[:2] == [["改派服务队"], ["联系求助人", "取消"]]
    await admin.press("联系求助人", message=view)
    contact = await admin.next_message()
    assert "王女士" in contact.text and PHONE in contact.text
    mentions = [e for e in contact.entities if e["type"] == "text_mention"]
    assert [m["user"]["id"] for m in mentions] == [2001]  # a tap opens the chat
    # 改派服务队: a team picker.
    await admin.press("改派服务队", message=view)
    teams = await admin.next_message()
    await admin.press("法律维权服务队", message=teams)
    assert "改派给 法律维权服务队" in (await admin.next_edit(teams)).text
    await dispatch.settle(tg.deps)
    assert any("无人认领" in m.text and m.has_button("派单") for m in admin.drain())
    # 取消 asks first.
    await admin.press("取消", message=view)
    ask = await admin.next_message()
    assert ask.buttons == [["确认取消", "不取消"]]
    await admin.press("确认取消", message=ask)
    assert "已取消订单" in (await admin.next_edit(ask)).text
    async with tg.db.session() as s:
        cancelled = await s.get(Order, other)
    assert cancelled is not None and cancelled.status == OrderStatus.CANCELLED
    assert any("取消" in m.text for m in requester.drain())


# ---------------------------------------------------------------- item 5, the volunteer's side


async def _held_card(tg: TgRig, master: FakeUser, oid: int) -> BotMessage:
    """The volunteer claims order ``oid`` from its offer; their job card."""
    await dispatch.start(tg.deps, oid)
    offer = await master.next_message()
    await master.press("认领", message=offer)
    await master.next_edit(offer)
    card = await master.next_message()
    assert card.has_button("开始服务")
    return card


async def test_item5_a_job_card_says_when_the_job_is_cancelled_or_given_up(tg: TgRig) -> None:
    admin, _ = await _started(tg, 1, "会长")
    master = tg.user(3001, "李建国", started=True)
    await f.volunteer(tg.deps, 3001, "李建国")
    tg.user(2001, "王女士", started=True)
    person = await f.person(tg.deps, 2001, "王女士", phone=PHONE)
    first = await f.order(tg.deps, person, address="解放路88号", contact_phone=PHONE)
    card = await _held_card(tg, master, first)
    await admin.send("/cancelorder JX-000001 求助人自己修好了")
    await admin.next_message()
    closed = await master.next_edit(card)  # the card itself, not only a new notice
    assert closed.buttons == [] and "JX-000001 已取消" in closed.text
    assert "解放路" not in closed.text  # what remains is the public part
    assert "求助人自己修好了" in (await master.next_message()).text
    # Given up: the card says it is no longer theirs.
    second = await f.order(tg.deps, person, text="空压机异响", contact_phone=PHONE)
    card = await _held_card(tg, master, second)
    await master.press("放弃", message=card)
    await master.next_message()  # why?
    await master.send("临时出差")
    assert "重新派给" in (await master.next_message()).text
    closed = await master.next_edit(card)
    assert closed.buttons == [] and "JX-000002 已不由您负责" in closed.text


@pytest.mark.settings(offer_wave_size=1)
async def test_item5_a_board_item_loses_claim_once_an_admin_assigns_the_order(
    tg: TgRig,
) -> None:
    admin, _ = await _started(tg, 1, "会长")
    users = {
        3001: tg.user(3001, "李建国", started=True),
        3002: tg.user(3002, "赵师傅", started=True),
    }
    await f.volunteer(tg.deps, 3001, "李建国")
    await f.volunteer(tg.deps, 3002, "赵师傅")
    tg.user(2001, "王女士", started=True)
    person = await f.person(tg.deps, 2001, "王女士", phone=PHONE)
    oid = await f.order(tg.deps, person, contact_phone=PHONE)
    await dispatch.start(tg.deps, oid)
    await dispatch.settle(tg.deps)
    offered = next(uid for uid, u in users.items() if u.drain())  # one offer: wave size 1
    other = users[3001 if offered == 3002 else 3002]
    await other.send("/board")
    await other.next_message()  # the heading
    item = await other.next_message()
    assert item.buttons == [["认领"]]
    name = "李建国" if offered == 3001 else "赵师傅"
    await admin.send(f"/assign JX-000001 {name}")
    assert "指派" in (await admin.next_message()).text
    taken = await other.next_edit(item)
    assert taken.buttons == [] and "已被其他志愿者认领" in taken.text


# ---------------------------------------------------------------- item 10


async def test_item10_offers_say_where_and_how_far_and_a_location_gets_a_door_number(
    tg: TgRig,
) -> None:
    admin, _ = await _started(tg, 1, "会长")
    ids = await f.stations(tg.deps)
    assert "已记录" in (await _ask(admin, "/stationloc yh-a1 28.1357,121.2341")).text
    master = tg.user(3001, "李建国", started=True)
    await f.volunteer(tg.deps, 3001, "李建国", station_id=ids["yh.a2"])  # same town
    worker = tg.user(2001, "王女士")
    await worker.send("注塑件毛边太多，良品率低，想请师傅来厂里看看")
    confirm = await worker.next_message()
    label = next((b for row in confirm.buttons for b in row if b.startswith("✅")), None)
    assert label is not None, worker.format_transcript()
    await worker.press(label, message=confirm)
    await worker.next_edit(confirm)
    await worker.next_message()  # where?
    await worker.tap("📍 发送当前位置", location=(28.1360, 121.2345))
    house = await worker.next_message()
    assert "城中村服务点" in house.text and "门牌号" in house.text  # a place, not coordinates
    assert "28.13" not in house.text and worker.reply_keyboard == [["不用了", "取消"]]
    await worker.send("解放路88号3单元201")
    saved = await worker.next_message()
    assert "解放路88号3单元201" in saved.text and "城中村服务点" in saved.text
    summary = await _place_to_summary(worker)  # the photos message turns into the summary
    await worker.press("确认提交", message=summary)
    await dispatch.settle(tg.deps)
    offer = await master.next_message()
    assert "新的服务需求" in offer.text
    assert "城中村服务点" in offer.text and "距您：同一镇街" in offer.text
    assert "未指定" not in offer.text and "解放路" not in offer.text  # the door stays private
    async with tg.db.session() as s:
        order = (await s.exec(select(Order))).one()
    assert order.station_id == ids["yh.a1"] and order.latitude is not None
    # 无需上门: a remote order says so, to the volunteer and on the job card.
    person = await f.person(tg.deps, 2002, "赵先生", phone=PHONE)
    remote = await f.order(tg.deps, person, text="劳动合同怎么签才合规", contact_phone=PHONE)
    await dispatch.start(tg.deps, remote)
    offer = await master.next_message()
    assert "区域：远程指导" in offer.text and "区域：未指定" not in offer.text
    await master.press("认领", message=offer)
    await master.next_edit(offer)
    card = await master.next_message()
    assert "远程指导" in card.text and "未填写" not in card.text


async def test_item11_a_team_leads_real_time_reaches_the_other_members(tg: TgRig) -> None:
    lead, member = tg.user(3001, "李建国", started=True), tg.user(3002, "赵师傅", started=True)
    await f.volunteer(tg.deps, 3001, "李建国")
    await f.volunteer(tg.deps, 3002, "赵师傅")
    tg.user(2001, "厂长", started=True)
    person = await f.person(tg.deps, 2001, "厂长", phone=PHONE)
    oid = await f.order(tg.deps, person, text="我们厂需要两位师傅一起来调试注塑生产线")
    await emit(tg.deps, "order_created", order_id=oid)
    first, second = await lead.next_message(), await member.next_message()
    await lead.press("认领", message=first)
    await lead.last_callback_answer()
    await member.press("认领", message=second)
    await member.last_callback_answer()
    await dispatch.settle(tg.deps)
    card = next(m for m in reversed(lead.drain()) if m.has_button("开始服务"))
    await lead.press("开始服务", message=card)
    card = await lead.next_edit(card)
    await lead.press("完成服务", message=card)
    await lead.next_message()
    await lead.send("调试完成")
    ask_photos = await lead.next_message()
    await lead.press("提交", message=ask_photos)
    await lead.next_edit(ask_photos)
    question = next(m for m in [await lead.next_message()] if "只记录了" in m.text)
    await lead.press("1小时", message=question)
    await lead.next_edit(question)
    member.drain()
    assert "1小时" in (await _ask(member, "/hours")).text


async def _need_to_place(worker: FakeUser) -> None:
    """A need for the tech team, up to the place question."""
    await worker.send("注塑件毛边太多，良品率低，想请师傅来厂里看看")
    confirm = await worker.next_message()
    label = next((b for row in confirm.buttons for b in row if b.startswith("✅")), None)
    assert label is not None, worker.format_transcript()
    await worker.press(label, message=confirm)
    await worker.next_edit(confirm)
    await worker.next_message()  # where?


async def _place_to_summary(worker: FakeUser) -> BotMessage:
    time_prompt = await worker.next_message()
    await worker.press("尽快", message=time_prompt)
    await worker.next_edit(time_prompt)
    await worker.next_message()  # phone?
    await worker.tap("📱 分享我的手机号")
    await worker.next_message()
    photos = await worker.next_message()
    await worker.press("跳过", message=photos)
    return await worker.next_edit(photos)


async def test_item10_a_location_near_no_station_gets_one_door_number_question(
    tg: TgRig,
) -> None:
    master = tg.user(3001, "李建国", started=True)
    await f.volunteer(tg.deps, 3001, "李建国")
    worker = tg.user(2001, "王女士", phone_number="8613812345678")
    await _need_to_place(worker)
    await worker.tap("📍 发送当前位置", location=(28.2, 121.3))  # no station is known near it
    house = await worker.next_message()
    assert "门牌号" in house.text and "北纬28.200° 东经121.300°" in house.text
    assert worker.reply_keyboard == [["不用了", "取消"]]
    await worker.send("城东工业区5号3幢")
    saved = await worker.next_message()
    assert "城东工业区5号3幢（定位：北纬28.200° 东经121.300°）" in saved.text
    summary = await _place_to_summary(worker)
    await worker.press("确认提交", message=summary)
    await worker.next_edit(summary)
    assert "身份" in (await worker.next_message()).text  # the one-time survey
    await dispatch.settle(tg.deps)
    offer = await master.next_message()
    # Rough coordinates and the area the description names; the door number stays private.
    assert "区域：城东工业区（北纬28.20° 东经121.30°附近）" in offer.text
    assert "5号" not in offer.text and "未指定" not in offer.text
    # Asked once per order: 修改 → 地点 → another location goes back to the summary.
    await _need_to_place(worker)
    await worker.tap("📍 发送当前位置", location=(28.2, 121.3))
    await worker.next_message()  # the door number?
    await worker.send("不用了")
    assert "北纬28.200° 东经121.300°" in (await worker.next_message()).text  # noted
    summary = await _place_to_summary(worker)
    await worker.press("修改", message=summary)
    fields = await worker.next_edit(summary)
    await worker.press("地点", message=fields)
    await worker.next_edit(fields)
    await worker.next_message()  # where?
    await worker.tap("📍 发送当前位置", location=(28.21, 121.31))
    await worker.next_message()  # the place noted
    summary = await worker.next_message()
    assert summary.has_button("确认提交") and "北纬28.210° 东经121.310°" in summary.text
    await worker.send("/cancel")
    await worker.next_message()
    assert not any("门牌号" in (m.text or "") for m in worker.drain())
    # A remote order (跳过 = 无需上门) is never asked.
    await _need_to_place(worker)
    await worker.send("跳过")
    noted, asked = await worker.next_messages(2)
    assert "无需上门" in noted.text and "什么时候" in asked.text and "门牌号" not in asked.text
