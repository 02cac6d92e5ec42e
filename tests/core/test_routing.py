"""Routing: accuracy floors on labelled corpora, Chinese text handling, and the CLI contract."""

from __future__ import annotations

import dataclasses
import io
import json
import subprocess
import sys
from pathlib import Path

import pytest

from bot.routing import (
    KeywordError,
    Router,
    RoutingIndex,
    TeamSpec,
    edit_keywords,
    english,
    load_default_teams,
    normalize,
    route,
    suggest_keywords,
)
from bot.routing.cli import main as cli_main
from bot.routing.evaluate import Report, evaluate, read_examples
from bot.routing.keywords import MAX_TERM_CHARS, format_keyword, parse_keyword
from bot.routing.stopwords import STOPWORDS

ROOT = Path(__file__).resolve().parents[2]
DEV_CORPUS = ROOT.parent / "shared" / "routing-dev.jsonl"
REGRESSION_CORPUS = ROOT / "tests" / "core" / "routing_regression.jsonl"
SLUGS = {
    "tech", "electric", "skills", "legal", "health", "safety",
    "agri", "convenience", "lecture", "heritage", "environment", "emergency",
}  # fmt: skip


@pytest.fixture(scope="module")
def router() -> Router:
    return Router(load_default_teams())


def _team(slug: str, *keywords: str, active: bool = True) -> TeamSpec:
    return TeamSpec(slug=slug, name=slug.upper(), keywords=keywords, active=active)


def _describe(report: Report) -> str:
    misses = "\n".join(f"  {ex.team} -> {res.team}: {ex.text}" for ex, res in report.misses[:20])
    return (
        f"top-1 {report.top1_rate:.1f}%, top-3 {report.top3_rate:.1f}%, "
        f"none kept {report.none_kept_rate:.1f}%, false none {report.false_none_rate:.1f}%\n"
        f"{misses}"
    )


# --- accuracy floors ---------------------------------------------------------------


def test_dev_corpus_meets_the_floors(router: Router) -> None:
    if not DEV_CORPUS.exists():
        pytest.skip(f"development corpus not found at {DEV_CORPUS} (it lives beside the repo)")
    report = evaluate(read_examples(DEV_CORPUS), router.route)
    assert report.total >= 200
    assert report.top1_rate >= 92.0, _describe(report)
    assert report.top3_rate >= 98.0, _describe(report)
    assert report.none_kept_rate >= 90.0, _describe(report)
    assert report.false_none_rate <= 3.0, _describe(report)


HOLDOUT = ROOT / "tests" / "core" / "routing_holdout.jsonl"
HOLDOUT_2 = ROOT / "tests" / "core" / "routing_holdout2.jsonl"
HOLDOUT_3 = ROOT / "tests" / "core" / "routing_holdout3.jsonl"
# Written fresh and frozen before the side-word rules and the ask-near-none calibration;
# set 5 was only ever measured in aggregate (bench/README.md).
HOLDOUT_4 = ROOT / "tests" / "core" / "routing_holdout4.jsonl"
HOLDOUT_5 = ROOT / "tests" / "core" / "routing_holdout5.jsonl"
# Written and frozen before the third pass (bench/README.md), measured in aggregate only;
# its chit-chat is 12 lines, 10 kept (11 since the chit-chat gate of the sixth pass).
HOLDOUT_6 = ROOT / "tests" / "core" / "routing_holdout6.jsonl"
# Written and frozen before the fourth pass, measured in aggregate only: 90.8 % top-1,
# 97.3 % routed or offered; its chit-chat is 10 lines, 6 kept (8 since the chit-chat gate).
HOLDOUT_7 = ROOT / "tests" / "core" / "routing_holdout7.jsonl"
# Written and frozen before the fifth pass, measured in aggregate only: 83.3 % top-1
# (every real need routed or offered), but only 28 of its 42 chit-chat lines kept (36 since
# the chit-chat gate).
HOLDOUT_8 = ROOT / "tests" / "core" / "routing_holdout8.jsonl"
# Written and frozen before the sixth pass (the chit-chat gate), measured in aggregate only:
# 62 chit-chat lines, 37 kept before the gate and 53 after; 71 real needs, 68 routed or offered.
HOLDOUT_9 = ROOT / "tests" / "core" / "routing_holdout9.jsonl"


