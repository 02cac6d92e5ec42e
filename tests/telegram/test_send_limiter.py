"""The outgoing send limiter: priorities, budgets and the retry policy.

The scheduling logic runs on a fake clock (``pump_once(now)``); the shared
budget runs against PostgreSQL and the fake Bot API with its flood limits on.
"""

from __future__ import annotations

import asyncio
import contextlib
import time
from datetime import timedelta

import pytest
from sqlalchemy import text
from telegram.error import BadRequest, NetworkError, RetryAfter

from handlers.telegram.limiter import (
    BULK,
    REPLY,
    LocalBudget,
    RetryPolicy,
    SendLimiter,
    SharedBudget,
    TelegramRateLimiter,
    bulk,
    bulk_reserve,
    make_limiter,
)
from store.engine import Database
from tests.utils.fakebot import FakeBotApi, run_ptb_app
from tests.utils.fakebot.fixtures import fake_bot_api  # noqa: F401


def limiter(rate: float = 10, capacity: float = 10, **kw: object) -> SendLimiter:
    return SendLimiter(LocalBudget(rate, capacity, now=0.0), record=True, **kw)  # type: ignore[arg-type]


async def run_clock(lim: SendLimiter, until: float, step: float = 0.01) -> None:
    now = 0.0
    while now <= until + 1e-9:
        await lim.pump_once(now)
        now = round(now + step, 6)


async def test_a_direct_reply_goes_before_waiting_bulk_sends() -> None:
    lim = limiter(rate=10, capacity=2)
    bulk = [lim.enqueue(f"v{i}", BULK) for i in range(20)]
    await lim.pump_once(0.0)  # the burst of 2 goes to bulk: nothing else waits
    assert sum(f.done() for f in bulk) == 2
    reply = lim.enqueue("person", REPLY)
    await lim.pump_once(0.05)  # budget empty: nobody goes
    assert not reply.done()
    await lim.pump_once(0.1)  # one token: the reply takes it, though bulk waited longer
    assert reply.done()
    assert sum(f.done() for f in bulk) == 2
    assert lim.granted[2] == ("person", REPLY)


async def test_bulk_is_not_held_back_while_under_the_limit() -> None:
    lim = limiter(rate=10, capacity=10)
    bulk = [lim.enqueue(f"v{i}", BULK) for i in range(8)]
    await lim.pump_once(0.0)
    assert all(f.done() for f in bulk)  # 8 < 10: all at once, no reserve in a local bucket


async def test_replies_are_not_held_back_while_under_the_limit() -> None:
    lim = limiter(rate=30, capacity=30)
    replies = [lim.enqueue(f"p{i}", REPLY) for i in range(25)]
    await lim.pump_once(0.0)
    assert all(f.done() for f in replies)


async def test_twenty_replies_at_once_go_at_once_while_bulk_keeps_a_small_burst() -> None:
    """The product's shape: a one-second bucket, bulk drawing from its top few tokens."""
    db = Database("sqlite+aiosqlite:///:memory:")
    lim = make_limiter(db, "1:x", 28.0, chat_rate=1.0, chat_burst=3)
    assert isinstance(lim.budget, LocalBudget) and lim.bulk_reserve == bulk_reserve(28) == 23
    lim.budget.bucket.updated = 0.0  # onto the fake clock
    lim.record = True
    bulk_sends = [lim.enqueue(f"v{i}", BULK) for i in range(100)]
    await lim.pump_once(0.0)
    assert sum(f.done() for f in bulk_sends) == 5  # a broadcast starts with a small burst
    await run_clock(lim, 2.0)  # ...then goes at a steady 28/s
    assert 5 + 28 * 2 - 2 <= sum(f.done() for f in bulk_sends) <= 5 + 28 * 2
    replies = [lim.enqueue(f"p{i}", REPLY) for i in range(20)]
    await lim.pump_once(2.001)
    assert all(f.done() for f in replies)  # twenty people wrote in one second: none waits
    sent = sum(f.done() for f in bulk_sends)
    await lim.pump_once(2.3)
    assert sum(f.done() for f in bulk_sends) == sent  # bulk waits while the headroom refills


