"""Ordering and tracking on the core ring: whole dialogs through Engine.handle on both DBs."""

from __future__ import annotations

import asyncio
from datetime import timedelta
from typing import Any

import pytest
from sqlmodel import select

from bot import orders
from bot.clock import FixedClock
from bot.deps import Deps
from bot.engine import MAX_TEXT_LENGTH, Engine
from bot.events import Actor, Inbound, Kind
from bot.flows.ordering import is_chitchat
from bot.reply import Outcome
from store import tasks
from store.models import Order, OrderStatus, Person, Station, Task, Team
from tests.utils.notifier import RecordingNotifier
from tests.utils.ordering import (
    ADMIN,
    CONFIRM,
    WORKER,
    Chat,
    all_orders,
    button_data,
    keyboard,
    state_of,
    to_summary,
)


@pytest.fixture(autouse=True)
def no_dispatch(request: pytest.FixtureRequest) -> Deps | None:
    """These tests are about ordering alone: no dispatch engine (nor its background offers)
    reacts to new or cancelled orders unless a test installs its own listener."""
    if "deps" not in request.fixturenames:
        return None  # a pure test: no database
    deps: Deps = request.getfixturevalue("deps")
    deps.bus.listeners.pop("order_created", None)
    deps.bus.listeners.pop("order_cancelled", None)
    return deps


# ---------------------------------------------------------------- free text → order


async def test_free_text_to_order(
    engine: Engine, no_dispatch: Deps, notifier: RecordingNotifier
) -> None:
    await Chat(engine, ADMIN).command("start")  # the admin has talked to the bot
    chat = Chat(engine)
    out = await chat.say("注塑件毛边太多怎么办")
    assert CONFIRM in chat.text
    labels = [b.label for row in out.replies[0].buttons for b in row]
    assert labels[0] == "✅ 对，交给技术攻关服务队"
    assert "都不是，请人工分配" in labels and "取消" in labels

    out = await chat.press("✅ 对，交给技术攻关服务队")
    assert out.replies[0].edit and "技术攻关服务队" in out.replies[0].text
    assert ("📍 发送当前位置", "location") in keyboard(out)
    assert ("取消", None) in keyboard(out)

    out = await chat.say("宁波市北仑区大碶街道1号")
    assert out.replies[0].remove_keyboard and "大碶街道1号" in out.replies[0].text
    assert [b.label for b in out.replies[1].buttons[0]] == ["尽快", "今天"]
    assert [b.label for row in out.replies[1].buttons for b in row][:5] == [
        "尽快",
        "今天",
        "明天",
        "本周末",
        "自己填写",
    ]

    out = await chat.press("明天")
    assert "11月24日" in out.replies[0].text
    assert ("📱 分享我的手机号", "contact") in keyboard(out)

    out = await chat.send(kind=Kind.CONTACT, phone="8613812345678", contact_is_self=True)
    assert "13812345678" in out.replies[0].text and out.replies[0].remove_keyboard
    out = await chat.send(kind=Kind.PHOTO, photo="photo-1")
    assert "第1张" in chat.text
    await chat.send(kind=Kind.PHOTO, photo="photo-2", text="caption")
    out = await chat.press("完成")
    summary = out.replies[-1].text
    for part in (
        "注塑件毛边太多怎么办",
        "技术攻关服务队",
        "大碶街道1号",
        "明天",
        "13812345678",
        "照片：2张",
    ):
        assert part in summary
    assert [[b.label for b in row] for row in out.replies[-1].buttons] == [
        ["确认提交"],
        ["修改", "取消"],
    ]

    out = await chat.press("确认提交")
    assert len(out.replies) == 1
    assert out.replies[0].edit and "✅ 已提交" in out.replies[0].text
    # The confirmation is sent ahead of the order_created event (and whatever dispatch says).
    [confirmation] = notifier.texts_to("1001")
    assert "JX-000001" in confirmation and "技术攻关服务队" in confirmation
    assert "/myorders" in confirmation

    [order] = await all_orders(engine.deps)
    async with engine.deps.db.session() as s:
        tech = (await s.exec(select(Team).where(Team.slug == "tech"))).one()
        person = await s.get(Person, order.requester_id)
    assert order.code == "JX-000001" and order.status == OrderStatus.NEW
    assert order.team_id == tech.id and order.source == "text"
    assert order.route_score and "毛边" in order.route_matched
    assert order.address == "宁波市北仑区大碶街道1号"
    assert order.contact_phone == "13812345678" and order.contact_name == "王师傅"
    assert order.time_pref == "tomorrow" and order.time_text == "明天"
    tz = engine.deps.settings.tz
    assert order.window_start.astimezone(tz).strftime("%m-%d %H:%M") == "11-24 00:00"
    assert order.window_end.astimezone(tz).strftime("%m-%d %H:%M") == "11-25 00:00"
    assert order.photos == ["photo-1", "photo-2"]
    assert person.phone == "13812345678"
    assert await state_of(engine.deps) is None
    # An order with a team is dispatch's to announce; ordering tells admins only of triage.
    assert notifier.texts_to("1") == []


