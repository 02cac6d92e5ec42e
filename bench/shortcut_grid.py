"""What a looser keyword shortcut would cost in accuracy, and save in model calls.

``Router`` answers a need without the model when the keyword stage is sure of one
team (``bot.routing.fusion.keyword_is_sure``: best score ≥ ``KEYWORD_SURE``, runner-up
``KEYWORD_SURE_MARGIN`` behind). For every labelled row this routes the need both
ways — the keyword answer and the fused one — and, for each pair of thresholds, prints
how many of the model calls the shortcut would spare, top-1 accuracy, and in how many
spared rows the keyword answer names another team than the fused one. Two sides: the
rows the thresholds were set on (dev corpus, held-out 1–4, regression, English) and
held-out 5–9. ``--rows`` lists the spared rows whose team would change.

``bench/run_bot.py``'s ``JX_BENCH_SURE=SCORE,MARGIN`` prices the same thresholds in
CPU and capacity (``bench/updates.py capacity``).

    .venv/bin/python bench/shortcut_grid.py [--rows]
"""

from __future__ import annotations

import argparse
import json
import sys
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bot.routing import router as routing  # noqa: E402
from bot.routing.catalog import load_default_teams  # noqa: E402
from bot.routing.chitchat import meaning_may_gate  # noqa: E402

CORE = ROOT / "tests" / "core"
SIDES = {
    "tuning side (dev, held-out 1-4, regression, English)": [
        ROOT.parent / "shared" / "routing-dev.jsonl",
        *(CORE / f"routing_holdout{n}.jsonl" for n in ("", "2", "3", "4")),
        CORE / "routing_regression.jsonl",
        CORE / "routing_english.jsonl",
        CORE / "routing_english2.jsonl",
    ],
    "held-out 5-9": [CORE / f"routing_holdout{n}.jsonl" for n in range(5, 10)],
}
GRID = ((60, 20), (55, 15), (50, 15), (50, 10), (45, 10), (40, 10), (40, 5))


@dataclass(frozen=True)
class Row:
    text: str
    label: str
    fused_right: bool
    keyword_right: bool | None  # None: decided before the model (learned, chit-chat)
    sure: tuple[float, float] | None  # (score, margin) when the shortcut may apply
    same_team: bool
    keyword_team: str | None = None
    fused_team: str | None = None

    def spared(self, score: float, margin: float) -> bool:
        return self.sure is not None and self.sure[0] >= score and self.sure[1] >= margin


def measure(router: routing.Router, path_rows: list[dict]) -> list[Row]:
    state = router._state
    out = []
    for row in path_rows:
        accepted = {None if a == "none" else a for a in (row["team"], *row.get("also", []))}
        early = router._without_model(state, row["text"])
        if isinstance(early, routing.RouteResult):
            out.append(Row(row["text"], row["team"], early.team in accepted, None, None, True))
            continue
        fused = router._with_model(state, early)
        keyword = early.keyword
        runner_up = max((c.score for c in keyword.candidates if c.team != keyword.team), default=0)
        may = (
            keyword.team in state.active
            and keyword.team not in state.contested
            and not meaning_may_gate(early.normalized)
        )
        out.append(
            Row(
                row["text"],
                row["team"],
                fused.team in accepted,
                keyword.team in accepted,
                (keyword.score, keyword.score - runner_up) if may else None,
                fused.team == keyword.team,
                keyword.team,
                fused.team,
            )
        )
    return out


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rows", action="store_true", help="list spared rows that change team")
    args = parser.parse_args()
    router = routing.Router(load_default_teams(), semantic=True)
    router.rebuild().result()
    routing.keyword_is_sure = lambda _keyword: False  # every need the model may judge, judged
    try:
        for side, paths in SIDES.items():
            rows = [
                json.loads(line)
                for path in paths
                if path.exists()
                for line in path.read_text(encoding="utf-8").splitlines()
                if line.strip()
            ]
            measured = measure(router, rows)
            calls = sum(1 for r in measured if r.keyword_right is not None)
            always = sum(r.fused_right for r in measured)
            print(f"{side}: {len(measured)} rows, {calls} reach the model without a shortcut")
            print(f"  top-1 with the model on every one: {100 * always / len(measured):.2f} %")
            for score, margin in GRID:
                spared = [r for r in measured if r.spared(score, margin)]
                right = sum(
                    bool(r.keyword_right) if r.spared(score, margin) else r.fused_right
                    for r in measured
                )
                changed = [r for r in spared if not r.same_team]
                print(
                    f"  score ≥ {score}, margin ≥ {margin}: spares {len(spared)} of {calls} model "
                    f"calls ({100 * len(spared) / calls:.0f} %), top-1 "
                    f"{100 * right / len(measured):.2f} % ({right}), team changed in {len(changed)}"
                )
                if args.rows:
                    for r in changed:
                        keyword = "right" if r.keyword_right else "wrong"
                        fused = "right" if r.fused_right else "wrong"
                        print(
                            f"      {r.text[:40]} | label {r.label} | keywords "
                            f"{r.keyword_team} ({keyword}) | fused {r.fused_team} ({fused})"
                        )
    finally:
        router.close()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
