"""Dispatch on both databases: candidates and ranking, waves, decline, release, expiry.

Core ring: orders are created with ``bot.orders.create_order`` and dispatched with
``bot.dispatch.start``; messages land in the RecordingNotifier; due waves are run by
hand with the fixed clock moved forward.
"""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import delete
from sqlmodel import col, select

from bot import dispatch
from bot.clock import FixedClock
from bot.deps import Deps
from store.models import (
    AuditLog,
    Feedback,
    Offer,
    OfferStatus,
    Order,
    OrderStatus,
    OutboxMessage,
    Person,
    Task,
    TaskStatus,
    VolunteerStatus,
)
from tests.utils import volunteers as f
from tests.utils.notifier import RecordingNotifier

ADDRESS = "玉环市玉城街道解放路88号3幢"
PHONE = "13812345678"


async def _offers(deps: Deps, order_id: int) -> dict[int, Offer]:
    async with deps.db.session() as s:
        rows = (await s.exec(select(Offer).where(col(Offer.order_id) == order_id))).all()
    return {o.volunteer_id: o for o in rows}


async def _order(deps: Deps, order_id: int) -> Order:
    async with deps.db.session() as s:
        o = await s.get(Order, order_id)
    assert o is not None
    return o


def _offered_to(notifier: RecordingNotifier) -> list[str]:
    return [s.external_id for s in notifier.sent if "新的服务需求" in s.reply.text]


async def _admin(deps: Deps) -> Person:
    return await f.person(deps, 1, "管理员")


# ---------------------------------------------------------------- candidates


async def test_candidates_are_ranked_by_ring_jobs_idle_time_and_rating(
    deps: Deps, clock: FixedClock
) -> None:
    st = await f.stations(deps)
    requester = await f.person(deps, 500)
    far = await f.volunteer(deps, 10, "远处", station_id=st["lq.a"])
    town = await f.volunteer(deps, 11, "同镇", station_id=st["yh.a2"])
    county = await f.volunteer(deps, 12, "同县", station_id=st["yh.b1"])
    here_busy = await f.volunteer(deps, 13, "同点忙", station_id=st["yh.a1"])
    here_recent = await f.volunteer(
        deps, 14, "同点近期", station_id=st["yh.a1"], last_job_at=clock.now() - timedelta(days=1)
    )
    here_idle = await f.volunteer(
        deps, 15, "同点空闲", station_id=st["yh.a1"], last_job_at=clock.now() - timedelta(days=30)
    )
    here_idle_rated = await f.volunteer(
        deps, 16, "同点好评", station_id=st["yh.a1"], last_job_at=clock.now() - timedelta(days=30)
    )
    nowhere = await f.volunteer(deps, 17, "无站点")
    # here_busy holds one job; here_idle_rated is rated 5, here_idle 2.
    busy_order = await f.order(deps, requester)
    rated_a, rated_b = await f.order(deps, requester), await f.order(deps, requester)
    async with deps.db.session() as s:
        o = await s.get(Order, busy_order)
        o.status, o.volunteer_id = OrderStatus.CLAIMED, here_busy.id  # type: ignore[union-attr]
        s.add(o)
        for oid, vid, rating in ((rated_a, here_idle_rated.id, 5), (rated_b, here_idle.id, 2)):
            s.add(
                Feedback(
                    order_id=oid,
                    requester_id=requester.id,
                    volunteer_id=vid,  # type: ignore[arg-type]
                    rating=rating,
                )
            )
    oid = await f.order(deps, requester, station_id=st["yh.a1"])
    async with deps.db.session() as s:
        ranked = await dispatch.candidates(s, await s.get(Order, oid))  # type: ignore[arg-type]
    assert [c.volunteer_id for c in ranked] == [
        here_idle_rated.id,
        here_idle.id,
        here_recent.id,
        here_busy.id,  # same point
        town.id,
        county.id,  # same town, same county
        far.id,
        nowhere.id,  # elsewhere (ties broken by id)
    ]
    assert [c.ring for c in ranked] == [0, 0, 0, 0, 1, 2, 3, 3]


