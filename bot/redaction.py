"""Masks personal data (phones, e-mails, personas kods, cards, accounts, long numbers, street addresses,
names) before operators see text and before it becomes NLU training data.

Every detector returns spans on the original text; earlier detectors win overlaps, so an IBAN is never
half-masked as a phone number. Detectors lean towards masking: a missed phone number is a leak, an
extra ⟨name⟩ only makes a sentence harder to read. Times, years and dates stay readable.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from enum import StrEnum
from functools import cache
from pathlib import Path

import phonenumbers

import flows
import nlu
from bot.spoken_digits import find_spoken_numbers

NAMES_FILE = Path(__file__).with_name("redaction_names.txt")
# What relatives and the bot write about the helpline's topics: the NLU training examples, the prison
# names and the bot's own texts, in lv, ru and en. A word in them is an ordinary word, never taken for an
# unknown name (see _ordinary); that keeps "my son needs money" and the NLU export readable.
VOCABULARY_FILES = (
    *sorted((Path(nlu.__file__).parent / "data").glob("*/*.yml")),
    Path(nlu.__file__).with_name("prisons.yml"),
    Path(nlu.__file__).with_name("calendar.yml"),
    *sorted((Path(flows.__file__).parent / "texts").glob("*.yml")),
)


class Kind(StrEnum):
    EMAIL = "email"
    ACCOUNT = "account"
    PERSONAL_CODE = "personal_code"
    CARD = "card"
    PHONE = "phone"
    ADDRESS = "address"
    NUMBER = "number"
    NAME = "name"


def placeholder(kind: Kind) -> str:
    return f"⟨{kind}⟩"


@dataclass(frozen=True, slots=True)
class Span:
    start: int
    end: int
    kind: Kind


Detector = Callable[[str], Iterable[Span]]

_EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")
# an address typed so that it is not a link: "ilze at inbox dot lv", "ilze(at)inbox.lv",
# "ivan собака mail.ru", "ilze @ inbox. lv"
_AT = r"(?:\s*[(\[]\s*(?:at|эт)\s*[)\]]\s*|\s+(?:at|собака|эт)\s+|\s*@\s*)"
_DOT = r"(?:\s*\.\s*|\s*[(\[]\s*(?:dot|punkts|точка)\s*[)\]]\s*|\s+(?:dot|punkts|точка)\s+)"
_SPELLED_EMAIL = re.compile(
    r"(?<![\w.+-])[\w.+-]+"
    + _AT
    + r"[\w-]+(?:"
    + _DOT
    + r"[\w-]+)*"
    + _DOT
    + r"(?:lv|lt|ee|ru|com|net|org|eu|uk|de|ie|no|se|fi|by|ua|info)(?!\w)",
    re.IGNORECASE,
)
# LV + 2 check digits + 4-letter bank code + 13 characters; typed with or without spaces, any case
# (staff QA s9: "LV 80 BANK …" and "LV80-BANK-0000-…" left the bank code and check digits readable)
_LV_IBAN = re.compile(r"(?<![\w])LV[\s-]?\d\d(?:[\s-]?[A-Z]){4}(?:[\s-]?[A-Z0-9]){13}(?![\w])", re.IGNORECASE)
_ANY_IBAN = re.compile(r"(?<![\w])[A-Z]{2}\d\d(?:\s?[A-Z0-9]){11,30}", re.IGNORECASE)
# personas kods: DDMMYY-NNNNN (old) or 32XXXX-XXXXX (new, since 2017); the hyphen is often left out
_PERSONAL_CODE = re.compile(r"(?<![\d])(\d\d)(\d\d)\d\d\s?[-‐–/]?\s?\d{5}(?![\d])")
_DIGIT_RUN = re.compile(r"(?<![\d+])[1-9](?:[ -]?\d){12,18}(?![\d])")  # no card number starts with 0
# +371 / 00371 forms the phone library may split oddly ("+371 2 612 34 56")
_LV_PHONE = re.compile(r"(?<![\d+])(?:\+|00)\s?371[\s.-]?\d(?:[\s.-]?\d){7}(?![\d])")
_DATE_LIKE = re.compile(r"\d{4}[-./]\d{1,2}[-./]\d{1,2}|\d{1,2}[-./]\d{1,2}[-./]\d{2,4}")
# any other run of 9+ digits (spaces or dashes between): a number in a format the phone library does not
# know for Latvia ("07700 900123", "8 921 123 45 67"), a case number, a card number with a typo (staff QA)
_LONG_NUMBER = re.compile(r"(?<![\d+])\+?\d(?:[ -]?\d){8,}(?![\d])")
_YEAR = re.compile(r"(?:19|20)\d\d")
# a street and house: "Brīvības ielā 55-12", "Kr. Barona iela 3", "ул. Бривибас 55", "12 Baker Street"
_HOUSE = r"\d+[^\W\d_]?(?:\s?[-/]\s?\d+)?(?!\d)"
_STREETS = (
    re.compile(
        r"(?<!\w)(?:[^\W\d_]{1,4}\.\s?)?[^\W\d_]+\s+(?:iel[aāuū]|ielas|gatv[eē]|prospekt[sā]|bulvār[iī]s?|"
        r"šosej[aā]|laukum[sā])\s*(?:nr\.?\s*)?" + _HOUSE,
        re.IGNORECASE,
    ),
    re.compile(
        r"(?<!\w)(?:ул\.|улиц[аеуы]|пр\.|проспект[аеу]?)\s*[^\W\d_]+(?:\s[^\W\d_]+)?,?\s*(?:д\.\s*)?"
        + _HOUSE,
        re.IGNORECASE,
    ),
    re.compile(r"(?<!\w)\d+[a-z]?\s+(?:[A-Z][a-z]+\s){1,2}(?:Street|St|Road|Rd|Avenue|Ave|Lane|Drive)\b"),
)
_WORD = re.compile(r"[^\W\d_]+(?:[-'’][^\W\d_]+)*")


def _email(text: str) -> Iterator[Span]:
    for pattern in (_EMAIL, _SPELLED_EMAIL):
        for m in pattern.finditer(text):
            yield Span(m.start(), m.end(), Kind.EMAIL)


def _iban_valid(compact: str) -> bool:
    moved = compact[4:] + compact[:4]
    digits = "".join(str(int(c, 36)) for c in moved.upper())
    return int(digits) % 97 == 1


# IBAN lengths of the countries a Latvian helpline meets; others are left alone (no length, no check)
IBAN_LENGTHS = {
    "LV": 21, "LT": 20, "EE": 20, "FI": 18, "SE": 24, "NO": 15, "DK": 18, "DE": 22, "PL": 28, "GB": 22,
    "IE": 22, "NL": 18, "BE": 16, "FR": 27, "ES": 24, "IT": 27, "AT": 20, "CH": 21, "UA": 29, "BY": 28,
    "RU": 33, "CZ": 24, "SK": 24, "PT": 25, "IS": 26,
}  # fmt: skip


def _account(text: str) -> Iterator[Span]:
    for m in _LV_IBAN.finditer(text):
        yield Span(m.start(), m.end(), Kind.ACCOUNT)  # LV-shaped: masked even with a typo in it
    for m in _ANY_IBAN.finditer(text):
        # a foreign IBAN: the country's length, and the mod-97 check must pass
        chars = [(i, c) for i, c in enumerate(m.group(), m.start()) if not c.isspace()]
        length = IBAN_LENGTHS.get(m.group()[:2].upper())
        if length and len(chars) >= length and _iban_valid("".join(c for _, c in chars[:length])):
            yield Span(m.start(), chars[length - 1][0] + 1, Kind.ACCOUNT)


def _personal_code(text: str) -> Iterator[Span]:
    for m in _PERSONAL_CODE.finditer(text):
        day, month = int(m.group(1)), int(m.group(2))
        if m.group(1) == "32" or (1 <= day <= 31 and 1 <= month <= 12):
            yield Span(m.start(), m.end(), Kind.PERSONAL_CODE)


def luhn_valid(digits: str) -> bool:
    total = 0
    for index, char in enumerate(reversed(digits)):
        value = int(char)
        if index % 2 == 1:
            value = value * 2 - 9 if value > 4 else value * 2
        total += value
    return total % 10 == 0


def _card(text: str) -> Iterator[Span]:
    for m in _DIGIT_RUN.finditer(text):
        if luhn_valid(re.sub(r"\D", "", m.group())):
            yield Span(m.start(), m.end(), Kind.CARD)


def _phone(text: str) -> Iterator[Span]:
    for match in phonenumbers.PhoneNumberMatcher(text, "LV"):
        if not _DATE_LIKE.fullmatch(match.raw_string):  # 2026-03-12 reads as a mobile number
            yield Span(match.start, match.end, Kind.PHONE)
    for m in _LV_PHONE.finditer(text):
        yield Span(m.start(), m.end(), Kind.PHONE)


def _address(text: str) -> Iterator[Span]:
    for pattern in _STREETS:
        for m in pattern.finditer(text):
            yield Span(m.start(), m.end(), Kind.ADDRESS)


def _long_number(text: str) -> Iterator[Span]:
    blanked = _DATE_LIKE.sub(lambda m: "x" * len(m.group()), text)  # "07.12.2026 10:00" stays a date
    for m in _LONG_NUMBER.finditer(blanked):
        if not all(_YEAR.fullmatch(group) for group in m.group().split()):  # "2024 2025 2026"
            yield Span(m.start(), m.end(), Kind.NUMBER)


def _spoken_number(text: str) -> Iterator[Span]:
    """A number read out in words ("divi seši viens divi trīs četri pieci seši"): eight digits, or a
    leading "plus", is a phone number; any other length a number (a personal code, a case number)."""
    for found in find_spoken_numbers(text):
        kind = Kind.PHONE if found.plus or found.digits == 8 else Kind.NUMBER
        yield Span(found.start, found.end, kind)


# Words after which a capitalised word (or a known first name in any case) is a person's name.
def _words(*chunks: str) -> tuple[str, ...]:
    return tuple(" ".join(chunks).split())


# Latvian letters and ё without their marks, one character for one so that positions stay the same:
# triggers are found in the folded text, so "mans dels janis" matches like "mans dēls Jānis"
_SAME_LENGTH_FOLD = str.maketrans("āčēģīķļņšūžĀČĒĢĪĶĻŅŠŪŽёЁ", "acegiklnsuzACEGIKLNSUZеЕ")


def _fold(word: str) -> str:
    return word.casefold().translate(_SAME_LENGTH_FOLD)


def _folded_words(*chunks: str) -> frozenset[str]:
    return frozenset(_fold(word) for word in _words(*chunks))


# relatives (in the cases people write them) and "named": a listed name in any case ("my husband mark",
# "мой сын дима", "MANS DĒLS KRISTAPS") or a capitalised word after one is a name. An unknown word in lower
# case is not: it is as often a verb ("my son owes", "мой муж получил", "dēls lūdza")
_RELATIVES = _folded_words(
    "vīrs vīru vīram vīra sieva sievu sievai dēls dēlu dēlam dēla meita meitu meitai meitas brālis brāli "
    "brālim brāļa māsa māsu māsai tēvs tēvu tēvam tētis tēti māte māti mātei mamma mammu draugs draugu "
    "draudzene draudzeni partneris partneri partnere mazdēls mazdēlu mazmeita ieslodzītais ieslodzīto "
    "ieslodzītajam notiesātais notiesāto vārdā vārdu",
    "сын сына сыну муж мужа мужу жена жену дочь дочери брат брата брату сестра сестру отец отца мать "
    "маму мама папа парень парня друг друга заключённый заключённого осуждённый",
    "son husband wife daughter brother sister father mother dad mum mom partner boyfriend girlfriend "
    "fiance fiancé named called inmate prisoner grandson",
)
# "my name is jennifer", "mani sauc zelmīra", "его зовут игорь": after whose name it is, the next word is the
# name itself, typed in any case; "kā sauc psihologu?" asks for one and is read like a relative's word
_NAMING = _folded_words("sauc vārds uzvārds зовут звать имя имени фамилия name name's")
# introducing oneself ("es esmu Zelmīra", "I'm Kate", "im anna", "я Снежана", "this is Bridget"): so often
# followed by how one feels ("im worried", "esmu izmisusi", "я не знаю") that only a listed or
# capitalised name counts
_INTRODUCING = _folded_words("esmu am i'm i’m im я это")
_TRIGGER_PHRASES = ("this is", "it's", "it is", "te ir", "tas ir")
_OWNERS = _folded_words(
    "my his her our their mans mana mani manu viņu viņa viņas viņam mūsu меня его её мое моё моя мой мою "
    "моего их нас",
)
_TRIGGER = re.compile(
    r"(?<!\w)(?:"
    + "|".join(
        sorted(
            map(re.escape, (*_RELATIVES, *_NAMING, *_INTRODUCING, *_TRIGGER_PHRASES)),
            key=len,
            reverse=True,
        )
    )
    + r")(?!\w)",
    re.IGNORECASE,
)
# words allowed between a trigger and the name ("dēls ir Jānis", "name is John", "зовут его Иван")
_FILLERS = _folded_words("ir is was его её mans mana my мой моя")
# capitalised words that are not names: places and institutions, months and weekdays (by prefix) ...
_NOT_NAME_PREFIXES = tuple(
    _folded_words(
        "olain jelgav liepāj daugavpil valmier cēs iļģuc rīg grīv brasa šķirotav matīs latvij latvia ievp "
        "cietum prison lietuv lithuan krievij russia "
        "олайн елгав лиепа даугавпилс рига риг латви тюрьм литв росси "
        "janvār februār mart aprīl maij jūnij jūlij august septembr oktobr novembr decembr "
        "pirmdien otrdien trešdien ceturtdien piektdien sestdien svētdien "
        "январ феврал март апрел июн июл август сентябр октябр ноябр декабр "
        "понедельник вторник сред четверг пятниц суббот воскресен "
        "january february march april june july september october november december "
        "monday tuesday wednesday thursday friday saturday sunday",
    )
)
# ... and short words (pronouns, conjunctions, prepositions), exactly
_NOT_NAME_WORDS = _folded_words(
    "es tu viņš viņa mēs jūs viņi i he she we they я он она мы они вы ты it this the a an "
    "un and и in on at no uz из в на ar with mai мая май to šo tas that этот эту это not не ne "
    "so very too also really just sorry me him her us them of for from about by or vai или",
    # when and how often, as people put them between a relative and where he is ("мой сын давно в …")
    "давно опять всегда снова теперь недавно сейчас уже ещё тоже также там тут здесь точно вообще никогда "
    "часто иногда наверное patlaban pašlaik šobrīd tagad atkal nesen vēl jau arī joprojām tur te vienmēr "
    "bieži dažreiz laikam droši still now again already always often never usually sometimes probably "
    "there here",
)


# nominative endings taken off a listed name, and case endings allowed on a written one
_NOMINATIVE = ("is", "us", "s", "a", "e", "ий", "ей", "й", "а", "я", "ь")
_CASE_ENDINGS = (
    "am", "ai", "ei", "im", "um", "as", "es", "is", "us", "s", "a", "e", "i", "u",
    "ом", "ем", "ой", "ей", "ию", "ия", "ии", "а", "я", "у", "ю", "е", "ы", "и", "й",
)  # fmt: skip


# surnames typed in lower case after a first name ("vīrs jānis ozoliņš", "муж иван петров"): by their ending
_SURNAME_ENDINGS = (
    "iņš", "iņa", "ovs", "ova", "evs", "eva", "skis", "ska", "ckis", "cka", "ičs",
    "ов", "ев", "ёв", "ин", "ова", "ева", "ёва", "ина", "ский", "ская", "цкий", "цкая", "енко", "ук", "юк",
)  # fmt: skip


def _surname_like(word: str) -> bool:
    folded = word.casefold()
    return len(folded) >= 4 and folded.endswith(_SURNAME_ENDINGS)


@dataclass(frozen=True, slots=True)
class _NameIndex:
    names: frozenset[str]
    stems: frozenset[str]
    ordinary: frozenset[str]  # folded words of VOCABULARY_FILES that are not listed names

    def is_name(self, word: str) -> bool:
        folded = _fold(word)
        if folded in self.names:
            return True
        return any(
            folded.endswith(end) and len(folded) - len(end) >= 3 and folded[: -len(end)] in self.stems
            for end in _CASE_ENDINGS
        )

    def unknown(self, word: str) -> bool:
        """No word of the helpline's topics: a name where the context says one may follow."""
        return len(word) > 1 and _fold(word) not in self.ordinary


