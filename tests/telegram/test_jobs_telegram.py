"""Volunteers and dispatch through the real python-telegram-bot stack and the fake Bot API.

The whole loop (register → approve → order → offer → claim → schedule → start → finish
→ confirm), then the detours: 不方便 → next candidate, 放弃 → re-dispatch, a volunteer
who blocked the bot, and a flood-controlled chat that must not hold up the others.
"""

from __future__ import annotations

import pytest
from sqlmodel import col, select

from bot import dispatch
from store.models import Order, OrderStatus, Person, Volunteer, VolunteerStatus
from tests.utils import tgrig
from tests.utils import volunteers as f
from tests.utils.fakebot import fixtures
from tests.utils.fakebot.driver import FakeUser
from tests.utils.tgrig import TgRig

fake_bot_api = fixtures.fake_bot_api
tg = tgrig.tg

PHONE = "13812345678"


async def _requester(
    rig: TgRig, user_id: int = 2001, name: str = "王女士"
) -> tuple[FakeUser, Person]:
    user = rig.user(user_id, name, started=True)
    person = await f.person(rig.deps, user_id, name, phone=PHONE)
    return user, person


async def _volunteers(rig: TgRig, n: int, **kw: object) -> list[FakeUser]:
    users = []
    for i in range(n):
        uid = 3001 + i
        users.append(rig.user(uid, f"师傅{i}", started=True))
        await f.volunteer(rig.deps, uid, f"师傅{i}", **kw)  # type: ignore[arg-type]
    return users


async def _order(rig: TgRig, requester: Person, **fields: object) -> int:
    oid = await f.order(rig.deps, requester, address="解放路88号", contact_phone=PHONE, **fields)
    await dispatch.start(rig.deps, oid)
    return oid


async def _status(rig: TgRig, oid: int) -> Order:
    async with rig.deps.db.session() as s:
        order = await s.get(Order, oid)
    assert order is not None
    return order


