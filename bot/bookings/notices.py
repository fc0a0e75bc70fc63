"""A message about one booked session, on the person's own channel and in their language: the reminders,
and the word that the helpline cancelled it.

Outside a turn, like a reminder: the row goes to the outbox (as the bot's words, so an opted-out or blocked
person gets nothing), and the running bot's outbox worker delivers it.

Each of them is a row of booking_reminders (kind "24h", "2h" or "cancel"), so each goes out once and none is
lost to a coordinator's take-over: the outbox drops the bot's words while a coordinator holds the chat, and
then puts the row back to pending (bot/outbox.py), and the reminder worker sends it after the hand-back. A
cancellation notice is such a row too (no migration: `kind` is free text), due at once: staff cancelled a
session while a coordinator held the chat, or just before one took it over, and the notice was dropped for
good while the CLI had said "the person is told"; the person could travel to a cancelled session (QA).
"""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime
from zoneinfo import ZoneInfo

from sqlalchemy.ext.asyncio import AsyncSession

from bot import store
from bot.bookings.service import booking_info
from bot.db.models import Booking, Contact, Owner, Reminder, ReminderStatus
from flows.booking_text import session_params
from flows.state import ConversationState
from flows.texts import Texts

NIGHT_2H = "booking.reminder_2h_night"  # the 2 h reminder sent before midnight for a session after it
CANCELLED = "cancel"  # booking_reminders.kind of the word that the helpline cancelled the session
# each kind's text and its one button (payload, label key)
NOTICES: dict[str, tuple[str, tuple[str, str]]] = {
    "24h": ("booking.reminder_24h", ("/my_bookings", "button.my_bookings")),
    "2h": ("booking.reminder_2h", ("/my_bookings", "button.my_bookings")),
    CANCELLED: ("booking.cancelled_by_helpline", ("/book_counselling", "button.book_counselling")),
}


def cancellation_notice(booking: Booking, now: datetime) -> Reminder:
    """The row that tells the person the helpline cancelled `booking`: pending, due now.

    It waits while a coordinator holds the chat (the console shows the coordinator it is not told yet) and
    goes after the hand-back, even when the coordinator said it in their own words meanwhile: the bot cannot
    tell what free words said, and this is the written record with the day, the hour and a button to book
    again; said twice costs less than a person at the door of a cancelled session. It lapses once the
    session's time has come.
    """
    return Reminder(booking_id=booking.id, kind=CANCELLED, due_at=now, status=ReminderStatus.PENDING)


async def send_notice(
    session: AsyncSession,
    *,
    texts: Texts,
    zone: ZoneInfo,
    reminder: Reminder,
    booking: Booking,
    contact: Contact,
    now: datetime,
) -> bool:
    """Queue `reminder` now and mark it sent, keeping its outbox row's id; False while a coordinator holds
    the chat (it stays pending, for the reminder worker after the hand-back)."""
    key, button = NOTICES[reminder.kind]
    if reminder.kind == "2h" and booking.starts_at.astimezone(zone).date() != now.astimezone(zone).date():
        # a session between midnight and 2:00 is reminded of the evening before: "today at 01:00" was
        # wrong by a day (calendar QA); "tonight", with the date
        key = NIGHT_2H
    queued = await tell_about_session(
        session, texts=texts, zone=zone, booking=booking, contact=contact, key=key, button=button, now=now
    )
    if queued is None:
        return False
    # the outbox puts it back to pending if it has to drop that row (a coordinator took over before it went)
    reminder.status, reminder.sent_at, reminder.outbox_id = ReminderStatus.SENT, now, queued
    return True


async def tell_about_session(
    session: AsyncSession,
    *,
    texts: Texts,
    zone: ZoneInfo,
    booking: Booking,
    contact: Contact,
    key: str,
    button: tuple[str, str],
    now: datetime,
) -> int | None:
    """Queue the text `key` about `booking` with one button (payload, label key); the outbox row's id.

    None while a coordinator holds the person's chat: the outbox would drop the bot's words then, so the
    caller keeps it pending for after the hand-back (send_notice).
    The caller holds the contact's row, as a turn does: the conversation's state changes here too.
    """
    info = await booking_info(session, booking, changeable_until=booking.starts_at)
    conversation = await store.open_conversation(session, contact, now)
    if conversation.owner == Owner.HUMAN:
        return None
    lang = contact.language or "lv"
    params = session_params(texts, lang, info, zone)
    payload, label = button
    queued = await store.enqueue(
        session,
        conversation=conversation,
        contact=contact,
        reply=store.QueuedReply(
            texts.render(key, lang, params),
            texts.sms_variant(key, lang, params),
            [[payload, texts.label(label, lang)]],
        ),
        now=now,
    )
    # the latest message's numbers are the ones a typed "1" means: it picked the last reply's first button,
    # and someone waiting for a coordinator who sent "1" to book again left the queue (QA, eighth pass).
    # A topic button: the NLU reads its words, so none are kept for it (as flows.engine does).
    state = ConversationState.from_json(conversation.state)
    conversation.state = replace(state, options=(payload,), choices=((),)).to_json()
    return queued
