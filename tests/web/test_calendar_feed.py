"""A psychologist's private calendar feed: their sessions, a relative's initial at most; 404 otherwise."""

from __future__ import annotations

from datetime import datetime, timedelta

from icalendar import Calendar
from sqlalchemy import select, update

from bot import keys
from bot.app import Overrides, create_app
from bot.bookings.service import BookingPolicy, DbBookings
from bot.db.models import Booking, BookingStatus, Contact, Counsellor
from bot.settings import Settings
from tests.fakes import FakeClassifier
from tests.integration.booking_setup import RIGA

NOW = datetime(2026, 11, 23, 10, tzinfo=RIGA)


async def test_the_feed_lists_booked_sessions_without_personal_details(
    aiohttp_client, settings: Settings, clock
):
    app = create_app(
        settings, Overrides(classifier=FakeClassifier(), clock=clock, migrate=True, run_outbox=False)
    )
    client = await aiohttp_client(app)
    sm = app[keys.sessionmaker]
    async with sm() as session, session.begin():
        anna = (await session.execute(select(Counsellor).where(Counsellor.name.like("Anna%")))).scalar_one()
        people = [
            Contact(
                channel="sms", external_id="+37120000001", first_name="ilze", created_at=NOW, language="lv"
            ),
            Contact(channel="telegram", external_id="555", first_name=None, created_at=NOW, language="ru"),
        ]
        session.add_all(people)
        await session.flush()
        policy = BookingPolicy.from_settings(settings)
        await DbBookings(session, people[0].id, NOW, policy).book(
            "in_person", anna.id, datetime(2026, 11, 25, 12, tzinfo=RIGA)
        )
        other = await DbBookings(session, people[1].id, NOW, policy).book(
            "video", anna.id, datetime(2026, 11, 27, 9, tzinfo=RIGA)
        )
        token = anna.calendar_token
    async with sm() as session, session.begin():
        await DbBookings(session, people[1].id, NOW, policy).cancel(other.id)

    response = await client.get(f"/calendar/{token}.ics")
    assert response.status == 200 and response.content_type == "text/calendar"
    body = await response.text()
    events = Calendar.from_ical(body).walk("VEVENT")
    assert [
        (str(e["summary"]), e["dtstart"].dt.astimezone(RIGA).strftime("%d.%m %H:%M"), str(e["status"]))
        for e in events
    ] == [
        ("Konsultācija – I.", "25.11 12:00", "CONFIRMED"),
        ("Atcelta: Konsultācija", "27.11 09:00", "CANCELLED"),  # see test below
    ]
    assert (
        str(events[0]["location"]).startswith("Demo iela 1") and str(events[0]["description"]) == "Klātienē"
    )
    assert "+3712" not in body and "ilze" not in body.lower() and "555" not in body

    wrong = token[:-1] + ("A" if token[-1] != "A" else "B")
    assert (await client.get(f"/calendar/{wrong}.ics")).status == 404
    assert (await client.get("/calendar/not-a-token-at-all-0000.ics")).status == 404


async def _feed_events(client, token: str) -> dict[str, tuple[str, str, int]]:
    body = await (await client.get(f"/calendar/{token}.ics")).text()
    return {
        str(e["uid"]): (str(e["summary"]), str(e.get("status", "")), int(e.get("sequence", 0)))
        for e in Calendar.from_ical(body).walk("VEVENT")
    }


async def test_a_cancelled_session_stays_in_the_feed_marked_cancelled(
    aiohttp_client, settings: Settings, clock
):
    """QA: a cancelled session vanished from the feed, so a subscribed calendar silently dropped it, and a
    psychologist who had seen it there might still go to it or never notice. It stays, STATUS:CANCELLED with
    a higher SEQUENCE and 'cancelled' in the summary, in the psychologist's language, as long as the feed
    keeps past sessions; a session marked done stays as it was."""
    app = create_app(
        settings, Overrides(classifier=FakeClassifier(), clock=clock, migrate=True, run_outbox=False)
    )
    client = await aiohttp_client(app)
    sm = app[keys.sessionmaker]
    policy = BookingPolicy.from_settings(settings)
    async with sm() as session, session.begin():
        irina = (await session.execute(select(Counsellor).where(Counsellor.name.like("Olga%")))).scalar_one()
        person = Contact(
            channel="telegram", external_id="556", first_name="Олег", created_at=NOW, language="ru"
        )
        other = Contact(channel="telegram", external_id="557", first_name=None, created_at=NOW, language="ru")
        session.add_all([person, other])
        await session.flush()
        when = datetime(2026, 11, 26, 10, tzinfo=RIGA)
        booked = await DbBookings(session, person.id, NOW, policy).book("video", irina.id, when)
        token, ids = irina.calendar_token, (person.id, other.id)
    uid = f"booking-{booked.id}@helpline"
    before = await _feed_events(client, token)
    assert before[uid] == ("Консультация — О.", "CONFIRMED", 0)

    async with sm() as session, session.begin():
        await DbBookings(session, ids[0], NOW, policy).cancel(booked.id)
        # the freed hour is booked again by someone else: both are in the feed, one of them cancelled
        again = await DbBookings(session, ids[1], NOW, policy).book("video", irina.id, when)
    events = await _feed_events(client, token)
    assert events[uid] == ("Отменена: Консультация — О.", "CANCELLED", 1)
    assert events[f"booking-{again.id}@helpline"] == ("Консультация", "CONFIRMED", 0)

    clock.current = when + timedelta(days=29)  # the feed keeps a month of past sessions, cancelled ones too
    async with sm() as session, session.begin():  # `helpline bookings mark ID done`
        await session.execute(update(Booking).where(Booking.id == again.id).values(status=BookingStatus.DONE))
    events = await _feed_events(client, token)
    assert uid in events and events[f"booking-{again.id}@helpline"] == ("Консультация", "CONFIRMED", 0)
    clock.current = when + timedelta(days=31)
    assert uid not in await _feed_events(client, token)
