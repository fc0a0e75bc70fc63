"""Finds the entities a flow can use: which prison, which day and time, which phone number.

Prison names come in many inflections in three languages ("Olaines cietumā", "в Олайнской
тюрьме"), so they are matched as word stems from `prisons.yml` on normalised text. Times come from
`nlu.dates`; phone numbers from the `phonenumbers` library (Latvian numbers by default, E.164 out).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

import phonenumbers
import yaml
from phonenumbers import Leniency

from nlu.dates import DateFinder
from nlu.dates import warm_up as warm_up_dates
from nlu.normalize import Token, tokenize
from nlu.parse import Entity
from nlu.phrases import PhraseMatcher

PRISONS_FILE = Path(__file__).with_name("prisons.yml")
PHONE_REGION = "LV"
CLOCK = "clock"  # an hour said without a day ("plkst. 10"), beside its "time" entity
WEEK = "week"  # a calendar week ("nākamnedēļ"), its Monday; not when a day in it was said
DAYS = "days"  # a month or a part of it said without a day ("janvāra sākumā"): "first/last" ISO days
EITHER_DAY = "either_day"  # "next Friday" that may be this week's or next week's: "this/next" ISO days
DAY_REFUSED = "day_refused"  # a day said not to suit ("rīt nevaru", "не в пятницу")
_NO_FUZZ = 99  # prison stems are short; a typo allowance would let "plain" meet "olain"
_MIN_PHONE_DIGITS = 7


@dataclass(frozen=True, slots=True)
class PrisonFinder:
    """Prison-name stems compiled into one matcher; `names` maps each form to its canonical name."""

    matcher: PhraseMatcher
    names: dict[str, str]
    nouns: PhraseMatcher  # "cietumā", "тюрьме": included in the entity's text when they follow the name

    @classmethod
    def load(cls, path: Path = PRISONS_FILE) -> PrisonFinder:
        config = yaml.safe_load(path.read_text(encoding="utf-8"))
        prisons = config.get("prisons") if isinstance(config, dict) else None
        if not isinstance(prisons, list):
            raise ValueError(f"{path}: expected `prisons:` with a list")
        names: dict[str, str] = {}
        for prison in prisons:
            for form in prison["forms"]:
                names[str(form)] = str(prison["name"])
        nouns = [str(n) for n in config.get("nouns", [])]
        return cls(
            PhraseMatcher(names, max_gap=0, fuzzy_min_len=_NO_FUZZ),
            names,
            PhraseMatcher(nouns, max_gap=0, fuzzy_min_len=_NO_FUZZ),
        )

    def find(self, text: str, tokens: list[Token]) -> list[Entity]:
        """Every prison named in the text, once each, in text order."""
        entities: list[Entity] = []
        seen: set[str] = set()
        words = [t.norm for t in tokens]
        for found in self.matcher.find_all(words):
            name = self.names[found.phrase]
            if name in seen:
                continue
            seen.add(name)
            last = found.end - 1
            if found.end < len(words) and self.nouns.find_all(words[found.end : found.end + 1]):
                last = found.end
            start, end = tokens[found.start].start, tokens[last].end
            entities.append(Entity("prison", name, start, end, text[start:end]))
        return entities


_ISO_DATE = re.compile(r"((?:19|20)\d\d)-([01]?\d)-([0-3]?\d)")


def _iso_dates_as_dotted(text: str) -> str:
    """An ISO date ("2026-12-12") as "12.12.2026", which the date finder reads: same length, same offsets."""
    return _ISO_DATE.sub(lambda m: f"{m[3]}.{m[2]}.{m[1]}", text)


def find_phone_numbers(text: str, leniency: int = Leniency.VALID) -> list[Entity]:
    """Phone numbers written in any usual way; Latvian when no country code is given.

    `Leniency.POSSIBLE` also takes numbers of plausible length that no carrier has issued, for where a
    number is asked for and anything looking like one is meant as one (the call-back's number)."""
    if sum(c.isdigit() for c in text) < _MIN_PHONE_DIGITS:
        return []
    entities: list[Entity] = []
    for match in phonenumbers.PhoneNumberMatcher(text, PHONE_REGION, leniency=leniency):
        if _ISO_DATE.fullmatch(match.raw_string.strip()):
            continue  # "2026-12-12" was +37120261212: a date typed the ISO way is a date (calendar QA, s11)
        value = phonenumbers.format_number(match.number, phonenumbers.PhoneNumberFormat.E164)
        entities.append(Entity("phone_number", value, match.start, match.end, match.raw_string))
    return entities


class EntityExtractor:
    """All entity finders together; build once with `EntityExtractor.load()`."""

    def __init__(self, prisons: PrisonFinder, dates: DateFinder) -> None:
        self._prisons = prisons
        self._dates = dates

    @classmethod
    def load(cls) -> EntityExtractor:
        return cls(PrisonFinder.load(), DateFinder.load())

    def warm_up(self, now: datetime) -> None:
        """Load phonenumbers' and dateparser's lazy data now, not on a user's first message."""
        self.extract("+371 29 123 456 через 2 дня", now)
        warm_up_dates()

    def extract(self, text: str, now: datetime, tokens: list[Token] | None = None) -> tuple[Entity, ...]:
        """Prison, time and phone entities with character offsets into `text`."""
        tokens = tokenize(text) if tokens is None else tokens
        entities = self._prisons.find(text, tokens)
        phones = find_phone_numbers(text)
        entities.extend(phones)
        blanked = _iso_dates_as_dotted(_blank_spans(text, phones))
        found = self._dates.find(blanked, now, None if phones else tokens)
        if found is not None:
            moment, start, end, day_said, other_day = found
            entities.append(Entity("time", moment.isoformat(), start, end, text[start:end]))
            if other_day is not None:
                # "nākamajā piektdienā" on a Monday: this Friday or next week's; a booking asks which
                either = f"{other_day.isoformat()}/{moment.date().isoformat()}"
                entities.append(Entity(EITHER_DAY, either, start, end, text[start:end]))
            if not day_said and (moment.hour, moment.minute) != (0, 0):
                # the hour alone: a flow that already has a day applies it there (nlu.dates.Moment)
                entities.append(Entity(CLOCK, f"{moment:%H:%M}", start, end, text[start:end]))
        week = self._dates.week(blanked, now, None if phones else tokens)
        if week is not None and (found is None or not found.day_said):
            # "nākamnedēļ": seven days, not one moment; with a weekday the "time" above is that day
            monday, start, end = week
            entities.append(Entity(WEEK, monday.isoformat(), start, end, text[start:end]))
        month = self._dates.month(blanked, now, None if phones else tokens)
        if month is None:
            # "pirms Ziemassvētkiem", "после Нового года": the days of that stretch, as for a month
            month = self._dates.holidays(blanked, now, None if phones else tokens)
        if month is None:
            # "nedēļas nogalē", "на выходных", "next weekend": Saturday and Sunday
            month = self._dates.weekend(blanked, now, None if phones else tokens)
        if month is not None and found is None and week is None:
            first, last, start, end = month
            entities.append(
                Entity(DAYS, f"{first.isoformat()}/{last.isoformat()}", start, end, text[start:end])
            )
        if self._dates.refuses_a_day(text, tokens):
            # "rīt nevaru": a booking then offers other days instead of "I did not understand"
            entities.append(Entity(DAY_REFUSED, "true", 0, 0, ""))
        return tuple(sorted(entities, key=lambda e: e.start))


def extract_entities(
    text: str, now: datetime, extractor: EntityExtractor | None = None
) -> tuple[Entity, ...]:
    """Entities of one message relative to `now` (aware); loads the lexicons when none is given."""
    return (extractor or EntityExtractor.load()).extract(text, now)


def _blank_spans(text: str, entities: list[Entity]) -> str:
    """The text with phone numbers blanked out, so their digits are not read as a date or an hour."""
    for entity in entities:
        text = text[: entity.start] + " " * (entity.end - entity.start) + text[entity.end :]
    return text
