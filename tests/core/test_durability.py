"""A crash between committing an order and reacting to it loses nothing."""

from __future__ import annotations

from datetime import timedelta

from sqlmodel import col, select

from bot import orders
from bot.clock import FixedClock
from bot.deps import Deps
from scheduler.runner import tick
from store.models import Offer, Order, OrderStatus, Person
from tests.utils import volunteers as f


async def _submitted(deps: Deps, requester: Person) -> int:
    order_id = await f.order(deps, requester)
    async with deps.db.session() as s:
        order = await s.get(Order, order_id)
        assert order is not None
        await orders.guard_dispatch(s, order, deps.now())
    return order_id


async def test_an_order_whose_listener_never_ran_is_dispatched_by_the_scheduler(
    deps: Deps, clock: FixedClock
) -> None:
    requester = await f.person(deps, 2001)
    await f.volunteer(deps, 3001, "李师傅")
    # The order is committed (with its safety net, as the ordering flow writes it), but
    # the process "dies" before order_created is emitted.
    order_id = await _submitted(deps, requester)
    clock.advance(timedelta(seconds=30))
    assert await tick(deps, worker_id="w1", now=deps.now()) == 0  # not due yet
    clock.advance(timedelta(minutes=1))
    assert await tick(deps, worker_id="w1", now=deps.now()) >= 1
    async with deps.db.session() as s:
        order = await s.get(Order, order_id)
        offers = (await s.exec(select(Offer).where(col(Offer.order_id) == order_id))).all()
    assert order is not None and order.status == OrderStatus.OFFERED
    assert len(offers) == 1


async def test_the_safety_net_does_not_dispatch_twice(deps: Deps, clock: FixedClock) -> None:
    from bot import dispatch

    requester = await f.person(deps, 2002)
    await f.volunteer(deps, 3002, "王师傅")
    order_id = await _submitted(deps, requester)
    await dispatch.start(deps, order_id)  # the normal path
    await dispatch.settle(deps)
    clock.advance(timedelta(minutes=2))
    await tick(deps, worker_id="w1", now=deps.now())
    await dispatch.settle(deps)
    async with deps.db.session() as s:
        offers = (await s.exec(select(Offer).where(col(Offer.order_id) == order_id))).all()
        order = await s.get(Order, order_id)
    assert len(offers) == 1 and order is not None and order.dispatch_wave == 1


async def test_a_claim_whose_messages_never_went_out_is_followed_up(
    deps: Deps, clock: FixedClock, notifier
) -> None:
    from bot import dispatch

    requester = await f.person(deps, 2003, phone="13812345678")
    await f.volunteer(deps, 3003, "郑师傅", honours="浙江工匠")
    order_id = await _submitted(deps, requester)
    await dispatch.start(deps, order_id)
    notifier.clear()
    async with deps.db.session() as s:
        volunteer_id = (await s.exec(select(Offer.volunteer_id))).one()
    assert await dispatch.claim(deps, order_id, volunteer_id, wait=False)
    for task in list(deps.background.sends):
        task.cancel()  # the process "dies" before the follow-up runs
    await dispatch.settle(deps)
    assert notifier.texts_to("3003") == [] and notifier.texts_to("2003") == []
    clock.advance(timedelta(minutes=2))
    await tick(deps, worker_id="w1", now=deps.now())
    assert any("13812345678" in t for t in notifier.texts_to("3003"))  # the job card
    assert any("郑师傅" in t for t in notifier.texts_to("2003"))  # who is coming
    clock.advance(timedelta(minutes=2))
    notifier.clear()
    await tick(deps, worker_id="w1", now=deps.now())
    assert notifier.sent == []  # followed up once
