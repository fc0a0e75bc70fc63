"""Our segment counter against smsutil (the oracle) and the carriers' rules: GSM-7 160/153, UCS-2 70/67."""

from __future__ import annotations

import pytest
import smsutil

from bot.channels.sms_segments import Encoding, count_segments, fits, gsm_friendly, is_gsm7
from flows.texts import Texts


@pytest.mark.parametrize(
    ("text", "encoding", "segments"),
    [
        ("", Encoding.GSM7, 1),
        ("a" * 160, Encoding.GSM7, 1),
        ("a" * 161, Encoding.GSM7, 2),
        ("a" * 306, Encoding.GSM7, 2),
        ("a" * 307, Encoding.GSM7, 3),
        ("€" * 80, Encoding.GSM7, 1),  # an extension character costs two septets
        ("€" * 81, Encoding.GSM7, 2),
        ("a" * 152 + "€", Encoding.GSM7, 1),  # 154 septets: still one
        ("a" * 152 + "€" * 76, Encoding.GSM7, 2),  # the pair does not fit after 152: part 2 holds 76 of them
        ("a" * 152 + "€" * 77, Encoding.GSM7, 3),
        ("ā" * 70, Encoding.UCS2, 1),
        ("ā" + "a" * 69, Encoding.UCS2, 1),
        ("ā" * 71, Encoding.UCS2, 2),
        ("ā" * 134, Encoding.UCS2, 2),
        ("ā" * 135, Encoding.UCS2, 3),
        ("Здравствуйте" * 11, Encoding.UCS2, 2),
        ("😀" * 35, Encoding.UCS2, 1),  # a surrogate pair counts twice
        ("😀" * 36, Encoding.UCS2, 2),
        ("a" * 66 + "😀", Encoding.UCS2, 1),
        ("a" * 66 + "😀" + "a" * 4, Encoding.UCS2, 2),  # the pair moves whole to the next part
    ],
)
def test_counts_like_carriers(text: str, encoding: Encoding, segments: int):
    count = count_segments(text)
    assert (count.encoding, count.segments) == (encoding, segments)
    assert count.segments == len(smsutil.split(text).parts)
    assert fits(text) is (segments <= 2)


def test_every_latvian_letter_forces_ucs2():
    for letter in "āčēģīķļņšūžĀČĒĢĪĶĻŅŠŪŽ":
        assert count_segments("Labdien " + letter).encoding is Encoding.UCS2
        assert smsutil.split("Labdien " + letter).encoding == "utf_16_be"


def test_agrees_with_smsutil_on_every_text_we_have():
    texts = Texts.load()
    checked = 0
    for lang in texts.languages:
        for key, entry in texts.entries[lang].items():
            for template in filter(None, (entry.text, entry.sms)):
                sample = template.replace("{", "").replace("}", "")
                for text in (sample, sample * 3, sample[:71], sample[:161]):
                    assert count_segments(text).segments == len(smsutil.split(text).parts), (lang, key)
                    assert is_gsm7(text) == (smsutil.split(text).encoding == "gsm0338"), (lang, key)
                    checked += 1
    assert checked > 1000


def test_typographic_marks_do_not_force_ucs2_on_plain_text():
    assert gsm_friendly("It’s free – “any time”…") == 'It\'s free - "any time"...'
    assert is_gsm7(gsm_friendly("Call 116123 — 24/7 • free"))
    latvian = "Zvaniet – tūlīt"
    assert gsm_friendly(latvian) == latvian  # UCS-2 anyway: the dash costs nothing, keep it