async def test_candidates_leave_out_whoever_cannot_or_should_not_take_it(deps: Deps) -> None:
    requester = await f.person(deps, 500)
    ok = await f.volunteer(deps, 10, "可以")
    await f.volunteer(deps, 11, "暂停", status=VolunteerStatus.PAUSED)
    await f.volunteer(deps, 12, "停用", status=VolunteerStatus.SUSPENDED)
    await f.volunteer(deps, 13, "待审", status=VolunteerStatus.PENDING)
    await f.volunteer(deps, 14, "别的队", teams=("legal",))
    blocked = await f.volunteer(deps, 15, "拉黑")
    full = await f.volunteer(deps, 16, "满了", max_open_jobs=1)
    declined = await f.volunteer(deps, 17, "不方便")
    self_vol = await f.volunteer(deps, 18, "自己下单")
    taken = await f.volunteer(deps, 19, "别人抢了")
    held = await f.order(deps, requester)
    oid = await f.order(deps, requester)
    own = await f.order(deps, await _person_of(deps, self_vol.person_id))
    async with deps.db.session() as s:
        p = await s.get(Person, blocked.person_id)
        p.reachable = False  # type: ignore[union-attr]
        s.add(p)
        h = await s.get(Order, held)
        h.status, h.volunteer_id = OrderStatus.SCHEDULED, full.id  # type: ignore[union-attr]
        s.add(h)
        s.add(Offer(order_id=oid, volunteer_id=declined.id, status=OfferStatus.DECLINED))  # type: ignore[arg-type]
        s.add(Offer(order_id=oid, volunteer_id=taken.id, status=OfferStatus.TAKEN))  # type: ignore[arg-type]
    async with deps.db.session() as s:
        ranked = {c.volunteer_id for c in await dispatch.candidates(s, await s.get(Order, oid))}  # type: ignore[arg-type]
        mine = {c.volunteer_id for c in await dispatch.candidates(s, await s.get(Order, own))}  # type: ignore[arg-type]
    assert ranked == {ok.id, self_vol.id, taken.id}  # a taken offer may be offered again
    assert self_vol.id not in mine  # nobody is offered their own request


async def _person_of(deps: Deps, person_id: int) -> Person:
    async with deps.db.session() as s:
        p = await s.get(Person, person_id)
    assert p is not None
    return p


# ---------------------------------------------------------------- waves


async def test_wave_one_offers_the_top_k_without_private_details(
    deps: Deps, notifier: RecordingNotifier
) -> None:
    st = await f.stations(deps)
    requester = await f.person(deps, 500, phone=PHONE)
    vols = [await f.volunteer(deps, 10 + i, f"师傅{i}", station_id=st["yh.a1"]) for i in range(5)]
    oid = await f.order(
        deps,
        requester,
        station_id=st["yh.a1"],
        address=ADDRESS,
        contact_phone=PHONE,
        text="注塑件毛边太多，电话13812345678",
        time_pref="tomorrow",
    )
    await dispatch.start(deps, oid)
    offered = _offered_to(notifier)
    assert offered == [str(10 + i) for i in range(3)]
    text = notifier.sent[0].reply.text
    assert "技术攻关服务队" in text and "玉环市 / 玉城街道 / 城中村服务点" in text
    assert "明天" in text and "注塑件毛边太多" in text
    assert PHONE not in text and "解放路" not in text
    labels = [b.label for row in notifier.sent[0].reply.buttons for b in row]
    assert labels == ["认领", "不方便"]
    offers = await _offers(deps, oid)
    assert {o.status for o in offers.values()} == {OfferStatus.SENT}
    assert set(offers) == {v.id for v in vols[:3]}
    assert all(o.message_id for o in offers.values())
    order = await _order(deps, oid)
    assert order.status == OrderStatus.OFFERED and order.dispatch_wave == 1
    assert deps.metrics.offers_sent._value.get() == 3
    async with deps.db.session() as s:
        task = (await s.exec(select(Task).where(col(Task.kind) == dispatch.WAVE_TASK))).one()
    assert task.key == f"order:{oid}:wave:2" and task.payload["wave"] == 2
    assert task.due_at == deps.now() + deps.settings.offer_wave_interval
    await dispatch.start(deps, oid)  # a second start (a re-delivered event) does nothing
    assert len(_offered_to(notifier)) == 3


