"""Scoring a request against the index: which team, how sure, and why.

Evidence comes in three tiers, strongest first:

1. **exact** — a keyword occurs verbatim in the normalised request;
2. **sound-alike** — the keyword's pinyin/look-alike keys occur and the typed
   characters read as a slip (see :func:`_plausible_typo`): ``汉接`` →
   ``焊接``, ``跳阐`` → ``跳闸``, ``社包`` → ``社保``;
3. **fuzzy** — terms of :data:`~bot.routing.index.FUZZY_MIN_CHARS` or more
   characters, found with one edit by ``rapidfuzz.fuzz.partial_ratio``
   (``开学的第一课``). Shorter terms never match fuzzily: one edit in a
   two-character term makes a different word.

Hits are then checked against the jieba segmentation (single characters must
be words of their own, sound-alikes must not be real words, hits inside a
longer word or straddling two words are discounted), and overlapping hits are
reduced to one reading each (the longer term wins: ``焊接安全`` over ``焊接``).

A team's raw evidence is the sum of its keyword contributions (weight ×
specificity × tier quality × boundary discount), best first, each further one
discounted by :data:`DECAY`, so a long request that mentions many loosely
related words cannot outweigh a short one that names the problem, and a
repeated word counts once. The raw value maps to 0–100 as
``100 * (1 - exp(-raw / TAU))``: one plain two-character keyword scores about
49, a vague one (weight ≤ 0.6) stays below :data:`NO_TEAM_BELOW`, under which
the answer is "no team".

The constants were first set on one half of the development corpus and
checked on the other (figures in ``bench/README.md``); the grid around them
is flat, so small catalog changes do not need re-tuning.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from rapidfuzz import fuzz

from bot.routing import segment
from bot.routing.index import RoutingIndex, Term
from bot.routing.normalize import is_ascii_word_char, normalize
from bot.routing.phonetic import text_keys
from bot.routing.stopwords import STOPWORDS, is_contentless, strip_meta_chat

EXACT = 1.0
SOUND_ALIKE = 0.8
FUZZY = 0.6
STRADDLE = 0.4
INSIDE_WORD = 0.6
DECAY = 0.6
TAU = 1.5
NO_TEAM_BELOW = 35.0
TOP_CANDIDATES = 3
# Only the head of a very long message is scored: the need is stated early, and
# a pasted document beyond this adds noise and latency, not signal.
MAX_CHARS = 1000


@dataclass(frozen=True)
class Candidate:
    """A team and its 0–100 score for one request."""

    team: str
    score: float


@dataclass(frozen=True)
class RouteResult:
    """The routing decision: ``team`` is ``None`` for "no team"."""

    team: str | None
    score: float
    candidates: tuple[Candidate, ...]
    matched: tuple[str, ...]
    # Teams to offer as buttons when unsure (empty when routing directly or no team).
    choices: tuple[str, ...] = ()
    # Keyword-stage score of every team with evidence (the fusion reads them all).
    scores: tuple[Candidate, ...] = ()


NO_TEAM = RouteResult(team=None, score=0.0, candidates=(), matched=())


@dataclass(slots=True)
class _Hit:
    term_id: int
    start: int
    end: int
    quality: float
    sound_alike: bool = False


def route(text: str, index: RoutingIndex) -> RouteResult:
    """Route one request; pure and thread-safe (the index is never mutated)."""
    norm = strip_meta_chat(normalize(text)[:MAX_CHARS])
    if not norm.strip():
        return NO_TEAM
    tokens = segment.cut(norm)
    if is_contentless(tokens):
        return NO_TEAM
    hits = _find_hits(norm, index)
    if not hits:
        return NO_TEAM
    hits = _resolve_overlaps(_check_boundaries(hits, tokens), index)
    if not hits:
        return NO_TEAM
    return _decide(hits, index)


def _find_hits(norm: str, index: RoutingIndex) -> list[_Hit]:
    """Every occurrence of every term, exact first, then sound-alike, then fuzzy."""
    terms = index.terms
    hits: list[_Hit] = []
    found: set[int] = set()
    n = len(norm)
    for i in range(n):
        for term_id in index.by_char.get(norm[i], ()):
            hits.append(_Hit(term_id, i, i + 1, EXACT))
            found.add(term_id)
        for term_id in index.by_bigram.get(norm[i : i + 2], ()):
            term = terms[term_id]
            if norm.startswith(term.text, i) and _bounded_ok(term, norm, i):
                hits.append(_Hit(term_id, i, i + len(term.text), EXACT))
                found.add(term_id)

    keys = text_keys(norm)
    for i in range(n - 1):
        for term_id in index.by_keys.get((keys[i], keys[i + 1]), ()):
            term = terms[term_id]
            length = len(term.text)
            if term_id in found or term.keys != tuple(keys[i : i + length]):
                continue
            if _plausible_typo(term.text, norm[i : i + length]):
                hits.append(_Hit(term_id, i, i + length, SOUND_ALIKE, sound_alike=True))

    for term_id in _fuzzy_candidates(norm, index, found):
        term = terms[term_id]
        length = len(term.text)
        cutoff = 100.0 * (length - 1) / length
        alignment = fuzz.partial_ratio_alignment(term.text, norm, score_cutoff=cutoff)
        if alignment is not None:
            hits.append(
                _Hit(
                    term_id, alignment.dest_start, alignment.dest_end, FUZZY * alignment.score / 100
                )
            )
    return hits


def _plausible_typo(term: str, typed: str) -> bool:
    """Whether ``typed`` (same keys as ``term``) reads as a slip rather than another word.

    One character may differ (two in terms longer than four), and in a
    two-character term the character typed right must carry meaning:
    ``汉接`` keeps ``接``, whereas ``烟了`` only shares the particle ``了``
    with ``淹了``.
    """
    differing = [i for i, (a, b) in enumerate(zip(term, typed, strict=True)) if a != b]
    if not differing or len(differing) > (1 if len(term) <= 4 else 2):
        return False
    return len(term) > 2 or term[1 - differing[0]] not in STOPWORDS


def _bounded_ok(term: Term, norm: str, start: int) -> bool:
    if term.bounded_start and start > 0 and is_ascii_word_char(norm[start - 1]):
        return False
    end = start + len(term.text)
    return not (term.bounded_end and end < len(norm) and is_ascii_word_char(norm[end]))


def _fuzzy_candidates(norm: str, index: RoutingIndex, found: set[int]) -> list[int]:
    """Long terms sharing all but two of their bigrams with the request (one edit's worth)."""
    if not index.fuzzy_by_bigram:
        return []
    shared: dict[int, int] = {}
    for bigram in {norm[i : i + 2] for i in range(len(norm) - 1)}:
        for term_id in index.fuzzy_by_bigram.get(bigram, ()):
            shared[term_id] = shared.get(term_id, 0) + 1
    terms = index.terms
    return [
        term_id
        for term_id, count in shared.items()
        if term_id not in found and count >= max(2, terms[term_id].bigrams - 2)
    ]


def _check_boundaries(hits: list[_Hit], tokens: list[str]) -> list[_Hit]:
    """Check hits against word boundaries; returns the hits that still count.

    * A single character counts only as a word of its own (``鸡`` in
      ``鸡|拉稀``, not in ``鸡蛋``).
    * A sound-alike hit must cover whole words that are not themselves a
      dictionary word: a typo breaks a word into characters (``汉|接``), while
      ``一首|诗`` is a correctly typed word that happens to sound like ``首饰``.
    * A hit at the start or in the middle of a longer word is discounted by
      :data:`INSIDE_WORD` (``电视`` in ``电视剧``), one that begins inside one
      word and ends inside another by :data:`STRADDLE` (``上班`` in ``马上|班车``).
    """
    starts: set[int] = set()
    token_of: list[int] = []
    position = 0
    for number, token in enumerate(tokens):
        starts.add(position)
        position += len(token)
        token_of.extend([number] * len(token))
    starts.add(position)
    dictionary = segment.tokenizer().FREQ
    kept = []
    for hit in hits:
        first, last = token_of[hit.start], token_of[hit.end - 1]
        if hit.end - hit.start == 1:
            if len(tokens[first]) == 1:
                kept.append(hit)
            continue
        if hit.sound_alike:
            span = "".join(tokens[first : last + 1])
            if hit.start in starts and hit.end in starts and not dictionary.get(span):
                kept.append(hit)
            continue
        if first == last:
            # Chinese compounds are right-headed: a keyword ending a longer word
            # names its kind (银手镯 is a 手镯, 发电机 an 电机), one starting it
            # usually does not (电视剧 is no 电视).
            if len(tokens[first]) > hit.end - hit.start and hit.end not in starts:
                hit.quality *= INSIDE_WORD
        elif hit.start not in starts and hit.end not in starts:
            hit.quality *= STRADDLE
        kept.append(hit)
    return kept


def _resolve_overlaps(hits: list[_Hit], index: RoutingIndex) -> list[_Hit]:
    """Keep one reading of each stretch of text.

    A hit inside a strictly longer hit is dropped whatever its team: the
    longer term is the more specific reading (``焊接`` inside ``焊接安全``).
    Two hits of the same team that merely overlap (``来讲`` and ``讲讲`` in
    ``来讲讲``) are one piece of evidence, so only the stronger counts.
    """
    terms = index.terms

    def strength(hit: _Hit) -> float:
        term = terms[hit.term_id]
        return max(weight for _, weight in term.owners) * term.specificity * hit.quality

    ordered = sorted(hits, key=lambda h: (h.start - h.end, -strength(h)))  # longest, strongest
    kept: list[tuple[_Hit, frozenset[int]]] = []
    for hit in ordered:
        length = hit.end - hit.start
        teams = frozenset(position for position, _ in terms[hit.term_id].owners)
        if not any(
            k.start < hit.end
            and hit.start < k.end
            and (
                (k.end - k.start > length and k.start <= hit.start and hit.end <= k.end)
                or not k_teams.isdisjoint(teams)
            )
            for k, k_teams in kept
        ):
            kept.append((hit, teams))
    return [hit for hit, _ in kept]


def _decide(hits: list[_Hit], index: RoutingIndex) -> RouteResult:
    terms = index.terms
    # Best contribution of each (team, term): repeating a word adds nothing.
    best: dict[int, dict[int, float]] = {}
    for hit in hits:
        term = terms[hit.term_id]
        for position, weight in term.owners:
            value = weight * term.specificity * hit.quality
            per_team = best.setdefault(position, {})
            if value > per_team.get(hit.term_id, 0.0):
                per_team[hit.term_id] = value
    scored: list[tuple[float, int, list[tuple[float, int]]]] = []
    for position, per_term in best.items():
        ranked = sorted(((v, t) for t, v in per_term.items()), reverse=True)
        raw = sum(value * DECAY**rank for rank, (value, _) in enumerate(ranked))
        scored.append((100.0 * (1.0 - math.exp(-raw / TAU)), position, ranked))
    scored.sort(key=lambda row: (-row[0], row[1]))
    candidates = tuple(
        Candidate(index.teams[position].slug, round(score, 1))
        for score, position, _ in scored[:TOP_CANDIDATES]
    )
    top_score, top_position, ranked = scored[0]
    matched = tuple(terms[term_id].text for _, term_id in ranked)
    team = index.teams[top_position].slug if top_score >= NO_TEAM_BELOW else None
    scores = tuple(Candidate(index.teams[position].slug, score) for score, position, _ in scored)
    return RouteResult(
        team=team,
        score=round(top_score, 1),
        candidates=candidates,
        matched=matched,
        scores=scores,
    )
