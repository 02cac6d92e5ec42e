"""Volunteers on both databases: the /volunteer dialog, approval, availability, profile edits,
suspension — driven through ``Engine.handle`` like a chat channel would."""

from __future__ import annotations

import pytest
from sqlmodel import col, select

from bot import dispatch, volunteers
from bot.deps import Deps
from bot.engine import Engine
from bot.events import Actor, Inbound, Kind
from store.models import (
    AuditLog,
    Offer,
    OfferStatus,
    Order,
    Person,
    Role,
    Volunteer,
    VolunteerStatus,
)
from tests.utils import volunteers as f
from tests.utils.engine import (
    ADMIN,
    APPLICANT,
    OTHER,
    buttons,
    cmd,
    data_of,
    press,
    say,
    text,
)
from tests.utils.notifier import RecordingNotifier


async def _volunteer_of(deps: Deps, external_id: str) -> Volunteer | None:
    async with deps.db.session() as s:
        p = (await s.exec(select(Person).where(col(Person.external_id) == external_id))).one()
        return await volunteers.by_person(s, p.id)  # type: ignore[arg-type]


async def apply(engine: Engine, deps: Deps, who: Actor = APPLICANT) -> Volunteer:
    """Go through the whole application quickly: name, phone, tech team, no station."""
    await cmd(engine, who, "volunteer")
    await say(engine, who, "张建国")
    await engine.handle(who, Inbound(Kind.CONTACT, phone="8613800001234", contact_is_self=True))
    tech = await f.team_id(deps, "tech")
    await press(engine, who, f"vol_toggle_team:{tech}")
    await press(engine, who, "vol_teams_done")
    await say(engine, who, "数控加工")
    await say(engine, who, "浙江工匠")
    v = await _volunteer_of(deps, who.external_id)
    assert v is not None and v.status == VolunteerStatus.PENDING
    return v


async def test_the_application_dialog_end_to_end(
    deps: Deps, engine: Engine, notifier: RecordingNotifier
) -> None:
    st = await f.stations(deps)
    await f.person(deps, 1, "管理员")
    tech, electric = await f.team_id(deps, "tech"), await f.team_id(deps, "electric")
    out = await cmd(engine, APPLICANT, "volunteer")
    assert "姓名" in text(out)
    assert [k.label for row in out.replies[0].keyboard for k in row] == ["张工"]
    # Odd input at the name step.
    out = await engine.handle(APPLICANT, Inbound(Kind.UNSUPPORTED, media="sticker"))
    assert "文字" in text(out)
    out = await say(engine, APPLICANT, "张" * 40)
    assert "32" in text(out)
    out = await say(engine, APPLICANT, "<b>张建国</b>")
    assert "手机号" in text(out)
    assert out.replies[0].keyboard[0][0].request == "contact"
    # Phone: someone else's card, a bad number, then one's own card.
    out = await engine.handle(APPLICANT, Inbound(Kind.CONTACT, phone="13900000000"))
    assert "您自己的" in text(out)
    out = await say(engine, APPLICANT, "12345")
    assert "11位手机号" in text(out)
    out = await engine.handle(
        APPLICANT, Inbound(Kind.CONTACT, phone="+86 138 0000 1234", contact_is_self=True)
    )
    assert out.replies[0].remove_keyboard and "138****1234" in out.replies[0].text
    picker = out.replies[1]
    assert "技术攻关服务队" in buttons(picker) and "✔️ 完成" in buttons(picker)
    # Teams: typing is not choosing; at least one; toggling; forged ids are stale.
    out = await say(engine, APPLICANT, "技术")
    assert "按钮" in out.replies[0].text and out.replies[1].buttons
    out = await press(engine, APPLICANT, "vol_teams_done")
    assert out.toast and "至少" in out.toast
    out = await press(engine, APPLICANT, f"vol_toggle_team:{tech}")
    assert out.replies[0].edit and "✅ 技术攻关服务队" in buttons(out.replies[0])
    await press(engine, APPLICANT, f"vol_toggle_team:{electric}")
    out = await press(engine, APPLICANT, f"vol_toggle_team:{electric}")
    assert "✅ 电气维修服务队" not in buttons(out.replies[0])
    assert (await press(engine, APPLICANT, "vol_toggle_team:99999")).toast == "已过期"
    out = await press(engine, APPLICANT, "vol_teams_done")
    assert out.replies[0].edit and "1 个服务队" in out.replies[0].text
    assert "玉环市" in buttons(out.replies[1]) and "临海市" in buttons(out.replies[1])
    # Station: down the tree to a point.
    out = await press(engine, APPLICANT, f"vol_open_station:{st['yh']}")
    assert set(buttons(out.replies[0])) >= {"玉城街道", "楚门镇", "就选 玉环市", "返回"}
    out = await press(engine, APPLICANT, f"vol_open_station:{st['yh.a']}")
    assert "城中村服务点" in buttons(out.replies[0])
    out = await press(engine, APPLICANT, f"vol_open_station:{st['yh.a1']}")
    assert out.replies[0].edit and "专长" in out.replies[1].text
    assert (
        await press(engine, APPLICANT, f"vol_open_station:{st['yh']}")
    ).toast == "已过期"  # step passed
    out = await say(engine, APPLICANT, "数控加工、模具维修")
    assert "荣誉" in text(out)
    out = await press(engine, APPLICANT, "vol_skip_field")
    assert "申请已提交" in text(out) and "&lt;b&gt;张建国&lt;/b&gt;" in text(out)
    v = await _volunteer_of(deps, "20")
    assert v is not None and v.status == VolunteerStatus.PENDING
    assert (v.name, v.phone, v.station_id, v.skills, v.honours) == (
        "<b>张建国</b>",
        "13800001234",
        st["yh.a1"],
        "数控加工、模具维修",
        "",
    )
    async with deps.db.session() as s:
        assert await volunteers.team_ids(s, v.id) == [tech]  # type: ignore[arg-type]
    application = notifier.to("1")[-1]
    assert "新的志愿者申请" in application.text and "13800001234" in application.text
    assert buttons(application) == ["批准", "拒绝"]
    out = await cmd(engine, APPLICANT, "volunteer")
    assert "审核中" in text(out)


