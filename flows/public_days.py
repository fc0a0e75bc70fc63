"""Latvian public holidays (the `holidays` package), one place for the slots and the booking's words.

On a public holiday psychologists' weekly hours do not apply (bot/bookings/slots.py), so a day asked for
then is closed, not full: the booking says which (calendar QA: "24.12" was "that day is full").
"""

from __future__ import annotations

from datetime import date
from functools import lru_cache

import holidays


@lru_cache(maxsize=8)
def public_holidays(year: int) -> frozenset[date]:
    return frozenset(holidays.country_holidays("LV", years=year))


def is_public_holiday(day: date) -> bool:
    return day in public_holidays(day.year)
