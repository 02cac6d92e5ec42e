"""The long-lived, swappable router the application holds."""

from __future__ import annotations

import asyncio
import dataclasses
import threading
from collections.abc import Iterable, Mapping, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass

import numpy as np

from bot.routing.chitchat import (
    judge,
    judge_meaning,
    load_probe,
    meaning_may_gate,
    names_a_trade,
    trade_share,
)
from bot.routing.english import with_english
from bot.routing.evaluate import Example, Report, evaluate
from bot.routing.fusion import fuse, keyword_choices, keyword_is_sure
from bot.routing.index import RoutingIndex
from bot.routing.keywords import TeamSpec
from bot.routing.normalize import normalize
from bot.routing.rules import apply_owner_rules
from bot.routing.scorer import Candidate, RouteResult, route
from bot.routing.semantic import (
    CHITCHAT,
    SemanticIndex,
    VectorCache,
    enabled_by_env,
    load_chitchat,
    load_templates,
    shared_cache,
)

LEARNED = "(learned)"
# The model reads only the head of a message: the need is stated early, and a pasted
# document would cost windows of 512 tokens each.
SEMANTIC_MAX_CHARS = 200


@dataclass(frozen=True)
class _State:
    """Everything one request is routed with; replaced whole, never mutated."""

    teams: tuple[TeamSpec, ...]
    index: RoutingIndex
    learned: Mapping[str, tuple[str, ...]]
    memory: Mapping[str, str]
    vectors: SemanticIndex | None
    active: frozenset[str]
    contested: frozenset[str] = frozenset()