@pytest.mark.settings(offer_wave_size=1, escalation_scope="all")  # beyond the county too
async def test_later_waves_widen_ring_by_ring_then_expire_to_admins(
    deps: Deps, notifier: RecordingNotifier, clock: FixedClock
) -> None:
    st = await f.stations(deps)
    admin = await _admin(deps)
    requester = await f.person(deps, 500, phone=PHONE)
    a = await f.volunteer(deps, 10, "同点甲", station_id=st["yh.a1"])
    b = await f.volunteer(deps, 11, "同点乙", station_id=st["yh.a1"])
    c = await f.volunteer(deps, 12, "同镇", station_id=st["yh.a2"])
    d = await f.volunteer(deps, 13, "外县", station_id=st["lq.a"])
    oid = await f.order(deps, requester, station_id=st["yh.a1"], address=ADDRESS)
    await dispatch.start(deps, oid)
    assert set(await _offers(deps, oid)) == {a.id}
    assert await f.run_waves(deps) == 0  # not due yet
    clock.advance(deps.settings.offer_wave_interval)
    assert await f.run_waves(deps) == 1  # wave 2: the rest of ring 0 and ring 1
    assert set(await _offers(deps, oid)) == {a.id, b.id, c.id}
    clock.advance(deps.settings.offer_wave_interval)
    await f.run_waves(deps)  # wave 3: ring 2 is empty, so it reaches ring 3
    assert set(await _offers(deps, oid)) == {a.id, b.id, c.id, d.id}
    assert (await _order(deps, oid)).dispatch_wave == 3
    notifier.clear()
    clock.advance(deps.settings.offer_wave_interval)
    await f.run_waves(deps)  # wave 4: nobody left → 无人认领
    order = await _order(deps, oid)
    assert order.status == OrderStatus.EXPIRED and order.expired_at == clock.now()
    to_admin = notifier.texts_to(admin.external_id)
    assert len(to_admin) == 1 and "无人认领" in to_admin[0]
    for name in ("同点甲", "同点乙", "同镇", "外县"):
        assert name in to_admin[0]
    assert "第1轮" in to_admin[0] and "第3轮" in to_admin[0]
    assert PHONE in to_admin[0]  # admins may see the phone
    assert any("无人认领" in t or "人工" in t for t in notifier.texts_to("500"))
    # An expired order can still be claimed from an old offer.
    assert await dispatch.claim(deps, oid, c.id)


async def test_an_order_without_team_waits_for_triage(
    deps: Deps, notifier: RecordingNotifier
) -> None:
    requester = await f.person(deps, 500)
    await f.volunteer(deps, 10, "师傅")
    oid = await f.order(deps, requester, team=None)
    await dispatch.start(deps, oid)
    assert notifier.sent == []
    assert (await _order(deps, oid)).status == OrderStatus.NEW


async def test_no_candidate_at_all_expires_at_once(deps: Deps, notifier: RecordingNotifier) -> None:
    admin = await _admin(deps)
    requester = await f.person(deps, 500)
    await f.volunteer(deps, 10, "法律", teams=("legal",))
    oid = await f.order(deps, requester)
    await dispatch.start(deps, oid)
    assert (await _order(deps, oid)).status == OrderStatus.EXPIRED
    assert "没有符合条件的志愿者" in notifier.texts_to(admin.external_id)[0]
    assert notifier.texts_to("500") == []  # just told the order is in; the admins take over
    async with deps.db.session() as s:
        pending = (await s.exec(select(Task).where(col(Task.status) == "pending"))).all()
    assert pending == []  # no further wave, and the dispatch safety net is withdrawn


