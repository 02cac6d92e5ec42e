"""The routing index: every keyword pre-processed once, reachable by inverted lookups.

Scoring a request must not touch every keyword: with 1,000 teams of 20
keywords that alone would blow the latency budget. Instead each distinct term
is filed under

* its first two characters (exact substring search: only terms whose first
  bigram occurs in the request are compared, with ``str.startswith``);
* the sound-alike keys of its first two characters (homophone/look-alike
  typos, see :mod:`bot.routing.phonetic`);
* all of its character bigrams, when it is long enough for fuzzy matching
  (a term is only handed to rapidfuzz when enough of its bigrams occur in the
  request).

A term shared by several teams is stored once and lists its owners, so it is
matched once per request however many teams use it.
"""

from __future__ import annotations

import logging
from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

from bot.routing import segment
from bot.routing.keywords import KeywordError, TeamSpec, parse_keyword
from bot.routing.normalize import is_ascii_word_char, is_cjk
from bot.routing.phonetic import text_keys

log = logging.getLogger(__name__)

# Terms at least this long (in characters) may also match with one edit.
FUZZY_MIN_CHARS = 5


def specificity(term: str) -> float:
    """How much one hit of ``term`` says, before its weight: longer terms are more specific.

    A single character (``电``) is a weak hint, a two-character word the unit
    of evidence, and four or more characters (``劳动合同``) are nearly
    unambiguous. ASCII letters count half a character: ``cnc`` is about as
    specific as a two-character word.
    """
    length = sum(1.0 if is_cjk(c) else 0.5 for c in term if not c.isspace())
    if length <= 1:
        return 0.4
    if length <= 2:
        return 0.4 + 0.6 * (length - 1)
    if length <= 4:
        return 1.0 + 0.25 * (length - 2)
    return 1.5


@dataclass(frozen=True, slots=True)
class Term:
    """One distinct normalised keyword and the teams that use it."""

    text: str
    owners: tuple[tuple[int, float], ...]  # (team position, keyword weight)
    specificity: float
    keys: tuple[str, ...] | None  # sound-alike keys, for all-CJK terms of 2+ characters
    # Starts / ends with an ASCII letter or digit: must not match inside an ASCII word
    # (``ac`` is air conditioning, not the middle of ``back``).
    bounded_start: bool
    bounded_end: bool
    bigrams: int  # distinct bigrams, for the fuzzy candidate filter


class RoutingIndex:
    """Precomputed lookup structures for :func:`bot.routing.route`; never mutated once built.

    ``teams`` keeps every team in catalog order, retired ones included (the
    admin screens list them); only active teams' keywords are indexed, so a
    retired team can never be chosen or appear among the candidates.
    """

    __slots__ = (
        "by_bigram",
        "by_char",
        "by_keys",
        "fuzzy_by_bigram",
        "teams",
        "terms",
    )

    def __init__(
        self,
        teams: tuple[TeamSpec, ...],
        terms: tuple[Term, ...],
    ) -> None:
        self.teams = teams
        self.terms = terms
        by_char: dict[str, list[int]] = defaultdict(list)
        by_bigram: dict[str, list[int]] = defaultdict(list)
        by_keys: dict[tuple[str, str], list[int]] = defaultdict(list)
        fuzzy: dict[str, list[int]] = defaultdict(list)
        for term_id, term in enumerate(terms):
            text = term.text
            if len(text) == 1:
                by_char[text].append(term_id)
            else:
                by_bigram[text[:2]].append(term_id)
            if term.keys is not None:
                by_keys[term.keys[0], term.keys[1]].append(term_id)
            if len(text) >= FUZZY_MIN_CHARS and term.keys is not None:
                for bigram in {text[i : i + 2] for i in range(len(text) - 1)}:
                    fuzzy[bigram].append(term_id)
        self.by_char = dict(by_char)
        self.by_bigram = dict(by_bigram)
        self.by_keys = dict(by_keys)
        self.fuzzy_by_bigram = dict(fuzzy)

    @classmethod
    def build(cls, teams: Iterable[TeamSpec]) -> RoutingIndex:
        """Normalise, de-duplicate and file every keyword of the active teams.

        Invalid keywords (possible in a hand-edited catalog) are logged and
        skipped rather than taking routing down; :func:`edit_keywords`
        prevents them from entering through the bot.
        """
        team_list = tuple(teams)
        slugs = Counter(t.slug for t in team_list)
        duplicates = sorted(slug for slug, count in slugs.items() if count > 1)
        if duplicates:
            raise ValueError(f"duplicate team slugs in catalog: {', '.join(duplicates)}")
        owners: dict[str, dict[int, float]] = {}
        for position, team in enumerate(team_list):
            if not team.active:
                continue
            for raw in team.keywords:
                try:
                    term, weight = parse_keyword(raw)
                except KeywordError as exc:
                    log.warning("team %s: skipping keyword: %s", team.slug, exc)
                    continue
                owners.setdefault(term, {})[position] = weight
        terms = tuple(_compile(text, by_team) for text, by_team in owners.items())
        segment.add_words(owners)
        return cls(team_list, terms)


def _compile(text: str, by_team: dict[int, float]) -> Term:
    all_cjk = all(is_cjk(c) for c in text)
    return Term(
        text=text,
        owners=tuple(sorted(by_team.items())),
        specificity=specificity(text),
        keys=tuple(text_keys(text)) if all_cjk and len(text) >= 2 else None,
        bounded_start=is_ascii_word_char(text[0]),
        bounded_end=is_ascii_word_char(text[-1]),
        bigrams=len({text[i : i + 2] for i in range(len(text) - 1)}),
    )
