"""QA of the volunteer's journey and the scheduler: regressions for what a demanding user
(and an SRE) found, on both databases.

Core ring first (``Engine.handle`` and the domain functions, with a recording notifier);
then one Telegram-ring journey with hostile names that checks every message the bot
sends is valid Telegram HTML, shows no double-escaped text, and keeps the requester's
phone and address out of offers, the board and anything sent before the claim.
"""

from __future__ import annotations

import asyncio
from datetime import timedelta

import pytest
from sqlmodel import col, select

from bot import dispatch
from bot.clock import FixedClock
from bot.deps import Deps
from bot.engine import Engine
from bot.events import Actor, Inbound, Kind
from scheduler import runner
from store import tasks
from store.models import Offer, OfferStatus, Order, OrderStatus, Task, TaskStatus
from tests.utils import volunteers as f
from tests.utils.engine import cmd, data_of, press, say, text
from tests.utils.fakebot.driver import FakeUser
from tests.utils.fakebot.tg_html import parse_html
from tests.utils.notifier import RecordingNotifier
from tests.utils.tgrig import TgRig

REQUESTER = Actor("telegram", "500", "王女士")
MASTER = Actor("telegram", "10", "李师傅")
OTHER = Actor("telegram", "11", "赵师傅")
ADMIN = Actor("telegram", "1", "管理员")
PHONE = "13812345678"
ADDRESS = "解放路88号"


async def _order(deps: Deps, oid: int) -> Order:
    async with deps.db.session() as s:
        o = await s.get(Order, oid)
    assert o is not None
    return o


async def _offer_status(deps: Deps, oid: int, volunteer_id: int) -> str:
    async with deps.db.session() as s:
        offer = (
            await s.exec(
                select(Offer).where(
                    col(Offer.order_id) == oid, col(Offer.volunteer_id) == volunteer_id
                )
            )
        ).one()
    return offer.status


# ---------------------------------------------------------------- relay


async def test_relay_shows_a_volunteer_name_with_markup_once_escaped(
    deps: Deps, engine: Engine, notifier: RecordingNotifier
) -> None:
    """The sender's name was escaped twice: the requester read "甲&lt;i&gt;"."""
    requester = await f.person(deps, 500, "王<b>女士</b>", phone=PHONE)
    await f.volunteer(deps, 10, "甲<i>")
    oid = await f.order(deps, requester, address=ADDRESS, contact_phone=PHONE)
    await dispatch.start(deps, oid)
    assert (await press(engine, MASTER, f"job_claim:{oid}")).toast == "认领成功！"
    await dispatch.settle(deps)
    await press(engine, MASTER, f"relay_open:{oid}")
    await say(engine, MASTER, "马上到 & 带好工具")
    got = notifier.to("500")[-1]
    plain, _ = parse_html(got.text)
    assert "志愿者 甲<i>：" in plain and "马上到 & 带好工具" in plain
    assert "&lt;" not in plain and "&amp;" not in plain
    # And the other way round.
    hostile = Actor("telegram", "500", "王<b>女士</b>")
    await press(engine, hostile, f"relay_open:{oid}")
    await say(engine, hostile, "好的")
    plain, _ = parse_html(notifier.to("10")[-1].text)
    assert "求助人 王<b>女士</b>：" in plain and "&lt;" not in plain


async def test_relay_passes_a_typed_number_but_never_a_shared_contact(
    deps: Deps, engine: Engine, notifier: RecordingNotifier
) -> None:
    """Decided: a number typed into the relay was shared on purpose and is passed on;
    a contact card is not (it could be anyone's, sent by a slip of the finger)."""
    requester = await f.person(deps, 500, "王女士", phone=PHONE)
    await f.volunteer(deps, 10, "李师傅")
    oid = await f.order(deps, requester, address=ADDRESS, contact_phone=PHONE)
    await dispatch.start(deps, oid)
    await press(engine, MASTER, f"job_claim:{oid}")
    await dispatch.settle(deps)
    await press(engine, MASTER, f"relay_open:{oid}")
    assert "已转达" in text(await say(engine, MASTER, "我的电话 13900001111，到了打我"))
    assert "13900001111" in notifier.to("500")[-1].text
    out = await engine.handle(
        MASTER, Inbound(Kind.CONTACT, phone="13900002222", contact_is_self=False)
    )
    assert "不转发" in text(out)
    assert all("13900002222" not in t for t in notifier.texts_to("500"))


