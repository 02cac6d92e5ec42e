"""Train the chit-chat probe (:class:`bot.routing.chitchat.Probe`) and write it for shipping.

Run from the repository root after changing the model, the templates or the rules::

    python -m bot.routing.chitchat_train [--calibrate FILE ...]

Training data: the development corpus (``../shared/routing-dev.jsonl``), held-out
sets 1–4 and the two English sets (the tuning corpora of issue 16; held-out 5 and
later are never read), plus the shipped templates: ``none`` and ``chitchat`` as
chit-chat, every team's templates as needs. Logistic regression on the e5 query
vectors, classes weighted equally, L2 penalty :data:`L2`. The threshold is the
highest score of any real need without a sign of a need (the only ones the probe
may gate) in the training data and the ``--calibrate`` files, plus
:data:`THRESHOLD_PAD`. Deterministic: the same inputs give the same file.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

import numpy as np

from bot.routing.chitchat import PROBE_FILE, needs_help
from bot.routing.evaluate import NONE, read_examples
from bot.routing.normalize import normalize
from bot.routing.semantic import MODEL_ID, TEMPLATES, get_model

ROOT = Path(__file__).resolve().parents[2]
CORPORA = (
    ROOT.parent / "shared" / "routing-dev.jsonl",
    ROOT / "tests" / "core" / "routing_holdout.jsonl",
    ROOT / "tests" / "core" / "routing_holdout2.jsonl",
    ROOT / "tests" / "core" / "routing_holdout3.jsonl",
    ROOT / "tests" / "core" / "routing_holdout4.jsonl",
    ROOT / "tests" / "core" / "routing_english.jsonl",
    ROOT / "tests" / "core" / "routing_english2.jsonl",
)
L2 = 1e-3
SCALE = 10.0  # query vectors are unit length; scaled so plain gradient descent converges
EPOCHS = 3000
LEARNING_RATE = 0.5
THRESHOLD_PAD = 0.5


def _labelled(paths: list[Path]) -> list[tuple[str, bool]]:
    return [(ex.text, ex.team == NONE) for path in paths for ex in read_examples(path)]


def _templates() -> list[tuple[str, bool]]:
    with open(TEMPLATES, encoding="utf-8") as handle:
        data = json.load(handle)
    rows = [(text, True) for text in (*data.get("chitchat", ()), *data["teams"].get(NONE, ()))]
    rows += [(t, False) for slug, texts in data["teams"].items() if slug != NONE for t in texts]
    return rows


def train(rows: list[tuple[str, bool]], calibration: list[tuple[str, bool]]) -> dict:
    model = get_model()
    x = model.queries([text[:200] for text, _ in rows]) * SCALE
    y = np.array([chat for _, chat in rows], dtype=np.float64)
    sample = np.where(y == 1, 0.5 / y.mean(), 0.5 / (1 - y.mean()))
    weights = np.zeros(x.shape[1])
    bias = 0.0
    for _ in range(EPOCHS):
        p = 1.0 / (1.0 + np.exp(-(x @ weights + bias)))
        grad = (p - y) * sample
        weights -= LEARNING_RATE * (x.T @ grad / len(y) + L2 * weights)
        bias -= LEARNING_RATE * float(grad.mean())
    weights *= SCALE  # scores are then read off the unscaled query vector
    needs = [t for t, chat in (*rows, *calibration) if not chat and not needs_help(normalize(t))]
    scores = model.queries([t[:200] for t in needs]) @ weights + bias
    return {
        "weights": weights.astype(np.float32),
        "bias": np.float64(bias),
        "threshold": np.float64(float(scores.max()) + THRESHOLD_PAD),
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--calibrate", nargs="*", default=[], metavar="FILE")
    args = parser.parse_args(argv)
    missing = [str(path) for path in CORPORA if not path.exists()]
    if missing:
        print(f"error: training corpora not found: {', '.join(missing)}", file=sys.stderr)
        return 2
    rows = _labelled(list(CORPORA)) + _templates()
    calibration = _labelled([Path(p) for p in args.calibrate])
    probe = train(rows, calibration)
    np.savez(PROBE_FILE, model=np.array(MODEL_ID), **probe)
    print(
        f"wrote {PROBE_FILE}: {len(rows)} training texts "
        f"({sum(chat for _, chat in rows)} chit-chat), threshold {float(probe['threshold']):.2f}"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
