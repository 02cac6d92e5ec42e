"""Keyword suggestions from a misrouted request, for admins teaching the router."""

from __future__ import annotations

import math

from bot.routing import segment
from bot.routing.index import RoutingIndex
from bot.routing.keywords import MAX_TERM_CHARS
from bot.routing.normalize import is_cjk, normalize
from bot.routing.stopwords import STOPWORDS

MAX_SUGGESTIONS = 5
# A short word starting with a numeral is a quantity (三个, 一斤, 两年), not a topic.
_NUMERALS = frozenset("零一二两三四五六七八九十百千万几半每")


def suggest_keywords(text: str, index: RoutingIndex, limit: int = MAX_SUGGESTIONS) -> list[str]:
    """Up to ``limit`` key terms of ``text``, most telling first.

    Terms are jieba words minus stop words, single characters and numbers.
    Words that no team uses yet come first (teaching them adds knowledge),
    and within each group rarer words come first: the dictionary frequency is
    a cheap inverse-document-frequency, so ``飞边`` beats ``产品``.
    """
    tok = segment.tokenizer()
    known = {term.text for term in index.terms}
    seen: set[str] = set()
    ranked: list[tuple[bool, float, int, str]] = []
    for position, word in enumerate(segment.cut(normalize(text))):
        if word in seen or not _is_candidate(word):
            continue
        seen.add(word)
        rarity = math.log(tok.total / (tok.FREQ.get(word, 0) + 1))
        ranked.append((word in known, -rarity, position, word))
    ranked.sort()
    return [word for *_, word in ranked[:limit]]


def _is_candidate(word: str) -> bool:
    if word in STOPWORDS or len(word) > MAX_TERM_CHARS:
        return False
    if all(is_cjk(c) for c in word):
        return len(word) >= 2 and not (len(word) == 2 and word[0] in _NUMERALS)
    return word.isascii() and word.isalpha() and len(word) >= 2
