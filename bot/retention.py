"""Erasure of a person's data (delete_my_data); implements flows.ports.Privacy."""

from __future__ import annotations

import hashlib
from datetime import datetime

from sqlalchemy import delete, update
from sqlalchemy.ext.asyncio import AsyncSession

from bot.db.models import AuditEvent, Contact, OutboxItem, OutboxStatus


class DbPrivacy:
    """Records the request; the pipeline erases after the turn's replies are queued."""

    def __init__(self) -> None:
        self.requested = False

    async def erase(self) -> None:
        self.requested = True


def pseudonym(contact: Contact) -> str:
    # an audit subject that cannot be turned back into a phone number or chat id
    digest = hashlib.sha256(f"{contact.channel}:{contact.id}".encode()).hexdigest()[:16]
    return f"contact:{digest}"


async def erase_contact(
    session: AsyncSession, contact: Contact, now: datetime, actor: str = "person"
) -> None:
    """Delete the contact and, by cascade, conversations, transcripts and queue entries.

    Outbox rows already queued keep only the recipient (their links are cut), so the
    confirmation of the erasure can still be delivered; retention purges them once sent.
    Rows already sent (or given up) hold copies of what the person was told: they go now.
    Bookings, reminders, notes and call-backs go by cascade; search indexes follow by trigger.
    """
    finished = (OutboxStatus.SENT, OutboxStatus.DEAD, OutboxStatus.CANCELLED)
    await session.execute(
        delete(OutboxItem).where(OutboxItem.contact_id == contact.id, OutboxItem.status.in_(finished))
    )
    await session.execute(
        update(OutboxItem)
        .where(OutboxItem.contact_id == contact.id)
        .values(contact_id=None, conversation_id=None)
    )
    session.add(AuditEvent(actor=actor, action="erase_contact", subject=pseudonym(contact), created_at=now))
    await session.execute(delete(Contact).where(Contact.id == contact.id))