async def test_a_wave_task_runs_once(
    deps: Deps, clock: FixedClock, notifier: RecordingNotifier
) -> None:
    requester = await f.person(deps, 500)
    for i in range(5):
        await f.volunteer(deps, 10 + i, f"师傅{i}")
    oid = await f.order(deps, requester)
    await dispatch.start(deps, oid)
    clock.advance(deps.settings.offer_wave_interval)
    async with deps.db.session() as s:
        task = (await s.exec(select(Task).where(col(Task.key) == f"order:{oid}:wave:2"))).one()
    await dispatch.run_wave(deps, task)
    sent = len(_offered_to(notifier))
    await dispatch.run_wave(deps, task)  # the scheduler retried it (lost lease …)
    assert len(_offered_to(notifier)) == sent == 5
    assert (await _order(deps, oid)).dispatch_wave == 2


# ---------------------------------------------------------------- decline and delivery


async def test_decline_passes_the_offer_on_at_once(deps: Deps, notifier: RecordingNotifier) -> None:
    requester = await f.person(deps, 500)
    vols = [await f.volunteer(deps, 10 + i, f"师傅{i}") for i in range(5)]
    oid = await f.order(deps, requester)
    await dispatch.start(deps, oid)
    offers = await _offers(deps, oid)
    assert await dispatch.decline(deps, offers[vols[0].id].id)
    assert not await dispatch.decline(deps, offers[vols[0].id].id)  # twice: no second pass
    assert _offered_to(notifier)[-1] == "13"
    offers = await _offers(deps, oid)
    assert offers[vols[0].id].status == OfferStatus.DECLINED
    assert offers[vols[3].id].status == OfferStatus.SENT
    # Everybody declines → expired at once (no need to wait for another wave).
    for v in vols[1:]:
        offer = (await _offers(deps, oid))[v.id]
        assert await dispatch.decline(deps, offer.id)
    assert (await _order(deps, oid)).status == OrderStatus.EXPIRED
    assert len(_offered_to(notifier)) == 5


async def test_a_blocked_volunteer_is_skipped_and_the_next_one_offered(
    deps: Deps, notifier: RecordingNotifier
) -> None:
    requester = await f.person(deps, 500)
    vols = [await f.volunteer(deps, 10 + i, f"师傅{i}") for i in range(5)]
    notifier.blocked.add("11")
    oid = await f.order(deps, requester)
    await dispatch.start(deps, oid)
    assert _offered_to(notifier) == ["10", "12", "13"]
    offers = await _offers(deps, oid)
    assert offers[vols[1].id].status == OfferStatus.FAILED
    async with deps.db.session() as s:
        assert (await s.get(Person, vols[1].person_id)).reachable is False  # type: ignore[union-attr]


async def test_an_offer_taken_while_its_message_was_on_the_way_is_edited(
    deps: Deps, notifier: RecordingNotifier
) -> None:
    requester = await f.person(deps, 500)
    v = await f.volunteer(deps, 10, "慢")
    oid = await f.order(deps, requester)
    async with deps.db.session() as s:
        offer_id = await dispatch._put_offer(s, oid, v.id, 1, deps.now())  # type: ignore[arg-type]
    async with deps.db.session() as s:
        offer = await s.get(Offer, offer_id)
        offer.status = OfferStatus.TAKEN  # type: ignore[union-attr]
        s.add(offer)
    assert await dispatch._deliver(deps, [offer_id]) == 0  # type: ignore[list-item]
    assert _offered_to(notifier) == []  # no longer PENDING: not sent at all
    async with deps.db.session() as s:
        offer = await s.get(Offer, offer_id)
        offer.status = OfferStatus.PENDING  # type: ignore[union-attr]
        s.add(offer)
    real_send = notifier.send

    async def send_then_lose(person, reply):  # type: ignore[no-untyped-def]
        ref = await real_send(person, reply)
        async with deps.db.session() as s2:  # somebody claims it meanwhile
            o = await s2.get(Offer, offer_id)
            o.status = OfferStatus.TAKEN  # type: ignore[union-attr]
            s2.add(o)
        return ref

    notifier.send = send_then_lose  # type: ignore[method-assign]
    await dispatch._deliver(deps, [offer_id])  # type: ignore[list-item]
    assert len(notifier.edits) == 1 and "已被其他志愿者认领" in notifier.edits[0][1].text
    assert notifier.edits[0][0] == notifier.sent[-1].ref
    assert not notifier.edits[0][1].buttons