async def test_dispatch_listener_replaces_admin_notice(
    engine: Engine, deps: Deps, notifier: RecordingNotifier
) -> None:
    heard: list[tuple[dict[str, Any], list[str]]] = []

    async def listener(_deps: Deps, **payload: Any) -> None:
        heard.append((payload, notifier.texts_to("1001")))

    deps.bus.listeners["order_created"] = [listener]
    await Chat(engine, ADMIN).command("start")
    chat = Chat(engine)
    await to_summary(chat)
    await chat.press("确认提交")
    [order] = await all_orders(deps)
    [(payload, worker_had)] = heard
    assert payload == {"order_id": order.id}
    assert "JX-000001" in worker_had[0]  # confirmed before dispatch could say anything
    assert notifier.texts_to("1") == []  # dispatch offers it; admins are not needed


async def test_alternatives_and_triage(
    engine: Engine, no_dispatch: Deps, notifier: RecordingNotifier
) -> None:
    await Chat(engine, ADMIN).command("start")
    chat = Chat(engine)
    out = await chat.say("家里电线老化跳闸")
    assert "您的需求将由【电气维修服务队】处理，对吗？" in chat.text
    labels = [b.label for row in out.replies[0].buttons for b in row]
    assert "改为：便民利民服务队" in labels
    out = await chat.press("都不是，请人工分配")
    assert "管理员" in out.replies[0].text
    await chat.send(kind=Kind.LOCATION, latitude=28.1, longitude=121.3)
    # No station near it: the door number is asked all the same, the place read as a label.
    assert "门牌号" in chat.text and "北纬28.100° 东经121.300°" in chat.text
    await chat.say("不用了")
    await chat.press("尽快")
    await chat.say("+86 139-1234-5678")
    out = await chat.press("跳过")
    assert "待人工分配" in out.replies[-1].text
    assert "地点：已发送的位置（北纬28.100° 东经121.300°）" in out.replies[-1].text
    await chat.press("确认提交")
    assert "管理员" in notifier.texts_to("1001")[0]
    [order] = await all_orders(no_dispatch)
    assert order.team_id is None and order.latitude == 28.1 and order.address is None
    assert order.contact_phone == "13912345678"
    [notice] = notifier.texts_to("1")
    assert "人工分配" in notice and order.code in notice
    assert "13912345678" in notice and "王师傅" in notice  # admins may see the contact


async def test_choosing_an_alternative_team(engine: Engine) -> None:
    chat = Chat(engine)
    await chat.say("家里电线老化跳闸")
    out = await chat.press("改为：便民利民服务队")
    assert "便民利民服务队" in out.replies[0].text
    state = await state_of(engine.deps)
    assert state is not None and state.step == "place" and state.data["team"] == "convenience"


async def test_no_team_asks_for_more_or_a_pick(engine: Engine) -> None:
    chat = Chat(engine)
    out = await chat.say("帮帮我")
    assert "不能确定" in chat.text
    labels = [b.label for row in out.replies[0].buttons for b in row]
    assert {"技术攻关服务队", "法律维权服务队", "都不是，请人工分配", "取消"} <= set(labels)
    await chat.say("车间里的焊接件变形很严重")
    assert CONFIRM in chat.text
    state = await state_of(engine.deps)
    assert state is not None and state.data["text"] == "帮帮我\n车间里的焊接件变形很严重"
    # …or pick straight from the list.
    chat2 = Chat(engine, Actor("telegram", "1002", "李"))
    await chat2.say("帮帮我")
    out = await chat2.press("法律维权服务队")
    assert "法律维权服务队" in out.replies[0].text
    assert ("📍 发送当前位置", "location") in keyboard(out)


@pytest.mark.parametrize("text", ["你好", "谢谢师傅！", "在吗？", "👍", "好的谢谢", "hello"])
async def test_chitchat_gets_a_hint_and_no_order(engine: Engine, text: str) -> None:
    chat = Chat(engine)
    await chat.say(text)
    assert "/order" in chat.text
    assert await state_of(engine.deps) is None


