"""Accuracy of a router on a labelled corpus, as reported by ``jiangxin route --eval``.

Corpus lines are ``{"text", "team": slug | "none", "also": [slugs]}``: an
answer is right when it is ``team`` or one of ``also``. Definitions:

* top-1 — the decision is right (for ``none`` rows: the answer is "no team");
* top-3 — a right team is among the top three candidates, whatever the
  threshold decided (for ``none`` rows: same as top-1);
* none kept — ``none`` rows answered "no team";
* false none — real requests answered "no team";
* routed or offered — real requests whose right team was routed to directly
  or was among the teams offered as buttons (the person can reach it in one
  tap); asked — real requests answered with buttons.
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path

from bot.routing.scorer import RouteResult

NONE = "none"


@dataclass(frozen=True)
class Example:
    """One labelled request."""

    text: str
    team: str  # a slug, or "none"
    also: tuple[str, ...] = ()

    @property
    def accepted(self) -> frozenset[str]:
        return frozenset((self.team, *self.also))


@dataclass
class Report:
    """Counts behind the printed figures; ``misses`` keeps every top-1 error for inspection."""

    total: int = 0
    top1: int = 0
    top3: int = 0
    none_total: int = 0
    none_kept: int = 0
    real_total: int = 0
    false_none: int = 0
    routed_or_offered: int = 0
    asked: int = 0
    confusions: Counter[tuple[str, str]] = field(default_factory=Counter)
    misses: list[tuple[Example, RouteResult]] = field(default_factory=list)

    def rate(self, part: int, whole: int) -> float:
        return 100.0 * part / whole if whole else 0.0

    @property
    def top1_rate(self) -> float:
        return self.rate(self.top1, self.total)

    @property
    def top3_rate(self) -> float:
        return self.rate(self.top3, self.total)

    @property
    def none_kept_rate(self) -> float:
        return self.rate(self.none_kept, self.none_total)

    @property
    def false_none_rate(self) -> float:
        return self.rate(self.false_none, self.real_total)

    @property
    def routed_or_offered_rate(self) -> float:
        return self.rate(self.routed_or_offered, self.real_total)

    @property
    def asked_rate(self) -> float:
        return self.rate(self.asked, self.real_total)


def read_examples(path: str | Path) -> list[Example]:
    """Read a labelled JSONL corpus (blank lines skipped)."""
    examples = []
    with open(path, encoding="utf-8") as handle:
        for number, line in enumerate(handle, start=1):
            if not line.strip():
                continue
            try:
                row = json.loads(line)
                examples.append(Example(row["text"], row["team"], tuple(row.get("also") or ())))
            except (ValueError, KeyError, TypeError) as exc:
                raise ValueError(f"{path}:{number}: not a labelled example: {exc}") from exc
    return examples


def evaluate(examples: Iterable[Example], route: Callable[[str], RouteResult]) -> Report:
    """Route every example and count the outcomes."""
    report = Report()
    for example in examples:
        result = route(example.text)
        got = result.team or NONE
        report.total += 1
        if example.team == NONE:
            report.none_total += 1
            hit1 = hit3 = result.team is None
            report.none_kept += hit1
        else:
            report.real_total += 1
            report.false_none += result.team is None
            hit1 = got in example.accepted
            hit3 = any(c.team in example.accepted for c in result.candidates)
            report.asked += bool(result.choices)
            if result.choices:
                report.routed_or_offered += any(s in example.accepted for s in result.choices)
            else:
                report.routed_or_offered += got in example.accepted
        report.top1 += hit1
        report.top3 += hit3
        if not hit1:
            report.confusions[example.team, got] += 1
            report.misses.append((example, result))
    return report


def learned_by_team(examples: Iterable[Example]) -> dict[str, list[str]]:
    """Labelled examples grouped as the router's ``learned`` mapping (``none`` rows dropped)."""
    grouped: dict[str, list[str]] = {}
    for example in examples:
        if example.team != NONE:
            grouped.setdefault(example.team, []).append(example.text)
    return grouped
