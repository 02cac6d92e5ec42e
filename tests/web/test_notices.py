"""SMS to web requesters whose page is closed: once per status, capped, quiet at night,
and neither lost nor doubled by a crash (real SQLite and PostgreSQL, a fixed clock)."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta

import pytest
from sqlmodel import select

from bot import dispatch, jobs, orders, signin
from bot.clock import FixedClock
from bot.deps import Deps
from bot.flows import webnotice
from bot.lifecycle import emit
from bot.sms import SmsError
from store.models import (
    LinkToken,
    LoginCode,
    OrderStatus,
    Person,
    SmsMessage,
    SmsState,
    Task,
    VerifiedPhone,
)
from tests.utils import volunteers as make
from tests.utils import webrig
from tests.utils.signing import sign_in
from tests.utils.sms import RecordingSms
from tests.utils.webrig import WebRig

web = webrig.web

PHONE = "13800138000"


async def _web_requester(deps: Deps, phone: str = PHONE) -> Person:
    person = await make.person(deps, "ph:test", "王师傅", platform="web")
    async with deps.db.session() as s:
        s.add(VerifiedPhone(phone=phone, person_id=person.id))  # type: ignore[arg-type]
    return person


async def _rows(deps: Deps) -> list[SmsMessage]:
    async with deps.db.session() as s:
        return list((await s.exec(select(SmsMessage).order_by(SmsMessage.id))).all())


@pytest.fixture
def sms(deps: Deps) -> RecordingSms:
    deps.sms = RecordingSms()
    return deps.sms


async def test_a_claim_sends_one_sms_with_a_link(deps: Deps, sms: RecordingSms) -> None:
    requester = await _web_requester(deps)
    order_id = await make.order(deps, requester)
    v = await make.volunteer(deps, 7001, "李师傅")
    assert await dispatch.claim(deps, order_id, v.id)  # type: ignore[arg-type]
    (params,) = sms.to(PHONE, "order_status")
    assert params["code"] == "JX-000001" and params["status"] == "已被志愿者认领"
    assert params["link"].startswith("http://127.0.0.1:8080/chat/l/")
    # The same event again (a retried listener, another instance): no second SMS.
    await emit(deps, "order_claimed", order_id=order_id, volunteer_id=v.id)
    await webnotice.decide(deps, order_id=order_id, status="claimed")
    assert len(sms.sent) == 1
    (row,) = await _rows(deps)
    assert (
        row.state == SmsState.SENT and row.key == f"order:{order_id}:claimed:person:{requester.id}"
    )


async def test_telegram_requesters_and_unverified_web_people_get_no_sms(
    deps: Deps, sms: RecordingSms
) -> None:
    tg = await make.person(deps, 5001, phone=PHONE)
    anon = await make.person(deps, "someSessionId1234567890", platform="web")
    for who in (tg, anon):
        order_id = await make.order(deps, who)
        await webnotice.decide(deps, order_id=order_id, status="claimed")
    assert sms.sent == [] and await _rows(deps) == []


async def test_crash_between_status_change_and_sms_is_caught_by_the_sweep(
    deps: Deps, sms: RecordingSms, clock: FixedClock
) -> None:
    requester = await _web_requester(deps)
    order_id = await make.order(deps, requester)
    # The claim is committed, then the process dies before any listener runs.
    async with deps.db.session() as s:
        await orders.transition(
            s, order_id, OrderStatus.CLAIMED, deps.now(), expect=OrderStatus.OPEN
        )
    assert sms.sent == []
    await webnotice.sweep(deps)  # too early: the normal path may still be deciding
    assert sms.sent == []
    clock.advance(timedelta(minutes=1))
    await webnotice.sweep(deps)
    assert len(sms.to(PHONE)) == 1
    clock.advance(timedelta(minutes=1))
    await webnotice.sweep(deps)  # and again after a restart: still one
    assert len(sms.sent) == 1
    async with deps.db.session() as s:
        sweeps = (await s.exec(select(Task).where(Task.kind == webnotice.SWEEP))).all()
    assert sweeps  # the sweep books its next run


async def test_crash_after_deciding_but_before_sending_sends_on_the_sweep(
    deps: Deps, sms: RecordingSms
) -> None:
    requester = await _web_requester(deps)
    order_id = await make.order(deps, requester)
    sms.fail_with = SmsError("isp.SYSTEM_ERROR", permanent=False)  # the first try fails
    await webnotice.decide(deps, order_id=order_id, status="claimed")
    (row,) = await _rows(deps)
    assert row.state == SmsState.PENDING and row.not_before is not None
    sms.fail_with = None
    await webnotice.sweep(deps)
    assert sms.sent == []  # not before its retry time
    deps.clock.advance(timedelta(minutes=3))  # type: ignore[attr-defined]
    await webnotice.sweep(deps)
    await webnotice.sweep(deps)
    assert len(sms.sent) == 1
    (row,) = await _rows(deps)
    assert row.state == SmsState.SENT and row.attempts == 2


async def test_a_crash_while_the_provider_is_called_never_sends_twice(
    deps: Deps, sms: RecordingSms
) -> None:
    requester = await _web_requester(deps)
    order_id = await make.order(deps, requester)
    sms.fail_with = SmsError("isp.SYSTEM_ERROR", permanent=False)
    await webnotice.decide(deps, order_id=order_id, status="claimed")
    (row,) = await _rows(deps)
    async with deps.db.session() as s:  # the state a crash mid-call leaves behind
        stored = await s.get(SmsMessage, row.id)
        assert stored is not None
        stored.state = SmsState.SENDING
        s.add(stored)
    sms.fail_with = None
    deps.clock.advance(timedelta(hours=1))  # type: ignore[attr-defined]
    await webnotice.sweep(deps)
    assert sms.sent == []


async def test_permanent_provider_errors_are_recorded_not_retried(
    deps: Deps, sms: RecordingSms
) -> None:
    requester = await _web_requester(deps)
    order_id = await make.order(deps, requester)
    sms.fail_with = SmsError("isv.MOBILE_NUMBER_ILLEGAL")
    await webnotice.decide(deps, order_id=order_id, status="claimed")
    sms.fail_with = None
    deps.clock.advance(timedelta(hours=1))  # type: ignore[attr-defined]
    await webnotice.sweep(deps)
    (row,) = await _rows(deps)
    assert row.state == SmsState.FAILED and "MOBILE_NUMBER_ILLEGAL" in (row.error or "")
    assert sms.sent == []


@pytest.mark.settings(sms_daily_cap=1)
async def test_the_daily_cap_holds(deps: Deps, sms: RecordingSms) -> None:
    requester = await _web_requester(deps)
    first, second = await make.order(deps, requester), await make.order(deps, requester)
    await webnotice.decide(deps, order_id=first, status="claimed")
    await webnotice.decide(deps, order_id=second, status="claimed")
    assert len(sms.sent) == 1
    states = [(r.state, r.error) for r in await _rows(deps)]
    assert states == [(SmsState.SENT, None), (SmsState.SKIPPED, "daily cap")]


async def test_quiet_hours_hold_sms_until_morning_except_urgent(
    deps: Deps, sms: RecordingSms, clock: FixedClock
) -> None:
    clock.set(datetime(2026, 11, 23, 14, 30, tzinfo=UTC))  # 22:30 in Asia/Shanghai
    requester = await _web_requester(deps)
    calm = await make.order(deps, requester, time_pref="tomorrow")
    urgent = await make.order(deps, requester, time_pref="asap")
    await webnotice.decide(deps, order_id=calm, status="claimed")
    await webnotice.decide(deps, order_id=urgent, status="claimed")
    assert [p["code"] for p in sms.to(PHONE)] == ["JX-000002"]  # the urgent one, at once
    clock.set(datetime(2026, 11, 23, 23, 59, tzinfo=UTC))  # 07:59 local
    await webnotice.sweep(deps)
    assert len(sms.sent) == 1
    clock.set(datetime(2026, 11, 24, 0, 0, tzinfo=UTC))  # 08:00 local
    await webnotice.sweep(deps)
    assert [p["code"] for p in sms.to(PHONE)] == ["JX-000002", "JX-000001"]


async def test_an_open_page_gets_it_there_and_no_sms(web: WebRig) -> None:
    sms = RecordingSms()
    b = web.browser()
    await sign_in(web, b, PHONE)
    web.deps.sms = sms
    sock = await b.connect()
    async with web.deps.db.session() as s:
        owner = await s.get(VerifiedPhone, PHONE)
        assert owner is not None
        requester = await s.get(Person, owner.person_id)
    order_id = await make.order(web.deps, requester)  # type: ignore[arg-type]
    await webnotice.decide(web.deps, order_id=order_id, status="claimed")
    assert sms.sent == []
    (row,) = await _rows(web.deps)
    assert (row.state, row.error) == (SmsState.SKIPPED, "online")
    await sock.close()
    second = await make.order(web.deps, requester)  # type: ignore[arg-type]
    for _ in range(50):  # the server notices the closed socket
        if not await web.deps.presence.online(requester.id):  # type: ignore[arg-type]
            break
        await asyncio.sleep(0.02)
    await webnotice.decide(web.deps, order_id=second, status="claimed")
    assert len(sms.to(PHONE, "order_status")) == 1


async def test_a_web_volunteer_whose_page_is_closed_hears_of_an_offer_by_sms(
    deps: Deps, sms: RecordingSms, clock: FixedClock
) -> None:
    v = await make.volunteer(deps, "ph:volunteer", "李师傅", platform="web")
    async with deps.db.session() as s:
        s.add(VerifiedPhone(phone="13900139000", person_id=v.person_id))
    requester = await make.person(deps, 5001)
    order_id = await make.order(deps, requester)  # team "tech", like the volunteer
    await dispatch.start(deps, order_id)
    await dispatch.settle(deps)
    await webnotice.sweep(deps)
    (params,) = sms.to("13900139000", "offer")
    assert params["code"] == "JX-000001" and "/chat/l/" in params["link"]
    clock.advance(timedelta(minutes=1))
    await webnotice.sweep(deps)  # once only
    assert len(sms.sent) == 1


async def test_an_appointment_and_its_reminder_reach_a_closed_page_by_sms(
    deps: Deps, sms: RecordingSms, clock: FixedClock
) -> None:
    from scheduler.runner import tick

    requester = await _web_requester(deps)
    order_id = await make.order(deps, requester)
    v = await make.volunteer(deps, 7001, "李师傅")
    assert await dispatch.claim(deps, order_id, v.id)  # type: ignore[arg-type]
    at = clock.now() + timedelta(hours=3)
    assert await jobs.set_appointment(deps, order_id, v.id, at)  # type: ignore[arg-type]
    assert [p["status"] for p in sms.to(PHONE)] == ["已被志愿者认领", "已约定上门时间"]
    clock.set(at - timedelta(hours=1))  # the one-hour reminder falls due
    assert await tick(deps, worker_id="test") >= 1
    clock.advance(timedelta(minutes=1))
    await webnotice.sweep(deps)
    assert [p["status"] for p in sms.to(PHONE)][-1] == "即将上门服务"
    await webnotice.sweep(deps)
    assert len(sms.to(PHONE)) == 3


async def test_the_sweep_forgets_old_codes_and_links(deps: Deps, clock: FixedClock) -> None:
    requester = await _web_requester(deps)
    async with deps.db.session() as s:
        s.add(
            LoginCode(
                phone=PHONE, code_hash="x" * 64, created_at=clock.now(), expires_at=clock.now()
            )
        )
        token = await signin.make_link(
            s, person_id=requester.id, order_id=None, now=clock.now(), key=b"k" * 32
        )
    assert token
    clock.advance(timedelta(days=2, minutes=1))
    await webnotice.sweep(deps)
    async with deps.db.session() as s:
        assert (await s.exec(select(LoginCode))).first() is None
        assert (await s.exec(select(LinkToken))).first() is None