def test_chitchat_detection() -> None:
    assert is_chitchat("你好呀") and is_chitchat("谢谢！！") and is_chitchat("...")
    assert not is_chitchat("你好，我家空调坏了") and not is_chitchat("帮帮我")


async def test_english_speakers_get_english_labels(engine: Engine) -> None:
    chat = Chat(engine, Actor("telegram", "1010", "Tom", language="en-US"))
    await chat.say("注塑件毛边太多怎么办")
    assert "will be handled by Technical Problem-Solving Team, right?" in chat.text
    out = await chat.press("✅ Yes, Technical Problem-Solving Team")
    assert ("📍 Send my location", "location") in keyboard(out)
    await chat.say("Skip")
    assert button_data(chat.last, "As soon as possible")
    await chat.say("cancel")  # typed labels are matched without case
    assert "Cancelled" in chat.text


# ---------------------------------------------------------------- browse and deep links


async def test_browse_to_order(engine: Engine) -> None:
    chat = Chat(engine)
    out = await chat.command("order")
    assert "服务清单" in chat.text and "劳动合同" in chat.text  # one-line descriptions
    labels = [b.label for row in out.replies[0].buttons for b in row]
    assert len(labels) == 12 and "法律维权服务队" in labels
    out = await chat.press("法律维权服务队")
    assert "您选择了【法律维权服务队】" in chat.text
    await chat.say("老板拖欠工资三个月了")  # no routing confirmation: the team is chosen
    assert ("📍 发送当前位置", "location") in keyboard(chat.last)
    await chat.say("跳过")
    out = await chat.press("自己填写")
    assert out.replies[0].edit and "周六上午" in chat.text
    await chat.say("周六上午")
    assert "11月28日(周六) 08:00–12:00" in chat.text
    await chat.say("13812345678")
    out = await chat.press("跳过")
    assert "无需上门" in out.replies[-1].text
    assert "周六上午（11月28日(周六) 08:00–12:00）" in chat.text
    await chat.press("确认提交")
    [order] = await all_orders(engine.deps)
    assert order.source == "browse" and order.route_score is None and order.address is None
    assert order.time_pref == "custom" and order.time_text == "周六上午"


async def test_deep_link_with_station(engine: Engine) -> None:
    async with engine.deps.db.session() as s:
        station = Station(code="bl-dq01", name="大碶街道服务站", level="town")
        s.add(station)
        await s.flush()
        station_id = station.id
    chat = Chat(engine)
    await chat.command("start", "station-bl-dq01")
    assert "大碶街道服务站" in chat.text
    await chat.say("注塑件毛边太多")
    assert CONFIRM in chat.text
    await chat.press("✅ 对，交给技术攻关服务队")
    await chat.say("大碶工业园")
    await chat.press("尽快")
    await chat.say("13812345678")
    out = await chat.press("跳过")
    assert "服务站点：大碶街道服务站" in out.replies[-1].text
    await chat.press("确认提交")
    [order] = await all_orders(engine.deps)
    assert order.station_id == station_id and order.source == "link"


async def test_station_survives_starting_over_from_the_list(engine: Engine) -> None:
    async with engine.deps.db.session() as s:
        s.add(Station(code="yh01", name="玉环服务站", level="county"))
    chat = Chat(engine)
    await chat.command("start", "station-yh01")
    await chat.command("order")
    await chat.press("职工健康服务队")
    state = await state_of(engine.deps)
    assert state is not None and state.data["station_id"] is not None


async def test_unknown_station_is_polite_then_greets(engine: Engine) -> None:
    chat = Chat(engine)
    await chat.command("start", "station-nope")
    assert "没有找到这个服务站点" in chat.text and "匠心点单" in chat.text
    assert await state_of(engine.deps) is None


async def test_team_deep_link(engine: Engine) -> None:
    chat = Chat(engine)
    await chat.command("start", "team-health")
    assert "您选择了【职工健康服务队】" in chat.text
    await chat.say("最近血压有点高")
    state = await state_of(engine.deps)
    assert state is not None and state.step == "place" and state.data["source"] == "link"
    other = Chat(engine, Actor("telegram", "1003", "赵"))
    await other.command("start", "team-nosuch")
    assert "不存在" in other.text and "服务清单" in other.text


# ---------------------------------------------------------------- durability and cancel


