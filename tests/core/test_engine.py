"""The engine: roles, commands, refusals and unexpected input, on the core ring."""

from __future__ import annotations

import pytest
from sqlmodel import select

from bot import jobtext
from bot.callbacks import FEEDBACK_RATE
from bot.engine import MAX_TEXT_LENGTH, Engine
from bot.events import Actor, Inbound, Kind
from bot.texts import t
from store.models import Person, Role, Volunteer, VolunteerStatus

WORKER = Actor("telegram", "1001", "王师傅", language="zh-hans")
ADMIN = Actor("telegram", "1", "管理员")


def cmd(name: str, *args: str) -> Inbound:
    return Inbound(Kind.COMMAND, text=f"/{name}", command=name, args=args)


async def test_start_greets_a_worker_in_chinese(engine: Engine) -> None:
    out = await engine.handle(WORKER, cmd("start"))
    assert "王师傅" in out.replies[0].text and "匠心点单" in out.replies[0].text


async def test_start_differs_by_role(engine: Engine) -> None:
    worker = (await engine.handle(WORKER, cmd("start"))).replies[0].text
    admin = (await engine.handle(ADMIN, cmd("start"))).replies[0].text
    async with engine.deps.db.session() as s:
        p = Person(platform="telegram", external_id="77", display_name="李工")
        s.add(p)
        await s.flush()
        s.add(Volunteer(person_id=p.id, name="李工", status=VolunteerStatus.ACTIVE))
    volunteer = (await engine.handle(Actor("telegram", "77", "李工"), cmd("start"))).replies[0].text
    assert len({worker, admin, volunteer}) == 3
    assert "管理员" in admin and "/jobs" in volunteer


async def test_granted_admin_role_counts(engine: Engine) -> None:
    async with engine.deps.db.session() as s:
        s.add(Person(platform="telegram", external_id="55", roles=[Role.ADMIN]))
    out = await engine.handle(Actor("telegram", "55", "张"), cmd("help"))
    assert "管理员" in out.replies[0].text


async def test_name_with_html_is_escaped(engine: Engine) -> None:
    out = await engine.handle(Actor("telegram", "9", "<b>坏</b>&"), cmd("start"))
    assert "&lt;b&gt;坏&lt;/b&gt;&amp;" in out.replies[0].text


async def test_unknown_command_is_helpful(engine: Engine) -> None:
    out = await engine.handle(WORKER, cmd("frobnicate"))
    assert "/help" in out.replies[0].text


async def test_sticker_gets_a_hint(engine: Engine) -> None:
    out = await engine.handle(WORKER, Inbound(Kind.UNSUPPORTED, media="sticker"))
    assert "表情" in out.replies[0].text


async def test_over_long_text_is_refused(engine: Engine) -> None:
    out = await engine.handle(WORKER, Inbound(Kind.TEXT, text="焊" * (MAX_TEXT_LENGTH + 1)))
    assert str(MAX_TEXT_LENGTH) in out.replies[0].text


async def test_forged_button_is_expired(engine: Engine) -> None:
    for data in ("claim:abc:💥", "nosuchverb:1", "", "x" * 80):
        out = await engine.handle(WORKER, Inbound(Kind.BUTTON, data=data))
        assert out.toast == "已过期" and not out.replies


async def test_forged_numbers_too_big_for_a_column_are_expired(engine: Engine) -> None:
    for data in (
        f"{jobtext.CLAIM}:{'9' * 25}",
        f"{jobtext.CLAIM}:{2**31}",
        f"{FEEDBACK_RATE}:1:{2**64}",
    ):
        out = await engine.handle(WORKER, Inbound(Kind.BUTTON, data=data))
        assert out.toast == "已过期" and not out.replies


async def test_text_with_a_lone_surrogate_is_answered(engine: Engine) -> None:
    out = await engine.handle(WORKER, Inbound(Kind.TEXT, text="空调\ud800坏了\x00"))
    assert out.replies and out.replies[0].text != t("zh", "common.error")
    async with engine.deps.db.session() as s:
        person = (await s.exec(select(Person).where(Person.external_id == "1001"))).one()
    assert person.id is not None


async def test_a_location_off_the_globe_is_not_a_location() -> None:
    event = Inbound(Kind.LOCATION, latitude=91.0, longitude=120.0)
    assert event.kind == Kind.UNSUPPORTED and event.latitude is None
    assert Inbound(Kind.LOCATION, latitude=29.9, longitude=121.4).kind == Kind.LOCATION
    assert Inbound(Kind.LOCATION, latitude=float("nan"), longitude=1.0).kind == Kind.UNSUPPORTED


async def test_cancel_without_dialog(engine: Engine) -> None:
    out = await engine.handle(WORKER, cmd("cancel"))
    assert "没有进行中" in out.replies[0].text


async def test_english_client_gets_english(engine: Engine) -> None:
    out = await engine.handle(Actor("telegram", "42", "Ann", language="en-US"), cmd("help"))
    assert "How it works" in out.replies[0].text


async def test_a_crashing_flow_answers_politely(engine: Engine) -> None:
    async def boom(ctx):  # type: ignore[no-untyped-def]
        raise RuntimeError("boom")

    engine.routes.command("boom", boom)
    out = await engine.handle(WORKER, cmd("boom"))
    assert "出了点问题" in out.replies[0].text


@pytest.mark.settings(language="en")
async def test_the_default_language_applies_when_the_client_sends_none(engine: Engine) -> None:
    out = await engine.handle(Actor("web", "s1", "Ann"), cmd("help"))
    assert "How it works" in out.replies[0].text
    out = await engine.handle(Actor("telegram", "43", "王", language="zh-hans"), cmd("help"))
    assert "怎么用" in out.replies[0].text


async def test_start_mid_dialog_says_the_dialog_is_still_open(engine: Engine) -> None:
    from store import dialogs

    out = await engine.handle(WORKER, cmd("start"))
    assert out.replies[0].remove_keyboard
    async with engine.deps.db.session() as s:
        person = (await s.exec(select(Person).where(Person.external_id == "1001"))).one()
        await dialogs.save_dialog(
            s, person_id=person.id, flow="order", step="place", data={"text": "空调坏了"}
        )  # type: ignore[arg-type]
    out = await engine.handle(WORKER, cmd("start"))
    assert "未完成" in out.replies[0].text and "/cancel" in out.replies[0].text
    assert not out.replies[0].remove_keyboard


@pytest.mark.parametrize("typed", ["／help", "/Help", "／ＨＥＬＰ", "  /help  "])
async def test_commands_typed_as_text_still_work(engine: Engine, typed: str) -> None:
    out = await engine.handle(WORKER, Inbound(Kind.TEXT, text=typed))
    assert "怎么用" in out.replies[0].text


def test_order_codes_parse_in_full_width() -> None:
    from bot.orders import parse_code

    assert parse_code("ＪＸ－０００１２３") == 123
    assert parse_code("jx-000123") == 123 and parse_code("123") == 123
    assert parse_code("JX-12a") is None and parse_code("") is None