# ---------------------------------------------------------------- taking back a job


async def test_a_volunteer_who_gave_a_job_up_cannot_grab_it_back_from_the_board(
    deps: Deps, engine: Engine, notifier: RecordingNotifier
) -> None:
    """放弃 told the admins and the requester the job is being passed on; the same
    volunteer re-claiming it a second later from /board undid that silently."""
    requester = await f.person(deps, 500, "王女士", phone=PHONE)
    await f.person(deps, 1, "管理员")
    me = await f.volunteer(deps, 10, "李师傅")
    oid = await f.order(deps, requester, address=ADDRESS, contact_phone=PHONE)
    await dispatch.start(deps, oid)
    await press(engine, MASTER, f"job_claim:{oid}")
    await dispatch.settle(deps)
    await press(engine, MASTER, f"job_give_up:{oid}")
    assert "重新派给" in text(await say(engine, MASTER, "家里临时有事"))
    await dispatch.settle(deps)
    assert (await _order(deps, oid)).status in OrderStatus.OPEN
    out = await cmd(engine, MASTER, "board")
    assert "暂时没有待认领的需求" in text(out)
    notifier.clear()
    out = await press(engine, MASTER, f"job_claim:{oid}")  # an old board item or offer
    assert "放弃" in (out.toast or "") and out.alert
    order = await _order(deps, oid)
    assert order.volunteer_id is None and order.status in OrderStatus.OPEN
    assert notifier.texts_to("500") == []  # the requester is not told "李师傅 is coming" again
    # An admin can still give it back on purpose.
    async with deps.db.session() as s:
        boss = (
            await s.exec(select(type(requester)).where(col(type(requester).external_id) == "1"))
        ).one()
    assert await dispatch.assign(deps, oid, me.id, by=boss)  # type: ignore[arg-type]
    assert (await _order(deps, oid)).volunteer_id == me.id


@pytest.mark.settings(offer_wave_size=1)
async def test_only_a_given_up_order_leaves_my_board_a_declined_one_stays(
    deps: Deps, engine: Engine, notifier: RecordingNotifier
) -> None:
    """不方便 may be taken back (a change of mind, see test_jobs); 放弃 may not."""
    requester = await f.person(deps, 500, "王女士")
    me = await f.volunteer(deps, 10, "李师傅")
    await f.volunteer(deps, 11, "赵师傅", last_job_at=deps.now())
    declined = await f.order(deps, requester)
    await dispatch.start(deps, declined)
    out = await press(engine, MASTER, data_of(notifier.to("10")[-1], "不方便"))
    assert out.toast == "已转给其他志愿者"
    given_up = await f.order(deps, requester, text="另一个问题")
    await dispatch.start(deps, given_up)
    await dispatch.settle(deps)
    await press(engine, MASTER, f"job_claim:{given_up}")
    await dispatch.settle(deps)
    assert await dispatch.release(deps, given_up, reason="没空", by=None, volunteer_id=me.id)
    await dispatch.settle(deps)
    assert await _offer_status(deps, declined, me.id) == OfferStatus.DECLINED  # type: ignore[arg-type]
    assert await _offer_status(deps, given_up, me.id) == OfferStatus.DECLINED  # type: ignore[arg-type]
    board = await cmd(engine, MASTER, "board")
    assert [data_of(r, "认领") for r in board.replies[1:]] == [f"job_claim:{declined}"]
    theirs = await cmd(engine, OTHER, "board")
    assert f"job_claim:{given_up}" in [data_of(r, "认领") for r in theirs.replies[1:]]


async def test_claim_and_decline_pressed_together_end_claimed(
    deps: Deps, engine: Engine, notifier: RecordingNotifier
) -> None:
    """Whichever is handled first, the volunteer ends up holding the job, the offer says
    so, and the decline neither passes it on nor leaves it half-declined."""
    requester = await f.person(deps, 500, "王女士")
    me = await f.volunteer(deps, 10, "李师傅")
    await f.volunteer(deps, 11, "赵师傅")
    oid = await f.order(deps, requester)
    await dispatch.start(deps, oid)
    offer = notifier.to("10")[-1]
    claimed, _ = await asyncio.gather(
        press(engine, MASTER, data_of(offer, "认领")),
        press(engine, MASTER, data_of(offer, "不方便")),
    )
    await dispatch.settle(deps)
    assert claimed.toast == "认领成功！"
    order = await _order(deps, oid)
    assert order.volunteer_id == me.id and order.status == OrderStatus.CLAIMED
    assert await _offer_status(deps, oid, me.id) == OfferStatus.CLAIMED  # type: ignore[arg-type]