def _routed_or_offered(examples: list, router: Router, results: dict | None = None) -> float:
    """Real requests whose right team is the direct answer or among the offered choices."""
    real = [ex for ex in examples if ex.team != "none"]
    good = 0
    for ex in real:
        result = results[ex.text] if results is not None else router.route(ex.text)
        good += (result.team in ex.accepted and not result.choices) or any(
            slug in ex.accepted for slug in result.choices
        )
    return 100.0 * good / len(real)


@pytest.mark.parametrize(
    ("path", "top1", "offered", "false_none", "none_kept"),
    [
        (HOLDOUT, 95.0, 97.0, 2.0, 85.0),
        (HOLDOUT_2, 92.0, 95.0, 3.0, 85.0),
        (HOLDOUT_3, 95.0, 95.0, 3.0, 85.0),
        (HOLDOUT_4, 93.0, 97.0, 2.0, 85.0),
        (HOLDOUT_5, 85.0, 90.0, 4.0, 85.0),
        (HOLDOUT_6, 92.0, 95.0, 3.0, 90.0),
        (HOLDOUT_7, 88.0, 95.0, 3.0, 75.0),
        (HOLDOUT_8, 88.0, 97.0, 3.0, 80.0),
        (HOLDOUT_9, 85.0, 94.0, 2.0, 80.0),
    ],
)
def test_held_out_sentences_meet_the_floors(
    router: Router, path: Path, top1: float, offered: float, false_none: float, none_kept: float
) -> None:
    """Sentences written apart from the keywords and never tuned on (see bench/README.md)."""
    examples = read_examples(path)
    results = {ex.text: router.route(ex.text) for ex in examples}
    report = evaluate(examples, results.__getitem__)
    assert report.total >= 50
    assert report.top1_rate >= top1, _describe(report)
    assert report.none_kept_rate >= none_kept, _describe(report)
    assert report.false_none_rate <= false_none, _describe(report)
    by_hand = _routed_or_offered(examples, router, results)
    assert by_hand >= offered
    assert report.routed_or_offered_rate == pytest.approx(by_hand)  # the report counts the same


@pytest.mark.parametrize(
    ("text", "team"),
    [
        ("家里的猪拉肚子，也不吃食", "agri"),  # the patient is an animal: a vet's symptom
        ("想请劳模给新员工讲讲他的奋斗经历", "lecture"),  # a role model's talk, not a course
        ("车间那台空压机太费电了", "environment"),  # what it costs in power, not a repair
    ],
)
def test_side_words_yield_to_the_need(router: Router, text: str, team: str) -> None:
    assert router.route(text).team == team


@pytest.mark.parametrize("text", ["这个机器人好笨", "垃圾机器人，啥也不懂", "机器人你好"])
def test_remarks_about_the_bot_never_route(router: Router, text: str) -> None:
    assert router.route(text).team is None


def test_a_need_just_under_the_none_line_is_asked_not_dropped() -> None:
    """Fusion: when "none" only narrowly beats the best team, offer the best teams."""
    from bot.routing.fusion import fuse
    from bot.routing.scorer import NO_TEAM

    sims = {"tech": 0.85, "electric": 0.849, "none": 0.846}  # none wins with the keyword vote
    asked = fuse(NO_TEAM, sims)
    assert asked.team == "tech" and asked.choices[:2] == ("tech", "electric")
    clear = fuse(NO_TEAM, {"tech": 0.80, "electric": 0.79, "none": 0.86})
    assert clear.team is None and clear.choices == ()


# English requests (issue 17.9): the first set was written with the English keywords and
# seen while adding them; the second was written afterwards and measured once. Before
# the English keywords: 92.1 / 84.2 top-1 (semantic stage on), 69.8 / 63.2 (keywords only).
ENGLISH = ROOT / "tests" / "core" / "routing_english.jsonl"
ENGLISH_2 = ROOT / "tests" / "core" / "routing_english2.jsonl"


@pytest.mark.parametrize(
    ("path", "top1", "false_none"), [(ENGLISH, 97.0, 2.0), (ENGLISH_2, 90.0, 5.0)]
)
def test_english_requests_meet_the_floors(
    router: Router, path: Path, top1: float, false_none: float
) -> None:
    report = evaluate(read_examples(path), router.route)
    assert report.total >= 36
    assert report.top1_rate >= top1, _describe(report)
    assert report.none_kept_rate >= 100.0, _describe(report)
    assert report.false_none_rate <= false_none, _describe(report)


