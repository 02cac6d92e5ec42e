"""Issue 17, the worker's side, as a person sees it on Telegram (fake Bot API, both databases).

1: what submitting really leads to, and news when that changes; 5: one dialog message edited
in place, old buttons taken away; 6: voice and captioned photos; 8: a reconfirmation for
appointments booked at short notice; 9: English needs routed, and a new need kept apart.
"""

from __future__ import annotations

from bot import dispatch
from tests.utils import volunteers as f
from tests.utils.fakebot.driver import BotMessage, FakeUser
from tests.utils.tgorder import details, submit
from tests.utils.tgrig import TgRig

YES_TECH = "✅ 对，交给技术攻关服务队"


async def _order_for_tech(tg: TgRig, u: FakeUser) -> BotMessage:
    """A need for the tech team, from the first words to the worker's confirmation."""
    await u.send("注塑件毛边太多怎么办")
    confirm = await u.next_message()
    await u.press(YES_TECH, message=confirm)
    await u.next_edit(confirm)
    await u.next_message()  # the place prompt
    summary = await details(u)
    return await submit(tg, u, summary)


# ---------------------------------------------------------------- 1: say what will happen


async def test_submit_says_it_goes_to_staff_when_the_team_has_nobody_and_news_follows(
    tg: TgRig,
) -> None:
    admin = tg.user(1, "管理员", started=True)
    u = tg.user(2001, "王师傅", phone_number="8613812345678")
    confirmation = await _order_for_tech(tg, u)
    assert "已转人工安排" in confirmation.text and "推送给" not in confirmation.text
    admin.drain()
    # Staff move it to a team that has a volunteer: the worker hears where it went.
    await f.volunteer(tg.deps, 3001, "李师傅", teams=("electric",))
    vol = tg.user(3001, "李师傅", started=True)
    await admin.send("/reroute JX-000001 electric")
    await admin.next_message()
    await dispatch.settle(tg.deps)
    moved = await u.next_message()
    assert "JX-000001" in moved.text and "电气维修服务队" in moved.text and "正在推送" in moved.text
    offer = await vol.next_message()
    await vol.press("认领", message=offer)
    await dispatch.settle(tg.deps)
    claimed = await u.next_message()
    assert "李师傅" in claimed.text and "认领" in claimed.text


async def test_submit_promises_volunteers_only_when_there_are_some_and_an_assignment_is_told(
    tg: TgRig,
) -> None:
    admin = tg.user(1, "管理员", started=True)
    await f.volunteer(tg.deps, 3001, "李师傅", max_open_jobs=0)  # full: cannot be offered it
    u = tg.user(2001, "王师傅", phone_number="8613812345678")
    confirmation = await _order_for_tech(tg, u)
    assert "已转人工安排" in confirmation.text
    admin.drain()
    await f.volunteer(tg.deps, 3002, "赵师傅")
    tg.user(3002, "赵师傅", started=True)
    await admin.send("/assign JX-000001 赵师傅")
    await admin.next_message()
    await dispatch.settle(tg.deps)
    told = await u.next_message()
    assert "已为您安排志愿者" in told.text and "赵师傅" in told.text
    # With a volunteer who can take it, the promise is the volunteers'.
    second = await _order_for_tech(tg, u)
    assert "推送给【技术攻关服务队】" in second.text and "人工" not in second.text
