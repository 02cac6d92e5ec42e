"""Routing choices on the Telegram ring: an ambiguous request gets the likely teams as
buttons (plus 都不是，请人工分配), and the person's pick creates the order and is recorded."""

# ruff: noqa: F811 -- pytest fixtures are imported by name and then used as parameters.

from __future__ import annotations

from sqlmodel import select

from bot import routing_feedback
from bot.routing.router import LEARNED
from store.models import Order, RoutingFeedback, RoutingLabel, Team
from tests.utils.fakebot.fixtures import fake_bot_api  # noqa: F401  (fixture)
from tests.utils.tgorder import details, submit
from tests.utils.tgrig import TgRig, tg  # noqa: F401  (fixture)

AMBIGUOUS = "电焊的时候眼睛疼"  # welding (tech), sore eyes (health), eyesight (convenience)
TRIAGE = "都不是，请人工分配"


async def test_ambiguous_request_offers_choices_and_the_pick_creates_the_order(tg: TgRig) -> None:
    result = tg.deps.router.route(AMBIGUOUS)
    assert len(result.choices) >= 2, result
    async with tg.db.session() as s:
        names = {t.slug: t.name for t in (await s.exec(select(Team))).all()}
    offered = [names[slug] for slug in result.choices]

    u = tg.user(2101, "赵师傅", phone_number="8613812345678")
    await u.send(AMBIGUOUS)
    ask = await u.next_message()
    assert "请问由哪个服务队处理更合适" in ask.text and "对吗" not in ask.text
    assert ask.buttons == [*([name] for name in offered), [TRIAGE], ["取消"]]
    assert len(ask.buttons) < len(names)  # not the whole list of teams

    picked = offered[1]  # not the top guess: the person knows better
    await u.press(picked, message=ask)
    assert picked in (await u.next_edit(ask)).text
    await u.next_message()  # the place prompt
    summary = await details(u)
    assert picked in summary.text
    assert "JX-" in (await submit(tg, u, summary)).text

    async with tg.db.session() as s:
        [order] = (await s.exec(select(Order))).all()
        team = await s.get(Team, order.team_id)
        [label] = (await s.exec(select(RoutingFeedback))).all()
    assert team is not None and team.name == picked
    assert label.source == RoutingLabel.PICK and label.team_slug == result.choices[1]
    assert label.text == AMBIGUOUS and label.offered == list(result.choices)


async def test_clear_request_keeps_the_single_confirmation(tg: TgRig) -> None:
    u = tg.user(2102, "钱师傅")
    await u.send("老板拖欠工资三个月了")
    ask = await u.next_message()
    assert "您的需求将由【法律维权服务队】处理，对吗？" in ask.text
    assert ask.buttons[0] == ["✅ 对，交给法律维权服务队"]


async def test_two_agreeing_picks_teach_routing_and_survive_a_restart(tg: TgRig) -> None:
    result = tg.deps.router.route(AMBIGUOUS)
    second = result.choices[1]
    async with tg.db.session() as s:
        name = (await s.exec(select(Team).where(Team.slug == second))).one().name
    for uid in (2201, 2202):
        u = tg.user(uid, f"用户{uid}")
        await u.send(AMBIGUOUS)
        ask = await u.next_message()
        await u.press(name, message=ask)
        await u.next_edit(ask)
        await routing_feedback.settled(tg.deps)
        learned = tg.deps.router.route(AMBIGUOUS)
        if uid == 2201:  # one person's pick is recorded but teaches nothing yet
            assert learned.matched != (LEARNED,) and learned.choices
    assert (learned.team, learned.matched, learned.choices) == (second, (LEARNED,), ())

    await tg.restart()
    await routing_feedback.settled(tg.deps)  # re-checked against the check corpus on start
    assert tg.deps.router.route(AMBIGUOUS).team == second