# ---------------------------------------------------------------- a late claim


@pytest.mark.settings(offer_wave_size=1)
async def test_a_late_claim_of_an_unclaimed_order_tells_the_admins(
    deps: Deps, engine: Engine, notifier: RecordingNotifier, clock: FixedClock
) -> None:
    """The admins were told 无人认领 and asked to arrange it by hand; a volunteer then
    claiming it from an old offer must not leave them calling around for nothing."""
    requester = await f.person(deps, 500, "王女士")
    await f.person(deps, 1, "管理员")
    await f.volunteer(deps, 10, "李师傅")
    oid = await f.order(deps, requester)
    await dispatch.start(deps, oid)
    offer = notifier.to("10")[-1]
    clock.advance(deps.settings.offer_wave_interval)
    await f.run_waves(deps)
    assert (await _order(deps, oid)).status == OrderStatus.EXPIRED
    assert "无人认领" in notifier.texts_to("1")[-1]
    out = await press(engine, MASTER, data_of(offer, "认领"))
    assert out.toast == "认领成功！"
    await dispatch.settle(deps)
    told = notifier.texts_to("1")[-1]
    assert order_code(oid) in told and "李师傅" in told and "无需再人工安排" in told
    # An ordinary claim does not bother the admins.
    notifier.clear()
    other = await f.order(deps, requester)
    await dispatch.start(deps, other)
    await press(engine, MASTER, f"job_claim:{other}")
    await dispatch.settle(deps)
    assert notifier.texts_to("1") == []


def order_code(oid: int) -> str:
    return f"JX-{oid:06d}"


# ---------------------------------------------------------------- the scheduler


async def test_a_slow_batch_does_not_run_a_task_another_instance_took_over(
    deps: Deps, clock: FixedClock
) -> None:
    """A batch is leased at once but run one by one. Each task here takes three minutes
    (inside the handler timeout), so the fifth starts after the batch's ten-minute lease
    ran out: another instance leases and runs it meanwhile, and A used to run it again."""
    runs: list[int] = []

    async def slow(d: Deps, task: Task) -> None:
        runs.append(task.payload["n"])
        if len(runs) <= 4:
            clock.advance(timedelta(minutes=3))  # flood control, a slow chat …
        if len(runs) == 4:
            assert await runner.tick(d, worker_id="B") == 1  # the other instance ticks

    deps.bus.tasks["qa_slow"] = slow
    async with deps.db.session() as s:
        for n in range(1, 6):
            await tasks.enqueue(s, "qa_slow", deps.now(), {"n": n}, key=f"qa:{n}")
    assert await runner.tick(deps, worker_id="A") == 5
    assert sorted(runs) == [1, 2, 3, 4, 5]  # the fifth ran once (by B), not twice
    async with deps.db.session() as s:
        rows = (await s.exec(select(Task).where(col(Task.kind) == "qa_slow"))).all()
    assert {r.status for r in rows} == {TaskStatus.DONE}


async def test_a_renewed_lease_needs_the_worker_that_holds_it(deps: Deps) -> None:
    now = deps.now()
    async with deps.db.session() as s:
        task = await tasks.enqueue(s, "qa", now, {}, key="qa:renew")
    async with deps.db.session() as s:
        (leased,) = await tasks.lease_due(s, now, "A", lease_for=timedelta(minutes=1))
    async with deps.db.session() as s:
        assert await tasks.renew(s, task.id, "A", now + timedelta(minutes=9))  # type: ignore[arg-type]
        assert not await tasks.renew(s, task.id, "B", now + timedelta(minutes=9))  # type: ignore[arg-type]
    async with deps.db.session() as s:
        row = await s.get(Task, leased.id)
        assert row is not None and row.lease_until == now + timedelta(minutes=9)
        # Not due again before the renewed lease runs out.
        assert await tasks.lease_due(s, now + timedelta(minutes=5), "B") == []
        assert await tasks.complete(s, task.id, "A")  # type: ignore[arg-type]
    async with deps.db.session() as s:
        assert not await tasks.renew(s, task.id, "A", now + timedelta(hours=1))  # type: ignore[arg-type]


