"""Request routing: which specialist team should answer a worker's message.

A pure, platform-neutral function of the text and the catalog's keywords
(no chat library, no database), measured on a labelled corpus
(``jiangxin route --eval``) and benchmarked in ``bench/routing.py``.

Keywords are plain terms, optionally weighted with a ``^`` suffix: ``焊接``
counts 1, ``欠薪^2`` twice (a decisive term), ``维修^0.5`` half (a vague term
that only tips a balance; alone it stays below the "no team" threshold).
Weights go from 0.1 to 5; terms are normalised like requests (full-width to
half-width, traditional to simplified, lower case) and are at most 20
characters.

Typical use::

    warm_up()                                   # at start-up
    router = Router(load_default_teams())
    result = router.route("注塑件毛边太多怎么办")  # RouteResult(team="tech", ...)
    router.rebuild(new_teams)                   # after an admin edit
"""

from bot.routing.catalog import load_default_teams, load_teams
from bot.routing.index import RoutingIndex
from bot.routing.keywords import KeywordError, TeamSpec, edit_keywords
from bot.routing.normalize import normalize
from bot.routing.router import Router
from bot.routing.scorer import NO_TEAM_BELOW, Candidate, RouteResult, route
from bot.routing.suggest import suggest_keywords
from bot.routing.warmup import warm_up

__all__ = [
    "NO_TEAM_BELOW",
    "Candidate",
    "KeywordError",
    "RouteResult",
    "Router",
    "RoutingIndex",
    "TeamSpec",
    "edit_keywords",
    "load_default_teams",
    "load_teams",
    "normalize",
    "route",
    "suggest_keywords",
    "warm_up",
]
