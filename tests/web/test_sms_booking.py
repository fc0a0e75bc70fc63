"""A whole booking by numbered replies, as from a push-button phone: book, move and cancel, in lv, ru and en.

Signed webhooks into the real app (pipeline, flows, DbBookings), replies through the outbox and TwilioSender
to the fake Twilio API. After a greeting the person only ever sends a number that the last SMS showed.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import select

from bot import keys
from bot.channels.sms_render import indiscreet
from bot.channels.sms_segments import MAX_SEGMENTS, count_segments
from bot.db.models import Booking, Contact, Counsellor
from tests.fakes import FakeClassifier
from tests.integration.booking_setup import add_counsellor
from tests.twilio_fake import SmsFactory, SmsHarness

RIGA = ZoneInfo("Europe/Riga")
PERSON = "+37120000001"
WHOSE = f"sms:{PERSON}"  # the booking is the SMS contact's
# every weekday 08:00-21:00: thirteen hourly sessions a day, more than a day's list shows (twelve)
HOURS = dict.fromkeys(range(1, 6), ("08:00", "21:00"))
_OPTION = re.compile(r"^(\d{1,2}) (.+)$", re.MULTILINE)


@dataclass(frozen=True)
class Script:
    """What one language's person opens with, the options they pick, and what they must read back."""

    lang: str
    hello: str
    psychologist: str
    book: str
    phone: str
    wednesday: str
    thursday: str
    book_yes: str
    mine: str
    move: str
    move_yes: str
    cancel: str
    cancel_yes: str
    letters: str
    other_day: str
    booked: str
    moved: str
    cancelled: str
    letters_answer: str
    counsellor: str  # who is booked: the psychologist who speaks the person's language


SCRIPTS = [
    Script(
        lang="lv",
        hello="Sveiki",
        psychologist="Psihologs",
        book="Pieteikties",
        phone="Pa tālruni",
        wednesday="Tr 25.11.",
        thursday="Ce 26.11.",
        book_yes="Jā, pieteikt",
        mine="Mana konsultācija",
        move="Pārcelt konsultāciju",
        move_yes="Jā, pārcelt",
        cancel="Atcelt konsultāciju",
        cancel_yes="Jā, atcelt",
        letters="Vēstules",
        other_day="Cita diena",
        booked="Pieteikts: trešdiena, 25. novembris, plkst. 14:00.",
        moved="Konsultācija pārcelta: ceturtdiena, 26. novembris, plkst. 10:00.",
        cancelled="Konsultācija ir atcelta.",
        letters_answer="Vēstules var sūtīt",
        counsellor="Anna Demo",
    ),
    Script(
        lang="ru",
        hello="Здравствуйте",
        psychologist="Психолог",
        book="Записаться",
        phone="По телефону",
        wednesday="Ср 25.11",
        thursday="Чт 26.11",
        book_yes="Да, записаться",
        mine="Моя запись",
        move="Перенести запись",
        move_yes="Да, перенести",
        cancel="Отменить запись",
        cancel_yes="Да, отменить",
        letters="Письма",
        other_day="Другой день",
        booked="Вы записаны: среда, 25 ноября, 14:00.",
        moved="Запись перенесена: четверг, 26 ноября, 10:00.",
        cancelled="Консультация отменена.",
        letters_answer="Письма — без ограничения числа",
        counsellor="Olga Demo",
    ),
    Script(
        lang="en",
        hello="Hello",
        psychologist="Psychologist",
        book="Book a session",
        phone="By phone",
        wednesday="Wed 25.11",
        thursday="Thu 26.11",
        book_yes="Yes, book it",
        mine="My session",
        move="Move my session",
        move_yes="Yes, move it",
        cancel="Cancel my session",
        cancel_yes="Yes, cancel it",
        letters="Letters",
        other_day="Another day",
        booked="Booked: Wednesday 25 November, 14:00.",
        moved="Moved to Thursday 26 November, 10:00.",
        cancelled="Your session is cancelled.",
        letters_answer="Letters can be sent",
        counsellor="Anna Demo",
    ),
]


class Phone:
    """A person at a push-button phone: reads the last SMS, answers with the number of an option in it."""

    def __init__(self, sms: SmsHarness, number: str = PERSON) -> None:
        self.sms, self.number = sms, number
        self.last: list[str] = []
        self.sent: list[str] = []  # what the person typed, in order

    async def say(self, text: str) -> list[str]:
        self.sent.append(text)
        self.last = await self.sms.say(text, self.number)
        assert self.last, f"no answer to {text!r}"
        return self.last

    def options(self) -> dict[str, str]:
        """Label -> number, for the numbered lines of the last answer."""
        return {label: number for body in self.last for number, label in _OPTION.findall(body)}

    async def choose(self, label: str) -> list[str]:
        shown = self.options()
        assert label in shown, f"{label!r} is not offered in {self.last!r}"
        return await self.say(shown[label])


