"""A job's life on both databases, through ``Engine.handle``: offers, /board, /jobs, 约定时间,
开始服务, 完成服务, 放弃, the requester's 已解决 / 未解决, and the relay between them."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlmodel import col, select

from bot import dispatch
from bot.clock import FixedClock
from bot.deps import Deps
from bot.engine import Engine
from bot.events import Actor, Inbound, Kind
from bot.reply import MessageRef
from store.models import (
    Offer,
    OfferStatus,
    Order,
    OrderMessage,
    OrderStatus,
    Person,
    Volunteer,
)
from tests.utils import volunteers as f
from tests.utils.engine import buttons, cmd, data_of, press, say, text
from tests.utils.notifier import RecordingNotifier

REQUESTER = Actor("telegram", "500", "王女士")
MASTER = Actor("telegram", "10", "李师傅")
OTHER = Actor("telegram", "11", "赵师傅")
PHONE = "13812345678"


async def _claimed(deps: Deps, engine: Engine) -> int:
    """An order of 王女士 claimed by 李师傅 (赵师傅 was offered it too)."""
    requester = await f.person(deps, 500, "王女士", phone=PHONE)
    await f.person(deps, 1, "管理员")
    await f.volunteer(deps, 10, "李师傅", honours="浙江工匠")
    await f.volunteer(deps, 11, "赵师傅")
    oid = await f.order(deps, requester, address="解放路88号", contact_phone=PHONE)
    await dispatch.start(deps, oid)
    out = await press(engine, MASTER, f"job_claim:{oid}")
    assert out.toast == "认领成功！"
    await dispatch.settle(deps)
    return oid


async def _order(deps: Deps, oid: int) -> Order:
    async with deps.db.session() as s:
        o = await s.get(Order, oid)
    assert o is not None
    return o


async def test_the_whole_job_from_claim_to_confirmation(
    deps: Deps, engine: Engine, notifier: RecordingNotifier, clock: FixedClock
) -> None:
    events: list[tuple[str, dict]] = []
    for name in ("appointment_set", "job_started", "job_done", "order_confirmed"):
        deps.bus.listen(name, lambda _d, _n=name, **p: _record(events, _n, p))
    oid = await _claimed(deps, engine)
    card = notifier.to("10")[-1]
    assert PHONE in card.text and "解放路88号" in card.text
    assert buttons(card) == ["约定时间", "开始服务", "联系求助人", "放弃"]
    # 约定时间: unclear answers are asked again, never guessed.
    out = await press(engine, MASTER, data_of(card, "约定时间"))
    assert "服务时间" in text(out)
    assert "上午还是下午" in text(await say(engine, MASTER, "明天3点"))
    assert "哪一天" in text(await say(engine, MASTER, "下午3点"))
    assert "具体时刻" in text(await say(engine, MASTER, "明天下午"))
    assert "文字" in text(await engine.handle(MASTER, Inbound(Kind.PHOTO, photo="p1")))
    out = await say(engine, MASTER, "明天下午3点")
    assert "11月24日(周二) 15:00" in out.replies[0].text and len(out.replies) == 1
    # No second card: the one sent on the claim shows the time and 修改时间 now.
    card_ref = next(s.ref for s in notifier.sent if s.reply is card)
    ref, shown = notifier.edits[-1]
    assert ref == card_ref and "11月24日(周二) 15:00" in shown.text
    assert buttons(shown)[0] == "修改时间"
    order = await _order(deps, oid)
    assert order.status == OrderStatus.SCHEDULED
    assert order.appointment_at == clock.now() + timedelta(hours=29)
    assert "11月24日(周二) 15:00" in notifier.texts_to("500")[-1]
    # 开始服务
    clock.advance(timedelta(hours=29))
    out = await press(engine, MASTER, f"job_start:{oid}")
    assert out.toast and out.replies[0].edit and buttons(out.replies[0])[0] == "完成服务"
    assert (await press(engine, MASTER, f"job_start:{oid}")).toast.startswith("该任务当前状态")  # type: ignore[union-attr]
    assert "服务中" in notifier.texts_to("500")[-1]
    # 完成服务: a summary, two photos, submit.
    clock.advance(timedelta(minutes=95))
    await press(engine, MASTER, f"job_finish:{oid}")
    assert "照片" in text(await engine.handle(MASTER, Inbound(Kind.PHOTO, photo="ph-a")))
    out = await say(engine, MASTER, "更换了模具顶针，调整保压时间")
    assert buttons(out.replies[0]) == ["提交"]
    out = await engine.handle(MASTER, Inbound(Kind.PHOTO, photo="ph-b"))
    assert "第 2 张" in text(out)
    out = await press(engine, MASTER, f"job_submit_report:{oid}")
    assert "1 小时 35 分钟" in text(out)
    order = await _order(deps, oid)
    assert order.status == OrderStatus.DONE and order.service_minutes == 95
    assert order.result_photos == ["ph-a", "ph-b"] and "顶针" in (order.summary or "")
    async with deps.db.session() as s:
        v = (await s.exec(select(Volunteer).where(col(Volunteer.name) == "李师傅"))).one()
    assert v.service_minutes == 95
    ask = notifier.to("500")[-1]
    assert buttons(ask) == ["已解决", "未解决", "联系志愿者"] and ask.photos == ("ph-a", "ph-b")
    # Only the requester may answer; 已解决 confirms once.
    assert (await press(engine, MASTER, f"job_resolved:{oid}")).toast == "已过期"
    out = await press(engine, REQUESTER, f"job_resolved:{oid}")
    assert out.replies[0].edit and "已解决" in out.replies[0].text
    assert (await press(engine, REQUESTER, f"job_resolved:{oid}")).toast == "已经确认过了，谢谢！"
    order = await _order(deps, oid)
    assert order.status == OrderStatus.CONFIRMED and order.resolved is True
    assert "95 分钟" in notifier.texts_to("10")[-1]
    assert [name for name, _ in events] == [
        "appointment_set",
        "job_started",
        "job_done",
        "order_confirmed",
    ]
    assert events[-1][1] == {"order_id": oid, "resolved": True}


async def _record(events: list, name: str, payload: dict) -> None:  # type: ignore[type-arg]
    events.append((name, payload))


async def test_not_solved_goes_back_to_the_volunteer_and_admins(
    deps: Deps, engine: Engine, notifier: RecordingNotifier
) -> None:
    oid = await _claimed(deps, engine)
    await press(engine, MASTER, f"job_start:{oid}")
    await press(engine, MASTER, f"job_finish:{oid}")
    await say(engine, MASTER, "远程指导重启了设备")
    await say(engine, MASTER, "提交")
    notifier.clear()
    out = await press(engine, REQUESTER, f"job_unresolved:{oid}")
    assert "继续跟进" in out.replies[0].text
    order = await _order(deps, oid)
    assert order.status == OrderStatus.CLAIMED and order.resolved is False
    assert order.started_at is None and order.done_at is None
    assert "尚未解决" in notifier.texts_to("10")[-1]
    assert "未解决" in notifier.texts_to("1")[-1]
    # The volunteer carries on from their job list.
    out = await cmd(engine, MASTER, "jobs")
    assert "1 个服务任务" in out.replies[0].text and "开始服务" in buttons(out.replies[1])


async def test_giving_up_releases_and_redispatches(
    deps: Deps, engine: Engine, notifier: RecordingNotifier
) -> None:
    oid = await _claimed(deps, engine)
    notifier.clear()
    assert (await press(engine, OTHER, f"job_give_up:{oid}")).toast == "已过期"  # not theirs
    out = await press(engine, MASTER, f"job_give_up:{oid}")
    assert "原因" in text(out)
    assert "200" in text(await say(engine, MASTER, "太" * 201))
    out = await say(engine, MASTER, "家里临时有事")
    assert "重新派给" in text(out)
    await dispatch.settle(deps)
    order = await _order(deps, oid)
    assert order.status == OrderStatus.OFFERED and order.volunteer_id is None
    assert any("新的服务需求" in t for t in notifier.texts_to("11"))
    assert not any("新的服务需求" in t for t in notifier.texts_to("10"))
    assert "家里临时有事" in notifier.texts_to("1")[-1]


async def test_decline_and_stale_buttons(
    deps: Deps, engine: Engine, notifier: RecordingNotifier
) -> None:
    requester = await f.person(deps, 500)
    for i in range(4):
        await f.volunteer(deps, 10 + i, f"师傅{i}")
    oid = await f.order(deps, requester)
    await dispatch.start(deps, oid)
    async with deps.db.session() as s:
        offers = {o.volunteer_id: o for o in (await s.exec(select(Offer))).all()}
        mine = next(o for o in offers.values() if o.chat_id == "10")
    # Someone else's offer id, and garbage, are stale.
    other = next(o for o in offers.values() if o.chat_id == "11")
    assert (await press(engine, MASTER, f"job_decline:{other.id}")).toast == "已过期"
    assert (await press(engine, MASTER, "job_decline:abc")).toast == "已过期"
    out = await press(engine, MASTER, f"job_decline:{mine.id}")
    assert out.toast == "已转给其他志愿者" and out.replies[0].edit
    assert "不方便" in out.replies[0].text and not out.replies[0].buttons
    await dispatch.settle(deps)
    assert any("新的服务需求" in t for t in notifier.texts_to("13"))
    # Pressing 认领 after declining still works (they changed their mind) …
    out = await press(engine, MASTER, f"job_claim:{oid}")
    assert out.toast == "认领成功！"
    # … and the job's buttons refuse strangers.
    for verb in ("job_set_time", "job_start", "job_finish", "relay_open"):
        assert (await press(engine, OTHER, f"{verb}:{oid}")).toast == "已过期"
    assert (await press(engine, MASTER, f"job_finish:{oid}")).toast.startswith("该任务当前状态")  # type: ignore[union-attr]
    assert (
        await press(engine, MASTER, f"job_submit_report:{oid}")
    ).toast == "已过期"  # no report open


@pytest.mark.settings(escalation_scope="all")  # the far county's order is on the board too
async def test_board_claim_and_limits(
    deps: Deps, engine: Engine, notifier: RecordingNotifier
) -> None:
    st = await f.stations(deps)
    requester = await f.person(deps, 500)
    await f.volunteer(deps, 10, "李师傅", station_id=st["yh.a1"], max_open_jobs=1)
    outsider = await f.volunteer(deps, 11, "法律", teams=("legal",))
    near = await f.order(deps, requester, station_id=st["yh.a1"], address="秘密地址")
    far = await f.order(deps, requester, station_id=st["lq.a"])
    assert "不是志愿者" in text(await cmd(engine, REQUESTER, "board"))
    out = await cmd(engine, MASTER, "board")
    assert "2 个待认领" in out.replies[0].text
    first, second = out.replies[1], out.replies[2]
    assert "同一服务点" in first.text and "秘密地址" not in first.text
    assert (
        data_of(first, "认领") == f"job_claim:{near}"
        and data_of(second, "认领") == f"job_claim:{far}"
    )
    out = await press(engine, MASTER, f"job_claim:{near}")
    assert out.toast == "认领成功！" and "您已认领" in out.replies[0].text  # the board item
    await dispatch.settle(deps)
    assert "秘密地址" in notifier.texts_to("10")[-1]
    out = await press(engine, MASTER, f"job_claim:{far}")
    assert "1 个未完成的任务" in (out.toast or "")
    assert (await press(engine, Actor("telegram", "11", "法律"), f"job_claim:{far}")).toast == (
        "已过期"
    )  # not their team
    assert outsider.id is not None


async def test_relay_passes_text_and_photos_without_numbers(
    deps: Deps, engine: Engine, notifier: RecordingNotifier
) -> None:
    oid = await _claimed(deps, engine)
    notifier.clear()
    out = await press(engine, REQUESTER, f"relay_open:{oid}")
    assert "志愿者" in text(out) and buttons(out.replies[0]) == ["结束对话"]
    out = await say(engine, REQUESTER, "机器是海天注塑机，<型号>MA1600")
    assert "已转达" in text(out)
    got = notifier.to("10")[-1]
    assert "求助人 王女士" in got.text and "&lt;型号&gt;" in got.text
    assert buttons(got) == ["回复"]
    # The volunteer answers with the 回复 button and a photo.
    await press(engine, MASTER, data_of(got, "回复"))
    await engine.handle(MASTER, Inbound(Kind.PHOTO, photo="tg-photo-1", text="看这个位置"))
    got = notifier.to("500")[-1]
    assert got.photos == ("tg-photo-1",) and "看这个位置" in got.text and "李师傅" in got.text
    out = await engine.handle(
        MASTER, Inbound(Kind.CONTACT, phone="13900000000", contact_is_self=True)
    )
    assert "不转发" in text(out)
    assert all("13900000000" not in t for t in notifier.texts_to("500"))
    out = await press(engine, MASTER, "relay_end")
    assert "结束" in text(out)
    async with deps.db.session() as s:
        kept = (await s.exec(select(OrderMessage).order_by(col(OrderMessage.id)))).all()
    assert [(m.text, m.photo) for m in kept] == [
        ("机器是海天注塑机，<型号>MA1600", None),
        ("看这个位置", "tg-photo-1"),
    ]
    # Once the order is over, the relay closes itself.
    async with deps.db.session() as s:
        o = await s.get(Order, oid)
        o.status = OrderStatus.CANCELLED  # type: ignore[union-attr]
        s.add(o)
    assert (await press(engine, REQUESTER, f"relay_open:{oid}")).toast == "已过期"
    async with deps.db.session() as s:
        requester = (await s.exec(select(Person).where(col(Person.external_id) == "500"))).one()
    assert requester.phone == PHONE


async def test_claim_edits_a_pressed_offer_only_once(
    deps: Deps, engine: Engine, notifier: RecordingNotifier
) -> None:
    requester = await f.person(deps, 500)
    await f.volunteer(deps, 10, "李师傅")
    oid = await f.order(deps, requester)
    await dispatch.start(deps, oid)
    async with deps.db.session() as s:
        offer = (await s.exec(select(Offer))).one()
    event = Inbound(
        Kind.BUTTON,
        data=f"job_claim:{oid}",
        message=MessageRef("telegram", offer.chat_id, offer.message_id),
    )  # type: ignore[arg-type]
    out = await engine.handle(MASTER, event)
    assert out.replies == []  # the offer message is edited by dispatch itself
    await dispatch.settle(deps)
    assert [r.text for ref, r in notifier.edits if ref.message_id == offer.message_id] == [
        notifier.edits[0][1].text
    ]
    assert "您已认领" in notifier.edits[0][1].text
    again = await engine.handle(MASTER, event)
    assert again.toast == "您已认领此任务"
    async with deps.db.session() as s:
        assert (await s.get(Offer, offer.id)).status == OfferStatus.CLAIMED  # type: ignore[union-attr]


async def test_rating_first_then_confirming_keeps_both(
    deps: Deps, engine: Engine, notifier: RecordingNotifier
) -> None:
    """The rating request can reach the requester before they press 已解决."""
    oid = await _claimed(deps, engine)
    await press(engine, MASTER, f"job_start:{oid}")
    await press(engine, MASTER, f"job_finish:{oid}")
    await say(engine, MASTER, "远程指导更换了滤网")
    await say(engine, MASTER, "提交")
    out = await press(engine, REQUESTER, f"feedback_rate:{oid}:5")
    assert not out.toast or out.toast != "已过期"
    order = await _order(deps, oid)
    assert order.status == OrderStatus.RATED and order.resolved is None
    out = await press(engine, REQUESTER, f"job_resolved:{oid}")
    assert out.toast != "已过期" and "已解决" in out.replies[0].text
    order = await _order(deps, oid)
    assert order.status == OrderStatus.RATED and order.resolved is True
    assert order.confirmed_at is not None
    assert (await press(engine, REQUESTER, f"job_resolved:{oid}")).toast == "已经确认过了，谢谢！"
