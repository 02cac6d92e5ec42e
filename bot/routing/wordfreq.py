"""jieba's dictionary held in a trie instead of a Python dict.

jieba keeps its 349,045 words and their frequencies, plus every prefix of every word
(with frequency 0, so that its segmenter knows when to stop extending a word), in one
dict: 498,113 entries, about 60 MiB of Python objects — a quarter of the bot's memory.
A MARISA trie of the words (1.3 MB) with their frequencies in an array (1.4 MB) answers
the same questions: prefixes are implicit in a trie, and the segmenter's inner loop
("which dictionary words start here?") becomes one call into the trie.

:class:`CompactTokenizer` is a ``jieba.Tokenizer`` that segments exactly as the stock
one does (``tests/core/test_wordfreq.py`` compares them on every corpus sentence, with
the catalog's words added to both); words added at run time (``add_word``) live in a
small dict beside the trie. The price, measured in bench/README.md: segmenting a
message takes ~60 µs instead of ~30 (a call into the trie costs more than a dict
lookup), and the trie is built at start-up in ~0.6 s instead of jieba's ~0.4 s from
its cache file (which is no longer written to the temporary directory).
"""

from __future__ import annotations

import array
import ctypes
import ctypes.util
import logging
from collections.abc import Iterator
from typing import Any

import jieba
import marisa_trie

log = logging.getLogger(__name__)


class WordFreq:
    """The part of ``dict`` that jieba and the router use (``in``, ``[]``, ``get``,
    ``[]=``), with jieba's meaning: a prefix of a word is "in" with frequency 0."""

    def __init__(self, trie: marisa_trie.Trie, freqs: array.array[int], longest: int) -> None:
        self.trie = trie
        self.freqs = freqs
        self.longest = longest  # characters in the longest word of the trie
        self.added: dict[str, int] = {}  # add_word's words and their prefixes
        self.longest_added = 0
        # No trie word has frequency 0 (jieba's file has none) and none was re-added.
        self.plain = all(freqs)

    def _is_prefix(self, fragment: str) -> bool:
        return next(iter(self.trie.iterkeys(fragment)), None) is not None

    def get(self, word: str, default: Any = None) -> Any:
        found = self.added.get(word)
        if found is not None:
            return found
        key = self.trie.get(word)
        if key is not None:
            return self.freqs[key]
        return 0 if word and self._is_prefix(word) else default

    def __getitem__(self, word: str) -> int:
        found = self.get(word)
        if found is None:
            raise KeyError(word)
        return found

    def __contains__(self, word: object) -> bool:
        return isinstance(word, str) and self.get(word) is not None

    def __setitem__(self, word: str, freq: int) -> None:
        if word in self.trie:
            self.plain = False
        self.added[word] = freq
        self.longest_added = max(self.longest_added, len(word))

    def __len__(self) -> int:
        return len(self.trie) + len(self.added)

    def ends(self, sentence: str, start: int) -> list[int]:
        """Where the dictionary words that begin at ``start`` end (inclusive), ascending."""
        window = sentence[start : start + self.longest]
        if self.plain:  # every trie word counts: no list lookups needed
            ends = [start + len(word) - 1 for word in self.trie.prefixes(window)]
        else:
            added, freqs = self.added, self.freqs
            ends = [
                start + len(word) - 1
                for word, key in self.trie.iter_prefixes_with_ids(window)
                if added.get(word, freqs[key])
            ]
        if self.longest_added:
            added = self.added
            stop = min(len(sentence), start + self.longest_added)
            extra = [e - 1 for e in range(start + 1, stop + 1) if added.get(sentence[start:e])]
            if extra:
                ends = sorted(set(ends).union(extra))
        return ends


def _entries(tokenizer: jieba.Tokenizer) -> Iterator[tuple[str, int]]:
    """(word, frequency) for each line of the tokenizer's dictionary file, as jieba reads it."""
    with tokenizer.get_dict_file() as lines:
        for number, raw in enumerate(lines, 1):
            line = raw.strip().decode("utf-8")
            try:
                word, freq = line.split(" ")[:2]
                yield word, int(freq)
            except ValueError:
                raise ValueError(f"invalid dictionary entry at line {number}: {line}") from None


def _give_back_freed_memory() -> None:
    """Building the trie allocates ~20 MB of small blocks that the C allocator keeps after
    they are freed; hand them back to the system."""
    name = ctypes.util.find_library("c")
    if name is None:
        return
    trim = getattr(ctypes.CDLL(name), "malloc_trim", None)
    if trim is not None:
        trim(0)


class CompactTokenizer(jieba.Tokenizer):  # type: ignore[misc]
    """A ``jieba.Tokenizer`` on a :class:`WordFreq` (see the module docstring)."""

    def initialize(self, dictionary: str | None = None) -> None:
        if dictionary:
            raise ValueError("CompactTokenizer reads jieba's default dictionary only")
        with self.lock:
            if self.initialized:  # type: ignore[has-type]
                return
            # The file is read twice instead of held: a list of its words would be the
            # Python objects this class exists to avoid (and would stay in the heap).
            trie = marisa_trie.Trie(word for word, _ in _entries(self))
            freqs = array.array("I", bytes(4 * len(trie)))
            total = longest = 0
            for word, freq in _entries(self):
                freqs[trie[word]] = freq  # a word listed twice keeps its last frequency
                total += freq
                longest = max(longest, len(word))
            self.FREQ = WordFreq(trie, freqs, longest)
            self.total = total
            self.initialized = True
        _give_back_freed_memory()

    def get_DAG(self, sentence: str) -> dict[int, list[int]]:
        self.check_initialized()
        ends = self.FREQ.ends
        return {k: ends(sentence, k) or [k] for k in range(len(sentence))}
