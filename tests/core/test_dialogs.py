"""Dialogs declared as step tables: the table is complete and refuses dangling steps."""

from __future__ import annotations

import itertools

import pytest

from bot.dialog import Dialog, Step
from bot.flows import order_draft
from bot.flows.order_steps import ORDER


async def _ask(ctx, data):  # type: ignore[no-untyped-def]
    raise AssertionError("not asked")


def test_every_order_step_has_a_row() -> None:
    names = {v for k, v in vars(order_draft.Step).items() if k.isupper()}
    assert set(ORDER.by_name) == names


def test_every_edit_field_leads_to_a_step_and_back_to_the_summary() -> None:
    assert {ORDER.editing(f).name for f in order_draft.EDIT_FIELDS} == {
        order_draft.Step.DESCRIBE,
        order_draft.Step.CONFIRM_TEAM,
        order_draft.Step.PLACE,
        order_draft.Step.TIME,
        order_draft.Step.PHONE,
        order_draft.Step.PHOTOS,
    }
    assert ORDER.returns_to == order_draft.Step.SUMMARY


async def test_fixed_next_steps_follow_the_order_of_questions() -> None:
    s = order_draft.Step
    chain = [s.CONFIRM_TEAM, s.PLACE, s.TIME, s.PHONE, s.PHOTOS, s.SUMMARY]
    for done, following in itertools.pairwise(chain):
        assert await ORDER.next_after(None, {}, done) == following  # type: ignore[arg-type]
    assert await ORDER.next_after(None, {}, s.TIME_TEXT) == s.PHONE  # type: ignore[arg-type]


def test_a_step_leading_nowhere_is_refused() -> None:
    with pytest.raises(ValueError, match="unknown steps"):
        Dialog("x", steps=(Step("a", ask=_ask, answer=_ask, next="b"),))
    with pytest.raises(ValueError, match="unknown steps"):
        Dialog("x", steps=(Step("a", ask=_ask, answer=_ask),), returns_to="z")


def test_every_profile_field_is_a_step_of_the_application() -> None:
    from bot.flows.volunteer import EDITABLE, VOLUNTEER

    assert {VOLUNTEER.editing(f).name for f in EDITABLE} == set(EDITABLE)
    assert [s.name for s in VOLUNTEER.steps] == [
        "name",
        "phone",
        "teams",
        "station",
        "skills",
        "honours",
    ]


async def test_the_application_ends_after_the_honours() -> None:
    from bot.flows.volunteer import VOLUNTEER

    assert await VOLUNTEER.next_after(None, {}, "skills") == "honours"  # type: ignore[arg-type]
    assert await VOLUNTEER.next_after(None, {}, "honours") is None  # type: ignore[arg-type]
