"""Reminders 24 h and 2 h before: right local time across DST, once each, never to an opted-out person."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta

from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot import store
from bot.bookings.reminders import ReminderWorker
from bot.bookings.service import DbBookings
from bot.clock import ManualClock
from bot.console import actions
from bot.console.auth import Staff, StaffRole
from bot.db.models import Contact, Conversation, OutboxItem, Owner, Reminder, ReminderStatus, StaffMember
from bot.messages import Channel
from bot.outbox import OutboxWorker
from flows.texts import Texts
from tests.fakes import FakeSender
from tests.integration.booking_setup import POLICY, RIGA, add_contacts, add_counsellor, database

TEXTS = Texts.load()


def worker(sm: async_sessionmaker[AsyncSession], clock: ManualClock) -> ReminderWorker:
    return ReminderWorker(sessionmaker=sm, texts=TEXTS, clock=clock, zone=RIGA)


async def book(
    sm: async_sessionmaker[AsyncSession], contact: int, counsellor: int, when: datetime, now: datetime
) -> int:
    async with sm() as session, session.begin():
        return (await DbBookings(session, contact, now, POLICY).book("video", counsellor, when)).id


async def due_times(sm: async_sessionmaker[AsyncSession]) -> dict[str, datetime]:
    async with sm() as session:
        rows = await session.execute(select(Reminder.kind, Reminder.due_at))
        return {kind: due.astimezone(RIGA) for kind, due in rows}


async def outbox_texts(sm: async_sessionmaker[AsyncSession]) -> list[str]:
    async with sm() as session:
        return list((await session.execute(select(OutboxItem.text).order_by(OutboxItem.id))).scalars())


async def test_after_the_spring_change_reminders_go_out_once_at_local_time(db_url: str):
    """Monday 30 March 2026 10:00 (EEST, the day after the switch): Sunday 10:00 and Monday 08:00 local."""
    async with database(db_url) as sm:
        counsellor = await add_counsellor(sm, {1: ("10:00", "12:00")})
        (person,) = await add_contacts(sm, language="lv")
        clock = ManualClock(datetime(2026, 3, 27, 12, 0, tzinfo=RIGA))
        await book(sm, person, counsellor.id, datetime(2026, 3, 30, 10, tzinfo=RIGA), clock())
        due = await due_times(sm)
        assert due == {
            "24h": datetime(2026, 3, 29, 10, tzinfo=RIGA),
            "2h": datetime(2026, 3, 30, 8, tzinfo=RIGA),
        }
        assert due["24h"].astimezone(UTC).hour == 7  # 10:00 EEST
        first, second = worker(sm, clock), worker(sm, clock)
        clock.current = datetime(2026, 3, 29, 9, 59, tzinfo=RIGA)
        assert await first.drain_once() == 0
        clock.advance(minutes=1)
        assert (
            sum(await asyncio.gather(first.drain_once(), second.drain_once())) == 1
        )  # two workers, one send
        assert await first.drain_once() == 0  # and not again after that
        texts = await outbox_texts(sm)
        assert texts == [
            "Atgādinājums par psihologa konsultāciju videozvanā: pirmdiena, 30. marts, plkst. 10:00. "
            "Ja nevarat piedalīties, uzrakstiet šeit."
        ]
        clock.current = datetime(2026, 3, 30, 7, 59, tzinfo=RIGA)
        assert await second.drain_once() == 0
        clock.advance(minutes=1)
        assert await worker(sm, clock).drain_once() == 1  # a restarted worker finds the row
        assert len(await outbox_texts(sm)) == 2


async def test_on_the_days_of_both_changes_the_24h_reminder_keeps_the_local_hour(db_url: str):
    async with database(db_url) as sm:
        counsellor = await add_counsellor(sm, {7: ("10:00", "13:00")})
        spring, autumn = await add_contacts(sm, 2, language="ru")
        await book(
            sm,
            spring,
            counsellor.id,
            datetime(2026, 3, 29, 12, tzinfo=RIGA),
            datetime(2026, 3, 27, 9, tzinfo=RIGA),
        )
        await book(
            sm,
            autumn,
            counsellor.id,
            datetime(2026, 10, 25, 10, tzinfo=RIGA),
            datetime(2026, 10, 23, 9, tzinfo=RIGA),
        )
        async with sm() as session:
            rows = (await session.execute(select(Reminder).order_by(Reminder.id))).scalars().all()
        local = [(r.kind, r.due_at.astimezone(RIGA).strftime("%d.%m %H:%M %Z")) for r in rows]
        assert local == [
            ("24h", "28.03 12:00 EET"),  # 23 hours before the session: the clock springs forward overnight
            ("2h", "29.03 10:00 EEST"),
            ("24h", "24.10 10:00 EEST"),  # 25 hours before: the clock falls back overnight
            ("2h", "25.10 08:00 EET"),
        ]
        clock = ManualClock(datetime(2026, 10, 24, 9, 59, 59, tzinfo=RIGA))
        assert await worker(sm, clock).drain_once() == 0  # the spring ones are long past: dropped, not sent
        assert await outbox_texts(sm) == []
        clock.current = datetime(2026, 10, 24, 10, 0, tzinfo=RIGA)
        assert await worker(sm, clock).drain_once() == 1
        texts = await outbox_texts(sm)
        assert texts[-1].startswith(
            "Напоминание: воскресенье, 25 октября, 10:00 — консультация психолога по видеосвязи."
        )


async def test_a_late_worker_drops_stale_reminders_instead_of_sending_them(db_url: str):
    async with database(db_url) as sm:
        counsellor = await add_counsellor(sm, {2: ("10:00", "12:00")})
        (person,) = await add_contacts(sm, language="en")
        now = datetime(2026, 11, 20, 9, tzinfo=RIGA)
        await book(sm, person, counsellor.id, datetime(2026, 11, 24, 10, tzinfo=RIGA), now)
        clock = ManualClock(datetime(2026, 11, 24, 8, 30, tzinfo=RIGA))  # down since before the 24 h reminder
        assert await worker(sm, clock).drain_once() == 1
        assert await outbox_texts(sm) == [
            "Reminder: you have a psychologist session by video call today at 10:00."
        ]


async def test_no_reminder_to_an_opted_out_person_or_for_a_cancelled_session(db_url: str):
    async with database(db_url) as sm:
        counsellor = await add_counsellor(sm, {2: ("10:00", "12:00")})
        quiet, cancels = await add_contacts(sm, 2)
        now = datetime(2026, 11, 20, 9, tzinfo=RIGA)
        await book(sm, quiet, counsellor.id, datetime(2026, 11, 24, 10, tzinfo=RIGA), now)
        booking = await book(sm, cancels, counsellor.id, datetime(2026, 11, 24, 11, tzinfo=RIGA), now)
        async with sm() as session, session.begin():
            await session.execute(update(Contact).where(Contact.id == quiet).values(opted_out=True))
            await DbBookings(session, cancels, now, POLICY).cancel(booking)
        clock = ManualClock(now + timedelta(days=5))
        assert await worker(sm, clock).drain_once() == 0
        assert await outbox_texts(sm) == []
        async with sm() as session:
            assert set((await session.execute(select(Reminder.status))).scalars()) == {"cancelled"}


async def test_a_reminder_due_while_a_coordinator_holds_the_chat_waits_for_the_hand_back(db_url: str):
    """Staff QA: the reminder was marked sent while the outbox dropped it (no bot words under a coordinator),
    so a person talking with a coordinator the day before never heard about their session."""
    async with database(db_url) as sm:
        counsellor = await add_counsellor(sm, {2: ("10:00", "12:00")})
        (person,) = await add_contacts(sm, language="en")
        await book(
            sm,
            person,
            counsellor.id,
            datetime(2026, 11, 24, 10, tzinfo=RIGA),
            datetime(2026, 11, 20, 9, tzinfo=RIGA),
        )
        async with sm() as session, session.begin():
            contact = await session.get(Contact, person)
            assert contact is not None
            conversation = await store.open_conversation(
                session, contact, datetime(2026, 11, 23, 9, tzinfo=RIGA)
            )
            conversation.owner = Owner.HUMAN
        sender = FakeSender()
        clock = ManualClock(datetime(2026, 11, 23, 10, 0, tzinfo=RIGA))
        outbox = OutboxWorker(sessionmaker=sm, senders={Channel.CLI: sender}, clock=clock, batch=8)
        await worker(sm, clock).drain_once()
        await outbox.drain()
        assert sender.sent == []  # the coordinator is talking with them: the bot stays silent
        clock.advance(minutes=20)
        async with sm() as session, session.begin():
            await session.execute(
                update(Conversation).where(Conversation.contact_id == person).values(owner=Owner.BOT)
            )
        await worker(sm, clock).drain_once()
        await outbox.drain()
        assert [m.text for m in sender.sent] == [
            "Reminder: you have a psychologist session by video call on Tuesday 24 November at 10:00. "
            "If you cannot make it, write here."
        ]


async def _take_over(sm: async_sessionmaker[AsyncSession], person: int, now: datetime) -> None:
    """A coordinator takes the person's chat over in the console (the real action, with its 'joined' line)."""
    async with sm() as session, session.begin():
        member = StaffMember(
            email="anna@example.lv", name="Anna", role="coordinator", password_hash="-", created_at=now
        )
        session.add(member)
        await session.flush()
        staff = Staff(
            id=member.id, email=member.email, name="Anna", role=StaffRole.COORDINATOR, session_id=0, csrf=""
        )
        conversation = await session.scalar(select(Conversation.id).where(Conversation.contact_id == person))
        assert conversation is not None
        await actions.claim(session, staff, conversation, now, texts=TEXTS)


