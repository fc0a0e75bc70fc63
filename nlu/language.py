"""Which of lv/ru/en a message is written in, for the reply language and the per-language evaluation.

Script and diacritics settle most messages (Cyrillic → ru, ā/š/ļ → lv). The hard cases are the
ones people actually send from a phone: Latvian without diacritics and Russian in Latin letters.
For those a small character n-gram model, trained from the data folders' language labels, votes
together with a few unambiguous cue words ("sveiki", "privet", "hello").
"""

from __future__ import annotations

import functools
import math
import re
from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from nlu.normalize import casefold, has_cyrillic, strip_diacritics, strip_punctuation, transliterate
from nlu.parse import LANGUAGES

_LATVIAN_LETTERS_RE = re.compile(r"[āčēģīķļņšūžĀČĒĢĪĶĻŅŠŪŽ]")
# the letters of the Cyrillic block, and of the Latin ones (Basic, Latin-1, Extended-A to -D, IPA,
# Additional, fullwidth): close to "LATIN" in the letter's Unicode name, at a fraction of the cost
_CYRILLIC_LETTER_RE = re.compile(r"[^\W\d_\u0000-\u03ff\u0500-\U0010ffff]")
_LATIN_LETTER_RE = re.compile(
    r"(?=[^\W\d_])[A-Za-z\u00c0-\u02af\u1e00-\u1eff\u2c60-\u2c7f\ua720-\ua7ff\uff21-\uff5a]"
)
_NGRAM = 3
_CUE_WEIGHT = 3.0  # log-likelihood nats a cue word is worth; a greeting alone must decide
_HINT_WEIGHT = 1.5  # how much the conversation's language is preferred when the text is unclear
_MIN_LETTERS = 2
# Letters a message needs before it may change the conversation's language: "да", "jā", "hi" or "ok"
# typed on the other keyboard are too little to act on.
_SWITCH_MIN_LETTERS = 4
# How far (log-likelihood nats, cue words included) the first language must lead the second before Latin
# letters without diacritics count as that language: "labdien" leads by ~20, "privet" by ~7, while
# "parcel" (read as Latvian by 2.7) and one-word typing noise stay below it.
_CLEAR_MARGIN = 4.0
# The share of a message's letter trigrams its language has seen in the training data. Words of a real
# language are made of known trigrams (typos included); "asdfgh", "qwerty" or "ыыыы" are mostly not.
_REAL_WORDS = 0.75
# Said the same way in all three languages, so they say nothing of which one a person writes.
_NO_LANGUAGE = frozenset(
    {"ok", "okay", "okey", "oki", "okei", "okej", "oke", "hmm", "hm", "mhm", "mm", "aha", "ah", "oh", "eh"}
    | {"lol", "haha", "hehe", "xd", "super", "sorry"}
)
_NO_LANGUAGE_LONGEST = max(map(len, _NO_LANGUAGE))
# links, e-mail and web addresses ("likumi.lv", "vpd.gov.lv"): their letters are no language
_LINK_RE = re.compile(r"(?:https?://|www\.)\S+|\S+@\S+|\S+\.(?:lv|com|org|net|eu|ru|gov)\b\S*", re.IGNORECASE)


# Words that (folded to ASCII) belong to one language only; ambiguous ones such as "ne", "no", "ja"
# are left out on purpose.
def _cue_words(text: str) -> frozenset[str]:
    return frozenset(text.split())


_CUES: Mapping[str, frozenset[str]] = {
    "lv": _cue_words(
        "sveiki sveika sveiks labdien labvakar labrit cau paldies ludzu ka ir vai var es man mans mana "
        "mums vins vina vinam vinai jus jums kad kur kapec cik gribu gribetu velos varu nevaru "
        "vajag vajadzetu ar un par uz pie lai ari tikai tas kas sakt pieteikt pieteikties "
        "tiksanas tiksanos cietuma cietums cietumu dels delam meita virs sieva brali bralis mamma "
        "tetis berns berni bernu zinat uzzinat palidzet palidziet nezinu labi paldies liels"
    ),
    "ru": _cue_words(
        "privet privetik zdravstvujte zdravstvuite zdravstvuyte zdrastvujte zdrasti dobryj dobryi "
        "dobrij dobroe dobryy spasibo pozhalujsta pozhaluista pozalujsta pojaluista pozhaluysta "
        "kak chto shto cto gde kogda pochemu mozhno mojno nuzhno nujno hochu hotel hotela ya menya "
        "mne moj moi moya moyu moego syn syna muzh muzha zhena brat eto est nado skazhite "
        "podskazhite pomogite tyurma tyurme tyurmu svidanie svidaniya zapisatsya zapisatsa "
        "zapisat poka dosvidaniya"
    ),
    "en": _cue_words(
        "hello hi hey thanks thank you the please how what when where can could would my me "
        "want need is are do does son daughter husband wife brother prison visit visiting letter "
        "about with and bye goodbye yes okay"
    ),
}


