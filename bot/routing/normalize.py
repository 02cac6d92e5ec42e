"""Text normalisation shared by requests and keywords.

Requests and keywords must pass through the very same function, otherwise an
exact hit can silently turn into a miss. The steps, in order:

1. NFKC folds full-width letters, digits and punctuation (``ＣＮＣ``, ``１２``)
   into their ASCII forms; rapidfuzz and ``str.find`` compare code points, so
   ``ＣＮＣ`` and ``CNC`` would otherwise never meet.
2. OpenCC ``t2s`` maps traditional characters to simplified ones (``空調`` →
   ``空调``): Hong Kong/Taiwan-style input and traditional-set phones are
   common, and a traditional/simplified pair scores 0 in every scorer.
3. ``casefold`` so ``PLC``, ``plc`` and ``Plc`` are one term.
4. Anything that is neither a letter nor a digit (punctuation, symbols, emoji,
   whitespace of any width) becomes one ASCII space. Keywords never span a
   separator, so a comma stops a match exactly where the writer stopped a
   thought.
"""

from __future__ import annotations

import functools
import re
import unicodedata

import opencc

_SEPARATORS = re.compile(r"[\W_]+")


@functools.cache
def _t2s() -> opencc.OpenCC:
    """The OpenCC converter, built once (it reads its dictionaries from disk)."""
    return opencc.OpenCC("t2s")


def normalize(text: str) -> str:
    """Return the canonical matching form of ``text`` (see the module docstring)."""
    text = unicodedata.normalize("NFKC", text)
    text = _t2s().convert(text)
    return _SEPARATORS.sub(" ", text.casefold()).strip()


def is_cjk(char: str) -> bool:
    """True for a CJK unified ideograph (the characters that have pinyin)."""
    code = ord(char)
    return 0x4E00 <= code <= 0x9FFF or 0x3400 <= code <= 0x4DBF or 0x20000 <= code <= 0x2A6DF


def is_ascii_word_char(char: str) -> bool:
    """True for the characters that make up ASCII terms such as ``cnc`` or ``5s``."""
    return char.isascii() and char.isalnum()