async def test_a_reminder_queued_just_before_a_coordinator_takes_over_goes_after_the_hand_back(db_url: str):
    """QA: the 24 h reminder was in the outbox, not yet sent, when a coordinator took the chat over; the
    outbox dropped it (no bot words under a coordinator) while the reminder stayed marked sent, so the person
    never heard about their session. It goes after the hand-back, once."""
    async with database(db_url) as sm:
        counsellor = await add_counsellor(sm, {2: ("10:00", "12:00")})
        (person,) = await add_contacts(sm, language="lv")
        await book(
            sm,
            person,
            counsellor.id,
            datetime(2026, 11, 24, 10, tzinfo=RIGA),
            datetime(2026, 11, 20, 9, tzinfo=RIGA),
        )
        sender = FakeSender()
        clock = ManualClock(datetime(2026, 11, 23, 10, 0, tzinfo=RIGA))
        outbox = OutboxWorker(sessionmaker=sm, senders={Channel.CLI: sender}, clock=clock, batch=8)
        assert await worker(sm, clock).drain_once() == 1  # queued; the outbox has not sent it yet
        await _take_over(sm, person, clock())
        await outbox.drain()
        assert [m.text for m in sender.sent] == [TEXTS.render("console.joined", "lv")]
        clock.advance(minutes=20)
        async with sm() as session, session.begin():
            await session.execute(
                update(Conversation).where(Conversation.contact_id == person).values(owner=Owner.BOT)
            )
        for _ in range(2):  # a second pass of both workers sends nothing more
            await worker(sm, clock).drain_once()
            await outbox.drain()
        assert [m.text for m in sender.sent][1:] == [
            "Atgādinājums par psihologa konsultāciju videozvanā: otrdiena, 24. novembris, plkst. 10:00. "
            "Ja nevarat piedalīties, uzrakstiet šeit."
        ]


