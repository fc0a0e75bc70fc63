"""Out of hours (Riga time, Latvian holidays): a call-back or a message for the morning; crisis first."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select

from bot import keys
from bot.db.models import CallbackRequest, Owner
from bot.messages import Channel, InboundKind
from flows import handoff
from tests.conftest import RIGA
from tests.factories import conversations, handoffs, inbound, outbox, transcript


async def _say(app, text: str, **kw):
    return await app[keys.pipeline].handle(inbound(text, **kw))


async def _callbacks(app) -> list[CallbackRequest]:
    async with app[keys.sessionmaker]() as session:
        return list((await session.execute(select(CallbackRequest))).scalars())


def _buttons(row) -> list[str]:
    return [payload for payload, _label in row.buttons]


async def test_out_of_hours_the_person_is_offered_a_call_back_or_a_message(make_app, clock):
    app = await make_app()
    clock.current = datetime(2026, 11, 28, 21, 30, tzinfo=RIGA)  # Saturday evening
    await _say(app, "/human_handoff")
    (offer,) = await outbox(app)
    assert _buttons(offer) == [handoff.CALLBACK, handoff.LEAVE_MESSAGE, handoff.LEAVE_QUEUE]
    assert "116123" in offer.text and "112" in offer.text
    (request,) = await handoffs(app)
    assert request.out_of_hours and request.status == "open"
    assert (await conversations(app))[0].owner == Owner.WAITING


async def test_a_latvian_public_holiday_counts_as_out_of_hours(make_app, clock):
    app = await make_app()
    clock.current = datetime(2026, 11, 18, 11, 0, tzinfo=RIGA)  # a Wednesday, Proclamation Day
    await _say(app, "/human_handoff")
    assert (await handoffs(app))[0].out_of_hours
    assert _buttons((await outbox(app))[0])[0] == handoff.CALLBACK


async def test_a_call_back_request_is_stored_with_the_number_and_time(make_app, clock):
    app = await make_app()
    clock.current = datetime(2026, 11, 28, 21, 30, tzinfo=RIGA)
    await _say(app, "/human_handoff")
    await _say(app, "1")  # the first button, as on SMS: a call-back
    await _say(app, "tas ir mans numurs: 2000")  # not a number
    await _say(app, "+371 2000-0000")
    await _say(app, "rīt no rīta pēc 10")
    (callback,) = await _callbacks(app)
    assert (callback.phone, callback.preferred_time, callback.status) == (
        "+37120000000",
        "rīt no rīta pēc 10",
        "open",
    )
    steps = [e.flow_step for e in await transcript(app) if e.direction == "in"]
    assert steps == [
        "handoff.out_of_hours",
        "handoff.phone",
        "handoff.phone",
        "handoff.when",
        "handoff.callback",
    ]
    assert "+37120000000" in (await outbox(app))[-1].text
    (request,) = await handoffs(app)
    assert (request.reason, request.out_of_hours, request.status) == ("callback", True, "open")
    assert (await conversations(app))[0].owner == Owner.WAITING  # still seen in the morning queue


async def test_on_sms_the_number_they_write_from_can_be_used(make_app, clock):
    app = await make_app()
    clock.current = datetime(2026, 11, 28, 21, 30, tzinfo=RIGA)
    sms = {"channel": Channel.SMS, "user": "+37129999999"}
    await _say(app, "/human_handoff", **sms)
    await _say(app, "1", **sms)
    ask = (await outbox(app))[-1]
    assert _buttons(ask) == [handoff.THIS_NUMBER]
    await _say(app, "1", **sms)  # "call this number"
    await _say(app, "jebkurā laikā", **sms)
    (callback,) = await _callbacks(app)
    assert callback.phone == "+37129999999"


async def test_a_message_for_the_morning_keeps_the_person_waiting_and_flagged(make_app, clock):
    app = await make_app()
    clock.current = datetime(2026, 11, 28, 21, 30, tzinfo=RIGA)
    await _say(app, "/human_handoff")
    await _say(app, "2")  # leave a message
    await _say(app, "Vīru pārveda uz citu cietumu, nezinu uz kuru.")
    await _say(app, "Lūdzu, atbildiet no rīta.")
    keys_sent = [e.flow_step for e in await transcript(app) if e.direction == "in"]
    assert keys_sent == ["handoff.out_of_hours", "handoff.message", "handoff.message", "waiting"]
    # offer, "write your message", "your message is saved" (and nothing for the next line)
    offer, ask, saved = await outbox(app)
    assert saved.text == app[keys.texts].render("handoff.after_hours.message_saved", "lv")
    (request,) = await handoffs(app)
    assert (request.reason, request.out_of_hours) == ("message", True)
    assert await _callbacks(app) == []


async def test_typing_instead_of_choosing_leaves_a_message_and_three_bad_numbers_end_the_questions(
    make_app, clock
):
    app = await make_app()
    clock.current = datetime(2026, 11, 28, 21, 30, tzinfo=RIGA)
    await _say(app, "/human_handoff")
    await _say(app, "Vai varat man palīdzēt ar pabalstu?")
    assert (await transcript(app))[-2].flow_step == "handoff.message"
    await _say(app, "/human_handoff", user="other")
    await _say(app, "1", user="other")
    for text in ("nezinu", "abc", "12"):
        await _say(app, text, user="other")
    other = [e.flow_step for e in await transcript(app) if e.direction == "in"][-3:]
    assert other == ["handoff.phone", "handoff.phone", "handoff.message"]
    assert await _callbacks(app) == []


async def test_crisis_out_of_hours_gets_the_emergency_numbers_at_once(make_app, clock):
    app = await make_app()
    clock.current = datetime(2026, 11, 29, 3, 0, tzinfo=RIGA)  # Sunday night
    await _say(app, "negribu vairs dzīvot")
    first = (await outbox(app))[0]
    assert "112" in first.text.splitlines()[0] and "116123" in first.text.splitlines()[0]
    (request,) = await handoffs(app)
    assert request.priority == 0 and request.out_of_hours


async def test_yes_to_the_offer_of_a_person_after_two_misunderstandings_queues_them(make_app):
    app = await make_app()
    await _say(app, "qwerty")
    await _say(app, "asdfgh")
    offer = (await outbox(app))[-1]
    assert _buttons(offer)[0] == "/human_handoff"
    await _say(app, "jā")
    assert (await transcript(app))[-2].flow_step == "handoff.queued"
    assert (await conversations(app))[0].owner == Owner.WAITING


async def test_pressing_the_offered_button_queues_them_too(make_app):
    app = await make_app()
    await _say(app, "qwerty")
    await _say(app, "asdfgh")
    await _say(app, "1")  # the first offered button: a person
    assert (await handoffs(app))[0].reason == "asked"


async def test_a_question_typed_at_the_choice_is_answered_and_kept_for_the_morning(make_app, clock):
    app = await make_app()
    clock.current = datetime(2026, 11, 28, 21, 30, tzinfo=RIGA)
    await _say(app, "/human_handoff")
    await _say(app, "kā var satikt vīru?")  # a question, not a choice: answered now
    replies = await outbox(app)
    assert replies[-1].text.startswith(app[keys.texts].render("faq.visit_rules", "lv")[:40])
    (request,) = await handoffs(app)
    assert request.reason == "message" and request.status == "open"  # the coordinator still sees it


async def test_a_question_written_as_the_message_is_answered_and_the_message_kept(make_app, clock):
    """QA: after "leave a message", "не звонит уже неделю" got only the calls answer: the person was never
    told that the message was kept for the coordinator."""
    app = await make_app()
    clock.current = datetime(2026, 11, 28, 21, 30, tzinfo=RIGA)
    await _say(app, "/human_handoff")
    await _say(app, "2")  # leave a message
    await _say(app, "kā var satikt vīru?")  # the message, and a question the bot can answer
    *_, saved, answer = await outbox(app)
    assert saved.text == app[keys.texts].render("handoff.after_hours.message_saved", "lv")
    assert answer.text.startswith(app[keys.texts].render("faq.visit_rules", "lv")[:40])
    (request,) = await handoffs(app)
    assert (request.reason, request.status) == ("message", "open")


async def test_an_hour_typed_as_a_bare_number_is_the_call_back_time(make_app, clock):
    """A number with no list on screen is taken from the main menu (SMS), but not inside a flow's step:
    "10" for "when may we call?" is ten o'clock, not the main menu's tenth topic."""
    app = await make_app()
    clock.current = datetime(2026, 11, 28, 21, 30, tzinfo=RIGA)
    await _say(app, "/human_handoff")
    await _say(app, "1")  # a call-back
    await _say(app, "+371 2000-0000")
    await _say(app, "10")
    (callback,) = await _callbacks(app)
    assert (callback.phone, callback.preferred_time) == ("+37120000000", "10")


async def test_a_phone_number_typed_for_the_call_back_is_the_number_not_a_crisis(make_app, clock, classifier):
    """QA, eighth pass: the real model read "26123456" as a crisis (0.76; "123" at 0.86): the person got the
    crisis block, was queued as a crisis, and no call-back was saved. Digits alone are a crisis only when
    they are an emergency or crisis line, which still gets the crisis reply at once."""
    app = await make_app(classifier=classifier)
    clock.current = datetime(2026, 11, 28, 21, 30, tzinfo=RIGA)
    await _say(app, "gribu runāt ar cilvēku")
    await _say(app, "1")  # a call-back
    seen = len(await outbox(app))
    await _say(app, "26123456")
    asked = [row.text for row in (await outbox(app))[seen:]]
    assert not any("116123" in text for text in asked), asked  # the next question, not the crisis block
    await _say(app, "rīt pēc 10")
    (callback,) = await _callbacks(app)
    assert callback.phone == "+37126123456"
    assert not (await conversations(app))[0].crisis
    await _say(app, "116 123")  # the crisis line itself, typed: the crisis reply, first in line
    assert "112" in (await outbox(app))[-2].text or "112" in (await outbox(app))[-1].text
    assert (await conversations(app))[0].crisis


async def test_a_telegram_contact_shared_when_asked_for_the_number_is_the_call_back_number(make_app, clock):
    """QA s11: asked "which number should we call?", a person who shared their own contact card got "Thank
    you for the number. If you ask for a call back, a coordinator can use it", and was asked again."""
    app = await make_app()
    clock.current = datetime(2026, 11, 28, 21, 30, tzinfo=RIGA)
    telegram = {"channel": Channel.TELEGRAM, "user": "4242"}
    await _say(app, "/human_handoff", **telegram)
    await _say(app, "1", **telegram)  # a call-back
    await _say(app, "+37120000042", kind=InboundKind.CONTACT, **telegram)  # the person's own, in E.164
    asked = (await outbox(app))[-1]
    assert asked.text == app[keys.texts].render("handoff.after_hours.ask_time", "lv")
    await _say(app, "rīt pēc 10", **telegram)
    (callback,) = await _callbacks(app)
    assert (callback.phone, callback.preferred_time) == ("+37120000042", "rīt pēc 10")
