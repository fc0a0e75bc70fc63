"""Row-level operations a turn needs: dedupe, contact upsert, locked conversation, transcript, outbox rows."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import ColumnElement, bindparam, func, insert, select
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

# given the conversation id column, an expression to evaluate along (e.g. pg_notify), or None
AlsoSelect = Callable[[ColumnElement[int]], ColumnElement[Any] | None]


async def claim_inbound(session: AsyncSession, channel: str, provider_id: str, now: datetime) -> bool:
    """Record a provider message id; False when it was seen before (a provider retry)."""
    stmt = _CLAIM[session.get_bind().dialect.name == "postgresql"]
    result = await session.execute(stmt, {"channel": channel, "provider_message_id": provider_id, "at": now})
    return bool(getattr(result, "rowcount", 0) == 1)


def _claim_statement(insert: Callable[..., Any]) -> Any:
    # built once: constructing an INSERT ... ON CONFLICT per turn cost more than running it (py-spy);
    # on the Table, not the ORM class, so that executing it skips the ORM's statement handling
    table = ProcessedInbound.__table__
    return (
        insert(table)
        .values(
            channel=bindparam("channel"),
            provider_message_id=bindparam("provider_message_id"),
            created_at=bindparam("at"),
        )
        .on_conflict_do_nothing()
    )


_CLAIM = {False: _claim_statement(sqlite.insert), True: _claim_statement(postgresql.insert)}


async def lock_contact(
    session: AsyncSession,
    channel: Channel,
    external_id: str,
    now: datetime,
    *,
    first_name: str | None = None,
    blocked: bool = False,
) -> Contact:
    """Upsert the contact and hold its row lock: turns of one person run one at a time across workers.

    One statement: INSERT ... ON CONFLICT DO UPDATE ... RETURNING locks the row on PostgreSQL like
    SELECT ... FOR UPDATE would, and also records what every message says anew (blocked or not, a first
    name we did not have), so that no further UPDATE of the contact is needed in most turns.
    """
    params = {
        "channel": str(channel),
        "external_id": external_id,
        "at": now,
        "blocked": blocked,
        "first_name": first_name[:64] if first_name else None,
    }
    upsert = _LOCK_CONTACT[session.get_bind().dialect.name == "postgresql"]
    found = await session.scalars(upsert, params, execution_options={"populate_existing": True})
    contact: Contact = found.one()
    return contact


def _lock_contact_statement(insert: Callable[..., Any]) -> Any:
    stmt = insert(Contact).values(
        channel=bindparam("channel"),
        external_id=bindparam("external_id"),
        created_at=bindparam("at"),
        opted_out=False,
        blocked=bindparam("blocked"),
        first_name=bindparam("first_name"),
    )
    return stmt.on_conflict_do_update(
        index_elements=[Contact.channel, Contact.external_id],
        set_={
            "blocked": stmt.excluded.blocked,
            "first_name": func.coalesce(Contact.first_name, stmt.excluded.first_name),
        },
    ).returning(Contact)


_LOCK_CONTACT = {
    False: _lock_contact_statement(sqlite.insert),
    True: _lock_contact_statement(postgresql.insert),
}


@dataclass(frozen=True)
class OpenConversation:
    """The open-conversation read and a first message's INSERT, each carrying `also` as an extra column.

    Built once per worker, not per turn: constructing these statements (and their cache keys) each turn
    cost about 7% of a saturated worker (py-spy); a prebuilt statement memoises its cache key.
    """

    find: Any
    create: Any
    carries_also: bool

    @classmethod
    def build(cls, also: AlsoSelect | None) -> OpenConversation:
        extra = also(Conversation.__table__.c.id) if also is not None else None
        find = select(Conversation).where(
            Conversation.contact_id == bindparam("contact_id"), Conversation.owner != Owner.CLOSED
        )
        create = insert(Conversation).values(
            contact_id=bindparam("contact_id"),
            owner=Owner.BOT,
            state="{}",
            created_at=bindparam("at"),
            updated_at=bindparam("at"),
            crisis=False,
        )
        if extra is None:
            return cls(find, create.returning(Conversation), False)
        return cls(find.add_columns(extra), create.returning(Conversation, extra), True)


_PLAIN = OpenConversation.build(None)


async def open_conversation(session: AsyncSession, contact: Contact, now: datetime) -> Conversation:
    """The contact's open conversation (the contact row lock already serialises this), or a new one."""
    conversation, _ = await open_conversation_with(session, contact, now, _PLAIN)
    return conversation


async def open_conversation_with(
    session: AsyncSession, contact: Contact, now: datetime, statements: OpenConversation
) -> tuple[Conversation, bool]:
    """open_conversation, evaluating the statements' `also` column in the same round trip.

    The second value says whether it was: a turn's NOTIFY rides on the conversation read (or, in a person's
    first turn, on the INSERT ... RETURNING that creates it) instead of costing a round trip of its own.
    """
    row = (await session.execute(statements.find, {"contact_id": contact.id})).first()
    if row is None:
        row = (await session.execute(statements.create, {"contact_id": contact.id, "at": now})).one()
    conversation: Conversation = row[0]
    return conversation, statements.carries_also


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
    """Write one outbox row and its outbound transcript entry, in the caller's transaction (ids on flush)."""
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
    # no flush here: the commit's one flush inserts every outbox row of the turn, then every transcript
    # line (the relationship fills in outbox_id), two statements however many replies there are
    session.add(
        TranscriptEntry(
            conversation_id=conversation.id,
            direction="out",
            author=author,
            kind="text",
            text=text,
            outbox_item=item,
            created_at=now,
        )
    )
    return item