async def test_the_next_wave_resends_offers_whose_sender_died(
    deps: Deps, notifier: RecordingNotifier, clock: FixedClock
) -> None:
    requester = await f.person(deps, 500)
    v = await f.volunteer(deps, 10, "师傅")
    oid = await f.order(deps, requester)
    await dispatch.start(deps, oid)
    async with deps.db.session() as s:  # as if the process died before sending
        offer = (await s.exec(select(Offer))).one()
        offer.status, offer.message_id, offer.chat_id, offer.platform = (
            OfferStatus.PENDING,
            None,
            None,
            None,
        )
        s.add(offer)
        # … so its outbox row was never written either (issue 13)
        await s.exec(delete(OutboxMessage))  # type: ignore[call-overload]
    notifier.clear()
    clock.advance(deps.settings.offer_wave_interval)
    await f.run_waves(deps)
    assert _offered_to(notifier) == ["10"]
    assert (await _offers(deps, oid))[v.id].status == OfferStatus.SENT


async def test_the_next_wave_does_not_resend_an_offer_whose_recording_died(
    deps: Deps, notifier: RecordingNotifier, clock: FixedClock
) -> None:
    """Sent, then the process died before the Offer row learned its message (issue 13)."""
    requester = await f.person(deps, 500)
    v = await f.volunteer(deps, 10, "师傅")
    oid = await f.order(deps, requester)
    await dispatch.start(deps, oid)
    [first] = notifier.sent
    async with deps.db.session() as s:
        offer = (await s.exec(select(Offer))).one()
        offer.status, offer.message_id, offer.chat_id, offer.platform = (
            OfferStatus.PENDING,
            None,
            None,
            None,
        )
        s.add(offer)
    notifier.clear()
    clock.advance(deps.settings.offer_wave_interval)
    await f.run_waves(deps)
    assert _offered_to(notifier) == []  # no second copy
    offer = (await _offers(deps, oid))[v.id]
    assert offer.status == OfferStatus.SENT and offer.message_id == first.ref.message_id


# ---------------------------------------------------------------- claim, assign, release


async def test_claim_gives_the_winner_the_contact_and_tells_the_requester(
    deps: Deps, notifier: RecordingNotifier
) -> None:
    events: list[dict] = []

    async def spy(_deps: Deps, **payload: object) -> None:
        events.append(payload)

    deps.bus.listen("order_claimed", spy)
    st = await f.stations(deps)
    requester = await f.person(deps, 500, "王女士", phone=PHONE)
    vols = [await f.volunteer(deps, 10 + i, f"师傅{i}", honours="全国劳动模范") for i in range(3)]
    oid = await f.order(
        deps,
        requester,
        station_id=st["yh.a1"],
        address=ADDRESS,
        contact_name="王女士",
        contact_phone=PHONE,
    )
    await dispatch.start(deps, oid)
    notifier.clear()
    assert await dispatch.claim(deps, oid, vols[1].id)  # type: ignore[arg-type]
    assert not await dispatch.claim(deps, oid, vols[0].id)  # type: ignore[arg-type]
    order = await _order(deps, oid)
    assert order.status == OrderStatus.CLAIMED and order.volunteer_id == vols[1].id
    card = notifier.texts_to("11")[-1]
    assert PHONE in card and ADDRESS in card and "认领成功" in card
    told = notifier.texts_to("500")[-1]
    assert "工匠就在身边" in told and "师傅1" in told and "全国劳动模范" in told
    assert PHONE not in told
    edited = {ref.chat_id: reply.text for ref, reply in notifier.edits}
    assert "已被其他志愿者认领" in edited["10"] and "已被其他志愿者认领" in edited["12"]
    assert "您已认领" in edited["11"]
    offers = await _offers(deps, oid)
    assert offers[vols[1].id].status == OfferStatus.CLAIMED
    assert {offers[v.id].status for v in (vols[0], vols[2])} == {OfferStatus.TAKEN}
    async with deps.db.session() as s:
        tasks = (await s.exec(select(Task))).all()
    assert all(t.status == TaskStatus.CANCELLED for t in tasks if t.kind == dispatch.WAVE_TASK)
    assert events == [{"order_id": oid, "volunteer_id": vols[1].id}]
    assert deps.metrics.time_to_claim._sum.get() == 0  # the fixed clock did not move


