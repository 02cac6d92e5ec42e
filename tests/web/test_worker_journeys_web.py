"""Issue 17.5 in the web chat: a step's buttons go quiet once the person moves on, and a
volunteer's job card follows the job."""

from __future__ import annotations

from sqlmodel import select

from bot import dispatch, orders
from bot.lifecycle import emit
from bot.reply import Button, Reply
from store.models import OrderStatus, Person, Volunteer, VolunteerStatus, VolunteerTeam
from tests.utils import volunteers as f
from tests.utils import webrig
from tests.utils.webrig import WebRig

web = webrig.web  # the web ring's fixture, used by name


async def test_typing_instead_of_pressing_takes_the_old_buttons_away(web: WebRig) -> None:
    sock = await web.browser().connect()
    confirm = await sock.say("注塑件毛边太多怎么办")
    assert any(b["label"].startswith("✅ 对") for row in confirm["buttons"] for b in row)
    await sock.send({"type": "text", "text": "对"})
    quiet = await sock.edited()
    assert quiet["id"] == confirm["id"] and quiet["buttons"] == []
    assert "技术攻关服务队" in quiet["text"]  # the text stays readable
    place = await sock.bot_message()
    assert "技术攻关服务队" in place["text"] and "服务地点" in place["text"]  # one message
    await sock.send({"type": "text", "text": "北仑区大碶街道1号"})
    await sock.bot_message()
    times = await sock.bot_message()
    assert any(b["label"] == "尽快" for row in times["buttons"] for b in row)
    await sock.send({"type": "text", "text": "明天上午"})
    quiet = await sock.edited()
    assert quiet["id"] == times["id"] and quiet["buttons"] == []


async def test_a_web_volunteers_job_card_follows_the_job_to_its_cancellation(
    web: WebRig,
) -> None:
    sock = await web.browser().connect()
    await sock.say("/start")
    tech = await f.team_id(web.deps, "tech")
    async with web.deps.db.session() as s:
        person = (await s.exec(select(Person).where(Person.platform == "web"))).one()
        person.roles = ["volunteer"]
        s.add(person)
        volunteer = Volunteer(
            person_id=person.id,  # type: ignore[arg-type]
            name="李师傅",
            phone="13900000000",
            status=VolunteerStatus.ACTIVE,
        )
        s.add(volunteer)
        await s.flush()
        s.add(VolunteerTeam(volunteer_id=volunteer.id, team_id=tech))  # type: ignore[arg-type]
    requester = await f.person(web.deps, 5001, "王女士", phone="13812345678")
    oid = await f.order(web.deps, requester, address="解放路88号")
    await dispatch.start(web.deps, oid)
    offer = await sock.bot_message_with("认领")
    await sock.press("认领", offer)
    card = await sock.bot_message_with("开始服务")
    await sock.press("开始服务", card)
    started = await sock.edited()
    assert started["id"] == card["id"] and started["buttons"][0][0]["label"] == "完成服务"
    # Staff cancel it: the same card says so and offers nothing any more.
    async with web.deps.db.session() as s:
        assert await orders.transition(
            s, oid, OrderStatus.CANCELLED, web.deps.now(), expect=OrderStatus.ACTIVE
        )
    await emit(web.deps, "order_cancelled", order_id=oid, by=None, reason="重复下单")
    # The card may be refreshed on the way (under load a second 服务中 edit still shows up
    # now and then: a known extra edit after 开始服务); it ends saying JX-000001 已取消,
    # with its public part only and no buttons.
    while (closed := await sock.edited())["id"] != card["id"] or (
        "JX-000001 已取消" not in closed["text"]
    ):
        pass
    assert closed["buttons"] == []
    assert "解放路" not in closed["text"]


async def test_an_edit_that_changes_nothing_sends_no_frame(web: WebRig) -> None:
    """As on Telegram ("message is not modified"): the page sees one edit, not two."""
    sock = await web.browser().connect()
    await sock.say("/start")
    async with web.deps.db.read() as s:
        person = (await s.exec(select(Person).where(Person.platform == "web"))).one()
    ref = await web.deps.notifier.send(
        person, Reply("工单 JX-000009", buttons=((Button("开始服务", "x"),),))
    )
    assert ref is not None
    first = await sock.bot_message_with("开始服务")
    done = Reply("工单 JX-000009 服务中", buttons=((Button("完成服务", "y"),),))
    await web.deps.notifier.edit(ref, done)
    await web.deps.notifier.edit(ref, done)
    edited = await sock.edited()
    assert edited["id"] == first["id"] and edited["buttons"][0][0]["label"] == "完成服务"
    await sock.expect_quiet()
    await web.deps.notifier.edit(ref, Reply("工单 JX-000009 已完成"))
    assert (await sock.edited())["buttons"] == []