async def test_restart_resumes_at_the_same_step(engine: Engine, deps: Deps) -> None:
    chat = Chat(engine)
    await chat.say("注塑件毛边太多怎么办")
    await chat.press("✅ 对，交给技术攻关服务队")
    await chat.say("北仑区1号")
    await chat.press("尽快")
    before = await state_of(deps)
    # A new process: a new engine and registry on the same database.
    from bot.flows import build_registry

    routes = build_registry()
    fresh = Engine(
        Deps(
            settings=deps.settings,
            db=deps.db,
            router=deps.router,
            bus=routes.bus,
            notifier=deps.notifier,
            clock=deps.clock,
        ),
        routes,
    )
    chat = Chat(fresh)
    await chat.say("13812345678")
    assert "照片" in chat.text
    out = await chat.press("跳过")
    assert "北仑区1号" in out.replies[-1].text and "尽快" in out.replies[-1].text
    assert before is not None and before.step == "phone"


async def test_cancel_button_typed_cancel_and_slash_cancel(engine: Engine) -> None:
    chat = Chat(engine)
    await chat.say("注塑件毛边太多怎么办")
    out = await chat.press("取消")
    assert out.replies[0].edit and "已取消" in out.replies[0].text
    assert await state_of(engine.deps) is None

    await chat.say("注塑件毛边太多怎么办")
    await chat.press("✅ 对，交给技术攻关服务队")
    out = await chat.say("取消")  # the reply keyboard's 取消
    assert "已取消" in chat.text and out.replies[0].remove_keyboard
    assert await state_of(engine.deps) is None

    await to_summary(chat)
    await chat.command("cancel")
    assert "已取消" in chat.text and await state_of(engine.deps) is None
    assert await all_orders(engine.deps) == []


# ---------------------------------------------------------------- bad input


async def test_unexpected_messages_get_the_step_hint(engine: Engine) -> None:
    chat = Chat(engine)
    await chat.say("注塑件毛边太多怎么办")
    await chat.send(kind=Kind.UNSUPPORTED, media="sticker")
    assert "选择服务队" in chat.text and button_data(chat.last, "取消")
    await chat.press("✅ 对，交给技术攻关服务队")
    out = await chat.send(kind=Kind.UNSUPPORTED, media="voice")
    assert "地址" in chat.text and ("📍 发送当前位置", "location") in keyboard(out)
    await chat.say("北仑区1号")
    await chat.send(kind=Kind.PHOTO, photo="p")
    assert "选择时间" in chat.text and button_data(chat.last, "尽快")
    await chat.press("尽快")
    out = await chat.send(kind=Kind.UNSUPPORTED, media="sticker")
    assert "请发送手机号或点击下方按钮分享" in chat.text
    assert ("📱 分享我的手机号", "contact") in keyboard(out)
    await chat.say("12345")
    assert "没看懂这个号码" in chat.text
    await chat.send(kind=Kind.CONTACT, phone="8613900000000", contact_is_self=False)
    assert "本人" in chat.text
    out = await chat.send(kind=Kind.CONTACT, phone="+14155550100", contact_is_self=True)
    assert "境外号码" in chat.text and "中国大陆" in chat.text
    assert ("📱 分享我的手机号", "contact") not in keyboard(out)  # no loop: type it instead
    await chat.say("13812345678")
    await chat.say("没有照片")
    assert "完成" in chat.text
    out = await chat.press("跳过")
    await chat.say("好了吗")
    assert "确认提交" in chat.text and "北仑区1号" in chat.text  # the summary again, with a hint
    assert button_data(chat.last, "确认提交")
    state = await state_of(engine.deps)
    assert state is not None and state.step == "summary"


async def test_over_long_text_keeps_the_draft(engine: Engine) -> None:
    chat = Chat(engine)
    await chat.say("注塑件毛边太多怎么办")
    await chat.press("✅ 对，交给技术攻关服务队")
    before = await state_of(engine.deps)
    await chat.say("地" * (MAX_TEXT_LENGTH + 1))
    assert "内容太长" in chat.text
    after = await state_of(engine.deps)
    assert after is not None and before is not None
    assert (after.step, after.data) == (before.step, before.data)
    await chat.say("很长的地址" * 70)  # under the engine's limit, over the address column
    assert "地址太长" in chat.text
    await chat.say("北仑区1号")
    assert "北仑区1号" in chat.text


