"""The chit-chat gate (bot/routing/chitchat.py): remarks ask no team for anything.

Every sentence here was written for these tests; none is in a held-out set.
"""

from __future__ import annotations

import numpy as np
import pytest

from bot.routing import Router, load_default_teams
from bot.routing.chitchat import (
    SEMANTIC_MARGIN,
    Probe,
    close_to_chitchat,
    judge,
    judge_meaning,
    load_probe,
    needs_help,
    trade_share,
)
from bot.routing.normalize import normalize
from bot.routing.rules import apply_owner_rules
from bot.routing.scorer import route


@pytest.fixture(scope="module")
def router() -> Router:
    return Router(load_default_teams())


@pytest.fixture(scope="module")
def keywords() -> Router:
    return Router(load_default_teams(), semantic=False)


def _judge(keywords: Router, text: str) -> str:
    result = apply_owner_rules(text, route(text, keywords.index))
    verdict = judge(text, keyword_score=result.score, matched=result.matched)
    return verdict.kind if verdict.chitchat else ""


CHITCHAT = [
    ("你们这机器人说话还挺有礼貌", "a person or the bot"),
    ("换个人工客服来", "a person or the bot"),
    ("昨天来换灯泡的师傅挺麻利，替我谢谢他", "opinion"),  # names a trade, points back
    ("电工小哥上礼拜修得很仔细，点赞", "opinion"),
    ("后天杭州下不下雨", "off-topic"),
    ("协会的会长是哪位呀", "association"),
    ("我表舅以前是焊工", "social"),
    ("也想报名当志愿者", "volunteering"),
    ("🙂🙂", "no words"),
]

# Each names or follows a remark, but shows a need: the gate must stay shut.
NEEDS = [
    ("上周修的洗衣机，今天又漏水了", "convenience"),
    ("谢谢师傅，顺便问下厨房插座能不能换个新的", "electric"),
    ("中秋节快乐！厂里的配电箱跳闸了", "electric"),
    ("上回律师讲得清楚，厂里还想请他审份协议", "legal"),
    ("电工师傅人很好，就是楼道灯还是不亮", "electric"),
    ("thanks mate, though the motor still hums and won't spin", "electric"),
]


@pytest.mark.parametrize(("text", "kind"), CHITCHAT)
def test_remarks_are_recognised_by_their_words(keywords: Router, text: str, kind: str) -> None:
    assert _judge(keywords, text) == kind


@pytest.mark.parametrize(("text", "team"), NEEDS)
def test_a_sign_of_a_need_keeps_the_gate_shut(
    keywords: Router, router: Router, text: str, team: str
) -> None:
    assert needs_help(normalize(text))
    assert _judge(keywords, text) == ""
    assert router.route(text).team == team


@pytest.mark.parametrize(("text", "kind"), CHITCHAT)
def test_chit_chat_is_answered_no_team_without_choices(
    router: Router, keywords: Router, text: str, kind: str
) -> None:
    for each in (router, keywords):  # the rules hold with the semantic stage off too
        result = each.route(text)
        assert (result.team, result.choices) == (None, ())


def test_a_remark_followed_by_a_new_statement_is_not_chit_chat(keywords: Router) -> None:
    assert _judge(keywords, "那位大夫人挺好，我妈的降压药快吃完了") == ""
    assert _judge(keywords, "那位大夫人挺好，替我谢谢他") == "opinion"


def test_an_industrial_robot_is_still_a_trade(router: Router) -> None:
    assert router.route("焊接机器人的焊点总是偏").team == "tech"
    assert router.route("厂里打算上两台码垛机器人").team == "tech"


def test_a_learned_example_is_routed_before_the_gate() -> None:
    text = "上礼拜那位师傅修得真利索"
    taught = Router(load_default_teams(), semantic=False, learned={"convenience": [text]})
    try:
        assert taught.route(text).team == "convenience"
    finally:
        taught.close()


def test_meaning_gate_needs_a_margin_length_and_no_sign_of_a_need() -> None:
    sims = {"tech": 0.80, "electric": 0.78, "none": 0.79}
    query = np.zeros(384, dtype=np.float32)

    def gate(text: str, chitchat: float, *, probe: Probe | None = None) -> bool:
        return judge_meaning(
            normalize(text), trade=0.0, sims=sims, chitchat=chitchat, query=query, probe=probe
        )

    assert not close_to_chitchat(sims, 0.80 + SEMANTIC_MARGIN / 2)
    assert close_to_chitchat(sims, 0.80 + SEMANTIC_MARGIN)
    assert not close_to_chitchat({"none": 0.9}, None)  # no team to compare with
    assert gate("随便逛逛看看", 0.80 + SEMANTIC_MARGIN)
    assert not gate("灯还是不亮", 0.80 + SEMANTIC_MARGIN)  # a sign of a need
    assert not gate("番茄", 0.80 + SEMANTIC_MARGIN)  # a bare noun says too little


def test_the_probe_is_shipped_for_this_model_and_never_overrides_a_trade_word() -> None:
    probe = load_probe()
    assert probe is not None
    assert probe.weights.shape == (384,)
    query = np.zeros(384, dtype=np.float32)
    eager = Probe(probe.weights, probe.bias, threshold=probe.bias - 1.0)  # says yes to zero
    sims = {"tech": 0.80, "none": 0.70}

    def gate(text: str, *, trade: float = 0.0) -> bool:
        return judge_meaning(
            normalize(text), trade=trade, sims=sims, chitchat=None, query=query, probe=eager
        )

    assert gate("随便逛逛看看")
    assert not gate("空调还是不制冷")
    assert not gate("车间的注塑机", trade=0.5)  # mostly a trade word
    assert trade_share("车间的注塑机", ("注塑机",)) == 0.5