@pytest.fixture
async def sms(make_sms: SmsFactory) -> SmsHarness:
    # two psychologists with the same hours: the person gets the one who speaks their language
    keywords = {**FakeClassifier().keywords, "здравствуйте": "greet"}
    harness = await make_sms(classifier=FakeClassifier(keywords), demo_data=False)
    sessionmaker = harness.app[keys.sessionmaker]
    await add_counsellor(sessionmaker, HOURS, name="Anna Demo", languages="lv,en", modes="video,phone")
    await add_counsellor(sessionmaker, HOURS, name="Olga Demo", languages="ru", modes="video,phone")
    return harness


async def _bookings(sms: SmsHarness) -> list[tuple[datetime, str, str, str, str]]:
    """(start in Riga time, mode, status, psychologist, whose: "sms:<number>") of every booking."""
    async with sms.app[keys.sessionmaker]() as session:
        rows = await session.execute(
            select(Booking, Counsellor.name, Contact.channel, Contact.external_id)
            .join(Counsellor, Counsellor.id == Booking.counsellor_id)
            .join(Contact, Contact.id == Booking.contact_id)
            .order_by(Booking.id)
        )
        return [
            (b.starts_at.astimezone(RIGA), b.mode, b.status, name, f"{channel}:{number}")
            for b, name, channel, number in rows
        ]


def _assert_fit_and_discreet(sms: SmsHarness) -> None:
    assert sms.fake.sent
    for message in sms.fake.sent:
        assert message.to == PERSON
        assert count_segments(message.body).segments <= MAX_SEGMENTS, message.body
        assert message.num_segments <= MAX_SEGMENTS, message.body  # as Twilio counted it
        assert indiscreet(message.body) is None, message.body  # nothing telling on a locked screen


async def _to_the_times(phone: Phone, script: Script) -> list[str]:
    """From the first greeting to the times of Wednesday 25 November, by numbers only."""
    await phone.say(script.hello)
    await phone.choose(script.psychologist)  # main menu: 5
    await phone.choose(script.book)  # the psychologist answer: 1
    await phone.choose(script.phone)  # video or phone
    return await phone.choose(script.wednesday)


@pytest.mark.parametrize("script", SCRIPTS, ids=[s.lang for s in SCRIPTS])
async def test_a_session_is_booked_moved_and_cancelled_by_numbers_alone(sms: SmsHarness, script: Script):
    phone = Phone(sms)  # Monday 23 November 2026, 10:00
    (times,) = await _to_the_times(phone, script)
    # the longest list of a day in two segments: twelve times (the most a day shows) and "another day"
    assert times.startswith(script.wednesday)
    assert list(phone.options()) == [f"{h:02d}:00" for h in range(8, 20)] + [script.other_day]
    assert phone.options()[script.other_day] == "13"
    await phone.choose("14:00")
    (booked,) = await phone.choose(script.book_yes)
    assert booked.startswith(script.booked)  # the confirmation SMS, as Twilio was asked to send it
    wednesday_14 = datetime(2026, 11, 25, 14, 0, tzinfo=RIGA)
    assert await _bookings(sms) == [(wednesday_14, "phone", "booked", script.counsellor, WHOSE)]

    await phone.choose(script.mine)
    await phone.choose(script.move)
    await phone.choose(script.thursday)
    await phone.choose("10:00")
    (moved,) = await phone.choose(script.move_yes)
    assert moved.startswith(script.moved)
    thursday_10 = datetime(2026, 11, 26, 10, 0, tzinfo=RIGA)
    assert await _bookings(sms) == [
        (wednesday_14, "phone", "cancelled", script.counsellor, WHOSE),
        (thursday_10, "phone", "booked", script.counsellor, WHOSE),
    ]

    await phone.choose(script.mine)
    await phone.choose(script.cancel)
    (cancelled,) = await phone.choose(script.cancel_yes)
    assert cancelled.startswith(script.cancelled)
    assert [status for _, _, status, _, _ in await _bookings(sms)] == ["cancelled", "cancelled"]

    assert all(text.isdigit() for text in phone.sent[1:]), phone.sent  # after "hello", only numbers
    _assert_fit_and_discreet(sms)


@pytest.mark.parametrize("script", SCRIPTS[:2], ids=[s.lang for s in SCRIPTS[:2]])
async def test_zero_in_the_middle_of_booking_opens_the_menu_and_drops_the_booking(
    sms: SmsHarness, script: Script
):
    phone = Phone(sms)
    await _to_the_times(phone, script)
    await phone.say("0")
    assert sorted(phone.options().values(), key=int) == [str(n) for n in range(1, 11)]  # the main menu
    assert phone.options()[script.psychologist] == "5"
    # "3" is now the third topic of the menu, not the third time of Wednesday
    (letters,) = await phone.choose(script.letters)
    assert phone.sent[-1] == "3" and letters.startswith(script.letters_answer)
    assert await _bookings(sms) == []
    # and booking starts again from the beginning
    await phone.say("0")
    await phone.choose(script.psychologist)
    await phone.choose(script.book)
    assert script.phone in phone.options()
    _assert_fit_and_discreet(sms)