def test_english_vocabulary_is_canonical_and_names_real_teams() -> None:
    slugs = {t.slug for t in load_default_teams()}
    for slug, terms in english.vocabulary().items():
        assert slug in slugs
        for raw in terms:
            assert format_keyword(*parse_keyword(raw)) == raw, (slug, raw)


def test_regression_corpus_meets_the_floors(router: Router) -> None:
    report = evaluate(read_examples(REGRESSION_CORPUS), router.route)
    assert report.top1_rate >= 95.0, _describe(report)
    assert report.top3_rate >= 98.0, _describe(report)
    assert report.none_kept_rate >= 90.0, _describe(report)
    assert report.false_none_rate <= 3.0, _describe(report)


def test_regression_corpus_covers_every_team_and_the_hard_cases() -> None:
    examples = read_examples(REGRESSION_CORPUS)
    assert {ex.team for ex in examples} == SLUGS | {"none"}
    texts = [ex.text for ex in examples]
    assert any(len(t) > 300 for t in texts), "a very long request"
    assert any(len(t) <= 2 for t in texts), "a very short request"
    assert any("ＣＮＣ" in t for t in texts), "full-width letters"
    assert any("車" in t for t in texts), "traditional characters"
    assert any("汉接" in t or "汗接" in t for t in texts), "a homophone typo"


# --- normalisation -----------------------------------------------------------------


def test_normalize_folds_full_width_case_and_punctuation() -> None:
    assert normalize("ＣＮＣ加工，ＰＬＣ！！") == "cnc加工 plc"
    assert normalize("  １２３　ａｂｃ  ") == "123 abc"


def test_normalize_converts_traditional_to_simplified() -> None:
    assert normalize("空調開一會就停") == "空调开一会就停"
    assert normalize("電機燒了") == "电机烧了"


def test_traditional_and_full_width_requests_route_like_simplified(router: Router) -> None:
    assert router.route("空調開一會就停，不製冷").team == "convenience"
    assert router.route("ＣＮＣ刀具磨損太快").team == "tech"


_READINGS = """
import hashlib, sys
from pypinyin import constants, lazy_pinyin
from bot.routing.normalize import is_cjk
ranges = ((0x3400, 0x4DBF), (0x4E00, 0x9FFF), (0x20000, 0x2A6DF))
chars = [chr(c) for a, b in ranges for c in range(a, b + 1) if is_cjk(chr(c))]
digest = hashlib.sha256(" ".join(lazy_pinyin(c)[0] for c in chars).encode()).hexdigest()
print(len(constants.PHRASES_DICT) > 0, len(chars), digest)
"""


def test_sound_keys_are_the_same_without_pypinyins_phrase_dictionary() -> None:
    """bot.routing.phonetic leaves pypinyin's phrase dictionary out (≈40 MiB resident):
    every character it keys must read the same as with it."""
    import os

    from pypinyin import constants

    assert constants.PHRASES_DICT == {}  # this process: the memory saving is in effect
    env = {k: v for k, v in os.environ.items() if not k.startswith("PYPINYIN_")}
    readings = []
    for extra in ({}, {"PYPINYIN_NO_PHRASES": "1", "PYPINYIN_NO_DICT_COPY": "1"}):
        done = subprocess.run(
            [sys.executable, "-c", _READINGS],
            env={**env, **extra},
            cwd=ROOT,
            capture_output=True,
            text=True,
            check=True,
        )
        readings.append(done.stdout.split())
    (phrases, chars, digest), (no_phrases, chars_too, digest_too) = readings
    assert (phrases, no_phrases, int(chars)) == ("True", "False", 70_304)  # 20,992 + 6,592 + 42,720
    assert (chars_too, digest_too) == (chars, digest)


# --- tiers of evidence -------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "team", "keyword"),
    [
        ("汉接", "tech", "焊接"),  # homophone
        ("跳阐", "electric", "跳闸"),  # look-alike character
        ("社包断缴了", "legal", "社保"),
        ("工上认定", "legal", "工伤认定"),
    ],
)
def test_typos_match_by_sound_or_shape(router: Router, text: str, team: str, keyword: str) -> None:
    result = router.route(text)
    assert result.team == team
    assert keyword in result.matched


