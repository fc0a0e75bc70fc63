"""STOP, START and HELP by SMS: one confirmation, then silence (reminders included) until START."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select, update

from bot import keys, store
from bot.channels.sms_segments import count_segments
from bot.db.models import Contact, OutboxItem
from bot.messages import Channel
from tests.factories import outbox, transcript
from tests.twilio_fake import SmsFactory, SmsHarness

PERSON = "+37120000001"


async def _queue_reminder(sms: SmsHarness, due_in: timedelta) -> None:
    """A bot message for later, as a booking reminder would be queued."""
    app = sms.app
    async with app[keys.sessionmaker]() as session, session.begin():
        now = app[keys.clock]()
        contact = await store.lock_contact(session, Channel.SMS, PERSON, now)
        conversation = await store.open_conversation(session, contact, now)
        outbox_id = await store.enqueue(
            session,
            conversation=conversation,
            contact=contact,
            reply=store.QueuedReply("Atgādinājums: rīt 10:00", None, []),
            now=now,
        )
        await session.execute(
            update(OutboxItem).where(OutboxItem.id == outbox_id).values(next_attempt_at=now + due_in)
        )


async def test_after_stop_nothing_is_sent_until_start(sms: SmsHarness, clock):
    await sms.say("Sveiki", PERSON)

    (confirmation,) = await sms.say("STOP", PERSON)
    assert "Vairs nesaņemsiet" in confirmation and "START" in confirmation  # our one confirmation
    for text in ("kā var satikt vīru?", "3", "Sveiki", "0"):
        assert await sms.say(text, PERSON) == []  # stored, but the bot stays silent
    await _queue_reminder(sms, timedelta(hours=20))  # e.g. a booking reminder, queued by the bot
    clock.advance(hours=21)
    assert await sms.deliver() == []  # the reminder is cancelled, not sent
    inbound = [e.text for e in await transcript(sms.app) if e.direction == "in"]
    assert inbound[-4:] == ["kā var satikt vīru?", "3", "Sveiki", "0"]
    assert "cancelled" in {row.status for row in await outbox(sms.app)}

    (resumed,) = await sms.say("start", PERSON)
    assert "atkal ir ieslēgtas" in resumed
    (answer,) = await sms.say("kā var satikt vīru?", PERSON)
    assert "48 h" in answer
    assert all(m.to == PERSON and count_segments(m.body).segments <= 2 for m in sms.fake.sent)


async def test_a_repeated_stop_is_recorded_but_confirmed_only_once(sms: SmsHarness):
    await sms.say("Sveiki", PERSON)
    (confirmation,) = await sms.say("STOP", PERSON)
    assert "START" in confirmation
    for again in ("STOP", "stop.", "Stop!", "ATTEIKTIES"):
        assert await sms.say(again, PERSON) == []  # already opted out: nothing more to say
    assert [m.body for m in sms.fake.to(PERSON) if "START" in m.body] == [confirmation]
    inbound = [e.text for e in await transcript(sms.app) if e.direction == "in"]
    assert inbound[-5:] == ["STOP", "STOP", "stop.", "Stop!", "ATTEIKTIES"]  # each kept for the coordinators
    assert (await _contact(sms)).opted_out

    (resumed,) = await sms.say("START", PERSON)
    assert "atkal ir ieslēgtas" in resumed
    (answer,) = await sms.say("kā var satikt vīru?", PERSON)
    assert "48 h" in answer
    (confirmation,) = await sms.say("STOP", PERSON)  # opted in again, so a new STOP is confirmed
    assert "START" in confirmation


@pytest.mark.parametrize(("word", "lang"), [("STOP", "lv"), ("СТОП", "ru")])
async def test_the_stop_confirmation_is_one_sms_segment(sms: SmsHarness, word: str, lang: str):
    (confirmation,) = await sms.say(word, PERSON)
    assert "START" in confirmation and count_segments(confirmation).segments == 1, confirmation


async def test_after_stop_a_person_in_crisis_still_gets_the_emergency_numbers(sms: SmsHarness):
    await sms.say("Sveiki", PERSON)
    await sms.say("STOP", PERSON)
    assert await sms.say("kā var satikt vīru?", PERSON) == []

    replies = await sms.say("es vairs negribu dzīvot", PERSON)
    assert len(replies) == 1  # the numbers; "a coordinator will write" would be a promise we cannot keep
    assert "112" in replies[0] and "116123" in replies[0]
    assert count_segments(replies[0]).segments <= 2
    assert await sms.say("kā var satikt vīru?", PERSON) == []  # and then silent again
    contact = await _contact(sms)
    assert contact.opted_out


async def _contact(sms: SmsHarness) -> Contact:
    async with sms.app[keys.sessionmaker]() as session:
        return (await session.execute(select(Contact).where(Contact.external_id == PERSON))).scalar_one()


@pytest.mark.parametrize(
    "word", ["Stop.", "atteikties!", "стоп"]
)  # every word: tests/unit/test_sms_keywords.py
async def test_every_opt_out_word_silences(sms: SmsHarness, word: str):
    (confirmation,) = await sms.say(word, PERSON)
    assert "START" in confirmation
    async with sms.app[keys.sessionmaker]() as session:
        contact = (await session.execute(select(Contact))).scalar_one()
    assert contact.opted_out
    assert await sms.say("Sveiki", PERSON) == []


async def test_a_russian_stop_is_confirmed_in_russian(sms: SmsHarness):
    (confirmation,) = await sms.say("СТОП", "+37120000009")
    assert "Сообщения и напоминания отключены" in confirmation


async def test_a_russian_stop_after_a_latvian_greeting_is_confirmed_in_russian(sms: SmsHarness):
    """Russian speakers in Latvia often greet in Latvian: "СТОП" after "Sveiki" was confirmed in Latvian,
    while "ПОМОЩЬ" got Russian (QA, SMS pass). The Cyrillic word says which language the person reads."""
    await sms.say("Sveiki", PERSON)
    (confirmation,) = await sms.say("СТОП", PERSON)
    assert "Сообщения и напоминания отключены" in confirmation
    (resumed,) = await sms.say("СТАРТ", PERSON)
    assert resumed == sms.app[keys.texts].render("optout.resumed", "ru")


async def test_a_sentence_with_stop_in_it_is_an_ordinary_message(sms: SmsHarness):
    (answer,) = await sms.say("stop the visit please", PERSON)
    assert "START" not in answer
    async with sms.app[keys.sessionmaker]() as session:
        assert not (await session.execute(select(Contact))).scalar_one().opted_out


@pytest.mark.parametrize(
    ("word", "expected"),
    [
        ("HELP", "To talk to a person"),
        ("palīdzība", "Runāt ar cilvēku"),
        ("Помощь", "Поговорить с человеком"),
    ],
)
async def test_help_names_the_helpline_and_how_to_reach_a_person(sms: SmsHarness, word: str, expected: str):
    (answer,) = await sms.say(word, PERSON)
    assert expected in answer and "STOP" in answer and count_segments(answer).segments <= 2
    names = {
        "HELP": "Family support line",
        "palīdzība": "Ģimeņu atbalsta tālrunis",
        "Помощь": "Телефон поддержки семей",
    }
    assert answer.startswith(names[word])


async def test_help_uses_the_configured_helpline_name(make_sms: SmsFactory):
    sms = await make_sms(helpline_name="Atbalsts 24")
    (answer,) = await sms.say("PALĪDZĪBA", PERSON)
    assert answer.startswith("Atbalsts 24.")


async def test_help_is_answered_even_after_stop_and_says_how_to_start_again(sms: SmsHarness):
    await sms.say("STOP", PERSON)
    (answer,) = await sms.say("HELP", PERSON)
    assert "START" in answer
    assert await sms.say("Sveiki", PERSON) == []  # still silent otherwise


async def test_help_delivered_twice_is_answered_once(sms: SmsHarness):
    sid = "SM" + "a" * 32
    assert await sms.sms("HELP", PERSON, sid=sid) == 200
    assert await sms.sms("HELP", PERSON, sid=sid) == 200  # Twilio retried the webhook
    (answer,) = [m.body for m in await sms.deliver()]
    assert "To talk to a person" in answer
    assert [e.direction for e in await transcript(sms.app)] == ["in", "out"]


async def test_when_twilio_says_the_number_unsubscribed_the_row_dies_and_the_contact_is_marked(
    sms: SmsHarness,
):
    sms.fake.fail_next(400, 21610, "Attempt to send to unsubscribed recipient")
    assert await sms.say("Sveiki", PERSON) == []
    greeting, menu = await outbox(sms.app)
    assert greeting.status == "dead" and "21610" in (greeting.last_error or "")
    assert menu.status == "cancelled"  # the bot does not keep trying a number that cannot receive
    async with sms.app[keys.sessionmaker]() as session:
        assert (await session.execute(select(Contact))).scalar_one().blocked


async def test_opted_out_rows_are_never_claimed_for_sending(sms: SmsHarness):
    await sms.say("STOP", PERSON)
    await _queue_reminder(sms, timedelta(0))
    async with sms.app[keys.sessionmaker]() as session, session.begin():
        await session.execute(update(OutboxItem).values(next_attempt_at=sms.app[keys.clock]()))
    assert await sms.deliver() == []
