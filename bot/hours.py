"""Coordinators' working hours in Europe/Riga, closed on Latvian public holidays."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, time

import holidays


@dataclass(frozen=True, slots=True)
class WorkingHours:
    weekdays: frozenset[int] = frozenset(range(5))  # Monday = 0
    opens: time = time(9, 0)
    closes: time = time(17, 0)

    def is_open(self, moment: datetime) -> bool:
        local = moment
        if local.date() in holidays.country_holidays("LV", years=local.year):
            return False
        return local.weekday() in self.weekdays and self.opens <= local.time() < self.closes

    def minutes_to_closing(self, moment: datetime) -> int | None:
        """Whole minutes until today's closing time, or None when closed."""
        if not self.is_open(moment):
            return None
        closing = datetime.combine(moment.date(), self.closes, tzinfo=moment.tzinfo)
        return int((closing - moment).total_seconds() // 60)

    @classmethod
    def parse(cls, spec: str) -> WorkingHours:
        """'1-5 09:00-17:00' (ISO weekdays, local times)."""
        days, _, span = spec.strip().partition(" ")
        first, _, last = days.partition("-")
        start, _, end = span.partition("-")
        return cls(
            weekdays=frozenset(range(int(first) - 1, int(last or first))),
            opens=time.fromisoformat(start),
            closes=time.fromisoformat(end),
        )