def _fold(text: str) -> str:
    return strip_punctuation(strip_diacritics(transliterate(casefold(text))))


def _grams(folded: str) -> list[str]:
    grams: list[str] = []
    for word in folded.split():
        padded = f" {word} "
        grams.extend(padded[i : i + _NGRAM] for i in range(max(1, len(padded) - _NGRAM + 1)))
    return grams


@dataclass(frozen=True, slots=True)
class LanguageModel:
    """Multinomial naive Bayes over character trigrams of ASCII-folded text."""

    logprob: Mapping[str, Mapping[str, float]]
    unseen: Mapping[str, float]

    @classmethod
    def fit(cls, labelled: Iterable[tuple[str, str]], alpha: float = 0.5) -> LanguageModel:
        """Count trigrams per language label; `alpha` is the additive smoothing."""
        counts: dict[str, Counter[str]] = {lang: Counter() for lang in LANGUAGES}
        for text, lang in labelled:
            if lang in counts:
                counts[lang].update(_grams(_fold(text)))
        vocabulary = set().union(*counts.values())
        size = len(vocabulary) + 1
        logprob: dict[str, dict[str, float]] = {}
        unseen: dict[str, float] = {}
        for lang, counter in counts.items():
            total = sum(counter.values()) + alpha * size
            logprob[lang] = {g: round(math.log((c + alpha) / total), 4) for g, c in counter.items()}
            unseen[lang] = math.log(alpha / total)
        return cls(logprob, unseen)

    def log_likelihood(self, grams: list[str]) -> dict[str, float]:
        """Summed log-probability of the trigrams under each language."""
        return {
            lang: sum(table.get(g, self.unseen[lang]) for g in grams) for lang, table in self.logprob.items()
        }

    def knows(self, grams: list[str], lang: str, share: float) -> bool:
        """Whether at least `share` of the trigrams were seen in `lang`'s training text."""
        table = self.logprob.get(lang, {})
        return bool(grams) and sum(g in table for g in grams) >= share * len(grams)

    def to_json(self) -> dict[str, object]:
        return {"logprob": self.logprob, "unseen": self.unseen}

    @classmethod
    def from_json(cls, data: Mapping[str, object]) -> LanguageModel:
        logprob = data["logprob"]
        unseen = data["unseen"]
        if not isinstance(logprob, dict) or not isinstance(unseen, dict):
            raise ValueError("language model: bad artefact")
        return cls(
            {str(k): {str(g): float(p) for g, p in v.items()} for k, v in logprob.items()},
            {str(k): float(v) for k, v in unseen.items()},
        )


def cue_counts(text: str) -> dict[str, int]:
    """How many words of the text are unambiguous cues for each language."""
    return _cues_of(_fold(text))


def _cues_of(folded: str) -> dict[str, int]:
    words = folded.split()
    return {lang: sum(w in cues for w in words) for lang, cues in _CUES.items()}


def cue_language(text: str) -> str | None:
    """The one language whose cue words the text holds ("Hi", "Čau", "yes"), else None.

    Too little to move a conversation, but better than nothing for its first message: "Hi 10" is
    English, while "asdfgh", "ok" or "no" hold no cue word at all."""
    found = [lang for lang, n in cue_counts(text).items() if n]
    return found[0] if len(found) == 1 else None


def guess_language(text: str, hint: str | None = None, model: LanguageModel | None = None) -> str | None:
    """lv, ru or en; `hint` (the conversation's language) wins when the text does not say.

    Without a trained `model` only script, diacritics and cue words are used; None means "cannot tell".
    """
    if has_cyrillic(text):
        return "ru"
    if _LATVIAN_LETTERS_RE.search(text):
        return "lv"
    folded = _fold(text)
    if sum(c.isalpha() for c in folded) < _MIN_LETTERS:
        return hint
    score = {lang: _CUE_WEIGHT * n for lang, n in cue_counts(text).items()}
    if model is not None:
        grams = _grams(folded)
        likelihood = model.log_likelihood(grams)
        best = max(likelihood.values())
        for lang in LANGUAGES:
            score[lang] += likelihood.get(lang, best - 50.0) - best
    if hint in score:
        score[hint] += _HINT_WEIGHT
    ranked = sorted(score.items(), key=lambda kv: kv[1], reverse=True)
    if ranked[0][1] == ranked[1][1]:
        return hint
    return ranked[0][0]


