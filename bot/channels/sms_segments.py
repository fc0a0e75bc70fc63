"""SMS length as carriers count it: GSM-7 septets or UCS-2 code units, split into concatenated segments.

Our own small counter (smsutil is only the test oracle): one Latvian letter or any Cyrillic forces
UCS-2 for the whole message, so a segment holds 70 characters, or 67 per part once it is split.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

MAX_SEGMENTS = 2  # every reply must fit in this many; cost and readability on a push-button phone

# 3GPP TS 23.038 default alphabet; the escape character itself is not a sendable character
GSM7_BASIC = frozenset(
    "@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?¡"
    "ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà"
)
GSM7_EXTENSION = frozenset("\f^{}\\[~]|€")  # each costs two septets (escape + character)

_SINGLE = {"GSM-7": 160, "UCS-2": 70}
_PART = {"GSM-7": 153, "UCS-2": 67}  # the user data header of a concatenated SMS takes the rest

# typographic look-alikes that would force UCS-2 for an otherwise plain message
_LOOKALIKES = str.maketrans(
    {
        "\u2013": "-",  # en dash
        "\u2014": "-",  # em dash
        "\u2018": "'",
        "\u2019": "'",
        "\u201c": '"',
        "\u201d": '"',
        "\u201e": '"',
        "\u00ab": '"',
        "\u00bb": '"',
        "\u2026": "...",
        "\u00a0": " ",
        "\u2022": "-",
    }
)


class Encoding(StrEnum):
    GSM7 = "GSM-7"
    UCS2 = "UCS-2"


@dataclass(frozen=True, slots=True)
class SmsCount:
    encoding: Encoding
    units: int  # septets (GSM-7) or UTF-16 code units (UCS-2)
    segments: int
    characters: int


def is_gsm7(text: str) -> bool:
    return all(ch in GSM7_BASIC or ch in GSM7_EXTENSION for ch in text)


def _unit_costs(text: str, encoding: Encoding) -> list[int]:
    if encoding is Encoding.GSM7:
        return [2 if ch in GSM7_EXTENSION else 1 for ch in text]
    return [2 if ord(ch) > 0xFFFF else 1 for ch in text]  # astral characters are a surrogate pair


def count_segments(text: str) -> SmsCount:
    """How many segments a carrier bills for this text; a character is never split across two."""
    encoding = Encoding.GSM7 if is_gsm7(text) else Encoding.UCS2
    costs = _unit_costs(text, encoding)
    total = sum(costs)
    if total <= _SINGLE[encoding]:
        return SmsCount(encoding, total, 1, len(text))
    part, segments, used = _PART[encoding], 1, 0
    for cost in costs:
        if used + cost > part:
            segments, used = segments + 1, 0
        used += cost
    return SmsCount(encoding, total, segments, len(text))


def fits(text: str, max_segments: int = MAX_SEGMENTS) -> bool:
    return count_segments(text).segments <= max_segments


def gsm_friendly(text: str) -> str:
    """Swap typographic dashes and quotes for plain ones when that makes the text GSM-7 (cheaper)."""
    if is_gsm7(text):
        return text
    plain = text.translate(_LOOKALIKES)
    return plain if is_gsm7(plain) else text