async def test_html_is_escaped_when_shown_back(
    engine: Engine, no_dispatch: Deps, notifier: RecordingNotifier
) -> None:
    await Chat(engine, ADMIN).command("start")
    chat = Chat(engine, Actor("telegram", "1001", "<i>王</i>"))
    await chat.say("<b>x</b> & 焊接变形")
    assert "&lt;b&gt;x&lt;/b&gt; &amp; 焊接变形" in chat.text and "<b>x</b>" not in chat.text
    await chat.press("都不是，请人工分配")  # triage: the admins get the notice shown below
    await chat.say("<a href='x'>路</a> & 1号")
    assert "&lt;a href='x'&gt;路&lt;/a&gt; &amp; 1号" in chat.text
    await chat.press("自己填写")
    await chat.say("<b>周六</b>")
    assert "&lt;b&gt;周六&lt;/b&gt;" in chat.text
    await chat.say("周六上午")
    await chat.say("13812345678")
    out = await chat.press("跳过")
    summary = out.replies[-1].text
    assert "&lt;b&gt;x&lt;/b&gt;" in summary and "<a href" not in summary
    await chat.press("确认提交")
    [notice] = notifier.texts_to("1")
    assert "&lt;i&gt;王&lt;/i&gt;" in notice and "&lt;b&gt;x&lt;/b&gt;" in notice
    [order] = await all_orders(engine.deps)
    assert order.text == "<b>x</b> & 焊接变形"  # stored as typed


@pytest.mark.settings(max_orders_per_day=2)
async def test_daily_limit(engine: Engine, deps: Deps, clock: FixedClock) -> None:
    chat = Chat(engine)
    for _ in range(2):
        await to_summary(chat)
        await chat.press("确认提交")
    await chat.say("注塑件毛边太多怎么办")
    assert "每日上限" in chat.text and "2" in chat.text
    assert await state_of(deps) is None
    await chat.command("order")
    await chat.press("技术攻关服务队")
    assert "每日上限" in chat.text
    # A new day (midnight in Shanghai is 16:00 UTC) starts a new count.
    clock.advance(timedelta(hours=14))  # Monday 10:00 → Tuesday 00:00 local
    await chat.say("注塑件毛边太多怎么办")
    assert CONFIRM in chat.text


@pytest.mark.settings(max_orders_per_day=1)
async def test_daily_limit_checked_again_at_submit(engine: Engine, deps: Deps) -> None:
    chat = Chat(engine)
    await to_summary(chat)
    # Meanwhile another order of theirs arrives (another device, the web chat…).
    async with deps.db.session() as s:
        person = (await s.exec(select(Person).where(Person.external_id == "1001"))).one()
        await orders.create_order(s, requester_id=person.id, text="另一单", now=deps.now())
    await chat.press("确认提交")
    assert "每日上限" in chat.text
    assert len(await all_orders(deps)) == 1
    state = await state_of(deps)
    assert state is not None and state.step == "summary"  # nothing lost


async def test_stale_and_forged_buttons_change_nothing(engine: Engine) -> None:
    chat = Chat(engine)
    confirm = await chat.say("注塑件毛边太多怎么办")
    await chat.press("✅ 对，交给技术攻关服务队")
    before = await state_of(engine.deps)
    for data in (
        button_data(confirm, "都不是，请人工分配"),  # the confirmation was already answered
        button_data(confirm, "取消"),
        "order_pick_team:zzzzzz:tech",
        f"order_pick_team:{before.data['tok']}:tech",  # right token, wrong step
        f"order_pick_time:{before.data['tok']}:never",
        "order_summary",
        "order_browse_team:nosuchteam",
        "order_edit_field:abc:text:extra",
        "track_view:999999",
        "track_cancel:notanumber",
    ):
        out = await chat.press_data(data)
        assert out.toast == "已过期", data
        assert out.replies == []
    after = await state_of(engine.deps)
    assert after is not None and (after.step, after.data) == (before.step, before.data)


async def test_submitting_twice_creates_one_order(engine: Engine) -> None:
    chat = Chat(engine)
    summary = await to_summary(chat)
    submit = button_data(summary, "确认提交")
    await chat.press_data(submit)
    again = await chat.press_data(submit)
    assert again.toast == "已过期"
    assert len(await all_orders(engine.deps)) == 1


async def test_concurrent_submits_from_two_instances_create_one_order(
    engine: Engine, deps: Deps
) -> None:
    chat = Chat(engine)
    summary = await to_summary(chat)
    submit = Inbound(Kind.BUTTON, data=button_data(summary, "确认提交"))
    # Two engines do not share the per-person lock: only the database can settle it.
    second = Engine(deps, engine.routes)
    results = await asyncio.gather(engine.handle(WORKER, submit), second.handle(WORKER, submit))
    toasts = sorted(str(r.toast) for r in results)
    assert toasts == ["None", "已过期"]
    assert len(await all_orders(deps)) == 1


