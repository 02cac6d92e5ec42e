"""Campaigns and 名师带徒 through the real python-telegram-bot stack and the fake Bot API.

From the admin's side: /campaign new as a chat, the card's 下一阶段, /campaign needs and
publish. From the requester's side: the campaign link, the order collected without
dispatch, then told when matching starts; a volunteer claims it as usual. And an
apprentice accepting a /mentor new invitation through its deep link.
"""

from __future__ import annotations

from bot import dispatch
from tests.utils import tgrig
from tests.utils import volunteers as f
from tests.utils.fakebot import fixtures
from tests.utils.tgorder import details, submit
from tests.utils.tgrig import TgRig

fake_bot_api = fixtures.fake_bot_api
tg = tgrig.tg

DATES = "2026-11-23 2026-12-01 2026-12-10 2026-12-20 2026-12-25"


async def test_a_campaign_from_the_admins_and_the_requesters_side(tg: TgRig) -> None:
    admin = tg.user(1, "管理员", started=True)
    master = tg.user(3001, "张工", started=True)
    await f.volunteer(tg.deps, 3001, "张工", teams=("tech",))

    # The admin opens the campaign in four answers and a button.
    await admin.send("/campaign new")
    assert "活动名称" in (await admin.next_message()).text
    for answer in ("北仑区劳模工匠志愿服务月", DATES, "tech", "全部"):
        await admin.send(answer)
        summary = await admin.next_message()
    assert summary.buttons == [["创建", "放弃"]]
    await admin.press("创建", message=summary)
    assert "已创建" in (await admin.next_edit(summary)).text
    card = await admin.next_message()
    assert "当前阶段：需求征集" in card.text
    assert card.buttons == [["下一阶段（对接认领）"]]
    link = card.text.split("/start ")[1].split()[0]

    # The requester comes in through the link; the order is collected, not dispatched.
    u = tg.user(2001, "王师傅", phone_number="8613812345678")
    await u.send(f"/start {link}")
    assert "欢迎参加「北仑区劳模工匠志愿服务月」" in (await u.next_message()).text
    await u.next_message()  # what do you need?
    await u.send("注塑件毛边太多怎么办")
    confirm = await u.next_message()
    await u.press("✅ 对，交给技术攻关服务队", message=confirm)
    await u.next_edit(confirm)
    await u.next_message()  # where?
    summary = await details(u)
    assert "📌 纳入：北仑区劳模工匠志愿服务月" in summary.text
    assert ["不纳入服务月，直接派单"] in summary.buttons
    done = await submit(tg, u, summary)
    assert "已纳入服务月需求征集" in done.text
    await dispatch.settle(tg.deps)
    assert master.drain() == []  # no offer while needs are collected

    # 下一阶段 early; the needs by team; publish: the volunteer is offered it, the requester told.
    await admin.press("下一阶段（对接认领）", message=card)
    moved = await admin.next_edit(card)
    assert "对接认领" in moved.text and moved.buttons == [["下一阶段（服务）"]]
    assert "进入「对接认领」阶段" in (await admin.next_message()).text
    await admin.send("/campaign needs")
    needs = await admin.next_message()
    assert "技术攻关服务队" in needs.text and "JX-000001" in needs.text and "待发布" in needs.text
    assert needs.buttons == [["全部发布认领"]]
    await admin.press("全部发布认领", message=needs)
    assert "已发布 1 条需求：JX-000001" in (await admin.next_message()).text
    offer = await master.next_message()
    assert "注塑件毛边太多怎么办" in offer.text and "13812345678" not in offer.text
    assert "已开始对接" in (await u.next_message()).text
    await master.press("认领", message=offer)
    assert (await master.last_callback_answer()).text == "认领成功！"
    assert "已由志愿者 张工 认领" in (await u.next_message()).text

    # Anyone may look at the published cases (none yet).
    await u.send("/cases")
    assert "还没有发布的优秀案例" in (await u.next_message()).text


async def test_an_apprentice_accepts_a_mentorship_invitation(tg: TgRig) -> None:
    admin = tg.user(1, "管理员", started=True)
    master = tg.user(3001, "张工", started=True)
    await f.volunteer(tg.deps, 3001, "张工", teams=("tech",), honours="宁波市劳动模范")
    await admin.send("/mentor new")
    await admin.next_message()
    for answer in ("张工", "小李", "焊接", "考取中级焊工证", "2026-11-23 2027-05-31"):
        await admin.send(answer)
        summary = await admin.next_message()
    await admin.press("创建", message=summary)
    created = await admin.next_edit(summary)
    payload = created.text.split("/start ")[1].split()[0]
    assert "与 小李 结为师徒" in (await master.next_message()).text

    apprentice = tg.user(2002, "小李")
    await apprentice.send(f"/start {payload}")
    invitation = await apprentice.next_message()
    assert "宁波市劳动模范" in invitation.text and invitation.buttons == [["确认拜师"]]
    await apprentice.press("确认拜师", message=invitation)
    assert "拜师成功" in (await apprentice.next_edit(invitation)).text
    assert "小李 已确认拜师" in (await master.next_message()).text
