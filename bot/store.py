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
    (fresh,) = await claim_inbounds(session, [(channel, provider_id)], now)
    return fresh


async def claim_inbounds(
    session: AsyncSession, messages: Sequence[tuple[str, str]], now: datetime
) -> list[bool]:
    """claim_inbound for several (channel, provider id) pairs in one statement, answered in their order.

    The same pair twice counts once: the first is fresh, the second a retry.
    """
    stmt = _CLAIM[session.get_bind().dialect.name == "postgresql"]
    params = [{"channel": channel, "provider_message_id": pid, "at": now} for channel, pid in messages]
    claimed = {(row[0], row[1]) for row in await session.execute(stmt, params)}
    fresh = []
    for pair in messages:
        fresh.append(pair in claimed)
        claimed.discard(pair)
    return fresh


def _claim_statement(insert: Callable[..., Any]) -> Any:
    # built once: constructing an INSERT ... ON CONFLICT per turn cost more than running it (py-spy);
    # on the Table, not the ORM class, so that executing it skips the ORM's statement handling
    table = cast(Table, ProcessedInbound.__table__)
    return (
        insert(table)
        .values(
            channel=bindparam("channel"),
            provider_message_id=bindparam("provider_message_id"),
            created_at=bindparam("at"),
        )
        .on_conflict_do_nothing()
        # the ids actually inserted: with a list of messages SQLAlchemy sends one multi-row INSERT
        .returning(table.c.channel, table.c.provider_message_id)
    )


_CLAIM = {False: _claim_statement(sqlite.insert), True: _claim_statement(postgresql.insert)}


@dataclass(frozen=True, slots=True)
class ContactSeen:
    """What a message says of its sender: who they are, and whether it says they blocked the bot."""

    channel: Channel
    external_id: str
    first_name: str | None = None
    blocked: bool = False


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
    (contact,) = await lock_contacts(session, [ContactSeen(channel, external_id, first_name, blocked)], now)
    return contact


async def lock_contacts(session: AsyncSession, seen: Sequence[ContactSeen], now: datetime) -> list[Contact]:
    """lock_contact for several people in one statement, answered in their order (each person once).

    The rows are upserted, so locked, in (channel, external id) order whatever the callers' order: two
    workers locking overlapping groups of people take the locks in the same order and cannot deadlock.
    """
    # one row per person: PostgreSQL refuses to upsert a row twice in one statement
    latest = {
        (str(person.channel), person.external_id): {
            "channel": str(person.channel),
            "external_id": person.external_id,
            "at": now,
            "blocked": person.blocked,
            "first_name": person.first_name[:64] if person.first_name else None,
        }
        for person in seen
    }
    params = [latest[key] for key in sorted(latest)]
    upsert = _LOCK_CONTACT[session.get_bind().dialect.name == "postgresql"]
    rows = (await session.execute(upsert, params)).all()
    by_key = {
        (contact.channel, contact.external_id): contact for contact in _adopt_all(session, Contact, rows)
    }
    return [by_key[(str(person.channel), person.external_id)] for person in seen]


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


def _adopt_all(session: AsyncSession, entity: type[E], rows: Sequence[Row[Any]]) -> list[E]:
    return [_adopt(session, entity, row) for row in rows]


def _adopt(session: AsyncSession, entity: type[E], row: Row[Any]) -> E:
    """The ORM object for a row a Core statement returned, tracked by the session as if it had loaded it
    (SQLAlchemy's make_transient_to_detached, meant for rows from another source): later changes to it
    are flushed as usual. An object the session already holds is refreshed instead, like populate_existing.
    """
    table = cast(Table, entity.__table__)
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
            table.c.contact_id.in_(bindparam("contact_ids", expanding=True)), table.c.owner != Owner.CLOSED
        )
        create = insert(table).values(
            contact_id=bindparam("contact_id"),
            owner=Owner.BOT,
            state="{}",
            created_at=bindparam("at"),
            # not "at" again: a name used twice in a row loses its second value in a multi-row INSERT
            # (SQLAlchemy's insertmanyvalues with asyncpg: "the server expects 54 arguments, 46 were passed")
            updated_at=bindparam("updated_at"),
            crisis=False,
        )
        return cls(find, create.returning(*columns), extra is not None)


_PLAIN = OpenConversation.build(None)


async def open_conversation(session: AsyncSession, contact: Contact, now: datetime) -> Conversation:
    """The contact's open conversation (the contact row lock already serialises this), or a new one."""
    (conversation,), _ = await open_conversations_with(session, [contact], now, _PLAIN)
    return conversation


async def open_conversations_with(
    session: AsyncSession, contacts: Sequence[Contact], now: datetime, statements: OpenConversation
) -> tuple[list[Conversation], bool]:
    """Each contact's open conversation (in their order), evaluating the statements' `also` column in the
    same round trip: one SELECT for all of them, and one INSERT for those who have none yet.

    The second value says whether `also` was evaluated: a turn's NOTIFY rides on the conversation read (or,
    in a person's first turn, on the INSERT ... RETURNING that creates it) instead of costing a round trip.
    """
    if not contacts:
        return [], statements.carries_also
    ids = [contact.id for contact in contacts]
    found = (await session.execute(statements.find, {"contact_ids": ids})).all()
    by_contact = {
        conversation.contact_id: conversation for conversation in _adopt_all(session, Conversation, found)
    }
    # each contact once (dict.fromkeys keeps the order), or a person named twice would get two conversations
    missing = [
        {"contact_id": contact_id, "at": now, "updated_at": now}
        for contact_id in dict.fromkeys(ids)
        if contact_id not in by_contact
    ]
    if missing:
        created = (await session.execute(statements.create, missing)).all()
        by_contact.update((c.contact_id, c) for c in _adopt_all(session, Conversation, created))
    return [by_contact[contact_id] for contact_id in ids], statements.carries_also


