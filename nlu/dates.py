"""Finds the day and time a relative means ("rīt pēc pusdienām", "в пятницу в 10", "next Monday 3pm").

Bookings need a day and an hour, typed in three languages. dateparser does not know most Latvian
day words and misreads common Russian ones (it takes "в пятницу в 10" for 11 October), and each
call costs milliseconds, so the common shapes are read here from `calendar.yml` (weekdays,
today/tomorrow, parts of the day, "12. martā", "15.03", "14:30", "3pm") and dateparser is only
asked about relative offsets such as "через 2 дня" or "in 3 days". Everything is resolved against
the `now` passed in and returned as an aware datetime in Europe/Riga.

A week ("nākamnedēļ", "на следующей неделе", "next week") is not one moment but seven days, so it is
found apart (`DateFinder.week`, its Monday) and a flow offers what is free in it; said with a weekday
("nākamnedēļ piektdien") it puts that weekday in that week.
"""

from __future__ import annotations

import calendar
import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from functools import lru_cache
from pathlib import Path
from typing import NamedTuple
from zoneinfo import ZoneInfo

import yaml

from nlu.normalize import Token, normalize, tokenize
from nlu.phrases import Found, PhraseMatcher

CALENDAR_FILE = Path(__file__).with_name("calendar.yml")
ZONE = ZoneInfo("Europe/Riga")
_NO_FUZZ = 99
# weekday stems this long ("piektdien", "ceturtdien", "pyatnic", "thursday") also match with one letter
# missing, added or swapped ("piekdien", "ceturdien", "piektdein"), as phones type them (calendar QA: no day
# at all); shorter ones ("sreda", "friday") would meet other words ("среди")
_WEEKDAY_FUZZ = 7
_CLOCK_RE = re.compile(r"(?<![\d:.])([01]?\d|2[0-3]):([0-5]\d)(?![\d:])")
_DOTTED_RE = re.compile(r"(?<![\d:./])(\d{1,2})[./](\d{1,2})(?:[./](\d{4}|\d{2}))?(?![\d:/]|\.\d)")
_AMPM_RE = re.compile(r"(?<![\d:.])(\d{1,2})(?:[:.]([0-5]\d))?\s*([ap])\.?\s?m\b\.?", re.IGNORECASE)
_ORDINAL_RE = re.compile(r"^(\d{1,2})(?:st|nd|rd|th)?$")
_NUMBER_AND_MARK_RE = re.compile(r"(\d{1,2})([a-z]*)")  # "15", "15th", "15go" (from "15го")
_JOINED_MARK = 4  # a shorter mark ("го", "е", "th") counts only joined to the number or by a hyphen
_MONTHS_AHEAD = 13  # the 31st is at most a couple of months away; a year and a month covers every day
_DECEMBER = 12
_SATURDAY = 5
_SEASON_REACH = (
    45  # days: "pēc svētkiem" from 1 December to 10 January is the winter holidays, not next year's
)
_EVENING_BELOW = 8  # "at 3" with no am/pm means 15:00 for a daytime appointment


@dataclass(frozen=True, slots=True)
class _Span:
    start: int
    end: int


class Week(NamedTuple):
    """A calendar week named in a message: its Monday (Europe/Riga weeks start on Monday) and the words."""

    monday: date
    start: int
    end: int


class DaySpan(NamedTuple):
    """Days named as a stretch, not one day: a month or a part of it ("janvāra sākumā"), first to last."""

    first: date
    last: date
    start: int
    end: int


class Moment(NamedTuple):
    """A moment found in a message: when, where in the text, and whether a day was said at all.

    "plkst. 10" resolves to the next 10:00 like any time, but a booking that already has a day means that
    day (QA: "piektdien", then "plkst. 10", booked Tuesday)."""

    moment: datetime
    start: int
    end: int
    day_said: bool
    other_day: date | None = None  # "next Friday" said while this week's is ahead: that one, also meant?


@dataclass
class _Reading:
    """What has been read so far; filled step by step by `DateFinder.find`."""

    day: date | None = None
    weekday: int | None = None
    week: date | None = None  # the Monday of the week a weekday was said in ("nākamnedēļ piektdien")
    other_day: date | None = None  # this week's day when "next Friday" may mean it too
    hour: int | None = None
    minute: int = 0
    part_hour: int | None = None
    meridiem: str | None = None  # "a" or "p"
    spans: list[_Span] | None = None

    def mark(self, start: int, end: int) -> None:
        if self.spans is None:
            self.spans = []
        self.spans.append(_Span(start, end))


def _matcher(
    phrases: Mapping[object, list[str]], fuzzy_min_len: int = _NO_FUZZ
) -> tuple[PhraseMatcher, dict[str, int]]:
    values = {str(p): int(str(k)) for k, items in phrases.items() for p in items}
    return PhraseMatcher(values, max_gap=0, fuzzy_min_len=fuzzy_min_len), values


