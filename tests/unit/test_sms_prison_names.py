"""Every prison's name in every SMS that names a prison fits two segments and keeps the lock screen neutral.

The Russian contacts note ("we could not check this institution's address…") took three segments for seven
of the eleven prisons, and the Latvian one for Cēsis (QA, SMS pass): the Russian name and the official
Latvian one in brackets do not fit beside the sentence. A prison's `sms` name is used in an SMS.
"""

from __future__ import annotations

import pytest

from bot.channels.sms_render import indiscreet
from bot.channels.sms_segments import MAX_SEGMENTS, count_segments, gsm_friendly
from flows.texts import Texts

TEXTS = Texts.load()
PRISONS = [key for key in TEXTS.entries["lv"] if key.startswith("prison.")]
NAMING = [k for k, e in TEXTS.entries["lv"].items() if e.sms and "prison" in e.placeholders()]


@pytest.mark.parametrize("lang", TEXTS.languages)
@pytest.mark.parametrize("key", NAMING)
def test_every_prison_named_in_an_sms_fits_two_segments(lang: str, key: str):
    too_long = []
    for prison in PRISONS:
        body = gsm_friendly(TEXTS.render(key, lang, {"prison": TEXTS.plain(prison, lang)}, sms=True))
        if count_segments(body).segments > MAX_SEGMENTS or indiscreet(body) is not None:
            too_long.append(body)
    assert too_long == []


def test_the_chat_keeps_the_full_name():
    name = TEXTS.plain("prison.cesu_audzinasanas_iestade_nepilngadigajiem", "ru")
    assert "для несовершеннолетних" in TEXTS.render("contacts.not_known", "ru", {"prison": name})
    assert "для несовершеннолетних" not in TEXTS.render(
        "contacts.not_known", "ru", {"prison": name}, sms=True
    )