async def test_a_reply_burst_during_a_broadcast_sees_no_flood_control(
    fake_bot_api: FakeBotApi,  # noqa: F811
) -> None:
    """Against the fake's flood limits (30/s overall): bulk paced, a reply burst on top."""
    volunteers = [fake_bot_api.user(8000 + i, f"志愿者{i}", started=True) for i in range(80)]
    people = [fake_bot_api.user(9000 + i, f"师傅{i}", started=True) for i in range(20)]
    fake_bot_api.server.flood_limit(per_chat_per_sec=1, global_per_sec=30)
    lim = SendLimiter(LocalBudget(28, 28, time.monotonic()), bulk_reserve=23)
    app = fake_bot_api.application_builder().rate_limiter(TelegramRateLimiter(lim)).build()
    async with run_ptb_app(app) as running:

        async def broadcast() -> None:
            with bulk():
                await asyncio.gather(
                    *(running.bot.send_message(v.id, "停水通知") for v in volunteers)
                )

        fanout = asyncio.create_task(broadcast())
        sent = fake_bot_api.server.calls_of
        await fake_bot_api.server.changes.wait_for(lambda: len(sent("sendMessage")) >= 40, 30)
        await asyncio.gather(*(running.bot.send_message(p.id, "收到") for p in people))
        before = len(fake_bot_api.server.calls_of("sendMessage"))
        await fanout
    assert fake_bot_api.server.count_429 == 0, fake_bot_api.server.errors[-3:]
    assert before < 40 + 20 + 28  # the replies went ahead of most of what bulk had waiting
    assert len(fake_bot_api.server.calls_of("sendMessage")) == 100


async def test_the_overall_budget_is_never_exceeded() -> None:
    lim = limiter(rate=28, capacity=28)
    futures = [lim.enqueue(f"v{i}", BULK if i % 3 else REPLY) for i in range(200)]
    granted_at: list[float] = []
    now = 0.0
    while now <= 10.0:
        before = len(lim.granted)
        await lim.pump_once(now)
        granted_at += [now] * (len(lim.granted) - before)
        now = round(now + 0.005, 6)
    for start in [i * 0.25 for i in range(40)]:  # any window of w seconds: ≤ burst + rate·w
        for w in (0.5, 1.0, 2.0):
            sent = sum(start <= t < start + w for t in granted_at)
            assert sent <= 28 + 28 * w + 1e-9
    # …and the budget was used: 28 at once, then 28/s → 200 by about 6.1 s
    assert all(f.done() for f in futures)
    assert granted_at[-1] <= 6.3
    replies = [i for i, (_, prio) in enumerate(lim.granted) if prio == REPLY]
    assert max(replies) < 80  # every reply went in the first rounds, ahead of bulk


async def test_one_chat_gets_a_burst_then_one_message_a_second() -> None:
    lim = limiter(rate=100, capacity=100, chat_rate=1.0, chat_burst=3)
    same = [lim.enqueue("42", BULK) for _ in range(6)]
    other = lim.enqueue("43", BULK)
    await lim.pump_once(0.0)
    assert [f.done() for f in same] == [True, True, True, False, False, False]
    assert other.done()  # one busy chat does not hold up the others
    await lim.pump_once(0.5)
    assert not same[3].done()
    await lim.pump_once(1.0)
    assert same[3].done() and not same[4].done()
    await run_clock(lim, 3.0)
    assert all(f.done() for f in same)
    assert [c for c, _ in lim.granted if c == "42"] == ["42"] * 6


