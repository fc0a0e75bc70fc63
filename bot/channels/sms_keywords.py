"""SMS word tables: compliance keywords (STOP, START, HELP in three languages) and lock-screen stems.

Only a message that is nothing but the keyword counts ("stop", "Stop!", "ATTEIKTIES", "стоп"), compared
without case and diacritics, so "kā pārtraukt sodu?" is a question and not an opt-out. Keyword tables
are data, not sentences; they are the only non-English words in bot/ (see tests/unit/test_content.py).
"""

from __future__ import annotations

import re
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


def reply_language(hint: str | None, known: str | None) -> str:
    """The language to confirm a keyword in: a Latvian or Russian word ("ATTEIKTIES", "СТОП", "ПОМОЩЬ") says
    which language the person reads; an international one ("STOP", "HELP") defers to what we know of them.
    "СТОП" after "Sveiki" was confirmed in Latvian, though "ПОМОЩЬ" got Russian (QA, SMS pass)."""
    return hint if hint in ("lv", "ru") else (known or hint or "lv")


def keywords(keyword: Keyword) -> tuple[str, ...]:
    """Every word that means this keyword (for docs and tests)."""
    return tuple(word for words in _TABLE[keyword].values() for word in words)


# A request in a sentence to stop the messages ("lūdzu, nesūtiet man vairs ziņas", "не пишите мне больше",
# "please stop texting me"). Only the keyword alone opts out (above); such a sentence got a bank account, an
# offer to erase everything, or, read as "I do not want any more", the crisis numbers (QA, SMS pass). It
# gets one clarification instead: how to stop (bot/channels/sms_stop_hint.py). Matched on `fold`ed text;
# no "." or "?" inside the Russian pieces: tests/unit/test_content.py looks for sentences in code.
_GAP = r".*"
_LV_MESSAGES = r"(zin\w*|isszin\w*|sms\w*)"
_RU_MESSAGES = r"(смс\w*|сообщен\w*|sms\w*)"
_EN_MESSAGES = r"(messages?|texts?|texting|sms)"
_STOP_ASKED = {
    "lv": (
        rf"\b(stop|beidziet|beigt|partrauciet|partraukt)\b{_GAP}\b{_LV_MESSAGES}",
        rf"\bne(sutiet|sutit|rakstiet|rakstit)\b{_GAP}\b({_LV_MESSAGES}|man)\b",
        rf"\b(nevelos|negribu|nevajag)\b( vairs|) (sanemt|sanemt vairs)\b{_GAP}\b{_LV_MESSAGES}",
        rf"\b{_LV_MESSAGES}\b{_GAP}\b(vairs nevajag|nevajag vairs|nesutiet|stop)\b",
        r"\b(atrakstiet|atsakiet|atteikt) mani\b",
    ),
    "ru": (
        rf"\b(стоп|хватит|прекратите|перестаньте)\b{_GAP}\b({_RU_MESSAGES}|писать|присылать|слать)\b",
        rf"\bне (пишите|присылаите|шлите|отправляите)\b{_GAP}\b(мне|больше|{_RU_MESSAGES})\b",
        rf"\bне хочу\b( больше|) получать\b{_GAP}\b{_RU_MESSAGES}",
        rf"\b(отпишите|удалите) меня\b{_GAP}\b(рассылк\w*|списк\w*)\b",
    ),
    "en": (
        r"\bstop (sending|texting|messaging)\b",
        rf"\bstop\b{_GAP}\b{_EN_MESSAGES}\b",
        r"^(please )?(do not|dont|don t) (send|text|message)\b",
        rf"\bno more {_EN_MESSAGES}\b",
        r"\b(unsubscribe|opt) me\b",
    ),
}
# the request opens the message, after at most a greeting or a "please": "my son told me to stop texting
# him, what do I do?" or "dēls lika nesūtīt viņam ziņas" is a question about him, not a request to us, and got
# only how to stop our messages (review of the SMS pass)
_OPENING = (
    r"^(?:(?:please|pls|kindly|ludzu|пожалуиста|hi|hello|sveiki|labdien|здравствуите|привет|ok|okay|labi|man|мне)"
    r"[\s,!.]+)*"
)
_STOP_PATTERNS = {
    lang: tuple(re.compile(rf"{_OPENING}(?:{p})") for p in patterns) for lang, patterns in _STOP_ASKED.items()
}
_STOP_SENTENCE_MAX = 100  # a short request; a long story that mentions messages is a story


def asks_to_stop(body: str) -> str | None:
    """The language of a sentence that asks us to stop messaging (not the keyword alone), else None."""
    if len(body) > _STOP_SENTENCE_MAX or match_keyword(body) is not None:
        return None
    folded = fold(body).replace("'", " ")
    for lang, patterns in _STOP_PATTERNS.items():
        if any(p.search(folded) for p in patterns):
            return lang
    return None
