"""Text folding shared by the rules, the model and the entity finders, so that the ways people type meet.

Relatives write on a phone: without Latvian diacritics ("tiksanas"), Russian in Latin letters
("ne hochu zhit", "pozhaluysta" as well as "pozhalujsta"), with stretched letters ("paldieeees"),
emoji and odd punctuation. Every step here is a pure function; `normalize` composes them in the one
order that the model and the lexicons are built with, so a training example and a live message fold
to the same string.
"""

from __future__ import annotations

import functools
import re
import unicodedata
from dataclasses import dataclass

# The transliteration most people use on a Latin keyboard: х → h ("hochu"), ж → zh, ч → ch, ш → sh.
# й is mapped before diacritics are stripped, so it does not collapse into и.
_CYRILLIC_TO_LATIN = {
    "а": "a", "б": "b", "в": "v", "г": "g", "д": "d", "е": "e", "ё": "e", "ж": "zh", "з": "z",
    "и": "i", "й": "j", "к": "k", "л": "l", "м": "m", "н": "n", "о": "o", "п": "p", "р": "r",
    "с": "s", "т": "t", "у": "u", "ф": "f", "х": "h", "ц": "c", "ч": "ch", "ш": "sh", "щ": "sch",
    "ъ": "", "ы": "y", "ь": "", "э": "e", "ю": "yu", "я": "ya",
    "і": "i", "ї": "i", "є": "e", "ў": "u",
}
_TRANSLIT_TABLE = str.maketrans(_CYRILLIC_TO_LATIN)

# Digraphs that stand for one Latvian or Russian letter; folding them makes "tikshanas" meet
# "tiksanas" (from "tikšanās") and "zhit" meet "zit" (from "жить" after transliteration).
_DIGRAPHS = (("shch", "s"), ("sch", "s"), ("sh", "s"), ("ch", "c"), ("zh", "z"), ("kh", "h"))
_DIGRAPH_RE = re.compile("|".join(d for d, _ in _DIGRAPHS))
_DIGRAPH_MAP = dict(_DIGRAPHS)

# Russian й, я, ю are typed with j or y ("pozhalujsta" / "pozhaluysta", "tjurma" / "tyurma"): j before a
# vowel becomes y (я → ya, ю → yu, as transliterated) and y after a vowel but not before one becomes j
# (й → j). Latvian and English j/y fold the same way, except the word "ja" itself: Latvian "jā" (yes) and
# "ja" (if) would otherwise be Russian "я" (I), and every Russian sentence in the first person leaned to
# `affirm` ("я так устала" read as "yes" at 0.96).
_J_BEFORE_VOWEL_RE = re.compile(r"(?!(?<![a-z0-9])ja(?![a-z0-9]))j(?=[aeiou])")
_Y_AFTER_VOWEL_RE = re.compile(r"(?<=[aeiouy])y(?![aeiou])")

_APOSTROPHES_RE = re.compile(r"['’`ʼ]")  # "can't" → "cant", "b'et" → "bet"
_NON_WORD_RE = re.compile(r"[^0-9a-z\u0400-\u04ff]+")
_REPEAT_RE = re.compile(r"([^\W\d_])\1+")
_SPACE_RE = re.compile(r"\s+")
_CYRILLIC_RE = re.compile(r"[\u0400-\u04ff]")


def casefold(text: str) -> str:
    """Lower case that also folds German ß and other special cases."""
    return text.casefold()


def has_cyrillic(text: str) -> bool:
    """True when the text holds at least one Cyrillic letter."""
    return _CYRILLIC_RE.search(text) is not None


def transliterate(text: str) -> str:
    """Cyrillic → Latin the way people type Russian on a Latin keyboard (expects lower case)."""
    return text.translate(_TRANSLIT_TABLE)


def strip_diacritics(text: str) -> str:
    """Drop accents from Latin letters (ā → a, š → s); Cyrillic letters such as й and ё are kept."""
    out: list[str] = []
    for char in text:
        if char.isascii() or _CYRILLIC_RE.match(char):
            out.append(char)
            continue
        decomposed = unicodedata.normalize("NFKD", char)
        out.append("".join(c for c in decomposed if not unicodedata.combining(c)))
    return "".join(out)


def strip_punctuation(text: str) -> str:
    """Replace punctuation, symbols and emoji by spaces; apostrophes inside words just vanish."""
    return _NON_WORD_RE.sub(" ", _APOSTROPHES_RE.sub("", text))


def fold_digraphs(text: str) -> str:
    """Collapse sh/ch/zh/kh spellings into the letter that diacritics stripping leaves (š → s)."""
    return _DIGRAPH_RE.sub(lambda m: _DIGRAPH_MAP[m.group(0)], text)


def fold_j_y(text: str) -> str:
    """One spelling for the Russian letters written with j or y: "tjurma" → "tyurma", "dobryy" → "dobryj"."""
    return _Y_AFTER_VOWEL_RE.sub("j", _J_BEFORE_VOWEL_RE.sub("y", text))


def squeeze_repeats(text: str) -> str:
    """One letter for every run of the same letter: "sveikiii" → "sveiki" (applied to all text alike)."""
    return _REPEAT_RE.sub(r"\1", text)


def squeeze_spaces(text: str) -> str:
    """Single spaces, none at the ends."""
    return _SPACE_RE.sub(" ", text).strip()


def normalize(text: str) -> str:
    """The canonical form used by the model and the lexicons: ASCII letters, digits and single spaces."""
    folded = strip_diacritics(transliterate(casefold(text)))
    # repeats are squeezed before the j/y fold, so a stretched "jaa" is still the word "ja"
    return squeeze_spaces(fold_j_y(squeeze_repeats(fold_digraphs(strip_punctuation(folded)))))


@dataclass(frozen=True, slots=True)
class Token:
    """One normalised word and where its source word sits in the original text."""

    norm: str
    start: int
    end: int


_WORD_RE = re.compile(r"\w+(?:['’`ʼ]\w+)*")


def tokenize(text: str) -> list[Token]:
    """Normalised words with their character spans in `text`, for rules and entity offsets."""
    return [
        Token(norm, match.start(), match.end())
        for match in _WORD_RE.finditer(text)
        for norm in _normalize_word(match.group(0))
    ]


@functools.lru_cache(maxsize=65536)
def _normalize_word(word: str) -> tuple[str, ...]:
    """Words repeat across messages; memoising the pure fold keeps tokenising cheap."""
    return tuple(normalize(word).split())
