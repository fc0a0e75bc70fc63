"""ReminderWorker: turns due reminder rows into outbox rows, once each, on the person's own channel.

A reminder is claimed (FOR UPDATE SKIP LOCKED on PostgreSQL; SQLite's BEGIN IMMEDIATE serialises
writers), its outbox row is written and it is marked sent in one transaction: two workers, or a
restart half-way, can never send it twice. The contact row is taken with SKIP LOCKED too, so a
turn that holds it (and may be cancelling this very booking) is waited for in a later pass, never
deadlocked against. Reminders are bot messages, which the outbox drops while a coordinator has the
conversation (the coordinator is talking with the person then), so a reminder due then stays pending and
goes after the hand-back, unless its session has begun (or, for the 24 h one, the 2 h one is due). One
queued just before a coordinator took over is dropped by the outbox, which then makes it pending again
(bot/outbox.py, by the outbox row's id kept on the reminder): it too goes after the hand-back, once.
The word that the helpline cancelled a session is a row here too (kind "cancel", bot/bookings/notices.py):
the same way, for a cancelled session instead of a booked one.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable
from datetime import timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.bookings.notices import CANCELLED, send_notice
from bot.clock import Clock
from bot.db.models import Booking, BookingStatus, Contact, Reminder, ReminderStatus
from flows.texts import Texts

log = logging.getLogger(__name__)
SUPERSEDED = timedelta(hours=2)  # a late 24 h reminder is dropped once the 2 h one is due


class ReminderWorker:
    def __init__(
        self,
        *,
        sessionmaker: async_sessionmaker[AsyncSession],
        texts: Texts,
        clock: Clock,
        zone: ZoneInfo,
        on_queued: Callable[[], None] | None = None,
        batch: int = 50,
    ) -> None:
        self.sessionmaker = sessionmaker
        self.texts = texts
        self.clock = clock
        self.zone = zone
        self.on_queued = on_queued or (lambda: None)
        self.batch = batch

    async def run(self, interval: float = 30.0) -> None:
        """Queue due reminders until cancelled; a failing database only pauses them."""
        while True:
            try:
                await self.drain_once()
            except Exception:
                log.exception("reminder pass failed; retrying")
            await asyncio.sleep(interval)

    async def drain_once(self) -> int:
        """One pass; returns how many reminders were queued for sending."""
        async with self.sessionmaker() as session, session.begin():
            now = self.clock()
            query = (
                select(Reminder)
                .where(Reminder.status == ReminderStatus.PENDING, Reminder.due_at <= now)
                .order_by(Reminder.due_at, Reminder.id)
                .limit(self.batch)
                .with_for_update(skip_locked=True)
            )
            queued = 0
            for reminder in list((await session.execute(query)).scalars()):
                queued += await self._one(session, reminder)
        if queued:
            self.on_queued()
        return queued

    async def _one(self, session: AsyncSession, reminder: Reminder) -> int:
        now = self.clock()
        booking = await session.get(Booking, reminder.booking_id)
        # a cancellation notice is about a cancelled session, a reminder about a booked one
        about = BookingStatus.CANCELLED if reminder.kind == CANCELLED else BookingStatus.BOOKED
        if booking is None or booking.status != about or booking.starts_at <= now:
            reminder.status = ReminderStatus.CANCELLED
            return 0
        if reminder.kind == "24h" and now >= booking.starts_at - SUPERSEDED:
            reminder.status = ReminderStatus.CANCELLED
            return 0
        found = await session.execute(
            select(Contact).where(Contact.id == booking.contact_id).with_for_update(skip_locked=True)
        )
        contact = found.scalar_one_or_none()
        if contact is None:
            return 0  # a turn of this person holds the row: next pass
        if contact.opted_out or contact.blocked:
            reminder.status = ReminderStatus.CANCELLED
            return 0
        sent = await send_notice(
            session,
            texts=self.texts,
            zone=self.zone,
            reminder=reminder,
            booking=booking,
            contact=contact,
            now=now,
        )
        if not sent:
            # held back, not sent: the outbox drops bot words under a coordinator, and a reminder marked sent
            # then never reached them (staff QA); it goes after the hand-back, or lapses with the session
            return 0
        log.info("reminder queued", extra={"reminder_id": reminder.id, "kind": reminder.kind})
        return 1