@dataclass(frozen=True)
class _Weekdays:
    """Weekday words, read exactly first and with one typo only where no word was read exactly.

    A typo may bring two days equally near ("setdien" is "sestdien" and "svētdien" one letter off; with one
    matcher "svētdien vai pirmdien" was Saturday, as "svētdien" itself is one letter from "sestdien"): a word
    read exactly is never read again with a typo, and a typo that two days share is no day at all."""

    exact: PhraseMatcher
    fuzzy: PhraseMatcher
    each: Mapping[int, PhraseMatcher]  # one day's words with a typo, to see whether another day's meet too
    values: Mapping[str, int]

    @classmethod
    def of(cls, phrases: Mapping[object, list[str]]) -> tuple[_Weekdays, dict[str, int]]:
        exact, values = _matcher(phrases)
        fuzzy, _ = _matcher(phrases, _WEEKDAY_FUZZ)
        each = {
            int(str(day)): PhraseMatcher([str(w) for w in items], max_gap=0, fuzzy_min_len=_WEEKDAY_FUZZ)
            for day, items in phrases.items()
        }
        return cls(exact, fuzzy, each, values), values

    def find_all(self, words: list[str]) -> list[Found]:
        found = self.exact.find_all(words)
        taken = {pos for f in found for pos in range(f.start, f.end)}
        for guess in self.fuzzy.find_all(words):
            if taken.intersection(range(guess.start, guess.end)):
                continue
            span = words[guess.start : guess.end]
            days = [day for day, m in self.each.items() if any(f.end == len(span) for f in m.find_all(span))]
            if len(days) == 1:
                found.append(guess)
        return sorted(found, key=lambda f: f.start)