def script_language(text: str) -> str | None:
    """ru or lv when the letters alone settle the language, else None.

    This is what may move a conversation to another language mid-way, so it only speaks when the
    evidence cannot be a keyboard's accident: mostly Cyrillic letters (ru), or mostly Latin letters
    with Latvian diacritics (lv) in a message whose words are not more English or Russian than Latvian
    ("my son is in Jēkabpils" names a town, it is not Latvian). Latin letters without diacritics may be
    English, Latvian typed on a phone or Russian in Latin letters, so they give None, as do digits,
    links and emoji. Mixed scripts go by letter count: a Russian word quoted in a Latvian sentence
    does not make it Russian.
    """
    text = _LINK_RE.sub(" ", text)
    # counted by Unicode block, not by each letter's name: this runs on every message (clear_language)
    cyrillic = len(_CYRILLIC_LETTER_RE.findall(text))
    latin = len(_LATIN_LETTER_RE.findall(text))
    if cyrillic > latin and cyrillic >= _SWITCH_MIN_LETTERS:
        return "ru"
    if latin > cyrillic and latin >= _SWITCH_MIN_LETTERS and _LATVIAN_LETTERS_RE.search(text):
        cues = cue_counts(text)
        if cues["lv"] >= max(cues["en"], cues["ru"]):
            return "lv"
    return None


@functools.lru_cache(maxsize=4096)  # short words repeat ("kā", "uz", "в", "ok"): folded once each
def _says_no_language(word: str) -> bool:
    # folding never shortens a word, so a longer one cannot be "ok" or "hmm": only short words are folded
    # (it was most of the cost of a message's clear language, bench/load)
    return len(word) <= _NO_LANGUAGE_LONGEST and _fold(word).strip() in _NO_LANGUAGE


def clear_language(text: str, model: LanguageModel | None = None) -> str | None:
    """The language a message is clearly written in, or None when it carries no clear evidence.

    This is what may move a conversation to another language, so it speaks only when a person could not
    mean anything else: a line of typing noise ("asdfgh", "????", "ыыыы"), a word said alike in every
    language ("ok", "hmm", "lol"), an emoji, a number or a word of three letters ("jā", "да", "yes", "hi")
    keeps the conversation's language. The script settles the rest (`script_language`: Cyrillic is
    Russian, Latvian diacritics are Latvian); Latin letters without diacritics count when cue words and
    the trained `model` agree by a clear margin: "labdien", "paldies", "ka pieteikt tiksanos" are Latvian,
    "privet", "spasibo" are Russian typed on a Latin keyboard (answered in Russian, in Cyrillic), a
    sentence in English is English. Without a model, cue words alone decide Latin letters.
    """
    text = _LINK_RE.sub(" ", text)
    words = [w for w in re.findall(r"[^\W\d_]+", text) if not _says_no_language(w)]
    if sum(len(w) for w in words) < _SWITCH_MIN_LETTERS:
        return None
    said = " ".join(words)
    folded = _fold(said)
    grams = _grams(folded)
    written = script_language(said)  # else Latin letters, perhaps with a name ("my son is in Rīga")
    if written is not None:
        # the script settles it (most messages): no scores to weigh, only whether these are words at all
        return None if model is not None and not model.knows(grams, written, _REAL_WORDS) else written
    cues = _cues_of(folded)
    score = {lang: _CUE_WEIGHT * n for lang, n in cues.items()}
    if model is not None:
        likelihood = model.log_likelihood(grams)
        best = max(likelihood.values())
        for lang in LANGUAGES:
            score[lang] += likelihood.get(lang, best - 50.0) - best
    ranked = sorted(score, key=score.__getitem__, reverse=True)
    first = ranked[0]
    if model is not None and not model.knows(grams, first, _REAL_WORDS):
        return None  # typing noise, whatever its letters
    if cues[first] == 0 and (model is None or len(words) == 1):
        # one word of Latin letters counts only when it is a cue word ("labdien", "privet", "thanks"):
        # the model alone read "parcels" as Latvian and "ombudsman" as Russian
        return None
    margin = _CLEAR_MARGIN if model is not None else _CUE_WEIGHT  # without a model: one cue word more
    return first if score[first] - score[ranked[1]] >= margin else None
