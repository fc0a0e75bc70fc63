"""Which of lv/ru/en a message is written in, for the reply language and the per-language evaluation.

Script and diacritics settle most messages (Cyrillic → ru, ā/š/ļ → lv). The hard cases are the
ones people actually send from a phone: Latvian without diacritics and Russian in Latin letters.
For those a small character n-gram model, trained from the data folders' language labels, votes
together with a few unambiguous cue words ("sveiki", "privet", "hello").
"""

from __future__ import annotations

import math
import re
import unicodedata
from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from nlu.normalize import casefold, has_cyrillic, strip_diacritics, strip_punctuation, transliterate
from nlu.parse import LANGUAGES

_LATVIAN_LETTERS_RE = re.compile(r"[āčēģīķļņšūžĀČĒĢĪĶĻŅŠŪŽ]")
_NGRAM = 3
_CUE_WEIGHT = 3.0  # log-likelihood nats a cue word is worth; a greeting alone must decide
_HINT_WEIGHT = 1.5  # how much the conversation's language is preferred when the text is unclear
_MIN_LETTERS = 2
# Letters of one script a message needs before its script may change the conversation's language:
# "да", "jā" or "ok" typed on the other keyboard are too little to act on.
_SWITCH_MIN_LETTERS = 4
_LINK_RE = re.compile(r"(?:https?://|www\.)\S+|\S+@\S+", re.IGNORECASE)  # their letters are no language


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
    words = _fold(text).split()
    return {lang: sum(w in cues for w in words) for lang, cues in _CUES.items()}


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
    letters = [c for c in text if c.isalpha()]
    cyrillic = sum(1 for c in letters if has_cyrillic(c))
    latin = sum(1 for c in letters if unicodedata.name(c, "").startswith("LATIN"))
    if cyrillic > latin and cyrillic >= _SWITCH_MIN_LETTERS:
        return "ru"
    if latin > cyrillic and latin >= _SWITCH_MIN_LETTERS and _LATVIAN_LETTERS_RE.search(text):
        cues = cue_counts(text)
        if cues["lv"] >= max(cues["en"], cues["ru"]):
            return "lv"
    return None