async def test_team_retired_before_submit_goes_to_triage(
    engine: Engine, notifier: RecordingNotifier
) -> None:
    await Chat(engine, ADMIN).command("start")
    chat = Chat(engine)
    await to_summary(chat)
    async with engine.deps.db.session() as s:
        tech = (await s.exec(select(Team).where(Team.slug == "tech"))).one()
        tech.active = False
        s.add(tech)
    out = await chat.press("确认提交")
    assert "待人工分配" in out.replies[0].text
    [order] = await all_orders(engine.deps)
    assert order.team_id is None
    assert "管理员" in notifier.texts_to("1001")[0]
    assert "人工分配" in notifier.texts_to("1")[0]


async def test_edit_from_the_summary(engine: Engine) -> None:
    chat = Chat(engine)
    await to_summary(chat)
    out = await chat.press("修改")
    assert out.replies[0].edit and "要修改哪一项" in chat.text
    await chat.press("地点")
    await chat.say("新地址2号")
    assert "新地址2号" in chat.text and button_data(chat.last, "确认提交")  # back to the summary
    await chat.press("修改")
    await chat.press("时间")
    await chat.press("本周末")
    assert "本周末（11月28日(周六)–11月29日(周日)）" in chat.text
    await chat.press("修改")
    await chat.press("服务队")
    await chat.say("电工")  # words are not a team here
    assert "请点击下方按钮选择服务队" in chat.text and button_data(chat.last, "电气维修服务队")
    await chat.press("电气维修服务队")
    assert "服务队：电气维修服务队" in chat.text
    await chat.press("修改")
    await chat.press("需求描述")
    await chat.say("注塑机电机烧了")
    await chat.press("修改")
    await chat.press("照片")
    await chat.send(kind=Kind.PHOTO, photo="a")
    await chat.press("完成")
    await chat.press("修改")
    await chat.press("联系电话")
    await chat.say("13912345678")
    await chat.press("修改")
    out = await chat.press("返回")
    assert out.replies[0].edit
    await chat.press("确认提交")
    [order] = await all_orders(engine.deps)
    assert order.address == "新地址2号" and order.time_pref == "weekend"
    assert order.text == "注塑机电机烧了" and order.photos == ["a"]
    assert order.contact_phone == "13912345678"


async def test_saved_phone_is_offered_next_time(engine: Engine) -> None:
    chat = Chat(engine)
    await to_summary(chat)
    await chat.press("确认提交")
    await chat.say("空调不制冷")
    await chat.press("✅ 对，交给便民利民服务队")
    await chat.say("跳过")
    out = await chat.press("今天")
    assert ("使用 138****5678", None) in keyboard(out)
    await chat.say("使用 138****5678")
    state = await state_of(engine.deps)
    assert state is not None and state.data["phone"] == "13812345678"


async def test_unclear_times_are_offered_for_one_tap_or_asked_again(engine: Engine) -> None:
    chat = Chat(engine)
    await chat.say("注塑件毛边太多怎么办")
    await chat.press("✅ 对，交给技术攻关服务队")
    await chat.say("跳过")
    assert "11月27日下午3点" in chat.text  # the example is a real day ahead, not a fixed one
    await chat.say("明天3点")  # 03:00 or 15:00? The likely one is offered, not refused.
    assert "是指 <b>11月24日(周二) 15:00–16:00</b> 吗？" in chat.text
    assert [b.label for row in chat.last.replies[-1].buttons for b in row] == [
        "✅ 是的",
        "✏️ 重新输入",
        "取消",
    ]
    await chat.press("✏️ 重新输入")
    assert "请输入希望的时间" in chat.text
    await chat.say("11月20日")
    assert "已经过去" in chat.text
    assert not button_data_or_none(chat.last, "尽快")  # no second wall of preset buttons
    await chat.say("看情况")
    assert "没看懂" in chat.text and "11月27日下午3点" in chat.text
    state = await state_of(engine.deps)
    assert state is not None and state.step == "time_text" and state.data["time_pref"] is None
    await chat.say("周六十点")
    await chat.press("✅ 是的")
    assert "11月28日(周六) 10:00–11:00" in chat.text
    state = await state_of(engine.deps)
    assert state is not None and state.step == "phone"
    assert state.data["time_text"] == "周六十点"


async def test_a_clear_time_after_a_refusal_is_taken(engine: Engine) -> None:
    chat = Chat(engine)
    await chat.say("注塑件毛边太多怎么办")
    await chat.press("✅ 对，交给技术攻关服务队")
    await chat.say("跳过")
    await chat.say("11月20日")
    assert "已经过去" in chat.text
    await chat.say("明天下午3点")
    assert "11月24日(周二) 15:00–16:00" in chat.text


