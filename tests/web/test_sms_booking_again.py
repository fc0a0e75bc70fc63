"""By SMS a booking step asked again says to send a number, not to choose "below".

The apology and the options are two SMS, which a phone may show in either order; "izvēlieties kādu no
iespējām zemāk" / "выберите один из вариантов ниже" / "choose one of the options below" pointed at buttons an
SMS does not have, and the apology took two segments in Latvian and Russian (QA, SMS pass).
"""

from __future__ import annotations

import pytest

from bot import keys
from bot.channels.sms_segments import count_segments
from tests.fakes import FakeClassifier
from tests.integration.booking_setup import add_counsellor
from tests.twilio_fake import SmsFactory, SmsHarness

PERSON = "+37120000001"
HOURS = dict.fromkeys(range(1, 6), ("08:00", "21:00"))
BELOW = ("zemāk", "ниже", "below")


@pytest.fixture
async def sms(make_sms: SmsFactory) -> SmsHarness:
    keywords = {**FakeClassifier().keywords, "здравствуйте": "greet", "да": "affirm", "yes": "affirm"}
    harness = await make_sms(classifier=FakeClassifier(keywords), demo_data=False)
    await add_counsellor(harness.app[keys.sessionmaker], HOURS, languages="lv,ru,en", modes="video,phone")
    return harness


@pytest.mark.parametrize(
    ("hello", "not_an_answer", "again"),
    [
        ("Sveiki", "jā", "Nesapratu. Atsūtiet numuru no saraksta – pieteikšanās turpinās."),
        ("Здравствуйте", "да", "Не понял. Пришлите номер из списка — запись продолжается."),
        (
            "Hello",
            "yes",
            "Sorry, I did not catch that. Send a number from the list - your booking is still open.",
        ),
    ],
)
async def test_a_step_asked_again_says_send_a_number(
    sms: SmsHarness, hello: str, not_an_answer: str, again: str
):
    await sms.say(hello, PERSON)
    await sms.say("5", PERSON)  # the psychologist
    await sms.say("1", PERSON)  # book: how would you like to talk?
    apology, question = await sms.say(not_an_answer, PERSON)
    assert apology == again
    assert count_segments(apology).segments == 1
    assert "\n1 " in question  # the options again, numbered


async def test_the_confirmation_asked_again_says_send_a_number(sms: SmsHarness):
    await sms.say("Sveiki", PERSON)
    for number in ("5", "1", "2", "2", "1"):  # psychologist, book, by phone, a day, a time
        (last,) = await sms.say(number, PERSON)
    assert "\n1 Jā, pieteikt" in last
    (again,) = await sms.say("paldies", PERSON)
    assert again.startswith("Atbildiet „jā” vai „nē” vai atsūtiet numuru:\n1 ")
    assert count_segments(again).segments == 1
    assert not any(word in again for word in BELOW)


@pytest.mark.parametrize(
    ("hello", "speaks"), [("Здравствуйте", "lv,en"), ("Hello", "lv,ru"), ("Sveiki", "ru,en")]
)
async def test_times_with_other_speakers_are_announced_without_below(
    make_sms: SmsFactory, hello: str, speaks: str
):
    """Nobody free speaks the person's language: the notice is an SMS of its own, before the days."""
    keywords = {**FakeClassifier().keywords, "здравствуйте": "greet"}
    sms = await make_sms(classifier=FakeClassifier(keywords), demo_data=False)
    await add_counsellor(sms.app[keys.sessionmaker], HOURS, languages=speaks, modes="video,phone")
    await sms.say(hello, PERSON)
    await sms.say("5", PERSON)
    await sms.say("1", PERSON)
    notice, days = await sms.say("2", PERSON)  # by phone
    assert not any(word in notice.casefold() for word in BELOW), notice
    assert count_segments(notice).segments <= 2
    assert "\n1 " in days
