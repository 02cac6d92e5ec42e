"""Needs the keywords name clearly are routed without the model (bot/routing/router.py).

Sentences here were written for these tests; none is in a held-out set.
"""

from __future__ import annotations

import asyncio
import json
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest

from bot.routing import Router, load_default_teams
from bot.routing.fusion import KEYWORD_SURE, keyword_is_sure
from bot.routing.normalize import normalize
from bot.routing.router import _Pending
from bot.routing.scorer import Candidate, RouteResult

DEV = Path(__file__).resolve().parents[2].parent / "shared" / "routing-dev.jsonl"
REGRESSION = Path(__file__).resolve().parent / "routing_regression.jsonl"


@pytest.fixture(scope="module")
def router() -> Iterator[Router]:
    local = Router(load_default_teams())
    yield local
    local.close()


class Calls:
    """Counts the model's query calls."""

    def __init__(self, router: Router, monkeypatch: pytest.MonkeyPatch) -> None:
        model = router._cache.model  # type: ignore[union-attr]
        real = model.query
        self.texts: list[str] = []

        def query(text: str):  # type: ignore[no-untyped-def]
            self.texts.append(text)
            return real(text)

        monkeypatch.setattr(model, "query", query)


@pytest.mark.parametrize(
    ("text", "team"),
    [
        ("车床主轴一转就有异响", "tech"),
        ("老板拖了我两个月工资", "legal"),
        ("家里又跳闸了", "electric"),
    ],
)
def test_a_need_the_keywords_name_clearly_skips_the_model(
    router: Router, monkeypatch: pytest.MonkeyPatch, text: str, team: str
) -> None:
    calls = Calls(router, monkeypatch)
    result = router.route(text)
    assert (result.team, result.choices) == (team, ())
    assert calls.texts == []


@pytest.mark.parametrize(
    "text",
    [
        "我想学电焊",  # the keywords are not sure: the model decides
        "果树修剪技术",  # sure, but no sign of a need: the chit-chat gate may speak by meaning
    ],
)
def test_an_unsure_or_bare_request_still_asks_the_model(
    router: Router, monkeypatch: pytest.MonkeyPatch, text: str
) -> None:
    calls = Calls(router, monkeypatch)
    router.route(text)
    assert calls.texts == [text]


def test_sure_means_clear_of_the_runner_up() -> None:
    def result(*scores: float) -> RouteResult:
        candidates = tuple(Candidate(f"t{i}", s) for i, s in enumerate(scores))
        return RouteResult("t0", scores[0], candidates, ("词",), ())

    assert keyword_is_sure(result(KEYWORD_SURE))
    assert not keyword_is_sure(result(KEYWORD_SURE - 0.1))
    assert keyword_is_sure(result(80.0, 60.0))
    assert not keyword_is_sure(result(80.0, 60.1))
    assert not keyword_is_sure(RouteResult(None, 90.0, (), (), ()))


def test_a_sure_need_is_answered_while_the_model_is_busy(router: Router) -> None:
    """The shortcut runs on the event loop: it never queues behind others' model calls."""
    busy, release = threading.Event(), threading.Event()

    def block() -> None:
        busy.set()
        release.wait(10)

    async def scenario() -> None:
        held = router._executor.submit(block)
        busy.wait(5)
        try:
            sure = await asyncio.wait_for(router.route_async("厂里的数控车床精度越来越差"), 2)
            assert sure.team == "tech"
            unsure = asyncio.ensure_future(router.route_async("我想学电焊"))
            await asyncio.sleep(0.2)
            assert not unsure.done()  # waits for the model's thread
        finally:
            release.set()
        assert (await asyncio.wait_for(unsure, 10)).team == "skills"
        held.result(5)

    asyncio.run(scenario())


def test_where_the_shortcut_applies_the_model_names_the_same_team(router: Router) -> None:
    """Over the development and regression corpora: skipping the model never changes the
    team; at most the model would have asked between it and others."""
    rows = [
        json.loads(line)
        for path in (DEV, REGRESSION)
        for line in path.read_text(encoding="utf-8").splitlines()
        if line.strip()
    ]
    skipped = 0
    for row in rows:
        text = row["text"]
        early = router._without_model(router._state, text)
        if isinstance(early, _Pending) or early.team is None:
            continue  # the model decides, or the chit-chat words did
        skipped += 1
        full = router._with_model(router._state, _Pending(text, early, normalize(text)))
        assert full.team == early.team, text
    assert skipped >= len(rows) // 4  # the shortcut is not a dead branch


def test_a_team_admins_corrected_keeps_asking_the_model(monkeypatch: pytest.MonkeyPatch) -> None:
    """Admins taught that a need the keywords route clearly to one team belongs to another:
    needs worded alike are compared with that example again, not short-cut."""
    text = "车间的注塑机老是漏油，要请个师傅"
    local = Router(load_default_teams())
    try:
        keyword = local.keyword_route(text)
        assert keyword_is_sure(keyword) and keyword.team == "tech"
        calls = Calls(local, monkeypatch)
        local.route("车间注塑机漏油")
        assert calls.texts == []
        local.rebuild(learned={"safety": [text]}).result(60)
        local.route("车间注塑机漏油")
        assert calls.texts == ["车间注塑机漏油"]
        assert local.route(text).team == "safety"  # the example itself, by memory
    finally:
        local.close()
