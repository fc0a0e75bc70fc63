"""Row-level operations a turn needs: dedupe, contact upsert, locked conversation, transcript, outbox rows."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any, TypeVar, cast

from sqlalchemy import ColumnElement, Table, bindparam, func, insert, select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.engine import Row
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import make_transient_to_detached
from sqlalchemy.orm.attributes import set_committed_value
from sqlalchemy.orm.util import identity_key

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

_CONTACTS = cast(Table, Contact.__table__)
_CONVERSATIONS = cast(Table, Conversation.__table__)
_OUTBOX = cast(Table, OutboxItem.__table__)
_TRANSCRIPT = cast(Table, TranscriptEntry.__table__)

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
    row = (await session.execute(upsert, params)).one()
    return _adopt(session, Contact, _CONTACTS, row)


def _lock_contact_statement(insert: Callable[..., Any]) -> Any:
    # on the Table, with the row returned as plain columns: the ORM's own INSERT ... RETURNING of an
    # entity cost about a tenth of a saturated worker (py-spy); _adopt makes the ORM object from the row
    table = _CONTACTS
    stmt = insert(table).values(
        channel=bindparam("channel"),
        external_id=bindparam("external_id"),
        created_at=bindparam("at"),
        opted_out=False,
        blocked=bindparam("blocked"),
        first_name=bindparam("first_name"),
    )
    return stmt.on_conflict_do_update(
        index_elements=[table.c.channel, table.c.external_id],
        set_={
            "blocked": stmt.excluded.blocked,
            "first_name": func.coalesce(table.c.first_name, stmt.excluded.first_name),
        },
    ).returning(*table.c)


E = TypeVar("E", Contact, Conversation)


def _adopt(session: AsyncSession, entity: type[E], table: Table, row: Row[Any]) -> E:
    """The ORM object for a row a Core statement returned, tracked by the session as if it had loaded it
    (SQLAlchemy's make_transient_to_detached, meant for rows from another source): later changes to it
    are flushed as usual. An object the session already holds is refreshed instead, like populate_existing.
    """
    values = {column.key: row[index] for index, column in enumerate(table.c)}
    held = session.sync_session.identity_map.get(identity_key(entity, (values["id"],)))
    if held is not None:
        for name, value in values.items():
            set_committed_value(held, name, value)
        return held
    adopted = entity(**values)
    make_transient_to_detached(adopted)
    session.add(adopted)
    return adopted


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
        table = _CONVERSATIONS
        extra = also(table.c.id) if also is not None else None
        columns = [*table.c] if extra is None else [*table.c, extra]
        find = select(*columns).where(
            table.c.contact_id == bindparam("contact_id"), table.c.owner != Owner.CLOSED
        )
        create = insert(table).values(
            contact_id=bindparam("contact_id"),
            owner=Owner.BOT,
            state="{}",
            created_at=bindparam("at"),
            updated_at=bindparam("at"),
            crisis=False,
        )
        return cls(find, create.returning(*columns), extra is not None)


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
    return _adopt(session, Conversation, _CONVERSATIONS, row), statements.carries_also


@dataclass(frozen=True, slots=True)
class InboundRecord:
    text: str
    kind: str
    payload: str | None = None
    intent: str | None = None
    confidence: float | None = None
    language: str | None = None
    flow_step: str | None = None


@dataclass(frozen=True, slots=True)
class QueuedReply:
    """One reply of a turn, rendered, before it has an outbox row."""

    text: str
    sms_text: str | None
    buttons: list[list[str]]
    author: str = Author.BOT
    reply_context: str | None = None


# Core, built once: through the ORM's unit of work these rows cost about a fifth of a saturated worker
# (py-spy); every key is given in every row, as executemany needs
_INSERT_OUTBOX = insert(_OUTBOX).returning(_OUTBOX.c.id, sort_by_parameter_order=True)
_INSERT_TRANSCRIPT = insert(_TRANSCRIPT)
_SAVE_STATE = (
    update(_CONVERSATIONS)
    .where(_CONVERSATIONS.c.id == bindparam("conversation_id"))
    .values(state=bindparam("state"), updated_at=bindparam("at"))
)
_SAVE_LANGUAGE = (
    update(_CONTACTS).where(_CONTACTS.c.id == bindparam("contact_id")).values(language=bindparam("language"))
)


async def write_turn(
    session: AsyncSession,
    *,
    conversation: Conversation,
    contact: Contact,
    inbound: InboundRecord | None,
    replies: Sequence[QueuedReply],
    state: str | None,
    now: datetime,
    language: str | None = None,
) -> list[int]:
    """A turn's rows in three statements: the replies' outbox rows (their ids returned in order), the
    transcript (the person's words first, then each reply linked to its outbox row), and the new state.

    `language`, when it differs, is saved on the contact. `state` None leaves the state to the caller's ORM
    object (a console hand-back resets it that way in the same transaction; a Core UPDATE here would be
    overwritten by that object's flush at commit).
    """
    outbox_ids: list[int] = []
    if replies:
        rows = [
            {
                "conversation_id": conversation.id,
                "contact_id": contact.id,
                "channel": contact.channel,
                "recipient_id": contact.external_id,
                "author": str(reply.author),
                "text": reply.text,
                "sms_text": reply.sms_text,
                "buttons": reply.buttons,
                "reply_context": reply.reply_context,
                "status": OutboxStatus.PENDING,
                "attempts": 0,
                "next_attempt_at": now,
                "created_at": now,
            }
            for reply in replies
        ]
        outbox_ids = list((await session.execute(_INSERT_OUTBOX, rows)).scalars())
    lines = []
    if inbound is not None:
        lines.append(_line(conversation.id, "in", Author.PERSON, inbound, None, now))
    for reply, outbox_id in zip(replies, outbox_ids, strict=True):
        said = InboundRecord(text=reply.text, kind="text")
        lines.append(_line(conversation.id, "out", reply.author, said, outbox_id, now))
    if lines:
        await session.execute(_INSERT_TRANSCRIPT, lines)
    if state is not None:
        await session.execute(_SAVE_STATE, {"conversation_id": conversation.id, "state": state, "at": now})
    if language is not None and language != contact.language:
        # the person's language, remembered for reminders and the next conversation; the object is told
        # without becoming dirty, so that no ORM flush repeats the UPDATE
        await session.execute(_SAVE_LANGUAGE, {"contact_id": contact.id, "language": language})
        set_committed_value(contact, "language", language)
    return outbox_ids


async def enqueue(
    session: AsyncSession,
    *,
    conversation: Conversation,
    contact: Contact,
    reply: QueuedReply,
    now: datetime,
    inbound: InboundRecord | None = None,
) -> int:
    """One message to the person (and what they wrote, if it prompted it), outside a flow turn: a STOP
    confirmation, an apology, a reminder, a coordinator's words. Returns the outbox row's id."""
    (outbox_id,) = await write_turn(
        session,
        conversation=conversation,
        contact=contact,
        inbound=inbound,
        replies=[reply],
        state=None,
        now=now,
    )
    return outbox_id


def _line(
    conversation_id: int,
    direction: str,
    author: str,
    record: InboundRecord,
    outbox_id: int | None,
    now: datetime,
) -> dict[str, Any]:
    return {
        "conversation_id": conversation_id,
        "direction": direction,
        "author": str(author),
        "kind": record.kind,
        "text": record.text,
        "payload": record.payload,
        "intent": record.intent,
        "confidence": record.confidence,
        "language": record.language,
        "flow_step": record.flow_step,
        "outbox_id": outbox_id,
        "created_at": now,
    }
