"""The compact jieba dictionary (bot/routing/wordfreq.py) answers exactly as jieba's own.

The router segments with a ``CompactTokenizer`` to save ~58 MiB; routing must not notice.
Each test compares it with a stock ``jieba.Tokenizer`` given the same words.
"""

from __future__ import annotations

import json
import logging
from pathlib import Path

import jieba
import pytest

from bot.routing.catalog import load_default_teams
from bot.routing.keywords import parse_keyword
from bot.routing.normalize import is_cjk, normalize
from bot.routing.wordfreq import CompactTokenizer, WordFreq

HERE = Path(__file__).resolve().parent
DEV = HERE.parents[1].parent / "shared" / "routing-dev.jsonl"
CORPORA = [*sorted(HERE.glob("routing_*.jsonl")), DEV]


def _sentences() -> list[str]:
    found = []
    for path in CORPORA:
        if path.exists():
            lines = path.read_text(encoding="utf-8").splitlines()
            found += [normalize(json.loads(line)["text"]) for line in lines if line.strip()]
    return found


def _catalog_words() -> list[str]:
    words = set()
    for team in load_default_teams():
        for raw in team.keywords:
            try:
                words.add(parse_keyword(raw)[0])
            except ValueError:
                continue
    return sorted(w for w in words if len(w) >= 2 and all(is_cjk(c) for c in w))


def _taught(tok: jieba.Tokenizer) -> jieba.Tokenizer:
    """As ``segment.add_words`` teaches the router's tokenizer."""
    tok.initialize()
    for word in _catalog_words():
        if not tok.FREQ.get(word):
            tok.add_word(word)
    return tok


@pytest.fixture(scope="module")
def pair() -> tuple[jieba.Tokenizer, CompactTokenizer]:
    jieba.setLogLevel(logging.WARNING)
    return _taught(jieba.Tokenizer()), _taught(CompactTokenizer())


def test_it_is_compact(pair: tuple[jieba.Tokenizer, CompactTokenizer]) -> None:
    stock, compact = pair
    assert isinstance(compact.FREQ, WordFreq)
    # Only the words taught at run time (and their prefixes) are Python objects.
    assert len(compact.FREQ.added) < 5_000 < len(stock.FREQ)
    assert compact.total == stock.total


def test_every_corpus_sentence_is_segmented_the_same(
    pair: tuple[jieba.Tokenizer, CompactTokenizer],
) -> None:
    stock, compact = pair
    sentences = _sentences()
    assert len(sentences) > 1_000
    different = [
        (s, stock.lcut(s, HMM=False), compact.lcut(s, HMM=False))
        for s in sentences
        if stock.lcut(s, HMM=False) != compact.lcut(s, HMM=False)
    ]
    assert different == []
    # The taught trade terms are whole words in both.
    assert compact.lcut("注塑件飞边太多", HMM=False) == stock.lcut("注塑件飞边太多", HMM=False)


def test_frequencies_and_prefixes_read_the_same(
    pair: tuple[jieba.Tokenizer, CompactTokenizer],
) -> None:
    stock, compact = pair
    # Every word and every prefix jieba holds (prefixes with frequency 0), taught ones too.
    differing = [w for w, f in stock.FREQ.items() if compact.FREQ.get(w) != f]
    assert differing == []
    assert all(w in compact.FREQ for w in list(stock.FREQ)[::97])
    for absent in ("", "焊焊焊焊", "qzx", "飞边飞边飞边"):
        assert absent not in compact.FREQ
        assert compact.FREQ.get(absent, "none") == stock.FREQ.get(absent, "none")
        with pytest.raises(KeyError):
            compact.FREQ[absent]
    for word in ("焊接", "飞边", "注塑", "师傅"):
        assert compact.suggest_freq(word) == stock.suggest_freq(word)


def test_a_word_taught_again_with_another_frequency_counts_as_taught() -> None:
    """The trie's frequency gives way to ``add_word``'s (and ``del_word``'s), as in jieba."""
    jieba.setLogLevel(logging.WARNING)
    stock, compact = jieba.Tokenizer(), CompactTokenizer()
    sentences = ["电视机坏了没有图像", "家里的电视机不亮", "电视剧看不了", "车床主轴异响"]
    try:
        for tok in (stock, compact):
            tok.initialize()
            tok.add_word("电视机", 1)  # rarer than 电视 + 机 now
            tok.add_word("视机不", 10**6)  # a new word overlapping the old ones
            tok.del_word("主轴")  # frequency 0: no longer a word at all
        for sentence in sentences:
            assert compact.lcut(sentence, HMM=False) == stock.lcut(sentence, HMM=False)
        assert "主轴" not in compact.lcut("车床主轴异响", HMM=False)
        assert compact.lcut("家里的电视机不亮", HMM=False) != ["家里", "的", "电视机", "不亮"]
    finally:  # del_word also tells jieba's shared HMM to split the word
        jieba.finalseg.Force_Split_Words.discard("主轴")


def test_only_the_default_dictionary_is_read() -> None:
    with pytest.raises(ValueError):
        CompactTokenizer().initialize("some/other/dict.txt")
