"""Sound-alike keys for Chinese characters, to forgive input-method typos.

Workers type on phones with pinyin input methods, so the classic typo is a
homophone (``汉接`` for ``焊接``). Zhejiang speakers also often merge
retroflex and flat initials (zh/z, ch/c, sh/s), front and back nasals
(in/ing, en/eng) and n/l, and many phones enable "fuzzy pinyin" for exactly
that, producing typos such as ``自动化`` → ``制动化``. Each character therefore
maps to a *key*: its tone-less pinyin folded along those merges.

Handwriting and stroke input methods produce look-alike typos instead
(``跳阐`` for ``跳闸``). Pinyin cannot see those, so a short table of frequent
look-alike pairs (形近字) maps the rarer character to the key of the usual one.
The table is deliberately small and limited to characters that occur in
requests for our trades; extend it when real typos show up in the logs.

Keys are computed per character (not per phrase) so a correctly typed
character always gets the same key in a request and in a keyword, whatever
the surrounding words.
"""

from __future__ import annotations

import os

# pypinyin's phrase dictionary (about 40 MiB resident) only changes the reading of a
# character inside a phrase; keys here are taken one character at a time, which it
# never changes (tests/core/test_routing.py compares every CJK character), and nothing
# here adds readings, so pypinyin need not copy its dictionaries either. Set before
# pypinyin is first imported; an operator's own setting wins.
os.environ.setdefault("PYPINYIN_NO_PHRASES", "1")
os.environ.setdefault("PYPINYIN_NO_DICT_COPY", "1")

from pypinyin import lazy_pinyin

from bot.routing.normalize import is_cjk

# Look-alike character -> the character it is usually a typo of. Only rare
# characters whose look-alike is a trade word's character belong here; pairs of
# homophones need no entry (the pinyin key already merges them), and common
# characters must not be remapped or every legitimate use would shift.
LOOKALIKES: dict[str, str] = {
    "阐": "闸",  # 跳阐 -> 跳闸
    "匣": "闸",  # 电匣 -> 电闸
    "汞": "泵",  # 水汞 -> 水泵
    "钴": "钻",  # 钴床 -> 钻床
    "荼": "茶",  # 荼艺 -> 茶艺
    "剌": "刺",  # 毛剌 -> 毛刺
}

# Longest prefixes/suffixes first so ``zh`` is tried before ``z``.
_INITIAL_FOLDS = (("zh", "z"), ("ch", "c"), ("sh", "s"), ("l", "n"))
_FINAL_FOLDS = (("ing", "in"), ("eng", "en"))

_KEY_CACHE: dict[str, str] = {}


def _fold(syllable: str) -> str:
    for prefix, folded in _INITIAL_FOLDS:
        if syllable.startswith(prefix):
            syllable = folded + syllable[len(prefix) :]
            break
    for suffix, folded in _FINAL_FOLDS:
        if syllable.endswith(suffix):
            syllable = syllable[: -len(suffix)] + folded
            break
    return syllable


def char_key(char: str) -> str:
    """Return the sound-alike key of one character; non-CJK characters key to themselves."""
    key = _KEY_CACHE.get(char)
    if key is None:
        if is_cjk(char):
            base = LOOKALIKES.get(char, char)
            key = _fold(lazy_pinyin(base)[0])
        else:
            key = char
        _KEY_CACHE[char] = key
    return key


def text_keys(text: str) -> list[str]:
    """Keys of every character of ``text``, aligned index for index."""
    cache = _KEY_CACHE
    return [cache.get(c) or char_key(c) for c in text]
