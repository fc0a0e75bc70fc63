"""Undo the commonest broken encoding: UTF-8 read as Latin-1 or Windows-1252 by a gateway or an old phone.

"Свидания" arrived as "Ð¡Ð²Ð¸Ð´Ð°Ð½Ð¸Ñ\x8f" and the model read it as booking a psychologist (channels QA).
ftfy does this and much more, but it adds 12 MB to every worker (measured) against a 150 MB budget, so
only this one reversal is done here: the text's characters are taken back to the bytes they were read
from and decoded as UTF-8, and the result is kept only when that succeeds. Real text seldom survives
that: Latvian letters and Cyrillic are beyond Latin-1, and a Latin-1 letter is rarely followed by the
exact bytes UTF-8 needs.
"""

from __future__ import annotations

# Windows-1252's letters in 0x80-0x9F (€, ‚, „, …, Š, š, Ž, ž, ...); Latin-1 covers the rest of 0x00-0xFF
_UNDEFINED = (0x81, 0x8D, 0x8F, 0x90, 0x9D)  # no letter in Windows-1252: read as Latin-1's controls
_CP1252 = {bytes([b]).decode("cp1252"): b for b in range(0x80, 0xA0) if b not in _UNDEFINED}
_MARKS = frozenset("ÃÂÄÅÐÑâ")  # the first byte of a two- or three-byte UTF-8 letter, read as Latin-1


def repair(text: str) -> str:
    """The text as it was written, when it is recognisably UTF-8 read as Latin-1/Windows-1252; else as is."""
    if not any(char in _MARKS for char in text):
        return text
    raw = bytearray()
    for char in text:
        code = ord(char)
        if code < 0x100:
            raw.append(code)
        elif char in _CP1252:
            raw.append(_CP1252[char])
        else:
            return text  # a character no single byte was read as: this is not that kind of breakage
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError:
        return text


def well_formed(text: str) -> str:
    """The text with any lone surrogate (half of an emoji, "\\ud83d" in a page's JSON) and any NUL as U+FFFD.

    Neither can be stored: Python reads a lone surrogate from JSON into a str that is not UTF-8, and
    PostgreSQL's text refuses NUL. The turn failed, then the apology that keeps the message failed too,
    the web chat got a 500 and the page sent it again every 30 seconds, showing "offline", until it was
    closed and the message lost (QA s11). Surrogate pairs are joined as UTF-16 joins them, so only what
    cannot be a character is replaced."""
    if "\x00" in text:
        text = text.replace("\x00", "\ufffd")
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return text.encode("utf-16", "surrogatepass").decode("utf-16", "replace")
    return text
