"""Word segmentation with jieba, kept private to the router.

Chinese has no spaces, so a keyword found by substring search may straddle two
words (``上班`` inside ``马上|班车``). Segmenting the request lets the scorer
tell a real word hit from such an accident, and gives ``suggest_keywords``
whole words to offer.

The router owns its own ``jieba.Tokenizer`` rather than jieba's global one
(a compact one that segments the same, :mod:`bot.routing.wordfreq`):
catalog keywords are added to its dictionary so trade terms such as ``飞边``
segment as one word, and that must not change how any other code in the
process segments text. Loading the dictionary takes about half a second, so
:func:`bot.routing.warm_up` does it at start-up; jieba's chatty start-up log
is silenced here.
"""

from __future__ import annotations

import functools
import logging
import threading
from collections.abc import Iterable

import jieba

from bot.routing.normalize import is_cjk
from bot.routing.wordfreq import CompactTokenizer

_add_lock = threading.Lock()
_added_words: set[str] = set()


@functools.cache
def tokenizer() -> jieba.Tokenizer:
    """The router's jieba tokenizer, dictionary loaded (once, quietly)."""
    jieba.setLogLevel(logging.WARNING)
    tok = CompactTokenizer()  # jieba's dictionary in 3 MB instead of 60 (see wordfreq)
    tok.initialize()
    return tok


def add_words(words: Iterable[str]) -> None:
    """Teach the tokenizer the multi-character CJK terms it does not know yet.

    Idempotent and additive: a term removed from a catalog stays in the
    dictionary, which only keeps a real word whole and never hurts matching.
    """
    tok = tokenizer()
    with _add_lock:
        for word in words:
            if word in _added_words or len(word) < 2 or not all(is_cjk(c) for c in word):
                continue
            if not tok.FREQ.get(word):
                tok.add_word(word)
            _added_words.add(word)


def cut(text: str) -> list[str]:
    """Segment normalised text; the tokens concatenate back to ``text`` exactly.

    The HMM for unknown words is off: it is the slow part, and unknown words
    then fall apart into single characters, which the scorer treats as
    "no word here" rather than inventing one.
    """
    return tokenizer().lcut(text, HMM=False)


def token_spans(tokens: list[str]) -> list[tuple[int, int]]:
    """``(start, end)`` character offsets of each token."""
    spans = []
    start = 0
    for token in tokens:
        end = start + len(token)
        spans.append((start, end))
        start = end
    return spans
