"""Bookings on SQLite and PostgreSQL: no double booking (the database decides), the rules, erasure."""

from __future__ import annotations

import asyncio
import time as timer
from datetime import datetime, timedelta

import pytest
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError

from bot.bookings.service import DbBookings
from bot.db.models import Booking, BookingStatus, Contact, Reminder, ReminderStatus, SessionQuota
from flows.ports import BookingRefused, SlotTaken
from tests.integration.booking_setup import POLICY, RIGA, add_contacts, add_counsellor, database

NOW = datetime(2026, 11, 23, 10, 0, tzinfo=RIGA)  # Monday
TUESDAY_10 = datetime(2026, 11, 24, 10, 0, tzinfo=RIGA)


async def test_fifty_people_race_for_one_slot_and_exactly_one_gets_it(db_url: str):
    async with database(db_url) as sm:
        counsellor = await add_counsellor(sm, {2: ("10:00", "12:00")})
        people = await add_contacts(sm, 50)

        async def attempt(contact_id: int) -> str:
            try:
                async with sm() as session, session.begin():
                    await DbBookings(session, contact_id, NOW, POLICY).book(
                        "video", counsellor.id, TUESDAY_10
                    )
            except SlotTaken:
                return "taken"
            return "booked"

        started = timer.perf_counter()
        results = await asyncio.gather(*(attempt(c) for c in people))
        elapsed = timer.perf_counter() - started
        assert results.count("booked") == 1 and results.count("taken") == 49
        async with sm() as session:
            rows = (await session.execute(select(Booking))).scalars().all()
        assert [(r.starts_at, r.status) for r in rows] == [(TUESDAY_10, BookingStatus.BOOKED)]
        print(f"50 concurrent bookings of one slot: {elapsed * 1000:.0f} ms")


async def test_the_database_itself_refuses_a_second_booked_row_but_not_after_a_cancel(db_url: str):
    async with database(db_url) as sm:
        counsellor = await add_counsellor(sm, {2: ("10:00", "12:00")})
        first, second = await add_contacts(sm, 2)

        def row(contact_id: int) -> Booking:
            return Booking(
                counsellor_id=counsellor.id,
                contact_id=contact_id,
                starts_at=TUESDAY_10,
                ends_at=TUESDAY_10 + timedelta(minutes=50),
                mode="video",
                status=BookingStatus.BOOKED,
                created_at=NOW,
            )

        async with sm() as session, session.begin():
            session.add(row(first))
        with pytest.raises(IntegrityError):
            async with sm() as session, session.begin():
                session.add(row(second))  # no code check in the way: only the partial unique index
        async with sm() as session, session.begin():
            (booked,) = (await session.execute(select(Booking))).scalars()
            booked.status = BookingStatus.CANCELLED
        async with sm() as session, session.begin():
            session.add(row(second))


async def test_a_lost_race_inside_a_turn_keeps_the_rest_of_the_turn(db_url: str):
    """SlotTaken comes from a SAVEPOINT: the turn's other writes still commit."""
    async with database(db_url) as sm:
        counsellor = await add_counsellor(sm, {2: ("10:00", "12:00")})
        first, second = await add_contacts(sm, 2)
        async with sm() as session, session.begin():
            await DbBookings(session, first, NOW, POLICY).book("video", counsellor.id, TUESDAY_10)
        async with sm() as session, session.begin():
            contact = await session.get(Contact, second)
            assert contact is not None
            contact.first_name = "Ilze"  # something else the same turn writes
            bookings = DbBookings(session, second, NOW, POLICY)
            bookings.offer = _always_free  # type: ignore[method-assign]  # the stale check passed: straight to the index
            with pytest.raises(SlotTaken):
                await bookings.book("video", counsellor.id, TUESDAY_10)
        async with sm() as session:
            reread = await session.get(Contact, second)
            assert reread is not None and reread.first_name == "Ilze"


