"""Ordering and tracking on the Telegram ring: whole conversations through the fake Bot API."""

# ruff: noqa: F811 -- pytest fixtures are imported by name and then used as parameters.

from __future__ import annotations

import asyncio
from typing import Any

import pytest
from sqlalchemy import event
from sqlmodel import select

from bot.engine import MAX_TEXT_LENGTH
from bot.orders import status_label
from store.models import DialogState, Order, OrderStatus, Person, Station
from tests.utils.fakebot.driver import FakeUser
from tests.utils.fakebot.fixtures import fake_bot_api  # noqa: F401  (fixture)
from tests.utils.tgorder import details, submit
from tests.utils.tgrig import TgRig, tg  # noqa: F401  (fixture)

CONFIRM = "您的需求将由【技术攻关服务队】处理，对吗？"
YES_TECH = "✅ 对，交给技术攻关服务队"


async def orders_of(tg: TgRig) -> list[Order]:
    async with tg.db.session() as s:
        return list((await s.exec(select(Order).order_by(Order.id))).all())  # type: ignore[arg-type]


async def dialog_of(tg: TgRig, user: FakeUser) -> DialogState | None:
    async with tg.db.session() as s:
        person = (await s.exec(select(Person).where(Person.external_id == str(user.id)))).first()
        return await s.get(DialogState, person.id) if person else None


async def test_free_text_to_order(tg: TgRig) -> None:
    admin = tg.user(1, "管理员")
    await admin.send("/start")
    await admin.next_message()
    u = tg.user(2001, "王师傅", phone_number="8613812345678")
    await u.send("注塑件毛边太多怎么办")
    confirm = await u.next_message()
    assert CONFIRM in confirm.text
    assert confirm.buttons[0] == [YES_TECH] and ["都不是，请人工分配"] in confirm.buttons
    await u.press(YES_TECH, message=confirm)
    assert "技术攻关服务队" in (await u.next_edit(confirm)).text
    place = await u.next_message()
    assert place.reply_keyboard == [["📍 发送当前位置"], ["跳过", "取消"]]
    summary = await details(u, place=None)
    assert "注塑件毛边太多怎么办" in summary.text and "13812345678" in summary.text
    assert summary.buttons == [["确认提交"], ["修改", "取消"]]
    done = await submit(tg, u, summary)
    assert "JX-000001" in done.text and "/myorders" in done.text
    [order] = await orders_of(tg)
    assert order.latitude == pytest.approx(29.87) and order.contact_phone == "13812345678"
    assert len(order.photos) == 1 and order.time_pref == "asap"
    # No volunteer serves the team yet, so dispatch tells the admins at once, with the contact.
    notice = await admin.next_message()
    assert "JX-000001" in notice.text and "13812345678" in notice.text


async def test_browse_to_order(tg: TgRig) -> None:
    u = tg.user(2002, "李师傅")
    await u.send("/order")
    menu = await u.next_message()
    assert "服务清单" in menu.text and any("法律维权服务队" in row for row in menu.buttons)
    await u.press("法律维权服务队", message=menu)
    ask = await u.next_message()
    assert "您选择了【法律维权服务队】" in ask.text and ask.buttons == [["取消"]]
    services = await u.next_message()  # the team's concrete services to pick (issue 19)
    assert "法律咨询" in services.text and services.buttons == [["法律咨询"]]
    await u.send("老板拖欠工资三个月了")
    await u.next_message()  # the place prompt (no routing confirmation)
    summary = await details(u)
    assert "法律维权服务队" in summary.text
    assert "JX-" in (await submit(tg, u, summary)).text
    [order] = await orders_of(tg)
    assert order.source == "browse" and order.address == "北仑区大碶街道1号"


async def test_deep_link_to_order_with_station(tg: TgRig) -> None:
    async with tg.db.session() as s:
        station = Station(code="yh-cm01", name="玉环楚门服务站", level="town")
        s.add(station)
        await s.flush()
        station_id = station.id
    u = tg.user(2003, "陈师傅")
    await u.send("/start station-yh-cm01")
    assert "玉环楚门服务站" in (await u.next_message()).text
    await u.send("车间焊接件变形很严重")
    confirm = await u.next_message()
    assert CONFIRM in confirm.text
    await u.press(YES_TECH, message=confirm)
    await u.next_edit(confirm)
    await u.next_message()
    summary = await details(u)
    assert "服务站点：玉环楚门服务站" in summary.text
    await submit(tg, u, summary)
    [order] = await orders_of(tg)
    assert order.station_id == station_id and order.source == "link"

    other = tg.user(2004, "赵师傅")
    await other.send("/start station-gone")
    assert "没有找到这个服务站点" in (await other.next_message()).text
    assert "匠心点单" in (await other.next_message()).text