class DateFinder:
    """Compiled calendar words; build once with `DateFinder.load()`."""

    def __init__(self, config: Mapping[str, object]) -> None:
        def table(key: str) -> Mapping[object, list[str]]:
            value = config.get(key)
            if not isinstance(value, dict):
                raise ValueError(f"calendar: `{key}` must be a mapping")
            return value

        def words(key: str) -> PhraseMatcher:
            value = config.get(key)
            if not isinstance(value, list):
                raise ValueError(f"calendar: `{key}` must be a list")
            return PhraseMatcher([str(v) for v in value], max_gap=0, fuzzy_min_len=_NO_FUZZ)

        self._relative, self._relative_values = _matcher(table("relative_days"))
        self._weeks, self._week_values = _matcher(table("relative_weeks"))
        self._weekends, self._weekend_values = _matcher(table("weekends"))
        marks = config.get("day_of_month_marks")
        if not isinstance(marks, list):
            raise ValueError("calendar: `day_of_month_marks` must be a list")
        self._day_marks = frozenset(normalize(str(m)) for m in marks)
        self._weekdays, self._weekday_values = _Weekdays.of(table("weekdays"))
        self._next_weekdays, self._next_weekday_values = _Weekdays.of(table("next_weekdays"))
        self._next_marks = words("next_weekday_marks")
        self._parts, self._part_values = _matcher(table("parts_of_day"))
        self._months, self._month_values = _matcher(table("months"))
        self._halves, self._half_values = _matcher(table("half_past"))
        self._month_parts, self._month_part_values = _matcher(table("month_parts"))
        self._month_leads = frozenset(normalize(str(w)) for w in _list(config, "month_lead_words"))
        self._month_not_alone = frozenset(normalize(str(w)) for w in _list(config, "month_alone_not"))
        self._holidays = _holidays_of(table("holidays"))
        self._hour_markers = words("hour_markers")
        self._spoken, self._spoken_values = _matcher(table("spoken_hours"))
        self._spoken_alone = frozenset(normalize(str(w)) for w in _list(config, "spoken_hours_alone"))
        self._sure_markers = words("sure_hour_markers")
        self._hour_openers = _openers_of(config)
        self._am = words("am_words")
        self._pm = words("pm_words")
        self._rel_markers = words("relative_markers")
        self._rel_units = words("relative_units")
        self._not_before = words("negations_before")
        self._not_after = words("negations_after")
        self._limits = words("negation_limits")

    @classmethod
    def load(cls, path: Path = CALENDAR_FILE) -> DateFinder:
        config = yaml.safe_load(path.read_text(encoding="utf-8"))
        if not isinstance(config, dict):
            raise ValueError(f"{path}: expected a mapping")
        return cls(config)

    def find(self, text: str, now: datetime, tokens: list[Token] | None = None) -> Moment | None:
        """The moment the text names, with its character span, or None; `now` must be aware."""
        if now.tzinfo is None:
            raise ValueError("now must be timezone-aware")
        now = now.astimezone(ZONE)
        tokens = tokenize(text) if tokens is None else tokens
        words = [t.norm for t in tokens]
        has_digit = any(c.isdigit() for c in text)
        reading = _Reading()
        day_end = self._read_days(text, tokens, words, now, reading, has_digit)
        self._read_parts(tokens, words, reading)
        self._read_half_past(tokens, words, reading)
        if reading.hour is None:
            self._read_spoken_hour(
                tokens, words, reading, day_end is not None or reading.part_hour is not None
            )
        if reading.weekday is not None:
            week = self.week(text, now, tokens)
            if week is not None:
                reading.week, reading.other_day = week.monday, None
                reading.mark(week.start, week.end)
        if has_digit:
            # "в 10", "ap 10", "at 4" and nothing else: an hour, though no day is said
            has_context = day_end is not None or reading.part_hour is not None or self._only_an_hour(words)
            self._read_clock(text, tokens, words, reading, has_context)
            if reading.hour is None and day_end is not None:
                self._hour_after(day_end, tokens, words, reading)
        if reading.spans is None:
            offset = self._relative_offset(text, tokens, words, now) if has_digit else None
            return None if offset is None else Moment(*offset, day_said=True)
        start = min(s.start for s in reading.spans)
        end = max(s.end for s in reading.spans)
        day_said = reading.day is not None or reading.weekday is not None
        return Moment(_resolve(reading, now), start, end, day_said, reading.other_day)

    def _read_days(
        self,
        text: str,
        tokens: list[Token],
        words: list[str],
        now: datetime,
        reading: _Reading,
        has_digit: bool,
    ) -> int | None:
        """Reads the day; returns the word position after the day words (None: no day)."""
        if has_digit and self._read_dated(text, tokens, words, now, reading):
            return len(words)
        days = [(found, True) for found in self._relative.find_all(words)]
        days += [(found, False) for found in self._next_weekdays.find_all(words)]
        days += [(found, False) for found in self._weekdays.find_all(words)]
        # the first day not said as the one that does not suit; relative days first, as before
        for found, relative in days:
            if self._negated(text, tokens, words, found):
                continue
            first = found.start
            if relative:
                reading.day = now.date() + timedelta(days=self._relative_values[found.phrase])
            elif found.phrase in self._next_weekday_values:
                self._next_weekday(self._next_weekday_values[found.phrase], now.date(), reading)
            else:
                reading.weekday = self._weekday_values[found.phrase]
                if first > 0 and self._next_marks.find_all(words[first - 1 : first]):
                    first -= 1  # "nākamajā piektdienā", "в следующую пятницу", "next Friday"
                    self._next_weekday(reading.weekday, now.date(), reading)
            reading.mark(tokens[first].start, tokens[found.end - 1].end)
            return found.end
        return None

    @staticmethod
    def _next_weekday(weekday: int, today: date, reading: _Reading) -> None:
        """ "next Friday": next week's Friday; while this week's is still ahead, that one may be meant too
        (said on Monday, some mean the 11th and some the 18th), so it is kept as the other reading."""
        this_monday = today - timedelta(days=today.weekday())
        reading.weekday, reading.week = weekday, this_monday + timedelta(weeks=1)
        if weekday > today.weekday():
            reading.other_day = this_monday + timedelta(days=weekday)

    def week(self, text: str, now: datetime, tokens: list[Token] | None = None) -> Week | None:
        """The calendar week the text names ("nākamnedēļ", "на этой неделе", "next week"), or None; not a
        week said not to suit ("ne nākamnedēļ")."""
        tokens = tokenize(text) if tokens is None else tokens
        words = [t.norm for t in tokens]
        today = now.astimezone(ZONE).date()
        weekends = self._weekends.find_all(words)
        for found in self._weeks.find_all(words):
            if self._negated(text, tokens, words, found) or any(_overlap(found, w) for w in weekends):
                continue  # "nākamajā nedēļas nogalē" is a weekend, not the week
            this_monday = today - timedelta(days=today.weekday())
            monday = this_monday + timedelta(weeks=self._week_values[found.phrase])
            return Week(monday, tokens[found.start].start, tokens[found.end - 1].end)
        return None

    def weekend(self, text: str, now: datetime, tokens: list[Token] | None = None) -> DaySpan | None:
        """The Saturday and Sunday the text names ("nedēļas nogalē", "на выходных", "next weekend"), from
        today at the earliest; None when none is named or it is said not to suit ("ne nedēļas nogalē")."""
        tokens = tokenize(text) if tokens is None else tokens
        words = [t.norm for t in tokens]
        today = now.astimezone(ZONE).date()
        for found in self._weekends.find_all(words):
            if self._negated(text, tokens, words, found):
                continue
            saturday = today + timedelta(
                days=_SATURDAY - today.weekday(), weeks=self._weekend_values[found.phrase]
            )
            sunday = saturday + timedelta(days=1)
            return DaySpan(max(saturday, today), sunday, tokens[found.start].start, tokens[found.end - 1].end)
        return None

    def month(self, text: str, now: datetime, tokens: list[Token] | None = None) -> DaySpan | None:
        """The days of a month said without a day ("janvārī", "janvāra sākumā", "в начале января", "early
        January"), from today at the earliest; None when a day number beside it makes it a date, or when it
        is said not to suit ("ne janvārī")."""
        tokens = tokenize(text) if tokens is None else tokens
        words = [t.norm for t in tokens]
        today = now.astimezone(ZONE).date()
        for found in self._months.find_all(words):
            if words[found.start] in self._month_not_alone or _day_number_near(words, found) is not None:
                continue
            if self._negated(text, tokens, words, found):
                continue
            year = today.year if self._month_values[found.phrase] >= today.month else today.year + 1
            has_year = found.end < len(words) and re.fullmatch(r"20\d\d", words[found.end])
            if has_year:
                year = int(words[found.end])
            month = self._month_values[found.phrase]
            first_pos, last_pos = found.start, found.end - (0 if has_year else 1)
            first_day, last_day = 1, calendar.monthrange(year, month)[1]
            for part in self._month_parts.find_all(words):
                before = part.end == first_pos or _only(words[part.end : first_pos], "of")
                if before:
                    first_pos = part.start
                elif part.start == last_pos + 1:
                    last_pos = part.end - 1
                else:
                    continue
                first_day = self._month_part_values[part.phrase]
                last_day = min(last_day, first_day + 9) if first_day < 21 else last_day
                break
            while first_pos > 0 and words[first_pos - 1] in self._month_leads:
                first_pos -= 1
            first, last = date(year, month, first_day), date(year, month, last_day)
            if last < today:
                continue  # "janvāra sākumā" said on 20 January: this year's start has passed
            return DaySpan(max(first, today), last, tokens[first_pos].start, tokens[last_pos].end)
        return None

    def holidays(self, text: str, now: datetime, tokens: list[Token] | None = None) -> DaySpan | None:
        """The days of a holiday stretch the text names ("pirms Ziemassvētkiem", "после Нового года",
        "between the holidays", "pēc Lieldienām", "Jāņos"), the coming one, from today at the earliest;
        None when none is named or it is said not to suit ("ne pirms Ziemassvētkiem")."""
        tokens = tokenize(text) if tokens is None else tokens
        words = [t.norm for t in tokens]
        today = now.astimezone(ZONE).date()
        for span in self._holidays:
            for found in span.season.find_all(words):
                if self._negated(text, tokens, words, found):
                    continue
                days = span.days(today)  # only now: Easter's needs the `holidays` package
                if days is None:
                    continue
                in_season = today.month in span.season_months and (days[1] - today).days <= _SEASON_REACH
                if found.phrase not in span.words and not in_season:
                    continue
                return DaySpan(*days, tokens[found.start].start, tokens[found.end - 1].end)
        return None

    def _only_an_hour(self, words: list[str]) -> bool:
        """ "ap 10", "около 10", "at 4" alone, also after a word such as "labāk", "лучше", "better"."""
        start = 0
        while start < len(words) - 2 and words[start] in self._hour_openers:
            start += 1
        rest = words[start:]
        return len(rest) == 2 and rest[1].isdigit() and bool(self._hour_markers.find_all(rest[:1]))

    def refuses_a_day(self, text: str, tokens: list[Token] | None = None) -> bool:
        """Whether the text says that a day does not suit ("rīt nevaru"), whatever else it says."""
        tokens = tokenize(text) if tokens is None else tokens
        words = [t.norm for t in tokens]
        found = [*self._relative.find_all(words), *self._weekdays.find_all(words)]
        return any(self._negated(text, tokens, words, day) for day in found)

    def _negated(self, text: str, tokens: list[Token], words: list[str], found: Found) -> bool:
        """ "ne rīt", "не могу в пятницу", "rīt nevaru": the day that does not suit.

        Only the day's own clause counts (up to 4 words before it, 2 after, no comma or full stop between),
        so in "rīt nevaru, varbūt piektdien" the "nevaru" belongs to "rīt", not to "piektdien".
        """
        first = found.start
        while first > max(0, found.start - 4) and not _clause_break(text, tokens[first - 1], tokens[first]):
            first -= 1
        last = found.end
        while last < min(len(words), found.end + 2) and not _clause_break(
            text, tokens[last - 1], tokens[last]
        ):
            last += 1
        said_before, said_after = words[first : found.start], words[found.end : last]
        if self._limits.find_all(said_before):  # "не позже пятницы": a limit, not a refusal
            return False
        return bool(self._not_before.find_all(said_before) or self._not_after.find_all(said_after))

    def _hour_after(self, nxt: int, tokens: list[Token], words: list[str], reading: _Reading) -> None:
        """ "piektdien 10": a bare hour right after a day word."""
        if nxt < len(words) and words[nxt].isdigit() and 0 < int(words[nxt]) < 24:
            follows = words[nxt + 1] if nxt + 1 < len(words) else ""
            if not (follows.isdigit() and len(follows) != 2) and not self._months.find_all([follows]):
                reading.hour = int(words[nxt])
                reading.mark(tokens[nxt].start, tokens[nxt].end)

    def _read_dated(
        self, text: str, tokens: list[Token], words: list[str], now: datetime, reading: _Reading
    ) -> bool:
        for found in self._months.find_all(words):
            day_pos = _day_number_near(words, found)
            if day_pos is None:
                continue
            month = self._month_values[found.phrase]
            has_year = found.end < len(words) and re.fullmatch(r"20\d\d", words[found.end])
            year_pos = found.end if has_year else None
            year = int(words[year_pos]) if year_pos is not None else None
            day_num = int(_ORDINAL_RE.match(words[day_pos]).group(1))  # type: ignore[union-attr]
            resolved = _calendar_date(day_num, month, year, now.date())
            if resolved is None:
                continue
            reading.day = resolved
            last = max(p for p in (day_pos, found.end - 1, year_pos) if p is not None)
            reading.mark(tokens[min(day_pos, found.start)].start, tokens[last].end)
            return True
        for match in _DOTTED_RE.finditer(text):
            if self._marked_as_hour(text[: match.start()]):
                continue
            year = int(match.group(3)) if match.group(3) else None
            if year is not None and year < 100:
                year += 2000
            resolved = _calendar_date(int(match.group(1)), int(match.group(2)), year, now.date())
            if resolved is not None:
                reading.day = resolved
                reading.mark(match.start(), match.end())
                return True
        return self._read_day_of_month(text, tokens, words, now, reading)

    def _read_day_of_month(
        self, text: str, tokens: list[Token], words: list[str], now: datetime, reading: _Reading
    ) -> bool:
        """ "15-го", "the 15th", "15-tajā", "15 числа": the next 15th (the month was looked for first).

        A short mark must be joined to the number ("15го", "15-е"): "2 e-pasti" is no date."""
        for pos, word in enumerate(words):
            match = _NUMBER_AND_MARK_RE.fullmatch(word)
            if match is None:
                continue
            number, mark, last = int(match.group(1)), match.group(2), pos
            if not mark and pos + 1 < len(words):
                gap = text[tokens[pos].end : tokens[pos + 1].start].strip()
                if gap in ("-", "–") or len(words[pos + 1]) >= _JOINED_MARK:
                    mark, last = words[pos + 1], pos + 1
            resolved = next_day_of_month(number, now.date()) if mark in self._day_marks else None
            if resolved is not None:
                reading.day = resolved
                reading.mark(tokens[pos].start, tokens[last].end)
                return True
        return False

    def _marked_as_hour(self, before: str) -> bool:
        words = [t.norm for t in tokenize(before)[-1:]]
        return bool(words) and bool(self._hour_markers.find_all(words))

    def _read_parts(self, tokens: list[Token], words: list[str], reading: _Reading) -> None:
        for found in self._parts.find_all(words):
            reading.part_hour = self._part_values[found.phrase]
            reading.mark(tokens[found.start].start, tokens[found.end - 1].end)
            return

    def _read_half_past(self, tokens: list[Token], words: list[str], reading: _Reading) -> None:
        """ "pusdivos", "ap pusdiviem", "полвторого", "в половине второго": half past the hour before (1:30),
        an hour without digits, so read whether or not the message has any."""
        for found in self._halves.find_all(words):
            reading.hour, reading.minute = self._half_values[found.phrase], 30
            reading.mark(tokens[found.start].start, tokens[found.end - 1].end)
            return

    def _read_spoken_hour(
        self, tokens: list[Token], words: list[str], reading: _Reading, has_context: bool
    ) -> None:
        """ "pulksten trijos", "в три часа", "at three", "rīt trijos": an hour in words (calendar.yml
        `spoken_hours`), marked as one, or beside a day; a number word elsewhere ("в два раза") is none."""
        for found in self._spoken.find_all(words):
            start, end = found.start, found.end
            marked = start > 0 and bool(self._hour_markers.find_all(words[start - 1 : start]))
            sure_before = marked and bool(self._sure_markers.find_all(words[start - 1 : start]))
            sure_after = end < len(words) and bool(self._sure_markers.find_all(words[end : end + 1]))
            if sure_after:
                end += 1
            opened = 0
            while opened < start - 1 and words[opened] in self._hour_openers:
                opened += 1
            alone = marked and opened == start - 1 and end == len(words)  # "ap trijiem", "лучше в три"
            by_itself = has_context and words[start] in self._spoken_alone  # "rīt trijos"
            if not (by_itself or (marked and (has_context or sure_before or sure_after or alone))):
                continue
            reading.hour = self._spoken_values[found.phrase]
            first = start - 1 if marked else start
            reading.mark(tokens[first].start, tokens[end - 1].end)
            self._read_meridiem_after(tokens, words, reading)
            return

    def _read_clock(
        self, text: str, tokens: list[Token], words: list[str], reading: _Reading, has_context: bool
    ) -> None:
        """Clock times: "14:30", "3pm", "plkst. 14", "в 10", "14.30" (when it cannot be a date)."""
        if reading.hour is not None:
            self._read_meridiem_after(tokens, words, reading)
            return
        ampm = _AMPM_RE.search(text)
        clock = _CLOCK_RE.search(text)
        if ampm is not None and 0 < int(ampm.group(1)) <= 12:
            reading.hour, reading.minute = int(ampm.group(1)), int(ampm.group(2) or 0)
            reading.meridiem = ampm.group(3).lower()
            reading.mark(ampm.start(), ampm.end())
            return
        if clock is not None:
            reading.hour, reading.minute = int(clock.group(1)), int(clock.group(2))
            if clock.group(1).startswith("0"):
                # "07:00", "03:30": a 24-hour clock, the morning; "7:00" stays a daytime 19:00 (calendar QA:
                # "28. martā 03:30" was 15:30, "07:00" 19:00)
                reading.meridiem = "a"
            reading.mark(clock.start(), clock.end())
            return
        for match in _DOTTED_RE.finditer(text):
            if any(span.start <= match.start() < span.end for span in reading.spans or ()):
                continue  # already read as the day: "15.12 plkst 14" is 15 December at 14, not 15:12
            hour, minute = int(match.group(1)), int(match.group(2))
            if (
                match.group(3) is None
                and hour < 24
                and minute < 60
                and len(match.group(2)) == 2
                and (
                    self._marked_as_hour(text[: match.start()])
                    or reading.day is not None
                    or not 1 <= minute <= 12  # no month: "15.00", "14.30" can only be a time
                )
            ):
                reading.hour, reading.minute = hour, minute
                reading.mark(match.start(), match.end())
                return
        sure = {f.start for f in self._sure_markers.find_all(words)}
        for found in self._hour_markers.find_all(words):
            pos = found.end
            if pos < len(words) and words[pos].isdigit() and int(words[pos]) < 24:
                after = pos + 1
                if has_context or found.start in sure or after in sure:
                    reading.hour = int(words[pos])
                    reading.mark(tokens[found.start].start, tokens[pos].end)
                    self._read_meridiem_after(tokens, words, reading)
                    return

    def _read_meridiem_after(self, tokens: list[Token], words: list[str], reading: _Reading) -> None:
        """ "в 7 вечера", "plkst. 3 pēcpusdienā": an am/pm word right after the hour."""
        if reading.spans is None:
            return
        last_end = max(s.end for s in reading.spans)
        nxt = next((i for i, t in enumerate(tokens) if t.start >= last_end), None)
        if nxt is None:
            return
        window = words[nxt : nxt + 2]
        for matcher, meridiem in ((self._pm, "p"), (self._am, "a")):
            found = [f for f in matcher.find_all(window) if f.start == 0]
            if found:
                reading.meridiem = meridiem
                reading.mark(tokens[nxt].start, tokens[nxt + found[0].end - 1].end)
                return

    def _relative_offset(
        self, text: str, tokens: list[Token], words: list[str], now: datetime
    ) -> tuple[datetime, int, int] | None:
        """ "через 2 дня", "in 3 days", "pēc 3 dienām": from the marker to the unit, read by dateparser.

        Only that span is parsed, with `dateparser.parse` for lv, ru and en. Its `search_dates` found the same
        phrases, but importing `dateparser.search` builds a map of every language dateparser has: 5.7 MB in
        each worker, which took a worker past 150 MB (bench/load)."""
        units = self._rel_units.find_all(words)
        if not units:
            return None
        import dateparser

        settings = {"PREFER_DATES_FROM": "future", "RELATIVE_BASE": now.replace(tzinfo=None)}
        for marker in self._rel_markers.find_all(words):
            unit = next((u for u in units if 0 <= u.start - marker.end <= 2), None)  # "через 2 дня"
            if unit is None:
                continue
            start, end = tokens[marker.start].start, tokens[unit.end - 1].end
            moment = dateparser.parse(text[start:end], languages=["lv", "ru", "en"], settings=settings)
            if moment is None:
                continue
            aware = moment.replace(tzinfo=ZONE) if moment.tzinfo is None else moment.astimezone(ZONE)
            if now <= aware <= now + timedelta(days=400):
                return aware, start, end
        return None


