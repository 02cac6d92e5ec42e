"""English words for each team (issue 17.9), kept apart from the admin-edited keywords.

``bot/data/routing_english.json`` ships with the code: routing adds its terms to each
team's own keywords when it builds the keyword index, so a database seeded before
the words existed routes English requests too, and an admin's keyword edit never
loses them. Terms use the catalog's ``term^weight`` syntax.
"""

from __future__ import annotations

import dataclasses
import json
from collections.abc import Iterable
from functools import cache
from pathlib import Path

from bot.routing.keywords import TeamSpec

VOCABULARY = Path(__file__).resolve().parent.parent / "data" / "routing_english.json"


@cache
def vocabulary(path: Path = VOCABULARY) -> dict[str, tuple[str, ...]]:
    """Slug → English terms."""
    with open(path, encoding="utf-8") as handle:
        data = json.load(handle)
    return {slug: tuple(terms) for slug, terms in data["teams"].items()}


def with_english(teams: Iterable[TeamSpec]) -> list[TeamSpec]:
    """``teams`` with their English terms added (a team without keywords stays without:
    it is not ready for requests yet)."""
    words = vocabulary()
    out = []
    for team in teams:
        extra = words.get(team.slug, ())
        if extra and team.keywords:
            team = dataclasses.replace(team, keywords=(*team.keywords, *extra))
        out.append(team)
    return out
