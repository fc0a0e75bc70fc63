"""Numbers as the reader writes them: "66,7" and "1 234" in Latvian and Russian, "66.7", "1,234" in English.

The console's decimals (the analytics tables and charts, a message's confidence, the review threshold) were
written with a point whatever the page's language. Babel knows each language's symbols, but a running
worker does not import it (bot.console.i18n: it costs memory in every worker), so the two symbols per
language are written here; tests/unit/test_console_numbers.py checks them against Babel's CLDR data.
"""

from __future__ import annotations

from decimal import ROUND_HALF_EVEN, Decimal

from bot.console.i18n import DEFAULT_LANGUAGE

# (decimal sign, thousands separator) per console language, from CLDR; lv and ru group with a no-break space
SYMBOLS = {"lv": (",", "\u00a0"), "ru": (",", "\u00a0"), "en": (".", ",")}
# at most this many decimals when a caller does not fix them (as Babel's default pattern, #,##0.###)
MOST_PLACES = 3


def number(value: float | int | Decimal, language: str, places: int | None = None) -> str:
    """`value` in the reader's language: `places` decimals exactly when given, else up to three with the
    trailing zeros dropped; rounded half to even, as Babel does."""
    decimal_sign, group = SYMBOLS.get(language) or SYMBOLS[DEFAULT_LANGUAGE]
    exact = Decimal(str(value)) if not isinstance(value, Decimal) else value
    quantum = Decimal(1).scaleb(-(MOST_PLACES if places is None else places))
    rounded = exact.quantize(quantum, rounding=ROUND_HALF_EVEN)
    sign = "-" if rounded < 0 else ""
    whole, _, fraction = f"{abs(rounded):f}".partition(".")
    if places is None:
        fraction = fraction.rstrip("0")
    grouped = f"{int(whole):,}".replace(",", group)
    return sign + grouped + (decimal_sign + fraction if fraction else "")
