"""Reading team catalogs (``bot/data/catalog.json`` and files in the same format).

The format is ``{"version": 1, "teams": [{"slug", "name", "keywords": [...],
"active"?: bool, ...}]}``; fields the router does not use (``name_en``,
``description``) are ignored here. Keywords use the ``term^weight`` syntax
described in :mod:`bot.routing.keywords`.
"""

from __future__ import annotations

import json
from pathlib import Path

from bot.routing.keywords import TeamSpec

DEFAULT_CATALOG = Path(__file__).resolve().parent.parent / "data" / "catalog.json"


def load_teams(path: str | Path) -> list[TeamSpec]:
    """Read the teams of a catalog file; ``ValueError`` names the first malformed entry."""
    with open(path, encoding="utf-8") as handle:
        data = json.load(handle)
    teams = data.get("teams") if isinstance(data, dict) else None
    if not isinstance(teams, list):
        raise ValueError(f"{path}: expected an object with a 'teams' list")
    specs = []
    for number, entry in enumerate(teams, start=1):
        try:
            keywords = entry.get("keywords", [])
            if not isinstance(keywords, list) or not all(isinstance(k, str) for k in keywords):
                raise TypeError("'keywords' must be a list of strings")
            specs.append(
                TeamSpec(
                    slug=str(entry["slug"]),
                    name=str(entry["name"]),
                    keywords=tuple(keywords),
                    active=bool(entry.get("active", True)),
                    description=str(entry.get("description", "")),
                )
            )
        except (AttributeError, KeyError, TypeError) as exc:
            raise ValueError(f"{path}: team #{number} is malformed: {exc}") from exc
    return specs


def load_default_teams() -> list[TeamSpec]:
    """The catalog the bot ships with (``bot/data/catalog.json``)."""
    return load_teams(DEFAULT_CATALOG)
