"""A picture sent by SMS (Twilio delivers it as an MMS: NumMedia, MediaUrl0, MediaContentType0).

QA (s11): a picture with words had its picture dropped without a word to the person, who then waited for an
answer about a document we never saw. The words are answered, and one short SMS before the answer says the
picture was not seen and asks for it in words; a picture alone gets that alone. Nothing of the picture is
fetched or kept: not its URL (it names the account and the message, and so the person), not its type.
"""

from __future__ import annotations

import io
from collections.abc import Iterator

import pytest
from sqlalchemy import select

from bot import keys
from bot.channels.sms_segments import MAX_SEGMENTS, count_segments
from bot.db.models import OutboxItem, TranscriptEntry
from tests.factories import transcript
from tests.log_capture import configured_logs
from tests.twilio_fake import SmsHarness

MEDIA_URL = "https://api.twilio.com/2010-04-01/Accounts/AC0/Messages/MM1234/Media/ME5678"
ASK = {
    "lv": ("kā var satikt vīru?", "+37120000011"),
    "ru": ("как увидеть мужа?", "+37120000012"),
    "en": ("how can I visit my husband?", "+37120000013"),
}


def _picture(url: str = MEDIA_URL) -> dict[str, str]:
    return {"NumMedia": "1", "MediaUrl0": url, "MediaContentType0": "image/jpeg"}


@pytest.fixture
def run_logs() -> Iterator[io.StringIO]:
    """Logging as `helpline run` sets it up (INFO, JSON), captured; restored afterwards."""
    with configured_logs("INFO") as out:
        yield out


@pytest.mark.parametrize("lang", ["lv", "ru", "en"])
async def test_words_with_a_picture_are_answered_after_one_short_sms_that_the_picture_was_not_seen(
    sms: SmsHarness, lang: str
):
    words, number = ASK[lang]
    texts = sms.app[keys.texts]
    assert await sms.sms(words, number, **_picture()) == 200
    sent = await sms.deliver()
    assert len(sent) == 2, [m.body for m in sent]
    note, answer = sent
    assert note.body == texts.render("media.caption", lang, sms=True)
    assert answer.body.startswith(texts.render("faq.visit_rules", lang, sms=True)[:30])
    assert count_segments(note.body).segments == 1  # a short sentence: one segment, not a second answer
    assert all(m.num_segments <= MAX_SEGMENTS for m in sent)
    entry = next(e for e in await transcript(sms.app) if e.direction == "in")
    assert (entry.kind, entry.text, entry.intent) == ("media", words, "visit_rules")


async def test_a_cry_for_help_with_a_picture_gets_the_emergency_numbers_first(sms: SmsHarness):
    """The picture note must never stand before 112 and 116123."""
    assert await sms.sms("negribu vairs dzīvot", "+37120000016", **_picture()) == 200
    first = (await sms.deliver())[0].body
    assert "112" in first and "116123" in first


async def test_a_picture_alone_gets_only_the_cannot_read_answer(sms: SmsHarness):
    assert await sms.sms("", "+37120000014", **_picture()) == 200
    (answer,) = await sms.deliver()
    assert answer.body == sms.app[keys.texts].render("media.unsupported", "lv", sms=True)
    assert answer.num_segments <= MAX_SEGMENTS


async def test_the_picture_is_not_kept_and_its_url_is_not_logged(sms: SmsHarness, run_logs: io.StringIO):
    """The media URL leads to the picture and to the person's message: it is neither stored nor logged."""
    assert await sms.sms("kā var satikt vīru?", "+37120000015", **_picture()) == 200
    assert await sms.sms("", "+37120000015", **_picture(MEDIA_URL + "9")) == 200
    assert len(await sms.deliver()) == 3
    async with sms.app[keys.sessionmaker]() as session:
        texts = [e.text for e in (await session.execute(select(TranscriptEntry))).scalars()]
        texts += [o.text for o in (await session.execute(select(OutboxItem))).scalars()]
    assert not [t for t in texts if "twilio.com" in t or "MM1234" in t or "image/jpeg" in t]
    logged = run_logs.getvalue()
    assert logged  # the capture works
    assert "MM1234" not in logged and "ME5678" not in logged and "+37120000015" not in logged
