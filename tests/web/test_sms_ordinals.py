"""By SMS an option is also picked by its place in words: "pirmais", "otro", "второй", "the 2nd one".

Signed webhooks into the real app, replies through the outbox to the fake Twilio API. Before, "pirmais" at
the psychologist's answer and "otro" / "второй" at the ways to talk got "I did not understand, choose one of
the options below" and the same list again, and "the 2nd one" at the days was taken for the 2nd of December
("That day is full") (QA, SMS pass).
"""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import select

from bot import keys
from bot.db.models import Booking
from tests.fakes import FakeClassifier
from tests.integration.booking_setup import add_counsellor
from tests.twilio_fake import SmsFactory, SmsHarness

RIGA = ZoneInfo("Europe/Riga")
PERSON = "+37120000001"
HOURS = dict.fromkeys(range(1, 6), ("08:00", "21:00"))

# (language, greeting, what the person then types, what the last SMS must start with); Monday 23 November:
# 5 = the psychologist, 1st = book, 2nd = by phone, 2nd day = Wednesday 25.11, 1st time = 08:00, 1st = yes
SCRIPTS = [
    ("lv", "Sveiki", ["5", "pirmais", "otro", "izvēlos otro", "pirmo", "pirmais"], "Pieteikts: trešdiena"),
    (
        "ru",
        "Здравствуйте",
        ["5", "первый", "второй", "второй вариант", "первое", "давайте первый"],
        "Вы записаны",
    ),
    (
        "en",
        "Hello",
        ["5", "the first one", "the 2nd one", "the second one", "the first one", "the first"],
        "Booked",
    ),
]


@pytest.fixture
async def sms(make_sms: SmsFactory) -> SmsHarness:
    keywords = {**FakeClassifier().keywords, "здравствуйте": "greet"}
    harness = await make_sms(classifier=FakeClassifier(keywords), demo_data=False)
    sessionmaker = harness.app[keys.sessionmaker]
    await add_counsellor(sessionmaker, HOURS, name="Anna Demo", languages="lv,en", modes="video,phone")
    await add_counsellor(sessionmaker, HOURS, name="Olga Demo", languages="ru", modes="video,phone")
    return harness


@pytest.mark.parametrize(("lang", "hello", "typed", "booked"), SCRIPTS, ids=[s[0] for s in SCRIPTS])
async def test_a_session_is_booked_by_saying_which_option_in_words(
    sms: SmsHarness, lang: str, hello: str, typed: list[str], booked: str
):
    await sms.say(hello, PERSON)
    last: list[str] = []
    for text in typed:
        last = await sms.say(text, PERSON)
        assert last, f"no answer to {text!r}"
    assert last[-1].startswith(booked), last
    async with sms.app[keys.sessionmaker]() as session:
        rows = list((await session.execute(select(Booking))).scalars())
    assert [(b.starts_at.astimezone(RIGA), b.mode, b.status) for b in rows] == [
        (datetime(2026, 11, 25, 8, 0, tzinfo=RIGA), "phone", "booked")
    ]


async def test_one_second_please_is_no_choice(sms: SmsHarness):
    """ "One second" asks to wait: it must not pick the second option."""
    await sms.say("Hello", PERSON)
    await sms.say("5", PERSON)
    (reply,) = await sms.say("one second please", PERSON)
    async with sms.app[keys.sessionmaker]() as session:
        assert list((await session.execute(select(Booking))).scalars()) == []
    assert "How would you prefer to talk" not in reply