@cache
def _name_index() -> _NameIndex:
    listed = [
        line.strip()
        for line in NAMES_FILE.read_text(encoding="utf-8").splitlines()
        if line.strip() and not line.lstrip().startswith("#")
    ]
    exact = {_fold(line[1:].strip()) for line in listed if line.startswith("=")}
    inflected = {_fold(line) for line in listed if not line.startswith("=")}
    names = exact | inflected
    stems = set(inflected)
    for name in inflected:
        stems.update(name[: -len(e)] for e in _NOMINATIVE if name.endswith(e) and len(name) > len(e) + 2)
    index = _NameIndex(frozenset(names), frozenset(stems), frozenset())
    vocabulary = {
        _fold(m.group())
        for path in VOCABULARY_FILES
        for m in _WORD.finditer(path.read_text(encoding="utf-8"))
    }
    return _NameIndex(index.names, index.stems, frozenset(w for w in vocabulary if not index.is_name(w)))


def _not_a_name(word: str) -> bool:
    folded = _fold(word)
    return folded in _NOT_NAME_WORDS or folded.startswith(_NOT_NAME_PREFIXES)


def _capitalised(word: str) -> bool:
    """Jānis, Иван; not IeVP, not SMS, not lowercase words."""
    return word[:1].isupper() and (len(word) == 1 or word[1:].islower())