@dataclass(frozen=True)
class _HolidaySpan:
    """One holiday stretch (calendar.yml `holidays`): its words and its days, either fixed in the calendar
    (the winter holidays) or counted from a public holiday that moves or is named by the `holidays`
    package (Easter, Midsummer)."""

    words: frozenset[str]  # the phrases that name it at any time of the year
    season: PhraseMatcher  # those and the ones that name this stretch only in `season_months`
    season_months: frozenset[int]
    first: tuple[int, int]  # month and day (day 0: today), or with `counted_from` days from that holiday
    last: tuple[int, int]
    counted_from: str | None = None

    def days(self, today: date) -> tuple[date, date] | None:
        """The coming stretch: this year's, or next year's when this year's is over; from today at the
        earliest. None when the holiday it is counted from is not found (the words are then not read)."""
        for year in (today.year - 1, today.year, today.year + 1):  # last year's: New Year's Eve to 1 January
            if self.counted_from is not None:
                anchor = _public_holiday_named(self.counted_from, year)
                if anchor is None:
                    return None
                first = anchor + timedelta(days=self.first[1])
                last = anchor + timedelta(days=self.last[1])
            else:
                month, day = self.first
                first = date(year, month, day or 1)  # 0: from today, said in that month (max below)
                wraps = self.last < self.first  # 31 December to 1 January
                last = date(year + 1 if wraps else year, *self.last)
            if last >= today:
                return max(first, today), last
        raise AssertionError("a stretch of next year's is never over")