async def test_restart_mid_flow_resumes_at_the_same_step(tg: TgRig) -> None:
    u = tg.user(2005, "孙师傅")
    await u.send("注塑件毛边太多怎么办")
    confirm = await u.next_message()
    await u.press(YES_TECH, message=confirm)
    await u.next_edit(confirm)
    await u.next_message()
    await u.send("北仑区1号")
    await u.next_message()
    time_prompt = await u.next_message()
    await tg.restart()
    # The time buttons sent before the restart still work; nothing typed was lost.
    await u.press("明天", message=time_prompt)
    await u.next_edit(time_prompt)
    await u.next_message()
    await u.send("13912345678")
    await u.next_message()
    photos = await u.next_message()
    await u.press("跳过", message=photos)
    summary = await u.next_edit(photos)  # the photos message becomes the summary
    assert "北仑区1号" in summary.text and "明天" in summary.text and "13912345678" in summary.text


async def test_cancel_leaves_nothing_behind(tg: TgRig) -> None:
    u = tg.user(2006, "周师傅")
    await u.send("注塑件毛边太多怎么办")
    confirm = await u.next_message()
    await u.press("取消", message=confirm)
    assert "已取消" in (await u.next_edit(confirm)).text
    await u.send("注塑件毛边太多怎么办")
    confirm = await u.next_message()
    await u.press(YES_TECH, message=confirm)
    await u.next_edit(confirm)
    await u.next_message()
    await u.send("/cancel")
    bye = await u.next_message()
    assert "已取消" in bye.text and bye.removes_reply_keyboard
    assert await dialog_of(tg, u) is None
    assert await orders_of(tg) == []


async def test_a_dialog_step_is_one_write_transaction_with_its_live_message_and_inbox_row(
    tg: TgRig,
) -> None:
    """Issue 14: moving on from a step (here /cancel under the routing confirmation) writes
    once — the dialog ended, the confirmation's live-message row forgotten and the inbox
    row marked done commit together (the stored update itself is the getUpdates batch's
    own write); the confirmation loses its buttons."""
    u = tg.user(2010, "冯师傅")
    await u.send("注塑件毛边太多怎么办")
    confirm = await u.next_message()
    await asyncio.sleep(0.2)  # its delivery noted it as the live message

    writes: list[list[str]] = []

    def note(conn: Any, _cursor: Any, statement: str, *_: Any) -> None:
        conn.info.setdefault("jx_test", []).append(statement.split()[0].upper())
        conn.info.setdefault("jx_sql", []).append(statement)

    def committed(conn: Any) -> None:
        sql = conn.info.pop("jx_sql", [])
        verbs = conn.info.pop("jx_test", [])
        if any(v in ("INSERT", "UPDATE", "DELETE") for v in verbs):
            writes.append(sql)

    engine = tg.db.engine.sync_engine
    event.listen(engine, "before_cursor_execute", note)
    event.listen(engine, "commit", committed)
    try:
        await u.send("/cancel")
        assert "已取消" in (await u.next_message()).text
        await asyncio.sleep(0.2)
    finally:
        event.remove(engine, "before_cursor_execute", note)
        event.remove(engine, "commit", committed)
    assert confirm.latest().buttons == []
    stored, handled = writes  # the update stored, then its handling: nothing else wrote
    assert any("INSERT INTO inboxupdate" in q for q in stored)
    changed = [q.split(" WHERE")[0].split(" SET")[0] for q in handled]
    assert [q for q in changed if q.split()[0] in ("INSERT", "UPDATE", "DELETE")] == [
        "DELETE FROM dialogstate",
        "DELETE FROM livemessage",
        "UPDATE inboxupdate",
    ]
    assert await dialog_of(tg, u) is None


async def test_bad_input_gets_hints_and_keeps_the_draft(tg: TgRig) -> None:
    u = tg.user(2007, "吴师傅")
    await u.send("<b>x</b> & 注塑件毛边")
    confirm = await u.next_message()
    assert "<b>x</b> & 注塑件毛边" in confirm.text  # shown literally, not as markup
    assert "&lt;b&gt;x&lt;/b&gt; &amp;" in confirm.sent_text
    await u.send_sticker()
    again = await u.next_message()
    assert "选择服务队" in again.text
    assert confirm.latest().buttons == []  # the hint carries the buttons now (issue 17.5)
    await u.press(YES_TECH, message=again)
    await u.next_edit(again)
    await u.next_message()
    before = await dialog_of(tg, u)
    await u.send("长" * (MAX_TEXT_LENGTH + 1))
    assert "内容太长" in (await u.next_message()).text
    await u.send_voice()
    hint = await u.next_message()
    assert "地址" in hint.text and hint.reply_keyboard is not None
    after = await dialog_of(tg, u)
    assert before is not None and after is not None
    assert (after.step, after.data) == (before.step, before.data)
    await u.send("北仑区1号")
    await u.next_message()
    time_prompt = await u.next_message()
    await u.press("尽快", message=time_prompt)
    await u.next_edit(time_prompt)
    await u.next_message()
    await u.send_sticker()
    assert "请发送手机号或点击下方按钮分享" in (await u.next_message()).text
    await u.send("12345")
    assert "没看懂这个号码" in (await u.next_message()).text