# English verbs that follow a name ("john stabbed", "anna calling", "tom doesnt"): no surname ends so
_VERB_ENDINGS = ("ed", "ing", "nt", "ly")


def _foreign_surname(index: _NameIndex, word: str) -> bool:
    """After a first name typed in lower case or in capitals: a Latin-letter word that is no ordinary word
    and no English verb form ("jennifer smith", "PETER NOVAK"). Case says nothing there, and Latvian and
    Russian surnames are already known by their endings; a Cyrillic word is left to those."""
    folded = word.casefold()
    return (
        index.unknown(word)
        and not any("а" <= c <= "я" for c in folded)
        and not folded.endswith(_VERB_ENDINGS)
    )


_SENTENCE_END = re.compile(r"[\n.!?…]")


# what follows a relative's name saying where or how they are: "my son jayden is …", "dēls kristofers ir …",
# "сын тимур в …"; a verb or an adverb in that place ("my son owes money") is never followed by one of these
_AFTER_NAME = _folded_words("is was has ir bija atrodas sēž в во сидит находится был")


def _first_word_is_name(
    index: _NameIndex, token: str, trigger: str, *, owned: bool, adjacent: bool, following: str | None
) -> bool:
    """Whether the word right after a trigger (and its fillers) is a name: a listed one in any case, a
    capitalised word, whatever follows "my name is" / "mani sauc" / "меня зовут", or, right after a
    relative's word, a word of no topic that is followed by "is" / "ir" / "в" ("my son jayden is in …")."""
    if index.is_name(token) or _capitalised(token):
        return True
    if trigger in _NAMING and owned:
        return True  # "my name is jennifer", "МЕНЯ ЗОВУТ ОЛЬГА"
    return (
        trigger in _RELATIVES
        and adjacent
        and following in _AFTER_NAME
        and index.unknown(token)
        and not token.casefold().endswith(_VERB_ENDINGS)
    )


