"""SMS word tables: compliance keywords (STOP, START, HELP in three languages) and lock-screen stems.

Only a message that is nothing but the keyword counts ("stop", "Stop!", "ATTEIKTIES", "стоп"), compared
without case and diacritics, so "kā pārtraukt sodu?" is a question and not an opt-out. Keyword tables
are data, not sentences; they are the only non-English words in bot/ (see tests/unit/test_content.py).
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass
from enum import StrEnum


class Keyword(StrEnum):
    OPT_OUT = "opt_out"
    OPT_IN = "opt_in"
    HELP = "help"


@dataclass(frozen=True, slots=True)
class KeywordMatch:
    keyword: Keyword
    language: str | None  # the language the word belongs to; None for the international ones


# language None: Twilio's own defaults, which people in Latvia use too
_TABLE: dict[Keyword, dict[str | None, tuple[str, ...]]] = {
    Keyword.OPT_OUT: {
        None: ("STOP", "STOPALL", "UNSUBSCRIBE", "CANCEL", "END", "QUIT", "OPTOUT", "REVOKE"),
        "lv": ("ATTEIKTIES", "ATRAKSTĪTIES", "PĀRTRAUKT"),
        "ru": ("СТОП", "ОТПИСАТЬСЯ", "ОТПИСКА"),
    },
    Keyword.OPT_IN: {
        None: ("START", "UNSTOP"),
        "lv": ("SĀKT", "ATSĀKT"),
        "ru": ("СТАРТ", "ВОЗОБНОВИТЬ"),
    },
    Keyword.HELP: {
        None: ("INFO",),
        "en": ("HELP",),
        "lv": ("PALĪDZĪBA",),
        "ru": ("ПОМОЩЬ",),
    },
}

# word stems that tell anyone glancing at a locked phone what a message is about (see sms_render.indiscreet)
SENSITIVE_STEMS = ("prison", "jail", "inmate", "cietum", "ieslodz", "ievp", "тюрьм", "тюрем", "заключ")

_TRIM = " \t\r\n.!?,;:\"'«»“”„()-–—"


def fold(text: str) -> str:
    """Casefolded, without diacritics (ā -> a, й -> и) and without surrounding punctuation or spaces."""
    decomposed = unicodedata.normalize("NFKD", text.strip(_TRIM).casefold())
    bare = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return " ".join(bare.split())


def _index() -> dict[str, KeywordMatch]:
    index: dict[str, KeywordMatch] = {}
    for keyword, by_language in _TABLE.items():
        for language, words in by_language.items():
            for word in words:
                key = fold(word)
                if key in index and index[key].keyword != keyword:
                    raise ValueError(f"SMS keyword {word!r} means two things")
                index.setdefault(key, KeywordMatch(keyword, language))
    return index


_INDEX = _index()


def match_keyword(body: str) -> KeywordMatch | None:
    """The keyword this whole message is, or None for an ordinary message."""
    if len(body) > 40:  # a keyword is one word; skip the work for real messages
        return None
    return _INDEX.get(fold(body))


def keywords(keyword: Keyword) -> tuple[str, ...]:
    """Every word that means this keyword (for docs and tests)."""
    return tuple(word for words in _TABLE[keyword].values() for word in words)
