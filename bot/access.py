"""Access requests: everything held about one person, as JSON; and erasure on a staff member's request.

The export is the person's own data, unmasked (it is theirs); whoever sends it checks it for details
of other people first (GDPR Art. 15(4)). Both actions are audited without content.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.db.models import (
    AuditEvent,
    Booking,
    CallbackRequest,
    Contact,
    Conversation,
    HandoffNote,
    HandoffRequest,
    OutboxItem,
    TranscriptEntry,
)
from bot.retention import erase_contact, pseudonym

FORMAT_VERSION = 1


class UnknownContact(LookupError):
    pass


def _when(value: datetime | None) -> str | None:
    return None if value is None else value.isoformat()


def _contact(contact: Contact) -> dict[str, Any]:
    return {
        "id": contact.id,
        "channel": contact.channel,
        "external_id": contact.external_id,
        "first_name": contact.first_name,
        "language": contact.language,
        "consent_at": _when(contact.consent_at),
        "opted_out": contact.opted_out,
        "created_at": _when(contact.created_at),
    }


def _entry(entry: TranscriptEntry) -> dict[str, Any]:
    return {
        "at": _when(entry.created_at),
        "direction": entry.direction,
        "author": entry.author,
        "text": entry.text,
        "intent": entry.reviewed_intent or entry.intent,
        "language": entry.language,
    }


async def _conversation(session: AsyncSession, conversation: Conversation) -> dict[str, Any]:
    cid = conversation.id

    async def rows(model: Any) -> list[Any]:
        stmt = select(model).where(model.conversation_id == cid).order_by(model.id)
        return list((await session.execute(stmt)).scalars())

    return {
        "id": cid,
        "started_at": _when(conversation.created_at),
        "last_activity_at": _when(conversation.updated_at),
        "status": conversation.owner,
        "crisis": conversation.crisis,
        "messages": [_entry(e) for e in await rows(TranscriptEntry)],
        "handoff_requests": [
            {
                "at": _when(h.created_at),
                "reason": h.reason,
                "status": h.status,
                "closed_at": _when(h.closed_at),
            }
            for h in await rows(HandoffRequest)
        ],
        "coordinator_notes": [{"at": _when(n.created_at), "text": n.text} for n in await rows(HandoffNote)],
        "callback_requests": [
            {
                "at": _when(r.created_at),
                "phone": r.phone,
                "preferred_time": r.preferred_time,
                "status": r.status,
            }
            for r in await rows(CallbackRequest)
        ],
    }


async def export_contact(
    session: AsyncSession, contact_id: int, *, actor: str, now: datetime
) -> dict[str, Any]:
    """The person's data as one JSON-ready dict; audited as `export_contact`."""
    contact = await session.get(Contact, contact_id)
    if contact is None:
        raise UnknownContact(contact_id)
    conversations = (
        await session.execute(
            select(Conversation).where(Conversation.contact_id == contact_id).order_by(Conversation.id)
        )
    ).scalars()
    bookings = (
        await session.execute(select(Booking).where(Booking.contact_id == contact_id).order_by(Booking.id))
    ).scalars()
    pending = (
        await session.execute(
            select(OutboxItem).where(OutboxItem.contact_id == contact_id).order_by(OutboxItem.id)
        )
    ).scalars()
    session.add(
        AuditEvent(actor=actor[:64], action="export_contact", subject=pseudonym(contact), created_at=now)
    )
    return {
        "format": FORMAT_VERSION,
        "exported_at": now.isoformat(),
        "contact": _contact(contact),
        "conversations": [await _conversation(session, c) for c in conversations],
        "bookings": [
            {
                "starts_at": _when(b.starts_at),
                "ends_at": _when(b.ends_at),
                "mode": b.mode,
                "status": b.status,
                "booked_at": _when(b.created_at),
                "cancelled_at": _when(b.cancelled_at),
            }
            for b in bookings
        ],
        "messages_being_sent": [
            {"at": _when(o.created_at), "text": o.text, "status": o.status} for o in pending
        ],
    }


async def erase_by_staff(session: AsyncSession, contact_id: int, *, actor: str, now: datetime) -> str:
    """Erase a person on a staff member's action; returns the pseudonym the audit line names."""
    contact = await session.get(Contact, contact_id)
    if contact is None:
        raise UnknownContact(contact_id)
    subject = pseudonym(contact)
    await erase_contact(session, contact, now, actor=actor[:64])
    return subject
