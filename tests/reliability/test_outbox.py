"""Idempotent sends (issue 13): a kill -9 at the worst moment repeats no message already sent.

Each test runs the real bot in a subprocess (``tests/utils/subbot.py``) against the fake
Bot API with latency, kills it with SIGKILL mid-send, starts it again on the same
database and counts, on the fake, what each person received. Outcomes are asserted on
messages and rows; the times measured are printed for the closing note, never asserted.
"""

from __future__ import annotations

import asyncio
import time
from datetime import timedelta
from pathlib import Path

from sqlmodel import col, select

from bot.deps import Deps
from store import tasks
from store.engine import Database
from store.models import (
    Broadcast,
    Offer,
    Order,
    OrderStatus,
    OutboxMessage,
    OutboxState,
    Task,
    TaskStatus,
)
from tests.utils import volunteers as f
from tests.utils.fakebot.driver import FakeBotApi
from tests.utils.fakebot.state import StoredMessage
from tests.utils.subbot import SubBot, until

TEAM_SIZE = 8
V0 = 2001  # volunteers' Telegram ids: V0 … V0 + n - 1
REQUESTER = 2100


def _buttons(message: StoredMessage, version: int = 0) -> list[str]:
    markup = message.versions[version].inline_markup or {}
    return [b.get("callback_data", "") for row in markup.get("inline_keyboard", []) for b in row]


def offers_to(api: FakeBotApi, chat_id: int) -> list[StoredMessage]:
    """The offer messages (sent with a 认领 button) in one chat."""
    return [
        m
        for m in api.server.chat(chat_id).bot_messages()
        if any(d.startswith("job_claim:") for d in _buttons(m))
    ]


def texts_to(api: FakeBotApi, chat_id: int, needle: str) -> list[str]:
    return [
        m.versions[0].text or ""
        for m in api.server.chat(chat_id).bot_messages()
        if needle in (m.versions[0].text or "")
    ]


def closed(message: StoredMessage) -> bool:
    """Edited to a closed state: its buttons are gone."""
    return len(message.versions) > 1 and not _buttons(message, -1)


async def _outbox(db: Database, kind: str) -> list[OutboxMessage]:
    async with db.session() as s:
        stmt = select(OutboxMessage).where(col(OutboxMessage.kind) == kind)
        return list((await s.exec(stmt)).all())


async def _team(deps: Deps, api: FakeBotApi, n: int) -> list[int]:
    ids = []
    for i in range(n):
        v = await f.volunteer(deps, V0 + i, f"师傅{i}")
        api.user(V0 + i, f"师傅{i}", started=True)
        ids.append(v.id)
    return ids  # type: ignore[return-value]


async def _order_due_now(deps: Deps, api: FakeBotApi) -> int:
    """An order whose dispatch the bot's first tick starts (its safety net, due now)."""
    requester = await f.person(deps, REQUESTER, "求助人")
    api.user(REQUESTER, "求助人", started=True)
    oid = await f.order(deps, requester)
    async with deps.db.session() as s:
        await tasks.enqueue(
            s, "dispatch_start", deps.now() - timedelta(seconds=1), {"order_id": oid},
            key=f"order:{oid}:dispatch",
        )  # fmt: skip
    return oid


def _bot(api: FakeBotApi, db: Database, tmp_path: Path, **settings: str) -> SubBot:
    return SubBot(api, db.url, tmp_path, **settings)


# ---------------------------------------------------------------- an offer wave