async def _always_free(mode: str, counsellor_id: int, starts_at: datetime):  # type: ignore[no-untyped-def]
    from flows.ports import SlotOffer

    return SlotOffer(counsellor_id, "Anna Demo", ("lv",), starts_at, mode)


async def test_one_upcoming_session_quota_override_and_cut_off(db_url: str):
    async with database(db_url) as sm:
        counsellor = await add_counsellor(sm, {2: ("10:00", "14:00"), 3: ("10:00", "14:00")})
        (person,) = await add_contacts(sm)
        async with sm() as session, session.begin():
            bookings = DbBookings(session, person, NOW, POLICY)
            info = await bookings.book("video", counsellor.id, TUESDAY_10)
            assert info.changeable_until == TUESDAY_10 - timedelta(hours=24)
            with pytest.raises(BookingRefused) as refused:
                await bookings.book("video", counsellor.id, TUESDAY_10 + timedelta(hours=1))
            assert refused.value.reason == "upcoming"
            assert (await bookings.quota()).left == 4
            with pytest.raises(BookingRefused) as late:
                await bookings.cancel(info.id)  # less than 24 h before
            assert late.value.reason == "too_late"
        async with sm() as session, session.begin():
            session.add(SessionQuota(contact_id=person, sessions=1, updated_at=NOW))
            booking = await session.get(Booking, info.id)
            assert booking is not None
            booking.status = BookingStatus.DONE
        async with sm() as session, session.begin():
            bookings = DbBookings(session, person, NOW, POLICY)
            assert (await bookings.quota()).left == 0
            with pytest.raises(BookingRefused) as quota:
                await bookings.book("video", counsellor.id, TUESDAY_10 + timedelta(days=1))
            assert quota.value.reason == "quota"


async def test_reschedule_moves_the_session_and_its_reminders_in_one_go(db_url: str):
    async with database(db_url) as sm:
        counsellor = await add_counsellor(sm, {3: ("10:00", "14:00"), 4: ("10:00", "14:00")})
        (person,) = await add_contacts(sm)
        wednesday = datetime(2026, 11, 25, 10, tzinfo=RIGA)
        async with sm() as session, session.begin():
            bookings = DbBookings(session, person, NOW, POLICY)
            old = await bookings.book("video", counsellor.id, wednesday)
            assert [d.isoformat() for d in await bookings.days("video")][:3] == [
                "2026-11-25",
                "2026-11-26",
                "2026-12-02",
            ]
            new = await bookings.reschedule(old.id, counsellor.id, wednesday + timedelta(days=1, hours=2))
            assert (await bookings.upcoming()) == new
            assert (await bookings.quota()).used == 1
        async with sm() as session:
            statuses = dict(
                tuple(r) for r in (await session.execute(select(Booking.id, Booking.status))).all()
            )
            reminders = [
                tuple(r) for r in await session.execute(select(Reminder.booking_id, Reminder.status))
            ]
        assert statuses == {old.id: BookingStatus.CANCELLED, new.id: BookingStatus.BOOKED}
        assert sorted(reminders) == sorted(
            [(old.id, ReminderStatus.CANCELLED)] * 2 + [(new.id, ReminderStatus.PENDING)] * 2
        )


async def test_erasing_a_person_removes_their_bookings_and_reminders(db_url: str):
    from bot.retention import erase_contact

    async with database(db_url) as sm:
        counsellor = await add_counsellor(sm, {3: ("10:00", "14:00")})
        (person,) = await add_contacts(sm)
        async with sm() as session, session.begin():
            await DbBookings(session, person, NOW, POLICY).book(
                "video", counsellor.id, datetime(2026, 11, 25, 10, tzinfo=RIGA)
            )
        async with sm() as session, session.begin():
            contact = await session.get(Contact, person)
            assert contact is not None
            await erase_contact(session, contact, NOW)
        async with sm() as session:
            assert await session.scalar(select(func.count()).select_from(Booking)) == 0
            assert await session.scalar(select(func.count()).select_from(Reminder)) == 0