def button_data_or_none(outcome: Outcome, label: str) -> str | None:
    found = [b.data for r in outcome.replies for row in r.buttons for b in row if b.label == label]
    return found[0] if found else None


async def test_five_photos_then_the_summary(engine: Engine) -> None:
    chat = Chat(engine)
    await chat.say("注塑件毛边太多怎么办")
    await chat.press("✅ 对，交给技术攻关服务队")
    await chat.say("跳过")
    await chat.press("尽快")
    await chat.say("13812345678")
    for i in range(5):
        await chat.send(kind=Kind.PHOTO, photo=f"p{i}")
    assert "照片：5张" in chat.text and button_data(chat.last, "确认提交")


async def test_time_that_passed_while_waiting_is_asked_again(
    engine: Engine, clock: FixedClock
) -> None:
    chat = Chat(engine)
    await chat.say("注塑件毛边太多怎么办")
    await chat.press("✅ 对，交给技术攻关服务队")
    await chat.say("跳过")
    await chat.press("今天")
    await chat.say("13812345678")
    await chat.press("跳过")
    clock.advance(timedelta(days=1))
    await chat.press("确认提交")
    assert "已经过去" in chat.text and button_data(chat.last, "明天")
    await chat.press("明天")
    await chat.press("确认提交")
    [order] = await all_orders(engine.deps)
    assert order.time_pref == "tomorrow"


# ---------------------------------------------------------------- tracking


async def _order(deps: Deps, chat: Chat) -> Order:
    await to_summary(chat)
    await chat.press("确认提交")
    return (await all_orders(deps))[-1]


async def test_myorders_lists_with_chinese_status_and_timeline(
    engine: Engine, deps: Deps, clock: FixedClock
) -> None:
    chat = Chat(engine)
    await chat.command("myorders")
    assert "还没有订单" in chat.text
    order = await _order(deps, chat)
    clock.advance(timedelta(minutes=5))
    async with deps.db.session() as s:
        assert await orders.transition(
            s, order.id, OrderStatus.OFFERED, deps.now(), expect=OrderStatus.NEW
        )
    out = await chat.command("myorders")
    assert "JX-000001" in chat.text and "待认领" in chat.text
    out = await chat.press("JX-000001 · 待认领")
    text = out.replies[0].text
    assert out.replies[0].edit
    assert "2026-11-23 10:00　提交需求" in text and "2026-11-23 10:05　已推送给志愿者" in text
    assert "138****5678" in text and "13812345678" not in text
    out = await chat.press("返回列表")
    assert out.replies[0].edit and "我的订单" in chat.text


async def test_cancel_with_a_preset_reason(
    engine: Engine, deps: Deps, notifier: RecordingNotifier
) -> None:
    heard: list[dict[str, Any]] = []

    async def listener(_deps: Deps, **payload: Any) -> None:
        heard.append(payload)

    deps.bus.listeners["order_cancelled"] = [listener]
    chat = Chat(engine)
    order = await _order(deps, chat)
    async with deps.db.session() as s:
        await tasks.enqueue(s, "remind", deps.now() + timedelta(hours=1), key=f"order:{order.id}:r")
    await chat.command("myorders")
    await chat.press("JX-000001 · 待派单")
    reasons = await chat.press("取消订单")
    assert "请选择原因" in chat.text
    out = await chat.press("不需要了")
    assert "已取消" in out.replies[0].text and "不需要了" in out.replies[0].text
    assert not any(b.label == "取消订单" for row in out.replies[0].buttons for b in row)
    async with deps.db.session() as s:
        stored = await s.get(Order, order.id)
        pending = (await s.exec(select(Task))).all()
    assert stored.status == OrderStatus.CANCELLED and stored.cancel_reason == "不需要了"
    assert stored.cancelled_by == stored.requester_id and stored.cancelled_at is not None
    assert pending and all(t.status == "cancelled" for t in pending)  # reminder + safety net
    assert heard == [{"order_id": order.id, "by": stored.requester_id, "reason": "不需要了"}]
    assert any("已取消" in t for t in notifier.texts_to("1001"))  # the status push
    # The reason buttons are stale now: pressing one again changes nothing.
    again = await chat.press("问题已经解决了", reasons)
    assert again.toast == "已过期"
    async with deps.db.session() as s:
        assert (await s.get(Order, order.id)).cancel_reason == "不需要了"
    assert len(heard) == 1