def _names(text: str) -> Iterator[Span]:
    index = _name_index()
    words = list(_WORD.finditer(text))
    masked: set[int] = set()
    for trigger in _TRIGGER.finditer(text.translate(_SAME_LENGTH_FOLD)):
        found = _fold(trigger.group())
        position = next((i for i, w in enumerate(words) if w.start() >= trigger.end()), len(words))
        first = position
        while position < len(words) and _fold(words[position].group()) in _FILLERS:
            position += 1
        before = [_fold(w.group()) for w in words if w.end() <= trigger.start()][-1:]
        owned = bool(before) and before[0] in _OWNERS
        if found == "am" and before != ["i"]:
            continue  # "what time am I …"
        previous: re.Match[str] | None = None
        for at, word in enumerate(words[position : position + 2], position):
            token = word.group()
            if _not_a_name(token):
                break
            if previous is None:
                after = words[at + 1] if at + 1 < len(words) else None
                following = (
                    _fold(after.group()) if after and text[word.end() : after.start()].isspace() else None
                )
                looks = _first_word_is_name(
                    index, token, found, owned=owned, adjacent=position == first, following=following
                )
                gap = text[trigger.end() : word.start()]
            else:  # the surname: "jennifer smith", "PETER NOVAK", "jānis ozoliņš"; not "Jānis, viņš"
                gap = text[previous.end() : word.start()]
                if len(previous.group()) == 1:
                    gap = gap.replace(".", "", 1)  # an initial: "J. Smith"
                looks = gap.strip() == "" and (
                    index.is_name(token)
                    or _capitalised(token)
                    or _surname_like(token)
                    or (not _capitalised(previous.group()) and _foreign_surname(index, token))
                )
            if not looks or _SENTENCE_END.search(gap) or word.start() in masked:
                break  # "Nomira vīra tēvs. Kā rīkoties?": a new sentence, not a name
            masked.add(word.start())
            previous = word
            yield Span(word.start(), word.end(), Kind.NAME)
    for i, word in enumerate(words):
        token = word.group()
        shouted = token.isupper() and len(token) > 1  # "JĀNIS BĒRZIŅŠ"
        if word.start() in masked or not (_capitalised(token) or shouted) or not index.is_name(token):
            continue
        yield Span(word.start(), word.end(), Kind.NAME)
        follower = words[i + 1] if i + 1 < len(words) else None
        if (
            follower is not None
            and text[word.end() : follower.start()].strip() == ""
            and not _not_a_name(follower.group())
            and (
                _capitalised(follower.group())
                or _surname_like(follower.group())
                or (shouted and follower.group().isupper() and index.unknown(follower.group()))
            )
        ):
            yield Span(follower.start(), follower.end(), Kind.NAME)  # the surname after a first name


