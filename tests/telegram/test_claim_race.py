"""认领 races: many volunteers claim one order at the same moment; exactly one wins.

On SQLite (a file database, so every claimer has its own connection) and on
PostgreSQL (READ COMMITTED, one connection per claimer), both through the domain
function and through the engine as button presses, and through the real Telegram
stack with ten users tapping 认领 in one batch of updates.
"""

from __future__ import annotations

import asyncio

import pytest
from sqlmodel import col, select

from bot import dispatch
from bot.deps import Deps
from bot.engine import Engine
from bot.events import Actor, Inbound, Kind
from bot.reply import MessageRef
from store.models import (
    Offer,
    OfferStatus,
    Order,
    OrderStatus,
    Person,
    Volunteer,
    VolunteerStatus,
    VolunteerTeam,
)
from tests.utils import tgrig
from tests.utils import volunteers as f
from tests.utils.fakebot import fixtures
from tests.utils.notifier import RecordingNotifier
from tests.utils.tgrig import TgRig

fake_bot_api = fixtures.fake_bot_api
tg = tgrig.tg

CLAIMERS = 12


async def _offered_order(deps: Deps, n: int) -> tuple[int, list[int]]:
    requester = await f.person(deps, 500)
    vols = [await f.volunteer(deps, 10 + i, f"师傅{i}") for i in range(n)]
    oid = await f.order(deps, requester, address="秘密地址1号")
    await dispatch.start(deps, oid)
    return oid, [v.id for v in vols]  # type: ignore[misc]


async def _check_one_winner(deps: Deps, oid: int, winners: list[int]) -> None:
    assert len(winners) == 1, f"{len(winners)} winners"
    async with deps.db.session() as s:
        order = await s.get(Order, oid)
        offers = (await s.exec(select(Offer).where(col(Offer.order_id) == oid))).all()
    assert order is not None and order.status == OrderStatus.CLAIMED
    assert order.volunteer_id == winners[0]
    statuses = sorted(o.status for o in offers)
    assert statuses == sorted([OfferStatus.CLAIMED] + [OfferStatus.TAKEN] * (len(offers) - 1))


@pytest.mark.settings(offer_wave_size=CLAIMERS)
async def test_many_claims_at_once_have_exactly_one_winner(
    deps: Deps, notifier: RecordingNotifier
) -> None:
    oid, vids = await _offered_order(deps, CLAIMERS)
    notifier.clear()
    results = await asyncio.gather(*(dispatch.claim(deps, oid, vid) for vid in vids))
    winners = [vid for vid, won in zip(vids, results, strict=True) if won]
    await _check_one_winner(deps, oid, winners)
    # Every other offer message was edited (buttons gone), the winner's too.
    winner_chat = str(10 + vids.index(winners[0]))
    edited = {ref.chat_id: reply for ref, reply in notifier.edits}
    assert len(edited) == CLAIMERS
    for chat, reply in edited.items():
        assert not reply.buttons
        expected = "您已认领" if chat == winner_chat else "已被其他志愿者认领"
        assert expected in reply.text
    # Only the winner learnt the address.
    assert [s.external_id for s in notifier.sent if "秘密地址1号" in s.reply.text] == [winner_chat]


@pytest.mark.settings(offer_wave_size=CLAIMERS)
async def test_many_presses_of_claim_through_the_engine(
    deps: Deps, engine: Engine, notifier: RecordingNotifier
) -> None:
    oid, vids = await _offered_order(deps, CLAIMERS)
    async with deps.db.session() as s:
        offers = (await s.exec(select(Offer).where(col(Offer.order_id) == oid))).all()
    people = {o.volunteer_id: o for o in offers}
    actors = []
    for i, vid in enumerate(vids):
        offer = people[vid]
        actors.append(
            (
                Actor("telegram", str(10 + i), f"师傅{i}"),
                Inbound(
                    Kind.BUTTON,
                    data=f"job_claim:{oid}",
                    message=MessageRef("telegram", offer.chat_id, offer.message_id),  # type: ignore[arg-type]
                ),
            )
        )
    outcomes = await asyncio.gather(*(engine.handle(a, e) for a, e in actors))
    await dispatch.settle(deps)
    toasts = [o.toast for o in outcomes]
    assert toasts.count("认领成功！") == 1
    assert toasts.count("已被其他志愿者认领") == CLAIMERS - 1
    winner = vids[toasts.index("认领成功！")]
    await _check_one_winner(deps, oid, [winner])
    # A loser's press answers with the toast only: the winner's claim edits every other
    # offer once, so the pressed message is not edited a second time (issue 13, item 7).
    for o in outcomes:
        if o.toast != "认领成功！":
            assert not o.replies


