"""Fusing the keyword and semantic stages into one decision, and when to ask.

Each team gets ``F = KEYWORD_SHARE * k + (1 - KEYWORD_SHARE) * p`` where
``k`` is its keyword score (0–1) and ``p`` its share of a softmax over the
semantic similarities of all teams and ``none``. Fusing (rather than using
the model only when keywords find nothing) lets meaning outvote a side word
(``水到膝盖了`` is a flood, not a knee) and lets a keyword outvote a vague
sentence. ``none`` competes like a team: its semantic share plus the
keyword stage's own "nothing here" vote when no keyword is strong.

The decision asks instead of guessing when the best team is weak or the
runner-up is close: it then carries ``choices``, the 2–3 teams to offer.
Constants were set on one half of the development corpus and checked on the
other half and on the held-out sentences (figures in ``bench/README.md``).
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass

from bot.routing.scorer import Candidate, RouteResult

NONE = "none"


@dataclass(frozen=True)
class FusionParams:
    keyword_share: float = 0.4
    temperature: float = 0.02  # e5 similarities are compressed (about 0.75–0.92)
    # The keyword stage's "nothing here" vote (minus the best keyword score): the smallest
    # value that keeps every chit-chat line of the tuning half answered "no team".
    none_keyword_vote: float = 0.2
    sure: float = 0.3  # below this fused score the bot asks
    close: float = 0.08  # runner-up within this of the best: the bot asks
    choice_ratio: float = 0.35  # teams offered must score at least this share of the best
    max_choices: int = 3
    # "No team" narrowly: when the best team scores at least this share of the "none"
    # score, the bot offers the best teams instead of giving up (1.0 or more: never).
    ask_near_none: float = 0.8
    ask_min: float = 0.10  # ...and only when the best team scores at least this much


PARAMS = FusionParams()

# The keyword stage alone decides when it is this sure (0–100) and its runner-up is this
# far behind: over the 1,481 labelled rows of the repository's sets, the fused decision
# then named the same team in every case but one and differed only by asking where the
# keywords were right (figures in bench/README.md, "Fourth pass"); skipping the model
# there saves its 12–40 ms of CPU on about two needs in five.
KEYWORD_SURE = 60.0
KEYWORD_SURE_MARGIN = 20.0


def keyword_is_sure(keyword: RouteResult) -> bool:
    """The keyword stage found one team clearly: the semantic stage would not change it."""
    if keyword.team is None or keyword.score < KEYWORD_SURE:
        return False
    runner_up = max((c.score for c in keyword.candidates if c.team != keyword.team), default=0.0)
    return keyword.score - runner_up >= KEYWORD_SURE_MARGIN


def fuse(
    keyword: RouteResult,
    sims: Mapping[str, float],
    *,
    active: frozenset[str] | None = None,
    params: FusionParams = PARAMS,
) -> RouteResult:
    """Combine the keyword result with the semantic similarities of one request."""
    if not sims:
        return keyword
    k = {c.team: c.score / 100 for c in keyword.scores}
    top = max(sims.values())
    exp = {slug: math.exp((value - top) / params.temperature) for slug, value in sims.items()}
    total = sum(exp.values())
    share = 1.0 - params.keyword_share
    fused = {
        slug: params.keyword_share * k.get(slug, 0.0) + share * value / total
        for slug, value in exp.items()
        if slug != NONE and (active is None or slug in active)
    }
    for slug, value in k.items():
        # A team whose vectors are still being built (just added or re-keyworded) is
        # judged by its keywords alone until the background rebuild swaps them in.
        if slug not in sims and (active is None or slug in active):
            fused[slug] = value
    best_k = max(k.values(), default=0.0)
    none_score = share * exp.get(NONE, 0.0) / total + params.keyword_share * max(
        0.0, params.none_keyword_vote - best_k
    )
    ranked = sorted(fused.items(), key=lambda item: -item[1])
    candidates = tuple(Candidate(slug, round(100 * value, 1)) for slug, value in ranked[:3])
    near_none = False
    if not ranked or none_score >= ranked[0][1]:
        if (
            not ranked
            or ranked[0][1] < params.ask_near_none * none_score
            or ranked[0][1] < params.ask_min
        ):
            # "No team" keeps the keyword stage's own evidence (none for chit-chat).
            return RouteResult(
                None, keyword.score, keyword.candidates, keyword.matched, (), keyword.scores
            )
        # Some trade word was found: a real need, probably, in words the bot half
        # understands (chit-chat rarely names a trade once remarks about the bot are cut).
        near_none = True
    best_slug, best = ranked[0]
    runner_up = ranked[1][1] if len(ranked) > 1 else 0.0
    choices: tuple[str, ...] = ()
    if near_none or best < params.sure or best - runner_up < params.close:
        choices = tuple(
            slug
            for slug, value in ranked[: params.max_choices]
            if value >= params.choice_ratio * best
        )
        if len(choices) < 2:
            choices = tuple(slug for slug, _ in ranked[:2])
    return RouteResult(
        best_slug, round(100 * best, 1), candidates, keyword.matched, choices, keyword.scores
    )


def keyword_choices(result: RouteResult, *, close: float = 10.0) -> RouteResult:
    """Keyword stage alone: ask between the top teams when they score within ``close`` points."""
    if result.team is None or len(result.candidates) < 2:
        return result
    best = result.candidates[0].score
    choices = tuple(c.team for c in result.candidates if best - c.score < close)
    if len(choices) < 2:
        return result
    return RouteResult(
        result.team, result.score, result.candidates, result.matched, choices, result.scores
    )