async def test_assign_by_an_admin_uses_the_claim_and_is_audited(
    deps: Deps, notifier: RecordingNotifier
) -> None:
    admin = await _admin(deps)
    requester = await f.person(deps, 500)
    v = await f.volunteer(deps, 10, "指派对象", teams=("legal",))
    pending = await f.volunteer(deps, 11, "待审", status=VolunteerStatus.PENDING)
    oid = await f.order(deps, requester)
    assert not await dispatch.assign(deps, oid, pending.id, by=admin)  # type: ignore[arg-type]
    assert await dispatch.assign(deps, oid, v.id, by=admin)  # type: ignore[arg-type]
    assert not await dispatch.assign(deps, oid, v.id, by=admin)  # type: ignore[arg-type]
    assert "管理员为您指派" in notifier.texts_to("10")[-1]
    async with deps.db.session() as s:
        log = (await s.exec(select(AuditLog).where(col(AuditLog.action) == "order.assign"))).one()
    assert log.actor_id == admin.id and log.target_id == str(oid)


async def test_release_dispatches_again_to_others_and_informs_everyone(
    deps: Deps, notifier: RecordingNotifier
) -> None:
    admin = await _admin(deps)
    requester = await f.person(deps, 500)
    vols = [await f.volunteer(deps, 10 + i, f"师傅{i}") for i in range(3)]
    oid = await f.order(deps, requester)
    await dispatch.start(deps, oid)
    assert await dispatch.claim(deps, oid, vols[0].id)  # type: ignore[arg-type]
    async with deps.db.session() as s:
        s.add(Task(kind="remind", key=f"order:{oid}:remind:1", due_at=deps.now()))
    notifier.clear()
    holder = await _person_of(deps, vols[0].person_id)
    assert await dispatch.release(deps, oid, reason="临时出差", by=holder)
    assert not await dispatch.release(deps, oid, reason="again", by=holder)
    order = await _order(deps, oid)
    assert order.status == OrderStatus.OFFERED and order.volunteer_id is None
    assert sorted(_offered_to(notifier)) == ["11", "12"]  # not the one who gave it up
    assert "临时出差" in notifier.texts_to(admin.external_id)[0]
    assert "重新安排" in notifier.texts_to("500")[0]
    assert notifier.texts_to("10") == []  # they gave it up themselves: nothing to tell
    async with deps.db.session() as s:
        remind = (await s.exec(select(Task).where(col(Task.kind) == "remind"))).one()
    assert remind.status == TaskStatus.CANCELLED
    # A failed reconfirmation (by nobody) tells the volunteer too.
    assert await dispatch.claim(deps, oid, vols[1].id)  # type: ignore[arg-type]
    assert await dispatch.release(deps, oid, reason="未按时确认", by=None)
    assert "未按时确认" in notifier.texts_to("11")[-1]


async def test_release_by_a_stale_dialog_does_not_touch_someone_elses_job(deps: Deps) -> None:
    requester = await f.person(deps, 500)
    a, b = await f.volunteer(deps, 10, "甲"), await f.volunteer(deps, 11, "乙")
    oid = await f.order(deps, requester)
    assert await dispatch.claim(deps, oid, b.id)  # type: ignore[arg-type]
    assert not await dispatch.release(deps, oid, reason="x", by=None, volunteer_id=a.id)
    assert (await _order(deps, oid)).volunteer_id == b.id