@pytest.mark.parametrize("text", ["帮我写一首诗", "点击这里领取红包"])
def test_correct_words_that_merely_sound_alike_do_not_match(router: Router, text: str) -> None:
    # 一首诗 ~ 首饰 and 点击 ~ 电机 are real words, not typos
    assert router.route(text).team is None


def test_a_sound_alike_must_share_a_meaningful_character() -> None:
    index = RoutingIndex.build([_team("emergency", "淹了"), _team("tech", "焊接")])
    assert route("屋里全是烟了", index).team is None  # shares only the particle 了
    assert route("汉接", index).team == "tech"


def test_fuzzy_matching_forgives_one_slip_in_long_terms_only() -> None:
    index = RoutingIndex.build([_team("heritage", "非物质文化遗产"), _team("legal", "劳动合同")])
    assert route("这算不算非物质的文化遗产", index).team == "heritage"
    assert route("我们谈谈劳动合作", index).team is None


def test_ascii_terms_match_whole_words_only() -> None:
    index = RoutingIndex.build([_team("tech", "cnc")])
    assert route("ＣＮＣ坏了", index).team == "tech"
    assert route("abcnc 机床", index).team is None


def test_single_character_keywords_count_only_as_words_of_their_own() -> None:
    index = RoutingIndex.build([_team("agri", "鸡^2.5")])
    assert route("鸡最近不吃食", index).team == "agri"
    assert route("鸡蛋多少钱", index).team is None


def test_the_more_specific_term_wins_an_overlap() -> None:
    index = RoutingIndex.build([_team("tech", "焊接"), _team("safety", "焊接安全")])
    result = route("想搞一次焊接安全培训", index)
    assert result.team == "safety"
    assert [c.team for c in result.candidates] == ["safety"]


# --- no team -----------------------------------------------------------------------


@pytest.mark.parametrize(
    "text",
    ["你好", "谢谢", "在吗", "哈哈", "好的", "你好，在吗？", "谢谢师傅，辛苦了", "早上好各位",
     "你是机器人吗", "你是机器人还是真人", "", "   ", "👍👍", "？？？", "asdfgh"],
)  # fmt: skip
def test_chitchat_and_noise_route_to_no_team(router: Router, text: str) -> None:
    result = router.route(text)
    assert result.team is None
    assert result.candidates == ()


def test_a_vague_term_alone_stays_below_the_threshold() -> None:
    index = RoutingIndex.build([_team("tech", "维修^0.5", "注塑")])
    assert route("维修", index).team is None
    assert route("注塑", index).team == "tech"


@pytest.mark.parametrize(
    ("text", "team"),
    [("跳闸", "electric"), ("工伤", "legal"), ("义诊", "health"), ("理发", "convenience"),
     ("台风", "emergency"), ("茶艺", "heritage"), ("党史", "lecture"), ("考证", "skills")],
)  # fmt: skip
def test_very_short_requests_route(router: Router, text: str, team: str) -> None:
    assert router.route(text).team == team


def test_very_long_requests_stay_decided_by_their_content(router: Router) -> None:
    need = "车间的注塑件飞边毛刺很多，想请懂模具的师傅来看看。"
    filler = "我们厂在台州，做了十几年了，工人大多是老乡，大家平时相处得都不错。"
    assert router.route(need + filler * 100).team == "tech"
    assert router.route(filler * 100).team is None


def test_result_shape(router: Router) -> None:
    result = router.route("焊接变形严重，也想给焊工做个安全培训")
    assert result.team is not None
    assert 0 < len(result.candidates) <= 3
    scores = [c.score for c in result.candidates]
    assert scores == sorted(scores, reverse=True)
    assert all(0 <= s <= 100 for s in scores)
    assert result.score == result.candidates[0].score
    assert result.matched


# --- catalog, teams and keywords ---------------------------------------------------


def test_default_catalog_is_complete_and_canonical() -> None:
    teams = load_default_teams()
    assert {t.slug for t in teams} == SLUGS
    for team in teams:
        assert len(team.keywords) >= 60, team.slug
        for raw in team.keywords:
            # canonical form, so an admin edit never silently rewrites untouched keywords
            assert format_keyword(*parse_keyword(raw)) == raw, (team.slug, raw)


