"""A number typed after a message about one's session picks that message's button, not an older one's.

QA, eighth pass: the helpline's word that it cancelled a session (`helpline bookings mark ID cancelled`) and
the reminders come outside a turn, with one numbered button ("1. Pieteikties pie psihologa", "1 Mana
konsultācija"); the conversation still held the numbers of the last reply. A person waiting for a
coordinator sent "1" to book again and was taken out of the queue ("1. Iziet no rindas" was the last
reply's); after the main menu, "1" was the visits answer. Through the real pipeline, outbox, CLI and
reminder worker; the CLI reads the real clock, so this app's clock starts at the real now too.
"""

from __future__ import annotations

import asyncio
from datetime import datetime, timedelta

import pytest
from aiohttp import web
from sqlalchemy import select

from bot import keys
from bot.bookings.reminders import ReminderWorker
from bot.bookings.service import DbBookings
from bot.clock import ManualClock
from bot.db.models import Contact, Conversation, Owner
from bot.settings import Settings
from tests.integration.booking_setup import POLICY, RIGA, Terminal, add_counsellor
from tests.integration.test_booking_cli import helpline

__all__ = ["helpline"]  # fixture

ALWAYS_OPEN = "1-7 00:00-23:59"  # coordinators at work whenever this runs: the person waits in the queue


@pytest.fixture
def clock() -> ManualClock:
    return ManualClock(datetime.now(RIGA).replace(microsecond=0))


async def _queued_with_a_session(app: web.Application, chat: Terminal, clock: ManualClock) -> int:
    """The person has a session in three days and now waits for a coordinator; the session's id."""
    assert "Iziet no rindas" in await chat.say("gribu runāt ar cilvēku")
    starts = (clock() + timedelta(days=3)).replace(hour=10, minute=0, second=0)
    counsellor = await add_counsellor(app[keys.sessionmaker], {starts.isoweekday(): ("10:00", "12:00")})
    async with app[keys.sessionmaker]() as session, session.begin():
        person = await session.scalar(select(Contact.id).where(Contact.external_id == chat.user))
        assert person is not None
        return (await DbBookings(session, person, clock(), POLICY).book("video", counsellor.id, starts)).id


async def _delivered(app: web.Application, chat: Terminal) -> str:
    """What the outbox prints to the person's terminal: a message sent outside their turns."""
    start = len(chat.out.getvalue())
    await app[keys.outbox].drain()
    return chat.out.getvalue()[start:]


async def _still_waiting(app: web.Application) -> bool:
    async with app[keys.sessionmaker]() as session:
        return await session.scalar(select(Conversation.owner)) == Owner.WAITING


async def test_one_after_the_helplines_cancellation_books_again_and_keeps_the_place_in_the_queue(
    make_app, settings: Settings, clock: ManualClock, helpline
):
    app = await make_app(settings=settings.model_copy(update={"working_hours": ALWAYS_OPEN}))
    chat = Terminal(app, "queued-person")
    booking = await _queued_with_a_session(app, chat, clock)
    code, out = await asyncio.to_thread(helpline, "bookings", "mark", str(booking), "cancelled")
    assert code == 0 and "the person is told" in out
    clock.advance(minutes=1)  # the CLI wrote the notice by the real clock, a moment after this one
    told = await _delivered(app, chat)
    assert "ir atcelta" in told and "1. Pieteikties pie psihologa" in told
    reply = await chat.say("1")
    assert "vairs neesat rindā" not in reply  # "1" was the queue's "leave" button
    assert await _still_waiting(app)


async def test_one_after_a_reminder_is_the_reminders_button(make_app, settings: Settings, clock: ManualClock):
    app = await make_app(settings=settings.model_copy(update={"working_hours": ALWAYS_OPEN}))
    chat = Terminal(app, "reminded-person")
    starts = (clock() + timedelta(days=3)).replace(hour=10, minute=0, second=0)  # as _queued_with_a_session
    await _queued_with_a_session(app, chat, clock)
    # a minute after the 24 h reminder is due ("two days and an hour later" was not yet due when the tests
    # ran between midnight and 9:00 in Riga)
    clock.advance(seconds=(starts - timedelta(hours=24) - clock()).total_seconds() + 60)
    reminders = ReminderWorker(
        sessionmaker=app[keys.sessionmaker], texts=app[keys.texts], clock=clock, zone=RIGA
    )
    assert await reminders.drain_once() == 1
    told = await _delivered(app, chat)
    assert "Atgādinājums" in told and "1. Mana konsultācija" in told
    reply = await chat.say("1")
    assert "vairs neesat rindā" not in reply
    assert await _still_waiting(app)