async def test_cancel_withdraws_offers_and_tells_the_holder(
    deps: Deps, notifier: RecordingNotifier
) -> None:
    requester = await f.person(deps, 500)
    vols = [await f.volunteer(deps, 10 + i, f"师傅{i}") for i in range(3)]
    oid = await f.order(deps, requester)
    await dispatch.start(deps, oid)
    async with deps.db.session() as s:
        o = await s.get(Order, oid)
        o.status, o.cancel_reason = OrderStatus.CANCELLED, "已自行修好"  # type: ignore[union-attr]
        s.add(o)
    await dispatch.on_order_cancelled(deps, order_id=oid, reason="已自行修好")
    assert len(notifier.edits) == 3
    assert all("已撤回" in r.text and not r.buttons for _, r in notifier.edits)
    assert {o.status for o in (await _offers(deps, oid)).values()} == {OfferStatus.WITHDRAWN}
    # The same for a job someone already holds.
    oid2 = await f.order(deps, requester)
    assert await dispatch.claim(deps, oid2, vols[2].id)  # type: ignore[arg-type]
    async with deps.db.session() as s:
        o = await s.get(Order, oid2)
        o.status = OrderStatus.CANCELLED  # type: ignore[union-attr]
        s.add(o)
    await dispatch.on_order_cancelled(deps, order_id=oid2, reason="不需要了")
    assert "不需要了" in notifier.texts_to("12")[-1]


async def test_reroute_withdraws_and_offers_the_new_team(
    deps: Deps, notifier: RecordingNotifier
) -> None:
    requester = await f.person(deps, 500)
    await f.volunteer(deps, 10, "技术")
    await f.volunteer(deps, 11, "电工", teams=("electric",))
    oid = await f.order(deps, requester)
    await dispatch.start(deps, oid)
    assert _offered_to(notifier) == ["10"]
    electric = await f.team_id(deps, "electric")
    async with deps.db.session() as s:
        o = await s.get(Order, oid)
        o.team_id = electric  # type: ignore[union-attr]
        s.add(o)
    await dispatch.on_order_rerouted(deps, order_id=oid, team_id=electric)
    await dispatch.settle(deps)
    assert _offered_to(notifier) == ["10", "11"]
    assert "已撤回" in notifier.edits[0][1].text


async def test_order_created_event_dispatches_in_the_background(
    deps: Deps, notifier: RecordingNotifier
) -> None:
    from bot.lifecycle import emit

    requester = await f.person(deps, 500)
    await f.volunteer(deps, 10, "师傅")
    oid = await f.order(deps, requester)
    await emit(deps, "order_created", order_id=oid)
    await dispatch.settle(deps)
    assert _offered_to(notifier) == ["10"]


async def test_the_board_lists_open_orders_of_my_teams_nearest_first(deps: Deps) -> None:
    st = await f.stations(deps)
    requester = await f.person(deps, 500)
    me = await f.volunteer(deps, 10, "我", teams=("tech", "electric"), station_id=st["yh.a1"])
    far = await f.order(deps, requester, station_id=st["lq.a"])
    near = await f.order(deps, requester, station_id=st["yh.a1"])
    town = await f.order(deps, requester, team="electric", station_id=st["yh.a2"])
    await f.order(deps, requester, team="legal", station_id=st["yh.a1"])  # not my team
    claimed = await f.order(deps, requester, station_id=st["yh.a1"])
    assert await dispatch.claim(deps, claimed, (await f.volunteer(deps, 11, "他")).id)  # type: ignore[arg-type]
    async with deps.db.session() as s:
        board = await dispatch.open_orders_for(s, me)
    assert [(o.id, ring) for o, ring in board] == [(near, 0), (town, 1), (far, 3)]


async def test_offers_speak_each_volunteers_language_and_show_the_window(
    deps: Deps, notifier: RecordingNotifier
) -> None:
    from datetime import UTC, datetime

    requester = await f.person(deps, 500)
    await f.volunteer(deps, 10, "李师傅")
    await f.volunteer(deps, 11, "Li", language="en")
    start = datetime(2026, 11, 28, 0, 0, tzinfo=UTC)  # Saturday 08:00 in Shanghai
    oid = await f.order(
        deps,
        requester,
        time_pref="custom",
        time_text="周六上午",
        window_start=start,
        window_end=start + timedelta(hours=4),
    )
    await dispatch.start(deps, oid)
    zh, en = notifier.texts_to("10")[0], notifier.texts_to("11")[0]
    assert "期望时间：周六上午（11月28日(周六) 08:00–12:00）" in zh
    assert "New request" in en and "Sat 28 Nov 08:00–12:00" in en
    assert [b.label for row in notifier.to("11")[0].buttons for b in row] == ["Claim", "Not now"]
