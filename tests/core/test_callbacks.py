"""Button verbs: readable, short, registered once, and old buttons still work."""

from __future__ import annotations

import pytest
from sqlmodel import select

from bot import callbacks
from bot.engine import Engine
from bot.events import Actor, Inbound, Kind
from bot.flows import build_registry
from bot.reply import Outcome
from store.models import DialogState, Person

WORKER = Actor("telegram", "1001", "王师傅", language="zh-hans")


def _verbs() -> dict[str, str]:
    return {
        name: value
        for name, value in vars(callbacks).items()
        if name.isupper() and isinstance(value, str) and name != "MAX_BYTES"
    }


def test_every_verb_is_its_constant_in_lower_case() -> None:
    verbs = _verbs()
    assert len(verbs) >= 40
    for name, value in verbs.items():
        assert value == name.lower(), name
        assert value.isascii() and callbacks.encode(value) == value


def test_every_registered_button_has_a_verb_constant_and_back() -> None:
    registered = set(build_registry().buttons)
    assert registered == set(_verbs().values())


def test_every_old_verb_maps_to_a_registered_new_one() -> None:
    registered = set(build_registry().buttons)
    assert registered >= callbacks.SINCE_RENAME  # verbs added later: registered, no old form
    renamed = registered - callbacks.SINCE_RENAME
    assert len(callbacks.LEGACY_VERBS) == len(renamed)
    assert set(callbacks.LEGACY_VERBS.values()) == renamed
    assert not set(callbacks.LEGACY_VERBS) & registered  # no old verb is reused


@pytest.mark.parametrize(
    ("old", "new"),
    [
        ("ord_tm:a1b2c3:tech", ("order_pick_team", ["a1b2c3", "tech"])),
        ("vrjq:12", ("application_reject_quietly", ["12"])),
        ("avok:7", ("pending_list_approve", ["7"])),
        ("jclaim:42", ("job_claim", ["42"])),
        ("vtdone", ("vol_teams_done", [])),
    ],
)
def test_old_button_data_decodes_to_the_new_verb(old: str, new: tuple[str, list[str]]) -> None:
    assert callbacks.decode(old) == new


def test_new_verbs_fit_with_their_arguments() -> None:
    longest_slug = "t" * 32
    data = callbacks.encode(callbacks.ORDER_PICK_TEAM, "a1b2c3", longest_slug)
    assert len(data.encode()) <= callbacks.MAX_BYTES
    for verb in _verbs().values():
        assert len(callbacks.encode(verb, 2**63 - 1, 2**31).encode()) <= callbacks.MAX_BYTES


def _data(outcome: Outcome, label: str) -> str:
    found = [b.data for r in outcome.replies for row in r.buttons for b in row if b.label == label]
    assert len(found) == 1, found
    return found[0]  # type: ignore[return-value]


async def _step(engine: Engine) -> str | None:
    async with engine.deps.db.session() as s:
        person = (
            await s.exec(select(Person).where(Person.external_id == WORKER.external_id))
        ).one()
        state = await s.get(DialogState, person.id)
    return state.step if state else None


async def test_a_button_sent_before_the_rename_still_works(engine: Engine) -> None:
    out = await engine.handle(WORKER, Inbound(kind=Kind.TEXT, text="注塑件毛边太多怎么办"))
    data = _data(out, "✅ 对，交给技术攻关服务队")
    verb, args = callbacks.decode(data)
    assert verb == callbacks.ORDER_PICK_TEAM
    old = ":".join(["ord_tm", *args])
    out = await engine.handle(WORKER, Inbound(kind=Kind.BUTTON, data=old))
    assert await _step(engine) == "place"
    assert any("地址" in r.text or "位置" in r.text for r in out.replies)
