"""Rows for the operators' tests: contacts, conversations and transcripts written straight to the DB."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from sqlalchemy.ext.asyncio import AsyncSession

from bot.bookings.counsellors import add_counsellor
from bot.db.models import (
    Author,
    Booking,
    Contact,
    Conversation,
    Counsellor,
    HandoffRequest,
    Owner,
    TranscriptEntry,
)


@dataclass(frozen=True)
class Msg:
    text: str
    direction: str = "in"
    intent: str | None = None
    confidence: float | None = None
    language: str | None = None
    author: str | None = None
    payload: str | None = None
    after: timedelta = timedelta(0)  # from the conversation's start
    flow_step: str | None = None


@dataclass
class Seeded:
    contact: Contact
    conversation: Conversation
    entries: list[TranscriptEntry] = field(default_factory=list)


async def conversation(
    session: AsyncSession,
    messages: Sequence[Msg],
    *,
    at: datetime,
    user: str,
    channel: str = "telegram",
    language: str | None = "lv",
    crisis: bool = False,
    owner: str = Owner.BOT,
) -> Seeded:
    contact = Contact(
        channel=channel, external_id=user, language=language, created_at=at, opted_out=False, blocked=False
    )
    session.add(contact)
    await session.flush()
    conv = Conversation(
        contact_id=contact.id, owner=owner, state="{}", crisis=crisis, created_at=at, updated_at=at
    )
    session.add(conv)
    await session.flush()
    seeded = Seeded(contact, conv)
    for m in messages:
        entry = TranscriptEntry(
            conversation_id=conv.id,
            direction=m.direction,
            author=m.author or (Author.PERSON if m.direction == "in" else Author.BOT),
            kind="text",
            text=m.text,
            payload=m.payload,
            intent=m.intent,
            confidence=m.confidence,
            language=m.language,
            flow_step=m.flow_step,
            created_at=at + m.after,
        )
        session.add(entry)
        seeded.entries.append(entry)
        conv.updated_at = max(conv.updated_at, at + m.after)
    await session.flush()
    return seeded


async def handoff(session: AsyncSession, conv: Conversation, at: datetime, *, crisis: bool = False) -> None:
    session.add(
        HandoffRequest(
            conversation_id=conv.id,
            priority=0 if crisis else 10,
            reason="crisis" if crisis else "asked",
            status="open",
            created_at=at,
        )
    )
    await session.flush()


async def counsellor(session: AsyncSession, at: datetime) -> Counsellor:
    return await add_counsellor(session, name="Test Counsellor", languages="lv,ru", modes="phone", now=at)


async def booking(
    session: AsyncSession,
    contact: Contact,
    counsellor_id: int,
    starts: datetime,
    *,
    status: str,
    at: datetime,
) -> Booking:
    row = Booking(
        counsellor_id=counsellor_id,
        contact_id=contact.id,
        starts_at=starts,
        ends_at=starts + timedelta(minutes=50),
        mode="phone",
        status=status,
        created_at=at,
        cancelled_at=at if status == "cancelled" else None,
    )
    session.add(row)
    await session.flush()
    return row