async def test_approval_makes_a_volunteer(
    deps: Deps, engine: Engine, notifier: RecordingNotifier
) -> None:
    events: list[dict] = []

    async def spy(_deps: Deps, **payload: object) -> None:
        events.append(payload)

    deps.bus.listen("volunteer_approved", spy)
    await f.person(deps, 1, "管理员")
    v = await apply(engine, deps)
    assert (await press(engine, OTHER, f"application_approve:{v.id}")).toast == "无权限"
    out = await press(engine, ADMIN, f"application_approve:{v.id}")
    assert out.toast == "已批准" and out.replies[0].edit and "接单中" in out.replies[0].text
    assert "恭喜" in notifier.texts_to("20")[-1]
    again = await press(engine, ADMIN, f"application_approve:{v.id}")
    assert again.toast and "已处理" in again.toast
    assert (await press(engine, ADMIN, f"application_reject:{v.id}")).toast == again.toast
    v2 = await _volunteer_of(deps, "20")
    assert v2 is not None and v2.status == VolunteerStatus.ACTIVE and v2.approved_at is not None
    async with deps.db.session() as s:
        p = await s.get(Person, v2.person_id)
        logs = (
            await s.exec(select(AuditLog).where(col(AuditLog.action) == "volunteer.approve"))
        ).all()
    assert p is not None and Role.VOLUNTEER in p.roles
    assert len(logs) == 1 and logs[0].after == {"status": "active"}
    assert events == [{"volunteer_id": v.id}]
    out = await cmd(engine, APPLICANT, "volunteer")
    assert "已经是志愿者" in text(out)


async def test_rejection_with_a_reason_and_applying_again(
    deps: Deps, engine: Engine, notifier: RecordingNotifier
) -> None:
    await f.person(deps, 1, "管理员")
    v = await apply(engine, deps)
    out = await press(engine, ADMIN, f"application_reject:{v.id}")
    assert "原因" in text(out) and buttons(out.replies[0]) == ["不填原因，直接拒绝"]
    out = await engine.handle(ADMIN, Inbound(Kind.UNSUPPORTED, media="sticker"))
    assert "文字" in text(out)
    out = await say(engine, ADMIN, "暂不招募该服务队")
    assert "已拒绝" in text(out)
    assert "暂不招募该服务队" in notifier.texts_to("20")[-1]
    assert (await _volunteer_of(deps, "20")).status == VolunteerStatus.REJECTED  # type: ignore[union-attr]
    # The applicant may apply again; the same row becomes pending again.
    v2 = await apply(engine, deps)
    assert v2.id == v.id
    out = await press(engine, ADMIN, f"application_reject_quietly:{v.id}")
    assert "已拒绝" in text(out)
    assert "未通过" in notifier.texts_to("20")[-1]


