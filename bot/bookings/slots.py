"""Free session times from weekly hours, exceptions and Latvian public holidays: pure functions, no I/O.

Times are built as local wall-clock times in Europe/Riga with zoneinfo and compared as UTC instants:
aware datetimes that share a tzinfo compare by wall time in Python, which is wrong across DST.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from flows.public_days import public_holidays

Span = tuple[time, time]


@dataclass(frozen=True, slots=True)
class DayException:
    first_day: date
    last_day: date
    hours: Span | None  # None: closed

    def covers(self, day: date) -> bool:
        return self.first_day <= day <= self.last_day


@dataclass(frozen=True, slots=True)
class Plan:
    """One psychologist's working pattern, as the slot arithmetic needs it."""

    counsellor_id: int
    name: str
    languages: tuple[str, ...]
    modes: tuple[str, ...]
    address: str | None
    session: timedelta
    buffer: timedelta
    weekly: dict[int, list[Span]] = field(default_factory=dict)  # ISO weekday -> spans
    exceptions: tuple[DayException, ...] = ()


@dataclass(frozen=True, slots=True)
class Busy:
    counsellor_id: int
    starts_at: datetime
    ends_at: datetime


@dataclass(frozen=True, slots=True)
class Slot:
    plan: Plan
    starts_at: datetime  # UTC


def spans_on(plan: Plan, day: date) -> list[Span]:
    """The hours of one local day: an exception wins, then a public holiday (closed), then the weekly rule."""
    for exception in plan.exceptions:
        if exception.covers(day):
            return [exception.hours] if exception.hours else []
    if day in public_holidays(day.year):
        return []
    return sorted(plan.weekly.get(day.isoweekday(), []))


def local_moment(day: date, at: time, zone: ZoneInfo) -> datetime | None:
    """The UTC instant of a local wall-clock time; None when the clock skips it (spring forward)."""
    local = datetime.combine(day, at, zone)
    instant = local.astimezone(UTC)
    if instant.astimezone(zone).replace(tzinfo=None) != local.replace(tzinfo=None):
        return None
    return instant


def starts_on(plan: Plan, day: date, zone: ZoneInfo) -> Iterator[datetime]:
    """Session starts on the psychologist's grid (session + buffer from each span's start), in UTC."""
    step = int((plan.session + plan.buffer).total_seconds() // 60)
    length = int(plan.session.total_seconds() // 60)
    for first, last in spans_on(plan, day):
        # the grid follows the local clock, counted in minutes since local midnight
        minute, end = first.hour * 60 + first.minute, last.hour * 60 + last.minute
        while minute + length <= end:
            instant = local_moment(day, time(minute // 60, minute % 60), zone)
            if instant is not None:
                yield instant
            minute += step


def _clashes(plan: Plan, start: datetime, busy: Iterable[Busy]) -> bool:
    end = start + plan.session + plan.buffer
    return any(b.starts_at < end and start < b.ends_at + plan.buffer for b in busy)


def free_slots(
    plans: Iterable[Plan],
    busy: Iterable[Busy],
    first_day: date,
    last_day: date,
    earliest: datetime,
    zone: ZoneInfo,
) -> list[Slot]:
    """Every free slot of these plans on local days first_day..last_day, none before `earliest`."""
    by_counsellor: dict[int, list[Busy]] = {}
    for item in busy:
        by_counsellor.setdefault(item.counsellor_id, []).append(item)
    found: list[Slot] = []
    day = first_day
    while day <= last_day:
        for plan in plans:
            taken = by_counsellor.get(plan.counsellor_id, [])
            found.extend(
                Slot(plan, start)
                for start in starts_on(plan, day, zone)
                if start >= earliest and not _clashes(plan, start, taken)
            )
        day += timedelta(days=1)
    return found


def by_preference(slots: Iterable[Slot], lang: str | None) -> list[Slot]:
    """One slot per start time, a psychologist who speaks `lang` preferred; earliest first."""
    best: dict[datetime, Slot] = {}
    for slot in slots:
        current = best.get(slot.starts_at)
        if current is None or _rank(slot, lang) < _rank(current, lang):
            best[slot.starts_at] = slot
    return [best[start] for start in sorted(best)]


def _rank(slot: Slot, lang: str | None) -> tuple[int, int]:
    return (0 if lang in slot.plan.languages else 1, slot.plan.counsellor_id)
