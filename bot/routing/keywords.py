"""Teams as the router sees them, and the rules for their keywords.

A keyword is a plain term, optionally followed by ``^`` and a weight:
``焊接`` (weight 1), ``欠薪^2`` (a decisive term), ``维修^0.5`` (a vague one
that should only tip a balance). Keeping the weight inside the term keeps one
list per team in the catalog JSON, in the database and in admin commands, and
an admin can re-weight a term by adding it again with a new suffix.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable
from dataclasses import dataclass

from bot.routing.normalize import normalize
from bot.routing.stopwords import CHITCHAT

MAX_TERM_CHARS = 20
MIN_WEIGHT = 0.1
MAX_WEIGHT = 5.0
WEIGHT_MARK = "^"


@dataclass(frozen=True)
class TeamSpec:
    """One routable team: stable slug, display name and keywords (``term`` or ``term^weight``)."""

    slug: str
    name: str
    keywords: tuple[str, ...]
    active: bool = True
    description: str = ""  # what the team does; feeds the semantic stage


class KeywordError(ValueError):
    """A keyword an admin may not add; ``reason`` is a stable code for the UI's own wording.

    Reasons: ``empty``, ``too_long``, ``chitchat``, ``bad_weight``.
    """

    def __init__(self, term: str, reason: str, message: str) -> None:
        super().__init__(message)
        self.term = term
        self.reason = reason


def parse_keyword(raw: str, *, allow_chitchat: bool = False) -> tuple[str, float]:
    """Split ``term^weight`` into the normalised term and its weight, validating both.

    ``allow_chitchat`` is for removals: an admin must be able to delete a
    greeting that slipped into an old catalog.
    """
    term, mark, weight_text = raw.rpartition(WEIGHT_MARK)
    if not mark:
        term, weight_text = raw, ""
    weight = 1.0
    if weight_text:
        try:
            weight = float(weight_text)
        except ValueError:
            raise KeywordError(
                raw, "bad_weight", f"keyword {raw!r}: weight {weight_text!r} is not a number"
            ) from None
        if not MIN_WEIGHT <= weight <= MAX_WEIGHT:
            raise KeywordError(
                raw,
                "bad_weight",
                f"keyword {raw!r}: weight must be between {MIN_WEIGHT:g} and {MAX_WEIGHT:g}",
            )
    normalized = normalize(term)
    if not normalized:
        raise KeywordError(raw, "empty", f"keyword {raw!r} is empty after removing punctuation")
    if len(normalized) > MAX_TERM_CHARS:
        raise KeywordError(
            raw,
            "too_long",
            f"keyword {raw!r} has {len(normalized)} characters; at most {MAX_TERM_CHARS} allowed",
        )
    if normalized in CHITCHAT and not allow_chitchat:
        raise KeywordError(
            raw, "chitchat", f"keyword {raw!r} is a greeting or filler word and would never help"
        )
    return normalized, weight


def format_keyword(term: str, weight: float) -> str:
    """The canonical stored form: the bare term for weight 1, else ``term^weight``."""
    return term if weight == 1.0 else f"{term}{WEIGHT_MARK}{weight:g}"


def edit_keywords(team: TeamSpec, add: Iterable[str] = (), remove: Iterable[str] = ()) -> TeamSpec:
    """Return ``team`` with keywords added and removed, normalised and de-duplicated.

    Removal matches on the term, whatever its weight; adding an existing term
    replaces its weight. Existing keywords keep their order, new ones go last.
    Raises :class:`KeywordError` (a ``ValueError``) on the first invalid term
    of ``add`` or ``remove``, leaving nothing half-edited.
    """
    weights: dict[str, float] = {}
    for raw in team.keywords:
        try:
            term, weight = parse_keyword(raw)
        except KeywordError:
            continue  # a legacy bad entry is dropped, not allowed to block every edit
        weights[term] = weight
    removals = {parse_keyword(raw, allow_chitchat=True)[0] for raw in remove}
    additions = [parse_keyword(raw) for raw in add]
    for term in removals:
        weights.pop(term, None)
    for term, weight in additions:
        weights[term] = weight
    keywords = tuple(format_keyword(term, weight) for term, weight in weights.items())
    return dataclasses.replace(team, keywords=keywords)