async def test_available_and_busy(deps: Deps, engine: Engine) -> None:
    requester = await f.person(deps, 500)
    me = await f.volunteer(deps, 20, "张工")
    await f.order(deps, requester)
    assert "不是志愿者" in text(await cmd(engine, OTHER, "busy"))
    out = await cmd(engine, APPLICANT, "available")
    assert "已经在接单" in text(out) and "1 个" in text(out)
    assert "已暂停接单" in text(await cmd(engine, APPLICANT, "busy"))
    assert "已经暂停" in text(await cmd(engine, APPLICANT, "busy"))
    oid = await f.order(deps, requester)
    async with deps.db.session() as s:
        assert await dispatch.candidates(s, await s.get(Order, oid)) == []  # type: ignore[arg-type]
    out = await cmd(engine, APPLICANT, "available")
    assert "已恢复接单" in text(out) and "2 个" in text(out)
    assert (await _volunteer_of(deps, "20")).status == VolunteerStatus.ACTIVE  # type: ignore[union-attr]
    assert me.id is not None


async def test_profile_shows_and_edits_fields(deps: Deps, engine: Engine) -> None:
    await f.volunteer(deps, 20, "张工", honours="全国劳动模范")
    assert "不是志愿者" in text(await cmd(engine, OTHER, "profile"))
    out = await cmd(engine, APPLICANT, "profile")
    profile = out.replies[0]
    assert "全国劳动模范" in profile.text and "技术攻关服务队" in profile.text
    assert "⏸ 暂停接单" in buttons(profile)
    # Teams: the picker starts from the current teams.
    out = await press(engine, APPLICANT, data_of(profile, "改服务队"))
    assert "✅ 技术攻关服务队" in buttons(out.replies[0])
    legal = await f.team_id(deps, "legal")
    await press(engine, APPLICANT, f"vol_toggle_team:{legal}")
    out = await press(engine, APPLICANT, "vol_teams_done")
    assert "已保存" in out.replies[0].text and "法律维权服务队" in out.replies[1].text
    # Honours: typed; "清空" empties skills.
    await press(engine, APPLICANT, "vol_edit_profile:honours")
    out = await say(engine, APPLICANT, "浙江工匠")
    assert out.replies[0].remove_keyboard and "浙江工匠" in out.replies[1].text
    out = await press(engine, APPLICANT, "vol_edit_profile:skills")
    assert buttons(out.replies[0]) == ["清空"]
    await press(engine, APPLICANT, "vol_skip_field")
    assert (await press(engine, APPLICANT, "vol_edit_profile:nonsense")).toast == "已过期"
    # Pause from the profile.
    out = await press(engine, APPLICANT, "vol_set_paused:1")
    assert out.toast == "已暂停接单" and "▶️ 恢复接单" in buttons(out.replies[0])
    v = await _volunteer_of(deps, "20")
    assert v is not None and (v.honours, v.skills, v.status) == (
        "浙江工匠",
        "",
        VolunteerStatus.PAUSED,
    )
    async with deps.db.session() as s:
        actions = {a.action for a in (await s.exec(select(AuditLog))).all()}
    assert {"volunteer.teams", "volunteer.profile"} <= actions


async def test_suspend_withdraws_live_offers_and_resume_restores(
    deps: Deps, notifier: RecordingNotifier
) -> None:
    admin = await f.person(deps, 1, "管理员")
    requester = await f.person(deps, 500)
    v = await f.volunteer(deps, 20, "张工")
    oid = await f.order(deps, requester)
    await dispatch.start(deps, oid)
    assert await volunteers.suspend(deps, v.id, by=admin, reason="多次爽约")  # type: ignore[arg-type]
    assert await volunteers.suspend(deps, v.id, by=admin) is None  # type: ignore[arg-type]
    assert "多次爽约" in notifier.texts_to("20")[-1]
    assert "已撤回" in notifier.edits[-1][1].text
    async with deps.db.session() as s:
        offer = (await s.exec(select(Offer))).one()
        p = await s.get(Person, v.person_id)
    assert offer.status == OfferStatus.WITHDRAWN and Role.VOLUNTEER not in p.roles  # type: ignore[union-attr]
    resumed = await volunteers.resume(deps, v.id, by=admin)  # type: ignore[arg-type]
    assert resumed is not None and resumed.status == VolunteerStatus.ACTIVE
    assert "已恢复" in notifier.texts_to("20")[-1]


@pytest.mark.parametrize(
    ("raw", "verified", "expected"),
    [
        ("13812345678", False, "13812345678"),
        ("+86 138-1234-5678", False, "13812345678"),
        ("８６１３８１２３４５６７８", False, "13812345678"),
        ("12345", False, None),
        ("+852 9123 4567", False, None),
        ("+852 9123 4567", True, "+85291234567"),
        ("", True, None),
    ],
)
def test_phone_numbers_are_normalised(raw: str, verified: bool, expected: str | None) -> None:
    assert volunteers.normalize_phone(raw, verified=verified) == expected