@dataclass(frozen=True, slots=True)
class InboundRecord:
    text: str
    kind: str
    payload: str | None = None
    intent: str | None = None
    confidence: float | None = None
    language: str | None = None
    flow_step: str | None = None
    message_ref: str | None = None  # the channel's number for the message (InboundMessage.message_ref)


@dataclass(frozen=True, slots=True)
class Reading:
    """What the bot made of a message the person has since edited: its intent, and the button or menu
    number it was read as (None for words)."""

    intent: str | None
    payload: str | None


async def last_reading(session: AsyncSession, conversation_id: int, message_ref: str) -> Reading | None:
    """The newest reading of the message `message_ref` in this conversation (the original, or its latest
    edit), or None when it is not there: older than the conversation, erased, or from before the column."""
    t = _TRANSCRIPT.c
    stmt = (
        select(t.intent, t.payload)
        .where(t.conversation_id == conversation_id, t.direction == "in", t.message_ref == message_ref)
        .order_by(t.id.desc())
        .limit(1)
    )
    row = (await session.execute(stmt)).first()
    return Reading(row.intent, row.payload) if row is not None else None


@dataclass(frozen=True, slots=True)
class QueuedReply:
    """One reply of a turn, rendered, before it has an outbox row."""

    text: str
    sms_text: str | None
    buttons: list[list[str]]
    author: str = Author.BOT
    reply_context: str | None = None
    label: str | None = None  # who writes, shown with the text (a coordinator's words; bot/console/label.py)


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


@dataclass(frozen=True, slots=True)
class TurnRows:
    """What one turn writes: the person's words (if any), the replies, the new state, the language.

    `state` None leaves the state to the caller's ORM object (a console hand-back resets it that way in the
    same transaction; a Core UPDATE here would be overwritten by that object's flush at commit).
    """

    conversation: Conversation
    contact: Contact
    inbound: InboundRecord | None
    replies: Sequence[QueuedReply]
    state: str | None
    language: str | None = None


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
    """One turn's rows (write_turns); returns its replies' outbox ids in order."""
    (outbox_ids,) = await write_turns(
        session, [TurnRows(conversation, contact, inbound, replies, state, language)], now
    )
    return outbox_ids


async def write_turns(session: AsyncSession, turns: Sequence[TurnRows], now: datetime) -> list[list[int]]:
    """Several turns' rows in at most four statements whatever their number: the replies' outbox rows
    (their ids returned in order), the transcript (each person's words first, then each reply linked to its
    outbox row), the new states, and any language that changed (saved on the contact). Returns each turn's
    outbox ids.
    """
    rows = [
        {
            "conversation_id": turn.conversation.id,
            "contact_id": turn.contact.id,
            "channel": turn.contact.channel,
            "recipient_id": turn.contact.external_id,
            "author": str(reply.author),
            "text": reply.text,
            "sms_text": reply.sms_text,
            "buttons": reply.buttons,
            "reply_context": reply.reply_context,
            "label": reply.label,
            "status": OutboxStatus.PENDING,
            "attempts": 0,
            "next_attempt_at": now,
            "created_at": now,
        }
        for turn in turns
        for reply in turn.replies
    ]
    ids = iter(list((await session.execute(_INSERT_OUTBOX, rows)).scalars()) if rows else [])
    outbox_ids: list[list[int]] = []
    lines = []
    for turn in turns:
        own = [next(ids) for _ in turn.replies]
        outbox_ids.append(own)
        if turn.inbound is not None:
            lines.append(_line(turn.conversation.id, "in", Author.PERSON, turn.inbound, None, now))
        for reply, outbox_id in zip(turn.replies, own, strict=True):
            said = InboundRecord(text=reply.text, kind="text")
            lines.append(_line(turn.conversation.id, "out", reply.author, said, outbox_id, now))
    if lines:
        await session.execute(_INSERT_TRANSCRIPT, lines)
    states = [
        {"conversation_id": turn.conversation.id, "state": turn.state, "at": now}
        for turn in turns
        if turn.state is not None
    ]
    if states:
        await session.execute(_SAVE_STATE, states)
    languages = [
        turn for turn in turns if turn.language is not None and turn.language != turn.contact.language
    ]
    if languages:
        params = [{"contact_id": turn.contact.id, "language": turn.language} for turn in languages]
        await session.execute(_SAVE_LANGUAGE, params)
        for turn in languages:
            # the person's language, remembered for reminders and the next conversation; the object is told
            # without becoming dirty, so that no ORM flush repeats the UPDATE
            set_committed_value(turn.contact, "language", turn.language)
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
        "message_ref": record.message_ref,
        "outbox_id": outbox_id,
        "created_at": now,
    }