@lru_cache(maxsize=32)
def _public_holiday_named(name: str, year: int) -> date | None:
    """The day of a Latvian public holiday by its English name in the `holidays` package ("Easter Sunday",
    "Midsummer Eve"): Easter moves every year, and the law, not this module, says which days are holidays.
    Imported here, not at the top: only a message that names such a holiday needs it (workers' memory)."""
    import holidays

    days = holidays.country_holidays("LV", years=year, language="en_US").get_named(name, lookup="exact")
    return min(days) if days else None


def _holidays_of(config: Mapping[object, object]) -> tuple[_HolidaySpan, ...]:
    spans = []
    for name, entry in config.items():
        if not isinstance(entry, dict) or not isinstance(entry.get("days"), list):
            raise ValueError(f"calendar: holiday `{name}` needs `days` and `words`")
        words = [str(w) for w in entry.get("words") or []]
        season = [*words, *(str(w) for w in entry.get("season_words") or [])]
        months = frozenset(int(m) for m in entry.get("season_months") or [_DECEMBER])
        counted_from = entry.get("counted_from")
        if counted_from is not None:
            first_offset, last_offset = (int(n) for n in entry["days"])
            first, last = (0, first_offset), (0, last_offset)
        else:
            first_month, first_day, last_month, last_day = (int(n) for n in entry["days"])
            first, last = (first_month, first_day), (last_month, last_day)
        spans.append(
            _HolidaySpan(
                frozenset(words),
                PhraseMatcher(season, max_gap=0, fuzzy_min_len=_NO_FUZZ),
                months,
                first,
                last,
                None if counted_from is None else str(counted_from),
            )
        )
    return tuple(spans)


