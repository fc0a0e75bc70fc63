"""The person's panel beside a conversation: channel, language, history, call-backs, sessions and quota.

The first name and the call-backs' numbers are shown as the reader may see them (bot.visibility).

A session the helpline cancelled while this person has not been told yet (the notice waits while a
coordinator holds the chat, bot/bookings/notices.py) is listed, so the coordinator knows it: they may be
talking with someone about to travel to it.

Bookings are read defensively: the console must open even where the booking tables are missing or
their module changed, so that part fails soft into "not available".
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field, replace
from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.ext.asyncio import AsyncSession

from bot.console.i18n import N_
from bot.db.models import (
    Booking,
    BookingStatus,
    CallbackRequest,
    Contact,
    Conversation,
    Counsellor,
    Reminder,
    ReminderStatus,
)
from bot.settings import Settings
from bot.visibility import CallbackView, Reader

log = logging.getLogger(__name__)
# a session's mode as the coordinator reads it (English msgids, translated where shown)
MODE_LABELS = {"video": N_("video"), "phone": N_("phone"), "in_person": N_("in person")}


@dataclass(frozen=True, slots=True)
class BookingLine:
    starts_at: datetime
    mode: str
    counsellor: str


@dataclass(frozen=True, slots=True)
class Panel:
    channel: str
    language: str
    first_name: str | None
    since: datetime
    conversations: int
    opted_out: bool
    blocked: bool
    callbacks: list[CallbackView] = field(default_factory=list)
    bookings_available: bool = False
    upcoming: BookingLine | None = None
    quota_used: int | None = None
    quota_limit: int | None = None
    # sessions the helpline cancelled whose notice has not gone yet (it goes after the hand-back)
    untold: tuple[BookingLine, ...] = ()


async def load_panel(
    session: AsyncSession,
    contact: Contact,
    language: str,
    settings: Settings,
    now: datetime,
    reader: Reader,
) -> Panel:
    conversations = await session.scalar(
        select(func.count()).select_from(Conversation).where(Conversation.contact_id == contact.id)
    )
    callbacks = (
        await session.execute(
            select(CallbackRequest)
            .join(Conversation, Conversation.id == CallbackRequest.conversation_id)
            .where(Conversation.contact_id == contact.id)
            .order_by(CallbackRequest.id.desc())
            .limit(5)
        )
    ).scalars()
    panel = Panel(
        channel=contact.channel,
        language=language,
        first_name=reader.first_name(contact.first_name),
        since=contact.created_at,
        conversations=int(conversations or 0),
        opted_out=contact.opted_out,
        blocked=contact.blocked,
        callbacks=[reader.callback(c) for c in callbacks],
    )
    return await _with_bookings(session, panel, contact.id, settings, now)


async def _with_bookings(
    session: AsyncSession, panel: Panel, contact_id: int, settings: Settings, now: datetime
) -> Panel:
    try:
        from bot.bookings.notices import CANCELLED
        from bot.bookings.service import BookingPolicy, DbBookings
    except ImportError:
        return panel
    try:
        async with session.begin_nested():
            bookings = DbBookings(session, contact_id, now, BookingPolicy.from_settings(settings))
            quota = await bookings.quota()
            upcoming = await bookings.upcoming()
            untold = await _untold(session, contact_id, CANCELLED, now)
    except (SQLAlchemyError, AttributeError, TypeError, ValueError):
        log.warning("console: bookings could not be read for the person's panel", exc_info=True)
        return panel
    line = None
    if upcoming is not None:
        line = BookingLine(starts_at=upcoming.starts_at, mode=upcoming.mode, counsellor=upcoming.counsellor)
    return replace(
        panel,
        bookings_available=True,
        upcoming=line,
        quota_used=quota.used,
        quota_limit=quota.limit,
        untold=untold,
    )


async def _untold(
    session: AsyncSession, contact_id: int, kind: str, now: datetime
) -> tuple[BookingLine, ...]:
    """Cancelled sessions still to come whose notice is pending: the person does not know yet."""
    rows = await session.execute(
        select(Booking.starts_at, Booking.mode, Counsellor.name)
        .join(Reminder, Reminder.booking_id == Booking.id)
        .join(Counsellor, Counsellor.id == Booking.counsellor_id)
        .where(
            Booking.contact_id == contact_id,
            Booking.status == BookingStatus.CANCELLED,
            Booking.starts_at > now,
            Reminder.kind == kind,
            Reminder.status == ReminderStatus.PENDING,
        )
        .order_by(Booking.starts_at)
    )
    return tuple(BookingLine(starts_at=s, mode=m, counsellor=c) for s, m, c in rows)
