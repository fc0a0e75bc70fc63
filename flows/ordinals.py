"""An option picked by its place in words: "pirmais", "otro", "второй вариант", "the 2nd one".

On a push-button phone the options are numbered lines, and people answer the way they would say it: by
SMS "pirmais" or "the first one" at the psychologist's answer, "otro" or "второй" at the days, got "I did
not understand" and the same list again, and "the 2nd one" was read as the 2nd of December (QA, SMS pass).

Only a message that is nothing but the place and a few filler words counts ("izvēlos otro", "давайте
второй", "I'll take the second one"); anything else ("otrā dienā", "второго числа") is left to the model
and the booking's own readers. A digit with an ordinal mark ("2nd", "2-й") counts only with a word that
says it is an option ("the 2nd one", "2-й вариант"): "the 3rd" or "3-го" alone is a day of the month
(flows.booking_steps.typed_day_of_month). The Russian genitive ("второго") is left out for the same reason.
"""

from __future__ import annotations

import re

from nlu.normalize import normalize

_LV_STEMS = ("pirm", "otr", "tres", "ceturt", "piekt", "sest", "septit", "astot", "devit", "desmit")
_LV_ENDINGS = ("ais", "a", "o", "ie", "as")  # folded: -ais, -ā/-a, -o (accusative), -ie, -ās
_RU_STEMS = ("perv", "vtor", "tret", "cetvert", "pyat", "sest", "sedm", "vosm", "devyat", "desyat")
_RU_ENDINGS = ("yj", "oj", "ij", "aya", "ya", "oe", "e", "uyu", "yu")  # folded; no -ogo/-ego (a date)
_EN = ("first", "second", "third", "fourth", "fifth", "sixth", "seventh", "eighth", "ninth", "tenth")


def _words() -> dict[str, int]:
    table: dict[str, int] = {}
    for place, (lv, ru, en) in enumerate(zip(_LV_STEMS, _RU_STEMS, _EN, strict=True), start=1):
        table |= {lv + ending: place for ending in _LV_ENDINGS}
        table |= {ru + ending: place for ending in _RU_ENDINGS}
        table[en] = place
    return table


ORDINAL_WORDS = _words()
# words that name an option: with them a marked digit ("2nd", "2-й") is a place in the list, not a date
_OPTION_NOUNS = frozenset(
    re.findall(r"\w+", "one option choice number variants variantu variant numurs numuru nr nomer")
)
# words around a choice that say nothing about which one
_FILLERS = _OPTION_NOUNS | frozenset(
    re.findall(
        r"\w+",
        # lv
        "es man gribu izvelos izveleties nemsu lai der ludzu labak tad to tas ta so "
        # ru
        "ya mne davajte davaj vyberu vybirayu beru voz mu hocu pozalujsta pozaluj togda vot etot eta "
        # en
        "the i il ill take choose pick want go for with please then lets s it",
    )
)
_MARKED_DIGIT = re.compile(r"^(\d{1,2})(st|nd|rd|th)?$")
_A_MOMENT = re.compile(r"\b(one|a|just) second\b")  # "one second please": wait, not option 2
_RU_DIGIT_MARKS = frozenset(("j", "oj", "ij", "ya", "aya", "e", "oe"))


def picked_place(text: str) -> int | None:
    """The option's place (1-based) when the whole message picks one by its place in words, else None."""
    tokens = normalize(text).split()
    if not tokens or len(tokens) > 6 or _A_MOMENT.search(" ".join(tokens)):
        return None
    places: list[int] = []
    marked = False
    rest: list[str] = []
    index = 0
    while index < len(tokens):
        token = tokens[index]
        digit = _MARKED_DIGIT.match(token)
        if token in ORDINAL_WORDS:
            places.append(ORDINAL_WORDS[token])
        elif digit and digit.group(2):
            places.append(int(digit.group(1)))
            marked = True
        elif digit and index + 1 < len(tokens) and tokens[index + 1] in _RU_DIGIT_MARKS:
            places.append(int(digit.group(1)))
            marked = True
            index += 1
        elif digit and any(t in _OPTION_NOUNS for t in tokens):
            places.append(int(digit.group(1)))  # "nr. 2", "номер 2", "option 2"
        else:
            rest.append(token)
        index += 1
    if len(places) != 1 or any(t not in _FILLERS for t in rest):
        return None
    if marked and not any(t in _OPTION_NOUNS for t in rest):
        return None  # "the 2nd", "2-й": a day of the month at the days, not the second option
    return places[0] if places[0] >= 1 else None
