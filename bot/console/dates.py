"""How the console writes a date or a moment, in Riga time and in the reader's language.

Latvian ends a numeric date with a dot, as it reads "2026. gada 7. decembris" (CLDR's lv yMd "d.M.y.", day
and month "dd.MM."): "07.12.2026.", "07.12. 17:03". Russian does not ("07.12.2026", "07.12 17:03"). English
keeps the day-first dotted form the console has always shown. console.js writes a live entry's time the
same way (rigaTime), so a line added while the page is open looks like the ones the server rendered.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Literal
from zoneinfo import ZoneInfo

Style = Literal["short", "day", "minute", "second"]

FORMATS: dict[str, dict[Style, str]] = {
    "lv": {
        "short": "%d.%m. %H:%M",
        "day": "%d.%m.%Y.",
        "minute": "%d.%m.%Y. %H:%M",
        "second": "%d.%m.%Y. %H:%M:%S",
    },
    "ru": {
        "short": "%d.%m %H:%M",
        "day": "%d.%m.%Y",
        "minute": "%d.%m.%Y %H:%M",
        "second": "%d.%m.%Y %H:%M:%S",
    },
    "en": {
        "short": "%d.%m. %H:%M",
        "day": "%d.%m.%Y",
        "minute": "%d.%m.%Y %H:%M",
        "second": "%d.%m.%Y %H:%M:%S",
    },
}


def _formats(language: str) -> dict[Style, str]:
    return FORMATS.get(language, FORMATS["lv"])


def moment(value: datetime | None, language: str, zone: ZoneInfo, style: Style = "short") -> str:
    """A stored (UTC) moment in the helpline's zone; nothing for a moment that is not there."""
    return "" if value is None else value.astimezone(zone).strftime(_formats(language)[style])


def day(value: date | str, language: str) -> str:
    """A calendar day (already local: the analytics' days), given as a date or as its ISO text."""
    found = date.fromisoformat(value) if isinstance(value, str) else value
    return found.strftime(_formats(language)["day"])
