"""The reply box's segment counter on an SMS conversation: "42 rakstzīmes, 1 īsziņa" as the coordinator types.

Each segment costs the helpline money. static/sms.js counts exactly as the server will send: the text
stripped, the coordinator label ("Koordinators:") when bot.console.label would add it (owed since the
take-over, or free), typographic dashes and quotes made plain when that keeps GSM-7
(bot.channels.sms_render, bot.channels.sms_segments: 160/153 characters a segment in GSM-7, 70/67 in
UCS-2, which one Latvian letter or any Cyrillic forces). tests/e2e/test_console_sms_counter_browser.py
holds the two to the same numbers.

The words come from the catalogs: the JS gets one form per plural class of the reader's language (a
number that falls into each), and picks among them with the same rule as the catalog's Plural-Forms.
"""

from __future__ import annotations

import gettext

from bot.channels.sms_segments import MAX_SEGMENTS

# a number in each plural class, in the order of the catalog's msgstr[i] (its Plural-Forms, and sms.js)
PLURAL_SAMPLES = {"lv": (0, 1, 2), "ru": (1, 2, 5), "en": (1, 2)}


def counter_words(tr: gettext.NullTranslations, language: str) -> dict[str, object]:
    """What sms.js writes, in the reader's language: each plural form with %(n)s left in."""
    samples = PLURAL_SAMPLES.get(language, PLURAL_SAMPLES["en"])
    return {
        "plural": language if language in PLURAL_SAMPLES else "en",
        "characters": [tr.ngettext("%(n)s character", "%(n)s characters", n) for n in samples],
        "messages": [tr.ngettext("%(n)s SMS", "%(n)s SMS", n) for n in samples],
        "max": MAX_SEGMENTS,
    }