async def test_a_wave_killed_mid_send_gives_nobody_a_second_copy(
    deps: Deps, db: Database, fake_bot_api: FakeBotApi, tmp_path: Path
) -> None:
    api = fake_bot_api
    await _team(deps, api, TEAM_SIZE)
    oid = await _order_due_now(deps, api)

    # Telegram answers the offers one after another, 0.4 s apart.
    def latency(method: str, params: dict) -> float:
        chat = int(params.get("chat_id", 0))
        if method == "sendMessage" and V0 <= chat < V0 + TEAM_SIZE:
            return 0.4 * (chat - V0 + 1)
        return 0.0

    api.server.latency = latency
    bot = _bot(api, db, tmp_path, offer_wave_size=str(TEAM_SIZE))
    await bot.start(ready=False)

    async def half_sent() -> bool:
        return sum(r.state == OutboxState.SENT for r in await _outbox(db, "offer")) >= 4

    await until(half_sent, 60, "half of the wave sent")
    bot.kill()
    await bot.reap()
    at_kill = await _outbox(db, "offer")
    in_flight = sum(r.state == OutboxState.SENDING for r in at_kill)
    recorded = sum(r.state == OutboxState.SENT for r in at_kill)
    # Telegram still handles the calls that were on their way: their outcome is unknown.
    await until(
        lambda: _ready(all(offers_to(api, V0 + i) for i in range(TEAM_SIZE))),
        30,
        "the calls in flight to reach Telegram",
    )
    api.server.latency = None

    await bot.start()

    async def settled() -> bool:
        async with db.session() as s:
            rows = (await s.exec(select(Offer).where(col(Offer.order_id) == oid))).all()
        return all(o.message_id is not None for o in rows)

    await until(settled, 30, "the restarted bot to settle the wave")
    await asyncio.sleep(1.5)  # a tick or two: nothing more may go out
    copies = {V0 + i: len(offers_to(api, V0 + i)) for i in range(TEAM_SIZE)}
    assert set(copies.values()) == {1}, copies  # nobody has two copies, nobody none

    # A claim edits every copy whose message the bot knew: all but the calls in flight.
    winner = api.user(V0, "师傅0")
    await winner.press("认领", message=winner.messages()[0])
    await until(lambda: _order_claimed(db, oid), 30, "the claim")

    async def edited() -> bool:
        known = [o for o in await _offers(db, oid) if o.message_id]
        return all(closed(_message(api, o)) for o in known)

    await until(edited, 30, "the claim to edit the offers")
    known = [o for o in await _offers(db, oid) if o.message_id]
    assert len(known) == TEAM_SIZE - in_flight and len(known) >= recorded
    # The copies in flight at the kill: their ids were lost with the process. Each is
    # closed the first time it is touched.
    for o in await _offers(db, oid):
        if not o.message_id:
            index = await _volunteer_index(db, o.volunteer_id)
            user = api.user(V0 + index, f"师傅{index}")
            message = offers_to(api, user.id)[0]
            await user.press("认领", message=user.messages()[0])
            await until(lambda m=message: _ready(closed(m)), 30, "a touched copy to close")
    assert all(closed(m) for i in range(TEAM_SIZE) for m in offers_to(api, V0 + i))
    edits = api.server.calls_of("editMessageText")
    print(
        f"\noffer wave of {TEAM_SIZE}, kill -9 with {recorded} sent and {in_flight} in flight: "
        f"copies per volunteer {sorted(copies.values())}, {len(edits)} edits"
    )
    await bot.stop()


async def _ready(value: bool) -> bool:
    return value


async def _offers(db: Database, oid: int) -> list[Offer]:
    async with db.session() as s:
        return list((await s.exec(select(Offer).where(col(Offer.order_id) == oid))).all())


async def _order_claimed(db: Database, oid: int) -> bool:
    async with db.session() as s:
        order = await s.get(Order, oid)
    return order is not None and order.status == OrderStatus.CLAIMED


async def _volunteer_index(db: Database, volunteer_id: int) -> int:
    from store.models import Person, Volunteer

    async with db.session() as s:
        v = await s.get(Volunteer, volunteer_id)
        p = await s.get(Person, v.person_id)  # type: ignore[union-attr]
    return int(p.external_id) - V0  # type: ignore[union-attr]


def _message(api: FakeBotApi, offer: Offer) -> StoredMessage:
    return api.server.chat(int(offer.chat_id)).messages[int(offer.message_id)]  # type: ignore[arg-type]


# ---------------------------------------------------------------- the claim's follow-up