def test_inactive_team_never_routes() -> None:
    teams = load_default_teams()
    retired = [dataclasses.replace(t, active=False) if t.slug == "legal" else t for t in teams]
    router = Router(retired)
    result = router.route("老板拖欠工资三个月了，想申请劳动仲裁")
    assert result.team != "legal"
    assert "legal" not in {c.team for c in result.candidates}
    assert "legal" in {t.slug for t in router.teams}  # still listed, just never chosen


def test_duplicate_slugs_are_refused() -> None:
    with pytest.raises(ValueError, match="duplicate"):
        RoutingIndex.build([_team("tech", "焊接"), _team("tech", "注塑")])


def test_edit_keywords_normalises_dedupes_and_reweights() -> None:
    team = _team("tech", "焊接^2", "注塑")
    edited = edit_keywords(team, add=["ＰＬＣ", "plc", "焊接", " 數控 "], remove=["注塑^3"])
    assert edited.keywords == ("焊接", "plc", "数控")
    assert edited.slug == team.slug and edited.name == team.name
    assert edit_keywords(edited, add=["焊接^0.5"]).keywords == ("焊接^0.5", "plc", "数控")


@pytest.mark.parametrize(
    ("term", "reason"),
    [("", "empty"), ("！！！", "empty"), ("焊" * (MAX_TERM_CHARS + 1), "too_long"),
     ("你好", "chitchat"), ("焊接^abc", "bad_weight"), ("焊接^9", "bad_weight")],
)  # fmt: skip
def test_edit_keywords_refuses_bad_terms(term: str, reason: str) -> None:
    team = _team("tech", "焊接")
    with pytest.raises(KeywordError) as caught:
        edit_keywords(team, add=["注塑", term])
    assert isinstance(caught.value, ValueError)
    assert caught.value.reason == reason
    assert caught.value.term == term
    assert str(caught.value)


def test_edit_keywords_may_remove_a_chitchat_term_left_in_an_old_catalog() -> None:
    assert edit_keywords(_team("tech", "焊接", "你好"), remove=["你好"]).keywords == ("焊接",)


def test_rebuild_makes_a_new_keyword_route_at_once(router: Router) -> None:
    local = Router(router.teams)
    assert local.route("电子秤称不准了").team is None
    teams = [
        edit_keywords(t, add=["电子秤"]) if t.slug == "convenience" else t for t in local.teams
    ]
    old_index = local.index
    local.rebuild(teams)
    assert local.route("电子秤称不准了").team == "convenience"
    assert local.index is not old_index
    assert route("电子秤称不准了", old_index).team is None  # the old index is untouched


def test_suggest_keywords_offers_content_words_unknown_first(router: Router) -> None:
    suggestions = suggest_keywords("老板，我们的贴片机抛料率很高，三个月了，麻烦看看", router.index)
    assert 0 < len(suggestions) <= 5
    assert "抛料率" in suggestions or "贴片机" in suggestions
    for word in suggestions:
        assert word not in STOPWORDS
        assert parse_keyword(word)[0] == word  # acceptable to edit_keywords as is
    assert "三个" not in suggestions and "老板" not in suggestions
    assert suggest_keywords("你好，谢谢", router.index) == []


# --- CLI contract ------------------------------------------------------------------


def test_cli_routes_one_text(capsys: pytest.CaptureFixture[str]) -> None:
    assert cli_main(["route", "注塑件飞边太多"]) == 0
    out = capsys.readouterr().out.splitlines()
    assert out[0].startswith("推荐：技术攻关服务队 (tech)  得分 ")
    assert any(line.startswith("命中关键词：") for line in out)


def test_cli_reports_no_team(capsys: pytest.CaptureFixture[str]) -> None:
    assert cli_main(["route", "你好"]) == 0
    assert capsys.readouterr().out.splitlines()[0] == "未能确定服务队"