async def test_a_429_holds_its_chat_until_retry_after_and_no_other() -> None:
    clock = [0.0]
    lim = SendLimiter(LocalBudget(30, 30, 0.0), clock=lambda: clock[0])
    lim.pause("1", 2.0)
    waiting = lim.enqueue("1", REPLY)
    other = lim.enqueue("2", BULK)
    assert await lim.pump_once(1.0) == pytest.approx(1.0)
    assert not waiting.done()
    assert other.done()
    await lim.pump_once(2.0)
    assert waiting.done()


def test_the_retry_policy_waits_retry_after_backs_off_and_gives_up() -> None:
    policy = RetryPolicy(max_attempts=5, max_total_wait=10.0, first_backoff=0.5)
    flood = RetryAfter(timedelta(seconds=3))
    assert policy.delay(flood, attempt=1, waited=0) == 3.0
    assert policy.delay(flood, attempt=2, waited=8.0) is None  # would pass the bounded total
    bad_gateway = NetworkError("Bad Gateway")
    assert [policy.delay(bad_gateway, attempt=a, waited=0) for a in (1, 2, 3, 4)] == [
        0.5,
        1.0,
        2.0,
        4.0,
    ]
    assert policy.delay(bad_gateway, attempt=5, waited=0) is None  # attempts bounded
    assert policy.delay(BadRequest("Chat not found"), attempt=1, waited=0) is None


async def test_one_retry_layer_answers_a_429_then_sends(
    fake_bot_api: FakeBotApi,  # noqa: F811
) -> None:
    user = fake_bot_api.user(5001, "王师傅", started=True)
    fake_bot_api.server.rate_limit(user.id, times=1, retry_after=1)
    lim = TelegramRateLimiter(SendLimiter(LocalBudget(30, 30, 0.0)))
    app = fake_bot_api.application_builder().rate_limiter(lim).build()
    async with run_ptb_app(app) as running:
        await running.bot.send_message(user.id, "你好")
    assert fake_bot_api.server.count_429 == 1
    assert len(fake_bot_api.server.calls_of("sendMessage")) == 2  # the 429 and one retry


@pytest.mark.parametrize("instances", [2, 3])
async def test_instances_on_one_postgresql_share_one_budget(
    fake_bot_api: FakeBotApi,  # noqa: F811
    pg_url: str,
    instances: int,
) -> None:
    """Each instance alone could send 20/s; together they stay within the one budget."""
    rate = 20.0
    users = [fake_bot_api.user(7000 + i, f"志愿者{i}", started=True) for i in range(90)]
    fake_bot_api.server.flood_limit(global_per_sec=rate)
    dbs = [Database(pg_url) for _ in range(instances)]
    async with dbs[0].session() as session:
        await session.exec(text("DELETE FROM sendbudget"))  # type: ignore[call-overload]
    apps = [
        # One bucket key per bot token: every instance takes from the same row.
        fake_bot_api.application_builder()
        .rate_limiter(
            TelegramRateLimiter(
                SendLimiter(SharedBudget(db, "telegram:test-shared", rate, rate), chat_burst=3)
            )
        )
        .build()
        for db in dbs
    ]
    try:
        async with contextlib.AsyncExitStack() as stack:
            bots = [await stack.enter_async_context(app.bot) for app in apps]

            async def send(k: int) -> None:
                await bots[k % instances].send_message(users[k].id, "停水通知")

            await asyncio.gather(*(send(k) for k in range(len(users))))
    finally:
        for db in dbs:
            await db.dispose()
    calls = fake_bot_api.server.calls_of("sendMessage")
    assert fake_bot_api.server.count_429 == 0
    assert len(calls) == len(users)
    stamps = sorted(call.timestamp for call in calls)
    # Counted by the fake Bot API: in any one second at most one burst plus a second's rate,
    # give or take the arrival jitter the fake itself tolerates (0.25 s), never the
    # per-instance sum (3 instances alone: 3 bursts + 3 × 20 = 120).
    for first in stamps:
        in_window = sum(first <= s < first + 1.0 for s in stamps)
        assert in_window <= rate + rate * (1.0 + 0.25)
