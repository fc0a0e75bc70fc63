"""A sentence that asks us to stop messaging gets how to stop (send STOP alone), not a topic or a crisis.

Seen through the real model (QA, SMS pass): "Lūdzu stop sūtīt man ziņas" got the bank account
(parcels_money), "please stop texting me" an offer to erase everything (delete_my_data), and "nevēlos
vairs saņemt ziņas" the crisis numbers and the top of the coordinators' queue (crisis, 0.88), also from
someone who had sent STOP. The fake classifier below reads them as the model did.
"""

from __future__ import annotations

import pytest
from sqlalchemy import update

from bot import keys
from bot.channels.sms_render import indiscreet
from bot.channels.sms_segments import count_segments
from bot.db.models import Conversation, Owner
from tests.factories import handoffs, transcript
from tests.fakes import FakeClassifier
from tests.twilio_fake import SmsFactory, SmsHarness

PERSON = "+37120000001"
LV_HINT = "Lai vairs nesaņemtu ziņas no mums, atsūtiet tikai vienu vārdu: STOP."
AS_THE_MODEL_READ_THEM = {
    "stop sūtīt": "parcels_money",
    "texting": "delete_my_data",
    "nevēlos vairs": "crisis",
    "не пишите": "parcels_money",
    "dzīvot": "crisis",
    "sveiki": "greet",
}


@pytest.fixture
async def sms(make_sms: SmsFactory) -> SmsHarness:
    return await make_sms(classifier=FakeClassifier(AS_THE_MODEL_READ_THEM))


@pytest.mark.parametrize(
    ("asked", "hint"),
    [
        (
            "Lūdzu stop sūtīt man ziņas",
            "Lai vairs nesaņemtu ziņas no mums, atsūtiet tikai vienu vārdu: STOP.",
        ),
        (
            "nevēlos vairs saņemt ziņas",
            "Lai vairs nesaņemtu ziņas no mums, atsūtiet tikai vienu vārdu: STOP.",
        ),
        ("не пишите мне больше", "Чтобы больше не получать от нас сообщения, отправьте одно слово: STOP."),
        ("please stop texting me", "To stop all messages from us, send just one word: STOP."),
    ],
)
async def test_stop_in_a_sentence_is_told_how_to_stop(sms: SmsHarness, asked: str, hint: str):
    assert await sms.say(asked, PERSON) == [hint]
    assert count_segments(hint).segments == 1 and indiscreet(hint) is None
    assert await handoffs(sms.app) == []  # no crisis, nobody in the queue
    assert [e.text for e in await transcript(sms.app) if e.direction == "in"] == [asked]  # kept
    # not opted out by a sentence: the next question is answered
    assert await sms.say("Sveiki", PERSON)


async def test_after_stop_such_a_sentence_gets_nothing(sms: SmsHarness):
    await sms.say("STOP", PERSON)
    assert await sms.say("nevēlos vairs saņemt ziņas", PERSON) == []
    assert await handoffs(sms.app) == []


async def test_crisis_words_in_the_same_sentence_still_win(sms: SmsHarness):
    replies = await sms.say("negribu vairs dzīvot, nesūtiet man ziņas", PERSON)
    assert "116123" in replies[0] and "112" in replies[0]
    assert [h.priority for h in await handoffs(sms.app)] == [0]  # first in the queue


async def test_the_same_sentence_delivered_twice_is_answered_once(sms: SmsHarness):
    sid = "SM" + "e" * 32
    assert await sms.sms("nevēlos vairs saņemt ziņas", PERSON, sid=sid) == 200
    assert await sms.sms("nevēlos vairs saņemt ziņas", PERSON, sid=sid) == 200  # Twilio retried the webhook
    assert [m.body for m in await sms.deliver()] == [LV_HINT]
    assert [e.direction for e in await transcript(sms.app)] == ["in", "out"]


async def test_under_a_coordinator_such_a_sentence_is_theirs_and_kept_once(sms: SmsHarness):
    """The coordinator who holds the conversation reads it and answers: no hint from the bot, and the
    ordinary turn (not a duplicate) records it with what it is about. Twilio's retry changes nothing."""
    await sms.say("Sveiki", PERSON)
    async with sms.app[keys.sessionmaker]() as session, session.begin():
        await session.execute(update(Conversation).values(owner=Owner.HUMAN))
    sid = "SM" + "f" * 32
    assert await sms.sms("please stop texting me", PERSON, sid=sid) == 200
    assert await sms.sms("please stop texting me", PERSON, sid=sid) == 200
    assert await sms.deliver() == []
    (entry,) = [e for e in await transcript(sms.app) if e.text == "please stop texting me"]
    assert (entry.intent, entry.flow_step) == ("delete_my_data", "human")  # not STOP_HINT_KEY