async def test_a_claim_racing_a_cancel_and_a_decline(deps: Deps) -> None:
    """Cancel, claim and decline of one order at once: the store keeps it consistent."""
    from bot import orders

    oid, vids = await _offered_order(deps, 3)
    async with deps.db.session() as s:
        offer = (await s.exec(select(Offer).where(col(Offer.volunteer_id) == vids[2]))).one()

    async def cancel() -> bool:
        async with deps.db.session() as s:
            return await orders.transition(
                s, oid, OrderStatus.CANCELLED, deps.now(), expect=OrderStatus.OPEN
            )

    cancelled, claimed, _ = await asyncio.gather(
        cancel(), dispatch.claim(deps, oid, vids[0]), dispatch.decline(deps, offer.id)
    )  # type: ignore[arg-type]
    assert cancelled != claimed  # exactly one of them got the order
    async with deps.db.session() as s:
        order = await s.get(Order, oid)
    assert order is not None
    assert order.status == (OrderStatus.CANCELLED if cancelled else OrderStatus.CLAIMED)


@pytest.mark.settings(offer_wave_size=10)
async def test_ten_telegram_users_tap_claim_together(tg: TgRig) -> None:
    requester = tg.user(2000, "求助人")
    await requester.send("/start")
    await requester.next_message()
    users = [tg.user(3000 + i, f"师傅{i}") for i in range(10)]
    for u in users:
        await u.send("/start")
        await u.next_message()
    async with tg.deps.db.session() as s:
        persons = {p.external_id: p for p in (await s.exec(select(Person))).all()}
    await _make_volunteers(tg.deps, [persons[str(u.id)] for u in users])
    oid = await f.order(tg.deps, persons["2000"], address="秘密地址2号")
    await dispatch.start(tg.deps, oid)
    offers = [await u.next_message() for u in users]
    assert all(m.buttons == [["认领", "不方便"]] for m in offers)
    # All ten tap in the same batch of updates.
    await asyncio.gather(*(u.press("认领", message=m) for u, m in zip(users, offers, strict=True)))
    answers = [await u.last_callback_answer() for u in users]
    won = [u for u, a in zip(users, answers, strict=True) if a.text == "认领成功！"]
    assert len(won) == 1
    assert sum(a.text == "已被其他志愿者认领" for a in answers) == 9
    for u, m in zip(users, offers, strict=True):
        latest = await u.next_edit(m)
        assert latest.buttons == []
        assert ("您已认领" if u is won[0] else "已被其他志愿者认领") in latest.text
    card = await won[0].next_message()
    assert "秘密地址2号" in card.text
    told = await requester.next_message()
    assert "工匠就在身边" in told.text
    for u in users:
        if u is not won[0]:
            await u.expect_no_message(within=0.2)


async def _make_volunteers(deps: Deps, persons: list[Person]) -> None:
    tech = await f.team_id(deps, "tech")
    async with deps.db.session() as s:
        for p in persons:
            v = Volunteer(person_id=p.id, name=p.display_name, status=VolunteerStatus.ACTIVE)
            s.add(v)
            await s.flush()
            s.add(VolunteerTeam(volunteer_id=v.id, team_id=tech))  # type: ignore[arg-type]
