"""The long-lived, swappable router the application holds."""

from __future__ import annotations

import threading
from collections.abc import Iterable

from bot.routing.index import RoutingIndex
from bot.routing.keywords import TeamSpec
from bot.routing.scorer import RouteResult, route


class Router:
    """Routes requests with the current index; ``rebuild`` swaps in a new one atomically.

    The new index is built completely before it replaces the old one (a single
    reference assignment), so a request being routed meanwhile sees either
    the old catalog or the new one, never a mixture, and never waits.
    """

    def __init__(self, teams: Iterable[TeamSpec]) -> None:
        self._rebuild_lock = threading.Lock()
        self._index = RoutingIndex.build(teams)

    @property
    def teams(self) -> tuple[TeamSpec, ...]:
        """The teams of the current index, active or not, in catalog order."""
        return self._index.teams

    @property
    def index(self) -> RoutingIndex:
        """The current index (for ``suggest_keywords`` and diagnostics)."""
        return self._index

    def route(self, text: str) -> RouteResult:
        """Route one request with the current index."""
        return route(text, self._index)

    def rebuild(self, teams: Iterable[TeamSpec]) -> None:
        """Replace the catalog, e.g. after an admin edited keywords or retired a team."""
        with self._rebuild_lock:  # two admins saving at once: the last build wins, whole
            self._index = RoutingIndex.build(teams)