def _overlap(one: Found, other: Found) -> bool:
    return one.start < other.end and other.start < one.end


def _only(words: list[str], word: str) -> bool:
    return bool(words) and all(w == word for w in words)


def _list(config: Mapping[str, object], key: str) -> list[object]:
    value = config.get(key)
    if not isinstance(value, list):
        raise ValueError(f"calendar: `{key}` must be a list")
    return value


def _clause_break(text: str, left: Token, right: Token) -> bool:
    """A comma, full stop or the like between two neighbouring words."""
    return any(c in ",.;:!?" for c in text[left.end : right.start])


def warm_up() -> None:
    """Load dateparser's language data now rather than on the first message that needs it."""
    import dateparser

    for phrase in ("через 2 дня", "in 3 days", "pēc 3 dienām"):
        dateparser.parse(phrase, languages=["lv", "ru", "en"])


def _day_number_near(words: list[str], found: Found) -> int | None:
    candidates = [found.start - 1, found.end]
    if found.start >= 2 and words[found.start - 1] == "of":
        candidates.insert(0, found.start - 2)
    for pos in candidates:
        if 0 <= pos < len(words):
            match = _ORDINAL_RE.match(words[pos])
            if match and 1 <= int(match.group(1)) <= 31:
                return pos
    return None


def _calendar_date(day: int, month: int, year: int | None, today: date) -> date | None:
    try:
        resolved = date(year or today.year, month, day)
    except ValueError:
        return None
    if year is None and resolved < today:
        try:
            resolved = date(today.year + 1, month, day)
        except ValueError:
            return None
    return resolved


