"""A message about one booked session, on the person's own channel and in their language: the reminders,
and the word that the helpline cancelled it.

Outside a turn, like a reminder: the row goes to the outbox (as the bot's words, so an opted-out or blocked
person gets nothing), and the running bot's outbox worker delivers it.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime
from zoneinfo import ZoneInfo

from sqlalchemy.ext.asyncio import AsyncSession

from bot import store
from bot.bookings.service import booking_info
from bot.db.models import Booking, Contact, Owner
from flows.booking_text import session_params
from flows.state import ConversationState
from flows.texts import Texts


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
    caller keeps it for later (a reminder) or says a coordinator must tell them (a cancellation).
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
