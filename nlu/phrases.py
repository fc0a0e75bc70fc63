"""Typo-tolerant phrase lexicons over normalised words, the engine of the crisis layer.

A phrase is a sequence of slots ("negrib* dzīvot*"); a slot lists alternative words separated by
"|"; "word*" matches any word starting with it; "$" is the end of the message; up to `max_gap`
other words may stand between two slots. Words (or stems) of five letters or more also match with
one typo, found with symmetric deletions (SymSpell's trick), so "negrbu" still meets "negribu"
without computing an edit distance per word pair: this keeps matching well under a millisecond.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from nlu.normalize import normalize

END = "$"
FUZZY_MIN_LEN = 5
_CACHE_LIMIT = 50_000


class LexiconError(ValueError):
    """A phrase that cannot be compiled (for example a slot word that normalises to two words)."""


@dataclass(frozen=True, slots=True)
class Found:
    """A phrase found in a word list: its source text and the word positions [start, end)."""

    phrase: str
    start: int
    end: int


@dataclass(frozen=True, slots=True)
class _Phrase:
    source: str
    slots: tuple[frozenset[int], ...]  # alternative ids per slot; -1 stands for END


def deletions(word: str) -> set[str]:
    """The word itself and every string one deletion away."""
    return {word} | {word[:i] + word[i + 1 :] for i in range(len(word))}


class PhraseMatcher:
    """Finds the first lexicon phrase present in a list of normalised words."""

    def __init__(self, phrases: Iterable[str], max_gap: int = 3, fuzzy_min_len: int = FUZZY_MIN_LEN) -> None:
        self._max_gap = max_gap
        self._fuzzy_min_len = fuzzy_min_len
        self._alt_ids: dict[tuple[str, bool], int] = {}
        self._exact: dict[str, set[int]] = {}
        self._fuzzy_exact: dict[str, set[int]] = {}
        self._prefix: dict[int, dict[str, set[int]]] = {}
        self._fuzzy_prefix: dict[int, dict[str, set[int]]] = {}
        self._phrases = tuple(self._compile(p) for p in phrases)
        self._cache: dict[str, frozenset[int]] = {}

    def _compile(self, source: str) -> _Phrase:
        slots: list[frozenset[int]] = []
        for slot in source.split():
            ids: set[int] = set()
            for alt in slot.split("|"):
                ids.add(-1 if alt == END else self._register(source, alt))
            slots.append(frozenset(ids))
        if not slots or -1 in slots[0] or any(-1 in slot for slot in slots[:-1]):
            raise LexiconError(f"phrase {source!r}: must start with a word; {END} only in the last slot")
        return _Phrase(source, tuple(slots))

    def _register(self, source: str, alt: str) -> int:
        prefix = alt.endswith("*")
        words = normalize(alt.rstrip("*")).split()
        if len(words) != 1:
            raise LexiconError(f"phrase {source!r}: {alt!r} must be one word after normalising")
        word = words[0]
        key = (word, prefix)
        if key in self._alt_ids:
            return self._alt_ids[key]
        alt_id = len(self._alt_ids)
        self._alt_ids[key] = alt_id
        fuzzy = len(word) >= self._fuzzy_min_len
        if prefix and fuzzy:
            table = self._fuzzy_prefix.setdefault(len(word), {})
            for variant in deletions(word):
                table.setdefault(variant, set()).add(alt_id)
        elif prefix:
            self._prefix.setdefault(len(word), {}).setdefault(word, set()).add(alt_id)
        elif fuzzy:
            for variant in deletions(word):
                self._fuzzy_exact.setdefault(variant, set()).add(alt_id)
        else:
            self._exact.setdefault(word, set()).add(alt_id)
        return alt_id

    def _word_ids(self, word: str) -> frozenset[int]:
        cached = self._cache.get(word)
        if cached is not None:
            return cached
        ids: set[int] = set(self._exact.get(word, ()))
        if self._fuzzy_exact and len(word) >= self._fuzzy_min_len - 1:
            for variant in deletions(word):
                ids.update(self._fuzzy_exact.get(variant, ()))
        for length, table in self._prefix.items():
            if len(word) >= length:
                ids.update(table.get(word[:length], ()))
        for length, table in self._fuzzy_prefix.items():
            if len(word) >= length - 1:
                for variant in deletions(word[:length]):
                    ids.update(table.get(variant, ()))
        if len(self._cache) > _CACHE_LIMIT:
            self._cache.clear()
        result = frozenset(ids)
        self._cache[word] = result
        return result

    def find(self, words: Sequence[str]) -> str | None:
        """The source text of the first phrase found in `words`, or None."""
        word_ids = [self._word_ids(w) for w in words]
        present = frozenset().union(*word_ids) if word_ids else frozenset()
        for phrase in self._phrases:
            if phrase.slots[0] & present and any(
                phrase.slots[0] & ids and self._end_of(phrase.slots, 1, word_ids, pos + 1) is not None
                for pos, ids in enumerate(word_ids)
            ):
                return phrase.source
        return None

    def find_all(self, words: Sequence[str]) -> list[Found]:
        """Every phrase occurrence, longest first where they overlap, in text order."""
        word_ids = [self._word_ids(w) for w in words]
        candidates: list[Found] = []
        for pos, ids in enumerate(word_ids):
            if not ids:
                continue
            for phrase in self._phrases:
                if phrase.slots[0] & ids:
                    end = self._end_of(phrase.slots, 1, word_ids, pos + 1)
                    if end is not None:
                        candidates.append(Found(phrase.source, pos, end))
        candidates.sort(key=lambda f: (f.start - f.end, f.start))
        taken: list[Found] = []
        for found in candidates:
            if all(found.end <= t.start or found.start >= t.end for t in taken):
                taken.append(found)
        return sorted(taken, key=lambda f: f.start)

    def _end_of(self, slots: tuple[frozenset[int], ...], index: int, word_ids: list[frozenset[int]],
                start: int) -> int | None:
        """Where a match of slots[index:] starting at or after `start` ends, or None."""
        if index == len(slots):
            return start
        slot = slots[index]
        if -1 in slot and start == len(word_ids):
            return start
        for pos in range(start, min(len(word_ids), start + self._max_gap + 1)):
            if slot & word_ids[pos]:
                end = self._end_of(slots, index + 1, word_ids, pos + 1)
                if end is not None:
                    return end
        return None