# ---------------------------------------------------------------- the Telegram ring


def _visible_problems(tg: TgRig, *users: FakeUser) -> list[str]:
    """Double-escaped text visible to users, or a message Telegram would have refused."""
    problems = []
    for user in users:
        for message in user.messages():
            if message.text and any(e in message.text for e in ("&lt;", "&gt;", "&amp;")):
                problems.append(f"chat {user.id}: {message.text!r}")
    for error in tg.api.server.errors:
        if error.status == 400 and "not modified" not in error.description:
            problems.append(f"{error.method}: {error.description}")
    return problems


@pytest.mark.settings(offer_wave_size=2)
async def test_a_hostile_names_journey_stays_valid_html_and_private(tg: TgRig) -> None:
    """Register (sticker, HTML name, someone else's contact, 完成 with no team), get
    approved, receive an offer, use the board, claim, talk through the relay: every
    message is valid HTML, nothing shows "&lt;", and nothing before the claim carries
    the requester's phone or address."""
    admin = tg.user(1, "管理员", started=True)
    await f.person(tg.deps, 1, "管理员")
    master = tg.user(3001, "<b>李</b>")
    other = tg.user(3002, "赵师傅", started=True)
    await f.volunteer(tg.deps, 3002, "赵&师傅")
    await master.send("/volunteer")
    await master.next_message()
    await master.send_sticker()
    assert "文字" in (await master.next_message()).text
    await master.next_message()
    await master.send("<b>李</b> & 子")
    assert "手机号" in (await master.next_message()).text
    await master.send_contact(phone="13911112222", own=False)
    assert "自己" in (await master.next_message()).text
    await master.send_contact()
    await master.next_message()
    teams = await master.next_message()
    await master.press("✔️ 完成", message=teams)
    assert (await master.last_callback_answer()).text == "请至少选择一个服务队。"
    await master.press("技术攻关服务队", message=teams)
    teams = await master.next_edit(teams)
    await master.press("✔️ 完成", message=teams)
    await master.next_edit(teams)
    await master.next_message()
    await master.send("<script>修模具</script>")
    await master.next_message()
    await master.send("<i>浙江工匠</i>")
    assert "申请已提交" in (await master.next_message()).text
    application = await admin.next_message()
    await admin.press("批准", message=application)
    await admin.next_edit(application)
    assert "<b>李</b> & 子" in (await master.next_message()).text

    requester = tg.user(2001, "王<b>女士</b>", started=True)
    person = await f.person(tg.deps, 2001, "王<b>女士</b>", phone=PHONE)
    oid = await f.order(
        tg.deps, person, text=f"机器坏了 <急> 电话{PHONE}", address=ADDRESS, contact_phone=PHONE
    )
    await dispatch.start(tg.deps, oid)
    offer = await master.next_message()
    await other.next_message()
    await master.send("/board")
    await master.next_message()
    item = await master.next_message()
    before_claim = [offer, item]
    for message in before_claim:
        assert "<急>" in message.text
        assert PHONE not in message.text and ADDRESS not in message.text
    await master.press("认领", message=item)
    assert (await master.last_callback_answer()).text == "认领成功！"
    card = await master.next_message()  # the board item and the offer are edited
    assert PHONE in card.text and ADDRESS in card.text
    assert "已认领" in (await master.next_edit(offer)).text
    told = await requester.next_message()
    assert "<b>李</b> & 子" in told.text and "<i>浙江工匠</i>" in told.text
    await master.press("联系求助人", message=card)
    await master.next_message()
    await master.send("到了 <门口> & 等您")
    await master.next_message()
    relayed = await requester.next_message()
    assert "志愿者 <b>李</b> & 子：" in relayed.text and "到了 <门口> & 等您" in relayed.text
    await requester.press("回复", message=relayed)
    await requester.next_message()
    await requester.send("好的")
    await requester.next_message()
    assert "求助人 王<b>女士</b>：" in (await master.next_message()).text
    # 赵师傅 saw the offer and its "claimed by someone else" edit, never the private parts.
    seen_by_other = [m.text for m in other.messages() if m.text]
    assert seen_by_other and "已被其他志愿者认领" in seen_by_other[0]
    assert all(PHONE not in m and ADDRESS not in m for m in seen_by_other)
    await master.send("/cancel")
    await master.next_message()
    assert _visible_problems(tg, admin, requester, master, other) == []
