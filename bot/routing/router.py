"""The long-lived, swappable router the application holds."""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Iterable, Mapping
from concurrent.futures import Future, ThreadPoolExecutor

from bot.routing.fusion import fuse, keyword_choices
from bot.routing.index import RoutingIndex
from bot.routing.keywords import TeamSpec
from bot.routing.normalize import normalize
from bot.routing.scorer import Candidate, RouteResult, route
from bot.routing.semantic import (
    SemanticIndex,
    VectorCache,
    enabled_by_env,
    load_templates,
    shared_cache,
)

LEARNED = "(learned)"


class Router:
    """Routes requests with the current indexes; rebuilds swap them in atomically.

    Two stages: keywords (always) and, unless ``semantic`` is off, the
    sentence-embedding stage fused with it (:mod:`bot.routing.fusion`).
    A new keyword index is built completely before it replaces the old one
    (one reference assignment); the semantic vectors are rebuilt on the
    router's single worker thread and swapped in when ready, so a request
    routed meanwhile uses the previous vectors and never waits.

    ``learned`` maps slugs to requests that admins' corrections have
    confirmed (see :mod:`store.routing_feedback`): the same text routes to
    that team outright, and the semantic stage compares against them too.
    """

    def __init__(
        self,
        teams: Iterable[TeamSpec],
        *,
        semantic: bool | None = None,
        learned: Mapping[str, Iterable[str]] | None = None,
    ) -> None:
        self._rebuild_lock = threading.Lock()
        self._teams = tuple(teams)
        self._index = RoutingIndex.build(self._teams)
        self._learned = _freeze(learned or {})
        self._memory = _memory(self._learned)
        self.semantic = enabled_by_env() if semantic is None else semantic
        self._executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix="routing")
        self._vectors: SemanticIndex | None = None
        self._cache: VectorCache | None = None
        if self.semantic:
            self._templates = load_templates()
            self._cache = shared_cache()
            self._vectors = self._cache.build(self._teams, self._templates, self._learned)

    @property
    def teams(self) -> tuple[TeamSpec, ...]:
        """The teams of the current index, active or not, in catalog order."""
        return self._index.teams

    @property
    def index(self) -> RoutingIndex:
        """The current keyword index (for ``suggest_keywords`` and diagnostics)."""
        return self._index

    @property
    def learned(self) -> Mapping[str, tuple[str, ...]]:
        return self._learned

    def route(self, text: str) -> RouteResult:
        """Route one request (blocking: the semantic stage runs the model on this thread)."""
        index, memory, vectors = self._index, self._memory, self._vectors
        keyword = route(text, index)
        active = frozenset(t.slug for t in index.teams if t.active)
        remembered = memory.get(normalize(text))
        if remembered in active:
            rest = tuple(c for c in keyword.candidates if c.team != remembered)[:2]
            return RouteResult(
                remembered, 100.0, (Candidate(remembered, 100.0), *rest), (LEARNED,), ()
            )
        if vectors is None or self._cache is None:
            return keyword_choices(keyword)
        sims = vectors.similarities(self._cache.model.query(text))
        return fuse(keyword, sims, active=active)

    def keyword_route(self, text: str) -> RouteResult:
        """The keyword stage alone (benchmarks and diagnostics)."""
        return route(text, self._index)

    async def route_async(self, text: str) -> RouteResult:
        """Route off the event loop, on the router's one worker thread."""
        return await asyncio.get_running_loop().run_in_executor(self._executor, self.route, text)

    def rebuild(
        self,
        teams: Iterable[TeamSpec] | None = None,
        *,
        learned: Mapping[str, Iterable[str]] | None = None,
    ) -> Future[None]:
        """Replace the catalog and/or the learned examples.

        The keyword index is swapped before returning; the returned future
        completes when the semantic vectors have been rebuilt in the
        background and swapped in as well.
        """
        with self._rebuild_lock:  # two admins saving at once: the last build wins, whole
            if teams is not None:
                self._teams = tuple(teams)
                self._index = RoutingIndex.build(self._teams)
            if learned is not None:
                self._learned = _freeze(learned)
                self._memory = _memory(self._learned)
            snapshot = (self._teams, self._learned)
        if self._cache is None:
            done: Future[None] = Future()
            done.set_result(None)
            return done
        return self._executor.submit(self._rebuild_vectors, *snapshot)

    def _rebuild_vectors(
        self, teams: tuple[TeamSpec, ...], learned: Mapping[str, tuple[str, ...]]
    ) -> None:
        assert self._cache is not None
        vectors = self._cache.build(teams, self._templates, learned)
        with self._rebuild_lock:
            if (self._teams, self._learned) == (teams, learned):  # not overtaken by a newer edit
                self._vectors = vectors

    def close(self) -> None:
        """Stop the worker thread (tests and shutdown)."""
        self._executor.shutdown(wait=True)


def _freeze(learned: Mapping[str, Iterable[str]]) -> dict[str, tuple[str, ...]]:
    return {slug: tuple(texts) for slug, texts in learned.items() if texts}


def _memory(learned: Mapping[str, tuple[str, ...]]) -> dict[str, str]:
    return {normalize(text): slug for slug, texts in learned.items() for text in texts}