class Router:
    """Routes requests with the current state; rebuilds swap a new state in atomically.

    Two stages: keywords (always) and, unless ``semantic`` is off, the
    sentence-embedding stage fused with it (:mod:`bot.routing.fusion`). Before the
    fusion, the chit-chat gate (:mod:`bot.routing.chitchat`) answers "no team" for
    a message that asks no team for anything (remarks about the bot or a past visit,
    wishes, off-topic asks), by its words and, with the model, by its meaning.
    A need the keywords name clearly, with a sign of a need in it, is answered by
    the keywords alone (``keyword_is_sure``): the model would not change it.
    A new keyword index is built completely before it replaces the old one
    (one reference assignment); the semantic vectors are rebuilt on the
    router's single worker thread and swapped in when ready, so a request
    routed meanwhile uses the previous vectors and never waits.

    ``learned`` maps slugs to requests that admins' corrections confirmed
    (see :mod:`store.routing_feedback`): the same text routes to that team
    outright, and the semantic stage compares requests against them too.
    """

    def __init__(
        self,
        teams: Iterable[TeamSpec],
        *,
        semantic: bool | None = None,
        learned: Mapping[str, Iterable[str]] | None = None,
    ) -> None:
        self._rebuild_lock = threading.Lock()
        self.semantic = enabled_by_env() if semantic is None else semantic
        self._executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix="routing")
        self._cache: VectorCache | None = shared_cache() if self.semantic else None
        self._templates = load_templates() if self.semantic else {}
        self._chitchat = load_chitchat() if self.semantic else ()
        self._probe = load_probe() if self.semantic else None
        team_tuple = tuple(teams)
        frozen = _freeze(learned or {})
        self._state = self._keyword_state(team_tuple, frozen, None)
        self._state = dataclasses.replace(self._state, vectors=self._build_vectors(self._state))

    @property
    def teams(self) -> tuple[TeamSpec, ...]:
        """The teams of the current index, active or not, in catalog order."""
        return self._state.index.teams

    @property
    def index(self) -> RoutingIndex:
        """The current keyword index (for ``suggest_keywords`` and diagnostics)."""
        return self._state.index

    @property
    def learned(self) -> Mapping[str, tuple[str, ...]]:
        return self._state.learned

    def route(self, text: str) -> RouteResult:
        """Route one request (blocking: the semantic stage runs the model on this thread)."""
        return self._route_with(self._state, text)

    def keyword_route(self, text: str) -> RouteResult:
        """The keyword stage alone (benchmarks and diagnostics)."""
        return route(text, self._state.index)

    async def route_async(self, text: str) -> RouteResult:
        """Route with the model off the event loop, on the router's one worker thread.
        What is decided without the model (a tenth of a millisecond) is decided here:
        cheaper than the hop, and it never queues behind other requests' model calls."""
        state = self._state
        early = self._without_model(state, text)
        if isinstance(early, RouteResult):
            return early
        return await asyncio.get_running_loop().run_in_executor(
            self._executor, self._with_model, state, early
        )

    def rebuild(
        self,
        teams: Iterable[TeamSpec] | None = None,
        *,
        learned: Mapping[str, Iterable[str]] | None = None,
    ) -> Future[None]:
        """Replace the catalog and/or the learned examples.

        The keyword index (and learned texts) are swapped in before this
        returns; the future completes when the semantic vectors have been
        rebuilt in the background and swapped in too.
        """
        with self._rebuild_lock:  # two admins saving at once: the last build wins, whole
            old = self._state
            state = self._keyword_state(
                old.teams if teams is None else tuple(teams),
                old.learned if learned is None else _freeze(learned),
                old.vectors,
            )
            self._state = state
        if self._cache is None:
            return _done(None)
        return self._executor.submit(self._swap_vectors, state)

    def try_learned(
        self, learned: Mapping[str, Iterable[str]], corpus: Sequence[Example]
    ) -> Future[bool]:
        """Adopt ``learned`` unless it makes ``corpus`` worse (top-1); runs on the worker thread.

        The regression check routes the corpus with the current state and
        with the candidate; the candidate replaces the current state only if
        its top-1 count is at least as high. Returns whether it was adopted.
        """
        return self._executor.submit(self._try_learned, _freeze(learned), tuple(corpus))

    def measure(self, corpus: Sequence[Example]) -> Future[Report]:
        """Evaluate the current state on ``corpus`` on the worker thread (nightly retrain)."""
        return self._executor.submit(self._measure, self._state, tuple(corpus))

    def close(self) -> None:
        """Stop the worker thread (tests and shutdown)."""
        self._executor.shutdown(wait=True)

    # ------------------------------------------------------------------ internals

    def _measure(self, state: _State, corpus: tuple[Example, ...]) -> Report:
        """Evaluate ``state``; the query vectors of a corpus are embedded once per process."""
        if state.vectors is None or self._cache is None:
            return evaluate(corpus, lambda text: self._route_with(state, text))
        early = {example.text: self._without_model(state, example.text) for example in corpus}
        # Only what the model has to judge is embedded (the shortcut decides the rest).
        queries = self._cache.evaluation_queries(
            pending.text[:SEMANTIC_MAX_CHARS]
            for pending in early.values()
            if isinstance(pending, _Pending)
        )

        def decide(text: str) -> RouteResult:
            found = early[text]
            if isinstance(found, RouteResult):
                return found
            return self._with_model(state, found, queries.get(text[:SEMANTIC_MAX_CHARS]))

        return evaluate(corpus, decide)

    def _route_with(self, state: _State, text: str, query: np.ndarray | None = None) -> RouteResult:
        early = self._without_model(state, text)
        if isinstance(early, RouteResult):
            return early
        return self._with_model(state, early, query)

    def _without_model(self, state: _State, text: str) -> RouteResult | _Pending:
        """Everything decided before the model: learned texts, the chit-chat words, and
        needs the keywords name clearly. Otherwise what the model's half needs."""
        keyword = apply_owner_rules(text, route(text, state.index))
        normalized = normalize(text)
        remembered = state.memory.get(normalized)
        if remembered in state.active:
            rest = tuple(c for c in keyword.candidates if c.team != remembered)[:2]
            return RouteResult(
                remembered, 100.0, (Candidate(remembered, 100.0), *rest), (LEARNED,), ()
            )
        # Chit-chat asks no team for anything, whatever trade it names (chitchat.py).
        if judge(text, keyword_score=keyword.score, matched=keyword.matched).chitchat:
            return _no_team(keyword)
        if state.vectors is None or self._cache is None:
            return keyword_choices(keyword)
        if (
            keyword.team in state.active
            and keyword.team not in state.contested
            and keyword_is_sure(keyword)
            and not meaning_may_gate(normalized)
        ):
            # Keywords name one team clearly (one no admin has corrected them about) and
            # the chit-chat gate could not speak: the model would not change the answer,
            # so its CPU is spared.
            return keyword
        return _Pending(text, keyword, normalized)

    def _with_model(
        self, state: _State, pending: _Pending, query: np.ndarray | None = None
    ) -> RouteResult:
        """The semantic half: the chit-chat gate by meaning, then the fusion."""
        assert state.vectors is not None and self._cache is not None
        keyword, normalized = pending.keyword, pending.normalized
        if query is None:
            query = self._cache.model.query(pending.text[:SEMANTIC_MAX_CHARS])
        sims = state.vectors.similarities(query)
        chitchat = sims.pop(CHITCHAT, None)
        if judge_meaning(
            normalized,
            trade=(
                trade_share(normalized, keyword.matched)
                if names_a_trade(normalized, keyword.score, keyword.matched)
                else 0.0
            ),
            sims=sims,
            chitchat=chitchat,
            query=query,
            probe=self._probe,
        ):
            return _no_team(keyword)
        return fuse(keyword, sims, active=state.active)

    def _keyword_state(
        self,
        teams: tuple[TeamSpec, ...],
        learned: Mapping[str, tuple[str, ...]],
        vectors: SemanticIndex | None,
    ) -> _State:
        memory = {normalize(text): slug for slug, texts in learned.items() for text in texts}
        # A team without keywords is not ready to receive requests (an admin has just
        # added it): the semantic stage must not route to it on its name alone.
        active = frozenset(t.slug for t in teams if t.active and t.keywords)
        index = RoutingIndex.build(with_english(teams))
        # Teams whose clear keyword answers admins have corrected: their needs keep asking
        # the model, which compares them with the learned examples too.
        contested = frozenset(
            found
            for slug, texts in learned.items()
            for text in texts
            if (found := apply_owner_rules(text, route(text, index)).team) not in (None, slug)
        )
        return _State(teams, index, learned, memory, vectors, active, contested)

    def _build_vectors(self, state: _State) -> SemanticIndex | None:
        if self._cache is None:
            return None
        return self._cache.build(state.teams, self._templates, state.learned, self._chitchat)

    def _swap_vectors(self, state: _State) -> None:
        vectors = self._build_vectors(state)
        with self._rebuild_lock:
            if self._state is state:  # not overtaken by a newer edit meanwhile
                self._state = dataclasses.replace(state, vectors=vectors)

    def _try_learned(
        self, learned: Mapping[str, tuple[str, ...]], corpus: tuple[Example, ...]
    ) -> bool:
        current = self._state
        candidate = self._keyword_state(current.teams, learned, None)
        candidate = dataclasses.replace(candidate, vectors=self._build_vectors(candidate))
        before = self._measure(current, corpus).top1
        after = self._measure(candidate, corpus).top1
        if after < before:
            return False
        with self._rebuild_lock:
            if self._state is current:
                self._state = candidate
                return True
        return False  # an edit overtook the check; the next refresh tries again


@dataclass(frozen=True)
class _Pending:
    """A request the model still has to judge, with what the keyword stage found."""

    text: str
    keyword: RouteResult
    normalized: str


def _no_team(keyword: RouteResult) -> RouteResult:
    """The answer "no team", keeping the keyword stage's evidence."""
    return RouteResult(None, keyword.score, keyword.candidates, keyword.matched, (), keyword.scores)


def _freeze(learned: Mapping[str, Iterable[str]]) -> dict[str, tuple[str, ...]]:
    return {slug: tuple(texts) for slug, texts in learned.items() if texts}


def _done(value: None) -> Future[None]:
    future: Future[None] = Future()
    future.set_result(value)
    return future
