"""A psychologist's private calendar feed: booked sessions, a relative's initial at most; 404 otherwise."""

from __future__ import annotations

from datetime import datetime

from icalendar import Calendar
from sqlalchemy import select

from bot import keys
from bot.app import Overrides, create_app
from bot.bookings.service import BookingPolicy, DbBookings
from bot.db.models import Contact, Counsellor
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
        (str(e["summary"]), e["dtstart"].dt.astimezone(RIGA).strftime("%d.%m %H:%M")) for e in events
    ] == [("Konsultācija – I.", "25.11 12:00")]  # the cancelled session is gone
    assert (
        str(events[0]["location"]).startswith("Demo iela 1") and str(events[0]["description"]) == "Klātienē"
    )
    assert "+3712" not in body and "ilze" not in body.lower() and "555" not in body

    wrong = token[:-1] + ("A" if token[-1] != "A" else "B")
    assert (await client.get(f"/calendar/{wrong}.ics")).status == 404
    assert (await client.get("/calendar/not-a-token-at-all-0000.ics")).status == 404
