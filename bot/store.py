"""Row-level operations a turn needs: dedupe, contact upsert, locked conversation, transcript, outbox rows."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.asyncio import AsyncSession

from bot.db.models import (
    Author,
    Contact,
    Conversation,
    OutboxItem,
    OutboxStatus,
    Owner,
    ProcessedInbound,
    TranscriptEntry,
)
from bot.messages import Channel


async def claim_inbound(session: AsyncSession, channel: str, provider_id: str, now: datetime) -> bool:
    """Record a provider message id; False when it was seen before (a provider retry)."""
    dialect = session.get_bind().dialect.name
    insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
    stmt = (
        insert(ProcessedInbound)
        .values(channel=channel, provider_message_id=provider_id, created_at=now)
        .on_conflict_do_nothing()
    )
    result = await session.execute(stmt)
    return bool(getattr(result, "rowcount", 0) == 1)


async def lock_contact(session: AsyncSession, channel: Channel, external_id: str, now: datetime) -> Contact:
    """Upsert the contact and hold its row lock: turns of one person run one at a time across workers."""
    dialect = session.get_bind().dialect.name
    insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
    await session.execute(
        insert(Contact)
        .values(channel=str(channel), external_id=external_id, created_at=now, opted_out=False, blocked=False)
        .on_conflict_do_nothing()
    )
    found = await session.execute(
        select(Contact)
        .where(Contact.channel == str(channel), Contact.external_id == external_id)
        .with_for_update()
    )
    return found.scalar_one()


async def open_conversation(session: AsyncSession, contact: Contact, now: datetime) -> Conversation:
    """The contact's open conversation (the contact row lock already serialises this), or a new one."""
    found = await session.execute(
        select(Conversation).where(Conversation.contact_id == contact.id, Conversation.owner != Owner.CLOSED)
    )
    conversation = found.scalar_one_or_none()
    if conversation is None:
        conversation = Conversation(
            contact_id=contact.id, owner=Owner.BOT, state="{}", created_at=now, updated_at=now, crisis=False
        )
        session.add(conversation)
        await session.flush()
    return conversation


@dataclass(frozen=True, slots=True)
class InboundRecord:
    text: str
    kind: str
    payload: str | None = None
    intent: str | None = None
    confidence: float | None = None
    language: str | None = None
    flow_step: str | None = None


def add_inbound(
    session: AsyncSession, conversation: Conversation, record: InboundRecord, now: datetime
) -> None:
    session.add(
        TranscriptEntry(
            conversation_id=conversation.id,
            direction="in",
            author=Author.PERSON,
            kind=record.kind,
            text=record.text,
            payload=record.payload,
            intent=record.intent,
            confidence=record.confidence,
            language=record.language,
            flow_step=record.flow_step,
            created_at=now,
        )
    )


async def enqueue(
    session: AsyncSession,
    *,
    conversation: Conversation,
    contact: Contact,
    text: str,
    sms_text: str | None,
    buttons: list[list[str]],
    now: datetime,
    author: Author = Author.BOT,
    reply_context: str | None = None,
) -> OutboxItem:
    """Write one outbox row and its outbound transcript entry, in the caller's transaction."""
    item = OutboxItem(
        conversation_id=conversation.id,
        contact_id=contact.id,
        channel=contact.channel,
        recipient_id=contact.external_id,
        author=author,
        text=text,
        sms_text=sms_text,
        buttons=buttons,
        reply_context=reply_context,
        status=OutboxStatus.PENDING,
        attempts=0,
        next_attempt_at=now,
        created_at=now,
    )
    session.add(item)
    await session.flush()
    session.add(
        TranscriptEntry(
            conversation_id=conversation.id,
            direction="out",
            author=author,
            kind="text",
            text=text,
            outbox_id=item.id,
            created_at=now,
        )
    )
    return item