async def test_the_whole_loop(tg: TgRig) -> None:
    admin = tg.user(1, "管理员", started=True)
    await f.person(tg.deps, 1, "管理员")
    master = tg.user(3001, "李建国")
    # Register.
    await master.send("/volunteer")
    ask_name = await master.next_message()
    assert "姓名" in ask_name.text and master.reply_keyboard == [["李建国"]]
    await master.tap("李建国")
    assert "手机号" in (await master.next_message()).text
    await master.tap("📱 分享手机号")
    saved = await master.next_message()
    assert saved.removes_reply_keyboard
    teams = await master.next_message()
    await master.press("技术攻关服务队", message=teams)
    teams = await master.next_edit(teams)
    assert teams.has_button("✅ 技术攻关服务队")
    await master.press("✔️ 完成", message=teams)
    await master.next_edit(teams)
    assert "专长" in (await master.next_message()).text  # no stations: that step is skipped
    await master.send("注塑模具维修")
    assert "荣誉" in (await master.next_message()).text
    await master.send("全国劳动模范")
    assert "申请已提交" in (await master.next_message()).text
    # Approve.
    application = await admin.next_message()
    assert "李建国" in application.text and application.buttons == [["批准", "拒绝"]]
    await admin.press("批准", message=application)
    assert (await admin.last_callback_answer()).text == "已批准"
    assert "接单中" in (await admin.next_edit(application)).text
    assert "恭喜" in (await master.next_message()).text
    # An order, the offer, the claim.
    requester, person = await _requester(tg)
    oid = await _order(
        tg, person, text="注塑件毛边太多，良品率低", latitude=28.1357, longitude=121.2341
    )
    offer = await master.next_message()
    assert "注塑件毛边太多" in offer.text and PHONE not in offer.text
    assert "解放路" not in offer.text and offer.buttons == [["认领", "不方便"]]
    await master.press("认领", message=offer)
    assert (await master.last_callback_answer()).text == "认领成功！"
    assert "您已认领" in (await master.next_edit(offer)).text
    card = await master.next_message()
    assert PHONE in card.text and "解放路88号" in card.text
    links = [e["url"] for e in card.entities if e["type"] == "text_link"]
    assert links == ["https://uri.amap.com/marker?position=121.234100,28.135700&coordinate=wgs84"]
    told = await requester.next_message()
    assert "工匠就在身边" in told.text and "全国劳动模范" in told.text
    assert PHONE not in told.text and "1380" not in told.text
    # 约定时间
    await master.press("约定时间", message=card)
    assert "服务时间" in (await master.next_message()).text
    await master.send("明天3点")
    assert "上午还是下午" in (await master.next_message()).text
    await master.send("明天下午3点")
    assert "已约定" in (await master.next_message()).text
    card = await master.next_edit(card)  # the card itself shows the time (no second card)
    assert "15:00" in card.text and card.buttons[0] == ["修改时间", "开始服务"]
    assert "15:00" in (await requester.next_message()).text
    assert (await _status(tg, oid)).status == OrderStatus.SCHEDULED
    # 开始服务, 完成服务
    await master.press("开始服务", message=card)
    card = await master.next_edit(card)
    assert card.buttons[0] == ["完成服务"]
    assert "服务中" in (await requester.next_message()).text
    await master.press("完成服务", message=card)
    assert "服务情况" in (await master.next_message()).text
    await master.send_sticker()
    assert "文字" in (await master.next_message()).text
    await master.send("更换了顶针，调整了保压时间")
    ask_photos = await master.next_message()
    await master.send_photo()
    assert "第 1 张" in (await master.next_message()).text
    await master.press("提交", message=ask_photos)
    assert "已完成" in (await master.next_edit(ask_photos)).text
    photo, verdict = await requester.next_message(), await requester.next_message()
    assert photo.photo is not None
    assert "顶针" in verdict.text and verdict.buttons == [["已解决", "未解决"], ["联系志愿者"]]
    # The requester confirms.
    await requester.press("已解决", message=verdict)
    assert "感谢确认" in (await requester.next_edit(verdict)).text
    order = await _status(tg, oid)
    assert order.status == OrderStatus.CONFIRMED and order.resolved is True
    # Started and finished in one go: the volunteer is asked for the real time (issue 18).
    assert "只记录了 0 分钟" in (await master.next_message()).text
    assert "已解决" in (await master.next_message()).text


@pytest.mark.settings(offer_wave_size=1)
async def test_decline_goes_to_the_next_candidate(tg: TgRig) -> None:
    first, second = await _volunteers(tg, 2)
    _, person = await _requester(tg)
    await _order(tg, person)
    offer = await first.next_message()
    await second.expect_no_message(within=0.2)
    await first.press("不方便", message=offer)
    assert (await first.last_callback_answer()).text == "已转给其他志愿者"
    edited = await first.next_edit(offer)
    assert "不方便" in edited.text and edited.buttons == []
    assert (await second.next_message()).buttons == [["认领", "不方便"]]


async def test_giving_up_dispatches_again(tg: TgRig) -> None:
    admin = tg.user(1, "管理员", started=True)
    await f.person(tg.deps, 1, "管理员")
    first, second = await _volunteers(tg, 2)
    requester, person = await _requester(tg)
    oid = await _order(tg, person)
    offer1, offer2 = await first.next_message(), await second.next_message()
    await first.press("认领", message=offer1)
    assert "已被其他志愿者认领" in (await second.next_edit(offer2)).text
    await first.next_edit(offer1)
    card = await first.next_message()
    await requester.next_message()  # 工匠就在身边
    await first.press("放弃", message=card)
    assert "原因" in (await first.next_message()).text
    await first.send("家里临时有事")
    assert "重新派给" in (await first.next_message()).text
    again = await second.next_message()
    assert "新的服务需求" in again.text and again.buttons == [["认领", "不方便"]]
    assert "家里临时有事" in (await admin.next_message()).text
    assert "重新安排" in (await requester.next_message()).text
    await first.expect_no_message(within=0.2)
    assert (await _status(tg, oid)).status == OrderStatus.OFFERED