async def test_a_follow_up_killed_after_its_sends_sends_one_card_and_one_notice(
    deps: Deps, db: Database, fake_bot_api: FakeBotApi, tmp_path: Path
) -> None:
    api = fake_bot_api
    await _team(deps, api, 2)
    oid = await _order_due_now(deps, api)
    bot = _bot(api, db, tmp_path, offer_wave_size="2")
    await bot.start()
    volunteer = api.user(V0, "师傅0")
    offer = await volunteer.next_message(timeout=30)

    async def recorded() -> bool:  # so the claim has offer messages to edit
        return all(o.message_id for o in await _offers(db, oid))

    await until(recorded, 30, "the offers recorded")

    # The follow-up's edits hang, so the kill lands after the card and the notice went out
    # and before the follow-up finished (its safety-net task is still pending).
    def latency(method: str, params: dict) -> float:
        return 30.0 if method == "editMessageText" else 0.0

    api.server.latency = latency
    await volunteer.press("认领", message=offer)

    async def card_and_notice_sent() -> bool:
        rows = await _outbox(db, "card") + await _outbox(db, "notice")
        return len(rows) == 2 and all(r.state == OutboxState.SENT for r in rows)

    await until(card_and_notice_sent, 30, "the job card and the requester notice")
    bot.kill()
    await bot.reap()
    api.server.latency = None
    async with db.session() as s:
        [net] = (await s.exec(select(Task).where(col(Task.kind) == "claim_followup"))).all()
        assert net.status == TaskStatus.PENDING  # the follow-up never finished
        net.due_at = deps.now()  # its minute has passed (rather than wait for it)
        s.add(net)

    await bot.start()

    async def net_ran() -> bool:
        async with db.session() as s:
            task = await s.get(Task, net.id)
        return task is not None and task.status in (TaskStatus.DONE, TaskStatus.CANCELLED)

    await until(net_ran, 30, "the follow-up safety net to run")
    await asyncio.sleep(1.0)
    cards = texts_to(api, V0, "认领成功")
    notices = texts_to(api, REQUESTER, "师傅0")
    assert len(cards) == 1, cards
    assert len(notices) == 1, notices
    print(f"\nclaim follow-up killed after its sends: {len(cards)} card, {len(notices)} notice")
    await bot.stop()


# ---------------------------------------------------------------- a broadcast


async def test_a_broadcast_killed_mid_fan_out_resumes_at_once_repeating_only_calls_in_flight(
    deps: Deps, db: Database, fake_bot_api: FakeBotApi, tmp_path: Path
) -> None:
    api = fake_bot_api
    n = 40
    for i in range(n):
        await f.volunteer(deps, V0 + i, f"队员{i}", teams=("emergency",))
        api.user(V0 + i, f"队员{i}", started=True)
    boss = api.user(1, "会长", started=True)

    def latency(method: str, params: dict) -> float:  # a Telegram answering in 100 ms
        return 0.1 if method == "sendMessage" else 0.0

    api.server.latency = latency
    bot = _bot(api, db, tmp_path)
    await bot.start()
    await boss.send("/broadcast all 台风过境，明早8点集合")
    preview = await boss.next_message(timeout=30)
    await boss.press("确认发送", message=preview)

    def delivered() -> list[int]:
        return [c for i in range(n) for c in [V0 + i] if texts_to(api, c, "台风过境")]

    await until(lambda: _ready(len(delivered()) >= 8), 30, "8 volunteers reached")
    bot.kill()
    killed_at = time.monotonic()
    await bot.reap()
    rows = await _outbox(db, "broadcast")
    in_flight = sum(r.state == OutboxState.SENDING for r in rows)
    before = len(delivered())
    await asyncio.sleep(0.5)  # Telegram handles what was on its way

    sends_before = len(api.server.calls_of("sendMessage"))
    await bot.start()  # returns once its scheduler started (the process boots in seconds)
    ready_at = time.monotonic()

    async def resumed() -> bool:
        return len(api.server.calls_of("sendMessage")) > sends_before

    await until(resumed, 60, "the broadcast to resume")
    resumed_at = api.server.calls_of("sendMessage")[sends_before].timestamp

    async def finished() -> bool:
        async with db.session() as s:
            b = (await s.exec(select(Broadcast))).one()
        return b.finished_at is not None

    await until(finished, 60, "the broadcast to finish")
    await asyncio.sleep(0.5)
    copies = {V0 + i: len(texts_to(api, V0 + i, "台风过境")) for i in range(n)}
    twice = sum(1 for c in copies.values() if c > 1)
    assert min(copies.values()) == 1  # nobody missed
    assert max(copies.values()) <= 2
    assert twice <= in_flight <= 3  # duplicates only among the calls in flight at the kill
    # Resumed by the restart taking over the dead run's lease, not by the lease running out.
    assert "took over 1 task(s)" in bot.log()
    async with db.session() as s:
        b = (await s.exec(select(Broadcast))).one()
    assert (b.total, b.sent, b.failed) == (n, n, 0)
    print(
        f"\nbroadcast to {n}, kill -9 after {before} delivered with {in_flight} in flight: "
        f"{twice} got it twice, 0 missed; resumed {max(resumed_at - ready_at, 0):.2f}s after the "
        f"restarted scheduler started ({resumed_at - killed_at:.1f}s after the kill, "
        f"{ready_at - bot.started_at:.1f}s of it booting the process)"
    )
    await bot.stop()