async def test_cancel_with_own_words_and_keeping_the_order(
    engine: Engine, no_dispatch: Deps
) -> None:
    chat = Chat(engine)
    order = await _order(no_dispatch, chat)
    await chat.command("myorders")
    await chat.press("JX-000001 · 待派单")
    await chat.press("取消订单")
    out = await chat.press("其他原因（自己填写）")
    assert "原因" in chat.text
    await chat.send(kind=Kind.UNSUPPORTED, media="sticker")
    assert "文字" in chat.text
    await chat.command("cancel")
    assert "没有取消" in chat.text
    async with no_dispatch.db.session() as s:
        assert (await s.get(Order, order.id)).status == OrderStatus.NEW
    await chat.press_data(button_data(out, "不取消了"))  # that prompt's button: back to the order
    assert "取消订单" in [b.label for r in chat.last.replies for row in r.buttons for b in row]
    await chat.press("取消订单")
    await chat.press("其他原因（自己填写）")
    await chat.say("已经找到<b>别人</b>修好了")
    assert "&lt;b&gt;别人&lt;/b&gt;" in chat.text
    async with no_dispatch.db.session() as s:
        stored = await s.get(Order, order.id)
    assert stored.status == OrderStatus.CANCELLED
    assert stored.cancel_reason == "已经找到<b>别人</b>修好了"
    assert await state_of(no_dispatch) is None


async def test_done_orders_and_other_peoples_orders_cannot_be_cancelled(
    engine: Engine, deps: Deps
) -> None:
    chat = Chat(engine)
    order = await _order(deps, chat)
    stranger = Chat(engine, Actor("telegram", "1009", "陌生人"))
    for data in (
        f"track_view:{order.id}",
        f"track_cancel:{order.id}",
        f"track_cancel_reason:{order.id}:unneeded",
    ):
        out = await stranger.press_data(data)
        assert out.toast == "已过期"
    async with deps.db.session() as s:
        await orders.transition(s, order.id, OrderStatus.DONE, deps.now(), expect=OrderStatus.NEW)
    await chat.command("myorders")
    out = await chat.press("JX-000001 · 待确认")
    assert not any(b.label == "取消订单" for row in out.replies[0].buttons for b in row)
    out = await chat.press_data(f"track_cancel_reason:{order.id}:unneeded")
    assert out.toast == "已过期"
    async with deps.db.session() as s:
        assert (await s.get(Order, order.id)).status == OrderStatus.DONE


async def test_typing_a_reason_does_not_take_over_a_half_filled_order(
    engine: Engine, deps: Deps
) -> None:
    chat = Chat(engine)
    order = await _order(deps, chat)
    await chat.say("空调不制冷")  # a second order, half filled
    out = await chat.press_data(f"track_cancel_reason:{order.id}:other")
    assert out.toast and "/cancel" in out.toast
    state = await state_of(deps)
    assert state is not None and state.flow == "order"


# ---------------------------------------------------------------- texts


def test_every_text_key_exists_in_both_languages() -> None:
    import re
    import tomllib
    from pathlib import Path

    from bot import timeparse
    from bot.flows import order_draft, tracking

    root = Path(__file__).resolve().parents[2] / "bot"
    zh, en = (
        tomllib.loads((root / "texts" / lang / "ordering.toml").read_text(encoding="utf-8"))
        for lang in ("zh", "en")
    )
    assert set(zh) == set(en)
    sources = [
        root / "flows" / f"{name}.py"
        for name in (
            "ordering",
            "order_steps",
            "order_prompts",
            "order_words",
            "order_draft",
            "tracking",
        )
    ]
    used = {
        key
        for path in sources
        for key in re.findall(
            r'"((?:ordering|tracking|menu)\.[a-z_.]+[a-z_])"', path.read_text(encoding="utf-8")
        )
    }
    used |= {f"ordering.time.btn.{p}" for p in order_draft.TIME_PREFS}
    used |= {f"ordering.edit.field.{f}" for f in order_draft.EDIT_FIELDS}
    used |= {f"ordering.hint.{v}" for k, v in vars(order_draft.Step).items() if k.isupper()}
    used |= {
        f"ordering.time.unclear.{r}"
        for r in (
            timeparse.NO_DAY,
            timeparse.AMPM,
            timeparse.PAST,
            timeparse.TOO_FAR,
            timeparse.WHICH_DAY,
            timeparse.UNKNOWN,
        )
    }
    used |= {f"tracking.reason.{code}" for code in tracking.REASONS}
    missing = sorted(used - set(zh))
    assert not missing, missing