def next_day_of_month(day: int, today: date) -> date | None:
    """The first date on or after `today` that is the `day`th of its month ("15" on 20 December is
    15 January; "31" on 1 February is 31 March), or None when no month has such a day."""
    for ahead in range(_MONTHS_AHEAD):
        year, month = divmod(today.month - 1 + ahead, 12)
        try:
            found = date(today.year + year, month + 1, day)
        except ValueError:
            continue
        if found >= today:
            return found
    return None


def daytime_hour(hour: int) -> int:
    """An hour said without am/pm, as a daytime appointment means it: 3 is 15:00, 10 is 10:00."""
    return hour + 12 if 0 < hour < _EVENING_BELOW else hour


def _resolve(reading: _Reading, now: datetime) -> datetime:
    hour = reading.hour if reading.hour is not None else reading.part_hour
    if hour is not None and reading.hour is not None:
        later_part = reading.part_hour is not None and reading.part_hour >= 12
        unmarked = reading.part_hour is None and reading.meridiem is None
        if reading.meridiem == "a" and hour == 12:
            hour = 0
        elif unmarked:
            hour = daytime_hour(hour)
        elif hour < 12 and (reading.meridiem == "p" or (reading.meridiem is None and later_part)):
            hour += 12
    clock = time(hour or 0, reading.minute if reading.hour is not None else 0)
    today = now.date()
    if reading.day is not None:
        day = reading.day
    elif (
        reading.week is not None
        and reading.weekday is not None
        and reading.week + timedelta(days=reading.weekday) >= today
    ):
        day = reading.week + timedelta(days=reading.weekday)
    elif reading.weekday is not None:
        ahead = (reading.weekday - today.weekday()) % 7
        if ahead == 0 and not (hour is not None and datetime.combine(today, clock, ZONE) > now):
            ahead = 7
        day = today + timedelta(days=ahead)
    else:
        day = today if datetime.combine(today, clock, ZONE) > now else today + timedelta(days=1)
    return datetime.combine(day, clock, ZONE)