@pytest.mark.settings(offer_wave_size=1)
async def test_a_volunteer_who_blocked_the_bot_is_skipped(tg: TgRig) -> None:
    gone, present = await _volunteers(tg, 2)
    tg.api.server.block_chat(gone.id)
    _, person = await _requester(tg)
    await _order(tg, person)
    assert (await present.next_message()).buttons == [["认领", "不方便"]]
    async with tg.deps.db.session() as s:
        p = (await s.exec(select(Person).where(col(Person.external_id) == str(gone.id)))).one()
    assert p.reachable is False
    # Writing to the bot again makes them reachable (and a candidate) again.
    tg.api.server.unblock_chat(gone.id)
    await gone.send("/start")
    await gone.next_message()
    async with tg.deps.db.session() as s:
        p = (await s.exec(select(Person).where(col(Person.external_id) == str(gone.id)))).one()
    assert p.reachable is True


@pytest.mark.settings(offer_wave_size=2)
async def test_a_flood_controlled_chat_does_not_hold_up_the_others(tg: TgRig) -> None:
    slow, fast = await _volunteers(tg, 2)
    tg.api.server.rate_limit(chat_id=slow.id, times=1, retry_after=1)
    _, person = await _requester(tg)
    await _order(tg, person)
    assert (await slow.next_message(timeout=10)).buttons == [["认领", "不方便"]]
    assert (await fast.next_message()).buttons == [["认领", "不方便"]]
    server = tg.api.server
    assert [e.status for e in server.errors if int(e.params["chat_id"]) == slow.id] == [429]
    chats = [int(c.params["chat_id"]) for c in server.calls_of("sendMessage")]
    slow_delivered = len(chats) - 1 - chats[::-1].index(slow.id)  # the retry after the 429
    assert chats.count(slow.id) == 2
    assert chats.index(fast.id) < slow_delivered  # the 429 delayed only its own chat


async def test_a_suspended_volunteer_cannot_claim_from_an_old_offer(tg: TgRig) -> None:
    (master,) = await _volunteers(tg, 1)
    _, person = await _requester(tg)
    admin = await f.person(tg.deps, 1, "管理员")
    await _order(tg, person)
    offer = await master.next_message()
    async with tg.deps.db.session() as s:
        v = (await s.exec(select(Volunteer))).one()
    from bot import volunteers

    await volunteers.suspend(tg.deps, v.id, by=admin)  # type: ignore[arg-type]
    withdrawn = await master.next_edit(offer)
    assert "已撤回" in withdrawn.text and withdrawn.buttons == []
    await master.press_data(offer.button_data("认领"), message=offer)
    assert "不是志愿者" in ((await master.last_callback_answer()).text or "")
    async with tg.deps.db.session() as s:
        v = (await s.exec(select(Volunteer))).one()
    assert v.status == VolunteerStatus.SUSPENDED


@pytest.mark.settings(offer_wave_size=2)
async def test_offers_survive_a_restart(tg: TgRig) -> None:
    first, second = await _volunteers(tg, 2)
    requester, person = await _requester(tg)
    oid = await _order(tg, person)
    offer1, offer2 = await first.next_message(), await second.next_message()
    await tg.restart()  # a new process: only the rows remember the offers
    await first.press("不方便", message=offer1)
    assert (await first.last_callback_answer()).text == "已转给其他志愿者"
    await second.press("认领", message=offer2)
    assert (await second.last_callback_answer()).text == "认领成功！"
    assert "您已认领" in (await second.next_edit(offer2)).text
    assert "解放路88号" in (await second.next_message()).text
    assert "工匠就在身边" in (await requester.next_message()).text
    assert (await _status(tg, oid)).status == OrderStatus.CLAIMED


@pytest.mark.settings(offer_wave_size=1)
async def test_the_scheduler_runs_the_next_wave(tg: TgRig) -> None:
    first, second = await _volunteers(tg, 2)
    _, person = await _requester(tg)
    await _order(tg, person)
    await first.next_message()
    await second.expect_no_message(within=0.2)
    tg.clock.advance(tg.deps.settings.offer_wave_interval)
    tg.deps.kick()
    assert (await second.next_message()).buttons == [["认领", "不方便"]]