DETECTORS: tuple[Detector, ...] = (
    _email, _account, _personal_code, _card, _phone, _address, _long_number, _spoken_number, _names,
)  # fmt: skip


def find(text: str) -> list[Span]:
    """Non-overlapping spans to mask, in text order; an earlier detector wins an overlap."""
    chosen: list[Span] = []
    for detector in DETECTORS:
        for span in sorted(detector(text), key=lambda s: (s.start, -s.end)):
            if all(span.end <= c.start or span.start >= c.end for c in chosen):
                chosen.append(span)
    return sorted(chosen, key=lambda s: s.start)


def redact(text: str, mask: Callable[[Kind], str] = placeholder) -> str:
    """The text with every personal detail replaced by a typed placeholder; adjacent names merge.

    `mask` is the placeholder's wording: the canonical `⟨phone⟩` for the NLU export and everything stored,
    the reader's own language on the console's pages (bot.console.masks)."""
    out: list[str] = []
    cursor = 0
    for span in find(text):
        token = mask(span.kind)
        gap = text[cursor : span.start]
        if span.kind == Kind.NAME and out and out[-1] == token and gap.strip() == "":
            cursor = span.end  # "Jānis Bērziņš" → one ⟨name⟩
            continue
        out.append(gap)
        out.append(token)
        cursor = span.end
    out.append(text[cursor:])
    return "".join(out)