def _openers_of(config: Mapping[str, object]) -> frozenset[str]:
    """The calendar's `hour_openers`, normalised: read by DateFinder and by the module's readers below."""
    openers = config.get("hour_openers", [])
    if not isinstance(openers, list):
        raise ValueError("calendar: `hour_openers` must be a list")
    return frozenset(normalize(str(w)) for w in openers)


@lru_cache(maxsize=1)
def _hour_openers() -> frozenset[str]:
    """For only_openers and opened_number, which the flows call without a DateFinder."""
    config = yaml.safe_load(CALENDAR_FILE.read_text(encoding="utf-8"))
    return _openers_of(config if isinstance(config, dict) else {})


@lru_cache(maxsize=1)
def _which_of_two() -> tuple[PhraseMatcher, dict[str, int]]:
    """For which_of_two, which the booking flow calls without a DateFinder."""
    config = yaml.safe_load(CALENDAR_FILE.read_text(encoding="utf-8"))
    table = config.get("which_of_two") if isinstance(config, dict) else None
    if not isinstance(table, dict):
        raise ValueError("calendar: `which_of_two` must be a mapping")
    return _matcher(table)


def which_of_two(text: str) -> int | None:
    """0 for this week's, 1 for next week's, when the whole text is a short answer to "this week's Friday or
    next week's?" ("nākamo", "на следующей", "next week's", "šo"); None otherwise."""
    matcher, values = _which_of_two()
    words = [t.norm for t in tokenize(text)]
    found = matcher.find_all(words)
    if len(found) != 1 or (found[0].start, found[0].end) != (0, len(words)):
        return None
    return values[found[0].phrase]


def only_openers(text: str) -> bool:
    """Whether every word of `text` is one that opens an hour asked instead ("how", "а", "varbūt"): the
    words left beside a time entity in "how about 11?" say nothing else, whatever the model thought."""
    words = [t.norm for t in tokenize(text)]
    return bool(words) and all(w in _hour_openers() for w in words)


def opened_number(text: str) -> int | None:
    """The number in "varbūt 11?", "a ja 11?", "а если 11?", "what about 11?": at most two digits after
    one or more opening words and nothing else, else None. Not an hour by itself ("better 10" may be a
    list's number): the booking flow reads it as one at its confirmation (flows.booking_steps)."""
    words = [t.norm for t in tokenize(text)]
    if len(words) < 2 or not words[-1].isdigit() or len(words[-1]) > 2:
        return None
    return int(words[-1]) if all(w in _hour_openers() for w in words[:-1]) else None