def test_cli_jsonl_writes_one_object_per_line_in_order(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    source = tmp_path / "in.jsonl"
    texts = ["老板三个月没发工资", "你好", "空調開一會就停"]
    source.write_text(
        "\n".join(json.dumps({"text": t, "id": n}, ensure_ascii=False) for n, t in enumerate(texts))
        + "\n\n",
        encoding="utf-8",
    )
    assert cli_main(["route", "--jsonl", str(source)]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert len(lines) == len(texts)
    rows = [json.loads(line) for line in lines]
    assert [r["text"] for r in rows] == texts
    assert "老板" in lines[0]  # ensure_ascii=False
    for row in rows:
        assert list(row) == ["text", "team", "score", "candidates", "choices"]
        assert all(list(c) == ["team", "score"] for c in row["candidates"])
    assert rows[0]["team"] == "legal"
    assert rows[1]["team"] is None and rows[1]["candidates"] == []
    assert rows[2]["team"] == "convenience"


def test_cli_jsonl_reads_stdin(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setattr(sys, "stdin", io.StringIO('{"text": "跳闸了"}\n'))
    assert cli_main(["route", "--jsonl", "-"]) == 0
    assert json.loads(capsys.readouterr().out)["team"] == "electric"


def test_cli_jsonl_rejects_a_line_without_text(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    source = tmp_path / "bad.jsonl"
    source.write_text('{"text": "跳闸"}\n{"body": "x"}\n', encoding="utf-8")
    assert cli_main(["route", "--jsonl", str(source)]) == 2
    assert ":2:" in capsys.readouterr().err


def test_cli_eval_prints_the_figures(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("JIANGXIN_ROUTING_SEMANTIC", "off")  # exact figures of the keyword stage
    corpus = tmp_path / "corpus.jsonl"
    rows = [
        {"text": "注塑件飞边太多", "team": "tech", "also": []},
        {"text": "你好", "team": "none", "also": []},
        {"text": "跳闸了", "team": "tech", "also": []},
    ]
    corpus.write_text("\n".join(json.dumps(r, ensure_ascii=False) for r in rows), "utf-8")
    assert cli_main(["route", "--eval", str(corpus)]) == 0
    out = capsys.readouterr().out
    assert "top-1 accuracy: 66.7% (2/3)" in out
    assert "top-3 accuracy: 66.7% (2/3)" in out
    assert "none answered no team: 1/1 (100.0%)" in out
    assert "real requests answered no team: 0/2 (0.0%)" in out
    assert "tech -> electric: 1" in out


def test_cli_uses_another_catalog(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    catalog = tmp_path / "catalog.json"
    catalog.write_text(
        json.dumps({"version": 1, "teams": [{"slug": "bikes", "name": "单车队",
                                             "keywords": ["自行车"]}]}),
        encoding="utf-8",
    )  # fmt: skip
    assert cli_main(["route", "--catalog", str(catalog), "自行车掉链子"]) == 0
    assert capsys.readouterr().out.startswith("推荐：单车队 (bikes)")


def test_module_entry_point_is_quiet_and_works() -> None:
    # A fresh interpreter: jieba loads its dictionary here and must not log to stderr.
    done = subprocess.run(
        [sys.executable, "-m", "bot.routing.cli", "route", "--jsonl", "-"],
        input='{"text": "汉接有气孔"}\n',
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=60,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    assert done.stderr == ""
    assert json.loads(done.stdout)["team"] == "tech"


def test_cli_eval_with_learned_examples_prints_a_second_report(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    corpus, learned = tmp_path / "corpus.jsonl", tmp_path / "learned.jsonl"
    rows = [
        {"text": "单位食堂的饭菜太咸了", "team": "health"},
        {"text": "注塑件飞边太多", "team": "tech"},
    ]
    corpus.write_text("\n".join(json.dumps(r, ensure_ascii=False) for r in rows), "utf-8")
    learned.write_text(json.dumps(rows[0], ensure_ascii=False), "utf-8")
    assert cli_main(["route", "--eval", str(corpus), "--learned", str(learned)]) == 0
    first, second = capsys.readouterr().out.split("with 1 learned examples:")
    assert "top-1 accuracy: 50.0% (1/2)" in first
    assert "top-1 accuracy: 100.0% (2/2)" in second


def test_cli_jsonl_lists_the_choices_only_when_unsure(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    source = tmp_path / "in.jsonl"
    texts = ["电焊的时候眼睛疼", "老板三个月没发工资", "你好"]
    source.write_text(
        "\n".join(json.dumps({"text": t}, ensure_ascii=False) for t in texts), "utf-8"
    )
    assert cli_main(["route", "--jsonl", str(source)]) == 0
    unsure, sure, chat = (json.loads(line) for line in capsys.readouterr().out.splitlines())
    assert 2 <= len(unsure["choices"]) <= 3 and unsure["team"] == unsure["choices"][0]
    assert set(unsure["choices"]) <= SLUGS
    assert sure["team"] == "legal" and sure["choices"] == []
    assert chat["team"] is None and chat["choices"] == []
