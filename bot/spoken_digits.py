"""Numbers read out digit by digit in words, as people type a phone number they dictate from memory.

"divi seši viens divi trīs četri pieci seši", "два шесть один два три четыре пять шесть", "two six one
two three four five six", also mixed with digits ("двадцать шесть 12 34 56") and without diacritics
("divi sesi viens"). bot.redaction masks a run of seven digits or more that has at least one number
word in it (runs of plain digits are the digit detectors' business). A sentence about the helpline's
topics has at most two or three number words in a row ("divas vai trīs reizes", "two or three hours"),
so seven is far from ordinary text and still below the eight digits of a Latvian number.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass

_FOLD = str.maketrans("āčēģīķļņšūžё", "acegiklnsuzе")


def _table(words: str, digits: int) -> dict[str, int]:
    return dict.fromkeys(words.split(), digits)


# one digit
_UNITS = _table(
    # lv (nominative masculine and feminine, folded: "seši" → "sesi")
    "nulle viens viena divi divas tris cetri cetras pieci piecas sesi sesas septini septinas astoni astonas "
    "devini devinas "
    # ru, and Russian in Latin letters
    "ноль нуль один одна два две три четыре пять шесть семь восемь девять "
    "nol odin odna dva dve tri chetyre chetire pyat pjat shest sest sem vosem devyat devjat "
    # en ("oh" as people read a 0)
    "zero oh one two three four five six seven eight nine",
    1,
)
# two digits: ten to nineteen
_TEENS = _table(
    "desmit vienpadsmit divpadsmit trispadsmit cetrpadsmit piecpadsmit sespadsmit septinpadsmit "
    "astonpadsmit devinpadsmit "
    "десять одиннадцать двенадцать тринадцать четырнадцать пятнадцать шестнадцать семнадцать "
    "восемнадцать девятнадцать "
    "ten eleven twelve thirteen fourteen fifteen sixteen seventeen eighteen nineteen",
    2,
)
# two digits, or one more with the unit that follows ("twenty six" is two digits, not three)
_TENS = frozenset(
    _table(
        "divdesmit trisdesmit cetrdesmit piecdesmit sesdesmit septindesmit astondesmit devindesmit "
        "двадцать тридцать сорок пятьдесят шестьдесят семьдесят восемьдесят девяносто "
        "twenty thirty forty fifty sixty seventy eighty ninety",
        2,
    )
)
_PLUS = frozenset(("plus", "плюс", "pluss"))
_TOKEN = re.compile(r"[^\W_]+")
# what may stand between the words of one number: spaces and the marks people group digits with
_JOINER = re.compile(r"[\s,.;:/()\-–]*")
MIN_DIGITS = 7


@dataclass(frozen=True, slots=True)
class SpokenNumber:
    start: int
    end: int
    digits: int
    plus: bool  # began with "plus" / "плюс": an international number


def _fold(word: str) -> str:
    return word.casefold().translate(_FOLD)


def _digits(word: str, previous: str | None) -> int | None:
    """How many digits this word adds to the number, or None when it is no part of one."""
    if word.isdigit():
        return len(word) if len(word) <= 4 else None
    if word in _UNITS:
        return 0 if previous in _TENS else 1  # "twenty six": the tens word counted both
    if word in _TEENS or word in _TENS:
        return 2
    return None


def find_spoken_numbers(text: str) -> Iterator[SpokenNumber]:
    """Runs of number words (and digit groups) that add up to MIN_DIGITS digits or more."""
    tokens = list(_TOKEN.finditer(text))
    i = 0
    while i < len(tokens):
        first = i
        plus = _fold(tokens[i].group()) in _PLUS
        if plus:
            i += 1
        digits = 0
        words = 0
        previous: str | None = None
        end = i
        while end < len(tokens):
            if end > first and not _JOINER.fullmatch(text[tokens[end - 1].end() : tokens[end].start()]):
                break
            folded = _fold(tokens[end].group())
            added = _digits(folded, previous)
            if added is None:
                break
            digits += added
            words += 0 if folded.isdigit() else 1
            previous = folded
            end += 1
        if digits >= MIN_DIGITS and words:
            yield SpokenNumber(tokens[first].start(), tokens[end - 1].end(), digits, plus)
            i = end
        else:
            i = first + 1