async def test_the_2h_reminder_of_a_session_after_midnight_says_tonight_with_its_date_not_today(db_url: str):
    """Calendar QA: a session at 01:00 on Tuesday is reminded at 23:00 on Monday, and it said "today at 01:00"
    (on Monday evening a day wrong); a session in the daytime still says "today"."""
    async with database(db_url) as sm:
        counsellor = await add_counsellor(sm, {2: ("00:00", "02:00"), 3: ("10:00", "12:00")})
        night, day, english = await add_contacts(sm, 3, language="lv")
        now = datetime(2026, 12, 7, 9, 0, tzinfo=RIGA)  # Monday
        await book(sm, night, counsellor.id, datetime(2026, 12, 8, 1, tzinfo=RIGA), now)
        await book(sm, day, counsellor.id, datetime(2026, 12, 9, 10, tzinfo=RIGA), now)
        await book(sm, english, counsellor.id, datetime(2026, 12, 8, 0, tzinfo=RIGA), now)
        async with sm() as session, session.begin():
            await session.execute(update(Contact).where(Contact.id == english).values(language="en"))
            await session.execute(
                update(Reminder).where(Reminder.kind == "24h").values(status=ReminderStatus.SENT)
            )
        clock = ManualClock(datetime(2026, 12, 7, 22, 0, tzinfo=RIGA))
        assert await worker(sm, clock).drain_once() == 1  # 00:00's reminder, at 22:00 on Monday
        clock.current = datetime(2026, 12, 7, 23, 0, tzinfo=RIGA)
        assert await worker(sm, clock).drain_once() == 1  # 01:00's, at 23:00 on Monday
        clock.current = datetime(2026, 12, 9, 8, 0, tzinfo=RIGA)
        assert await worker(sm, clock).drain_once() == 1  # 10:00 on Wednesday, at 08:00 that day
        assert await outbox_texts(sm) == [
            "Reminder: you have a psychologist session by video call tonight at 00:00 (Tuesday 8 December).",
            "Atgādinājums: šonakt plkst. 01:00 (otrdiena, 8. decembris) jums ir psihologa konsultācija "
            "videozvanā.",
            "Atgādinājums: šodien plkst. 10:00 jums ir psihologa konsultācija videozvanā.",
        ]