async def test_stale_and_forged_buttons_answer_expired(tg: TgRig) -> None:
    u = tg.user(2008, "郑师傅")
    await u.send("注塑件毛边太多怎么办")
    confirm = await u.next_message()
    await u.press(YES_TECH, message=confirm)
    await u.next_edit(confirm)
    await u.next_message()
    before = await dialog_of(tg, u)
    await u.press_data(confirm.button_data("都不是，请人工分配"), message=confirm)
    assert (await u.last_callback_answer()).text == "已过期"
    await u.press_data("order_summary:ffffff:ok")
    assert (await u.last_callback_answer()).text == "已过期"
    await u.press_data("track_cancel:424242")
    assert (await u.last_callback_answer()).text == "已过期"
    await u.expect_no_message(within=0.3)
    after = await dialog_of(tg, u)
    assert after is not None and before is not None and after.data == before.data


@pytest.mark.settings(max_orders_per_day=1)
async def test_daily_limit_is_polite(tg: TgRig) -> None:
    u = tg.user(2009, "冯师傅")
    await u.send("注塑件毛边太多怎么办")
    confirm = await u.next_message()
    await u.press(YES_TECH, message=confirm)
    await u.next_edit(confirm)
    await u.next_message()
    summary = await details(u)
    await submit(tg, u, summary)
    await u.send("空调不制冷")
    refusal = await u.next_message()
    assert "每日上限" in refusal.text
    assert len(await orders_of(tg)) == 1


async def test_myorders_timeline_and_cancel(tg: TgRig) -> None:
    u = tg.user(2010, "何师傅")
    await u.send("注塑件毛边太多怎么办")
    confirm = await u.next_message()
    await u.press(YES_TECH, message=confirm)
    await u.next_edit(confirm)
    await u.next_message()
    summary = await details(u)
    await submit(tg, u, summary)
    [order] = await orders_of(tg)
    status = status_label("zh", order.status)  # 待派单, or 无人认领 when no volunteer serves tech
    await u.send("/myorders")
    listing = await u.next_message()
    assert "JX-000001" in listing.text and status in listing.text
    await u.press(f"JX-000001 · {status}", message=listing)
    detail = await u.next_edit(listing)
    assert "提交需求" in detail.text and "138****" in detail.text
    await u.press("取消订单", message=listing)
    reasons = await u.next_edit(detail)
    assert "请选择原因" in reasons.text
    await u.press("时间安排不开", message=listing)
    cancelled = await u.next_edit(reasons)
    assert "已取消" in cancelled.text and "时间安排不开" in cancelled.text
    push = await u.next_message()
    assert "JX-000001" in push.text and "已取消" in push.text
    [order] = await orders_of(tg)
    assert order.status == OrderStatus.CANCELLED and order.cancel_reason == "时间安排不开"


async def test_an_unsure_time_is_one_tap_and_a_landline_is_accepted(tg: TgRig) -> None:
    u = tg.user(2009, "陈师傅")
    await u.send("注塑件毛边太多怎么办")
    confirm = await u.next_message()
    await u.press(YES_TECH, message=confirm)
    await u.next_edit(confirm)
    await u.next_message()  # the place prompt
    await u.send("台州市临海市古城街道1号")
    await u.next_message()  # place saved
    time_prompt = await u.next_message()
    await u.send("周六十点")
    offer = await u.next_message()
    assert "是指" in offer.text and "10:00" in offer.text
    assert offer.buttons == [["✅ 是的"], ["✏️ 重新输入"], ["取消"]]
    await u.press("✅ 是的", message=offer)
    assert "10:00–11:00" in (await u.next_edit(offer)).text
    assert len(time_prompt.buttons) > 1  # the preset buttons were shown once, before
    await u.next_message()  # the phone prompt
    await u.send("0576-85123456")
    saved = await u.next_message()
    assert "0576-85123456" in saved.text
