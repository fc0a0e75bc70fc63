"""SQLAlchemy 2 typed ORM: the relatives we serve, their conversations, transcripts and the outbox."""

from __future__ import annotations

from datetime import UTC, date, datetime, time
from enum import StrEnum
from typing import Any, cast

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    CheckConstraint,
    Date,
    DateTime,
    Float,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    Time,
    UniqueConstraint,
    literal,
    text,
)
from sqlalchemy.engine import Dialect
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column
from sqlalchemy.sql.elements import ColumnElement
from sqlalchemy.types import TypeDecorator

# SQLite only autoincrements INTEGER PRIMARY KEY; PostgreSQL gets a BIGINT identity.
BigId = BigInteger().with_variant(Integer(), "sqlite")

# The table option of every table whose rows are deleted (erasure, retention) and whose ids staff see or
# the audit log names. SQLite gives a plain INTEGER PRIMARY KEY the largest id plus one, so a deleted
# largest id was given again: an erased person's contact, conversation and message ids went to the next
# person, with the audit lines and console links that named them. AUTOINCREMENT never gives an id twice
# (PostgreSQL's identity never did). Migration 0013 rebuilds these tables on existing SQLite databases;
# tests/integration/test_migrations.py keeps its list and these models the same.
NEVER_REUSED: dict[str, Any] = {"sqlite_autoincrement": True}


class UtcDateTime(TypeDecorator[datetime]):
    """Aware datetimes in, aware (UTC) datetimes out, on SQLite too, which would drop the offset."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given to the database")
        value = value.astimezone(UTC)
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


class Base(DeclarativeBase):
    type_annotation_map = {datetime: UtcDateTime}


class Owner(StrEnum):
    BOT = "bot"
    WAITING = "waiting"
    HUMAN = "human"
    CLOSED = "closed"


class OutboxStatus(StrEnum):
    PENDING = "pending"
    SENDING = "sending"
    SENT = "sent"
    DEAD = "dead"  # gave up after retries or a permanent error
    CANCELLED = "cancelled"  # the bot must not speak (a human took over, or the person opted out)


# Undelivered rows. The partial indexes on the outbox hold only these, and a database uses a partial
# index only when the query states its condition with the same literal values (a bound parameter cannot
# be proven equal when a plan is made): queries use waiting(), which writes the values into the SQL.
WAITING = (OutboxStatus.PENDING, OutboxStatus.SENDING)
_WAITING = text("status IN ({})".format(", ".join(f"'{status}'" for status in WAITING)))


def waiting(table: Any) -> ColumnElement[bool]:
    """`status IN ('pending', 'sending')` on OutboxItem or an alias of it, values written into the SQL."""
    values = [literal(str(status), literal_execute=True) for status in WAITING]
    return cast(ColumnElement[bool], table.status.in_(values))


class Author(StrEnum):
    PERSON = "person"
    BOT = "bot"
    COORDINATOR = "coordinator"
    SYSTEM = "system"  # compliance messages (opt-out confirmation) that go out even to an opted-out person


class Contact(Base):
    """The relative: one channel identity. Minimal by design (no names beyond an optional first name)."""

    __tablename__ = "contacts"
    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    channel: Mapped[str] = mapped_column(String(16))
    external_id: Mapped[str] = mapped_column(String(64))
    language: Mapped[str | None] = mapped_column(String(2))
    first_name: Mapped[str | None] = mapped_column(String(64))
    consent_at: Mapped[datetime | None] = mapped_column()
    opted_out: Mapped[bool] = mapped_column(Boolean, default=False, server_default=text("false"))
    blocked: Mapped[bool] = mapped_column(Boolean, default=False, server_default=text("false"))
    created_at: Mapped[datetime] = mapped_column()
    __table_args__ = (UniqueConstraint("channel", "external_id", name="uq_contacts_identity"), NEVER_REUSED)


class Conversation(Base):
    __tablename__ = "conversations"
    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    contact_id: Mapped[int] = mapped_column(ForeignKey("contacts.id", ondelete="CASCADE"), index=True)
    owner: Mapped[str] = mapped_column(String(16), default=Owner.BOT)
    state: Mapped[str] = mapped_column(Text, default="{}")
    crisis: Mapped[bool] = mapped_column(Boolean, default=False, server_default=text("false"))
    created_at: Mapped[datetime] = mapped_column()
    updated_at: Mapped[datetime] = mapped_column()
    __table_args__ = (
        # at most one open conversation per contact
        Index(
            "uq_conversations_open",
            "contact_id",
            unique=True,
            sqlite_where=text("owner != 'closed'"),
            postgresql_where=text("owner != 'closed'"),
        ),
        NEVER_REUSED,
    )


class TranscriptEntry(Base):
    __tablename__ = "transcript"
    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    conversation_id: Mapped[int] = mapped_column(
        ForeignKey("conversations.id", ondelete="CASCADE"), index=True
    )
    direction: Mapped[str] = mapped_column(String(3))  # in | out
    author: Mapped[str] = mapped_column(String(16))
    kind: Mapped[str] = mapped_column(String(16), default="text")
    text: Mapped[str] = mapped_column(Text)
    payload: Mapped[str | None] = mapped_column(String(64))
    intent: Mapped[str | None] = mapped_column(String(64))
    confidence: Mapped[float | None] = mapped_column(Float)
    language: Mapped[str | None] = mapped_column(String(2))
    flow_step: Mapped[str | None] = mapped_column(String(64))
    # the channel's number for an inbound message (Telegram message_id, unique in its chat): an edit names it
    # again, and is compared with what the bot read the first time (bot/pipeline.py, QA s11); no content
    message_ref: Mapped[str | None] = mapped_column(String(32))
    # the reply's outbox row (bot.store.write_turn); no database foreign key: retention removes outbox rows
    # on its own schedule
    outbox_id: Mapped[int | None] = mapped_column(BigId)
    created_at: Mapped[datetime] = mapped_column()
    # operators' review (issue 8): the confirmed or corrected intent of an inbound message
    reviewed_intent: Mapped[str | None] = mapped_column(String(64))
    reviewed_by: Mapped[str | None] = mapped_column(String(64))
    reviewed_at: Mapped[datetime | None] = mapped_column()
    # search, analytics and retention read by time; full-text indexes are in migration 0004 (per dialect)
    __table_args__ = (
        Index("ix_transcript_created_at", "created_at"),
        Index("ix_transcript_intent", "intent", "id"),  # an intent's messages, newest first
        NEVER_REUSED,
    )


class OutboxItem(Base):
    __tablename__ = "outbox"
    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    # nullable: after an erasure the confirmation still goes out, linked to nothing
    conversation_id: Mapped[int | None] = mapped_column(ForeignKey("conversations.id", ondelete="SET NULL"))
    contact_id: Mapped[int | None] = mapped_column(ForeignKey("contacts.id", ondelete="SET NULL"))
    channel: Mapped[str] = mapped_column(String(16))
    recipient_id: Mapped[str] = mapped_column(String(64))
    author: Mapped[str] = mapped_column(String(16), default=Author.BOT)
    text: Mapped[str] = mapped_column(Text)
    sms_text: Mapped[str | None] = mapped_column(Text)
    buttons: Mapped[list[list[str]]] = mapped_column(JSON, default=list)
    reply_context: Mapped[str | None] = mapped_column(String(128))
    # who writes, shown with the text on the person's channel: a coordinator's words, in the conversation's
    # language (never their name); None for the bot (migration 0012)
    label: Mapped[str | None] = mapped_column(String(64))
    status: Mapped[str] = mapped_column(String(16), default=OutboxStatus.PENDING)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    next_attempt_at: Mapped[datetime] = mapped_column()
    lease_until: Mapped[datetime | None] = mapped_column()
    provider_message_id: Mapped[str | None] = mapped_column(String(64))
    delivery_status: Mapped[str | None] = mapped_column(String(32))
    last_error: Mapped[str | None] = mapped_column(String(255))
    created_at: Mapped[datetime] = mapped_column()
    sent_at: Mapped[datetime | None] = mapped_column()
    __table_args__ = (
        # the queue (migration 0009): only undelivered rows, in order; rows leave these indexes when sent,
        # so a claim reads a few entries, not every row that was ever pending (see the migration)
        Index("ix_outbox_waiting", "id", postgresql_where=_WAITING, sqlite_where=_WAITING),
        Index(
            "ix_outbox_waiting_conversation",
            "conversation_id",
            "id",
            postgresql_where=_WAITING,
            sqlite_where=_WAITING,
        ),
        Index("ix_outbox_conversation", "conversation_id", "id"),
        # Twilio's delivery reports find their row by the message SID (bot/channels/sms_status.py)
        Index("ix_outbox_provider_message_id", "provider_message_id"),
        NEVER_REUSED,
    )


class ProcessedInbound(Base):
    """Provider retries are harmless: a (channel, provider id) pair is processed once."""

    __tablename__ = "processed_inbound"
    channel: Mapped[str] = mapped_column(String(16), primary_key=True)
    provider_message_id: Mapped[str] = mapped_column(String(128), primary_key=True)
    created_at: Mapped[datetime] = mapped_column()


class HandoffRequest(Base):
    """A person waiting for a coordinator; crisis requests sort first."""

    __tablename__ = "handoff_requests"
    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    conversation_id: Mapped[int] = mapped_column(
        ForeignKey("conversations.id", ondelete="CASCADE"), index=True
    )
    priority: Mapped[int] = mapped_column(Integer)  # 0 = crisis, 10 = normal
    reason: Mapped[str] = mapped_column(String(32))
    status: Mapped[str] = mapped_column(String(16), default="open")  # open | claimed | closed | withdrawn
    created_at: Mapped[datetime] = mapped_column()
    closed_at: Mapped[datetime | None] = mapped_column()
    # console (migration 0003): who took it, the outcome, and whether it came in out of hours
    claimed_by: Mapped[int | None] = mapped_column(BigId, ForeignKey("staff.id", ondelete="SET NULL"))
    claimed_at: Mapped[datetime | None] = mapped_column()
    outcome: Mapped[str | None] = mapped_column(String(32))
    out_of_hours: Mapped[bool] = mapped_column(Boolean, default=False, server_default=text("false"))
    __table_args__ = (Index("ix_handoff_queue", "status", "priority", "created_at"), NEVER_REUSED)


class AuditEvent(Base):
    """Who did what, when; never message content."""

    __tablename__ = "audit_log"
    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    actor: Mapped[str] = mapped_column(String(64))
    action: Mapped[str] = mapped_column(String(64))
    subject: Mapped[str | None] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column()
    __table_args__ = NEVER_REUSED


# --- coordinators' console (migration 0003) ---


class StaffRole(StrEnum):
    COORDINATOR = "coordinator"  # takes conversations over, replies, hands back, closes
    OPERATOR = "operator"  # reads the queue and transcripts, writes internal notes
    ADMIN = "admin"  # a coordinator who may also read the audit log and rescue others' conversations


class StaffMember(Base):
    """A console user; the password is stored only as an argon2 hash."""

    __tablename__ = "staff"
    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    email: Mapped[str] = mapped_column(String(254), unique=True)
    name: Mapped[str] = mapped_column(String(64))
    role: Mapped[str] = mapped_column(String(16))
    password_hash: Mapped[str] = mapped_column(String(255))
    active: Mapped[bool] = mapped_column(Boolean, default=True, server_default=text("true"))
    created_at: Mapped[datetime] = mapped_column()
    last_login_at: Mapped[datetime | None] = mapped_column()
    # the console's language for this person (lv, en, ru; bot.console.i18n): on the account, so it follows
    # them to any computer; Latvian, the coordinators' working language, until they choose
    language: Mapped[str] = mapped_column(String(8), default="lv", server_default=text("'lv'"))


class ConsoleSession(Base):
    """A server-side login session; only a hash of the cookie's token is stored."""

    __tablename__ = "console_sessions"
    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    staff_id: Mapped[int] = mapped_column(BigId, ForeignKey("staff.id", ondelete="CASCADE"), index=True)
    csrf_token: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column()
    last_seen_at: Mapped[datetime] = mapped_column()
    expires_at: Mapped[datetime] = mapped_column()


class LoginFailure(Base):
    """A failed console login, counted per email and per address for throttling."""

    __tablename__ = "console_login_failures"
    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    email: Mapped[str] = mapped_column(String(254))
    ip: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(index=True)


class HandoffNote(Base):
    """A coordinators' internal note on a conversation; never sent to the person."""

    __tablename__ = "handoff_notes"
    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    conversation_id: Mapped[int] = mapped_column(
        BigId, ForeignKey("conversations.id", ondelete="CASCADE"), index=True
    )
    staff_id: Mapped[int | None] = mapped_column(BigId, ForeignKey("staff.id", ondelete="SET NULL"))
    text: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column()
    __table_args__ = NEVER_REUSED


class CallbackRequest(Base):
    """Out of hours, a person asked to be called back: the number and the time they prefer."""

    __tablename__ = "callback_requests"
    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    conversation_id: Mapped[int] = mapped_column(
        BigId, ForeignKey("conversations.id", ondelete="CASCADE"), index=True
    )
    phone: Mapped[str] = mapped_column(String(32))
    preferred_time: Mapped[str] = mapped_column(String(200))
    language: Mapped[str | None] = mapped_column(String(2))
    status: Mapped[str] = mapped_column(String(16), default="open")  # open | done
    created_at: Mapped[datetime] = mapped_column()
    done_at: Mapped[datetime | None] = mapped_column()
    done_by: Mapped[int | None] = mapped_column(BigId, ForeignKey("staff.id", ondelete="SET NULL"))
    __table_args__ = (Index("ix_callbacks_status", "status", "created_at"), NEVER_REUSED)


# --- operators (migration 0004) ---

# Per-dialect full-text search objects created by migration 0004 and not described by these models:
# SQLite's FTS5 table (and its shadow tables), PostgreSQL's GIN expression index (rebuilt by 0006 on
# helpline_unaccent(text); that function and the unaccent extension are outside autogenerate's view).
UNMODELLED_TABLE_PREFIX = "transcript_fts"
UNMODELLED_INDEXES = frozenset({"ix_transcript_fts"})


def searched(table: Any) -> ColumnElement[bool]:
    """`author <> 'bot'` on TranscriptEntry or an alias of it, the value written into the SQL: the full-text
    index holds only rows for which this holds (migration 0010), and PostgreSQL uses a partial index only
    for a query that states its condition with the same literal value."""
    return cast(ColumnElement[bool], table.author != literal(str(Author.BOT), literal_execute=True))


def include_name(name: str | None, type_: str, parent_names: object) -> bool:
    """Alembic's include_name hook: leave the unmodelled full-text objects out of autogenerate."""
    if type_ == "table" and name is not None and name.startswith(UNMODELLED_TABLE_PREFIX):
        return False
    return not (type_ == "index" and name in UNMODELLED_INDEXES)


class JobRun(Base):
    """A lease per scheduled job, so that one worker of several runs it (claimed by a conditional UPDATE)."""

    __tablename__ = "job_runs"
    name: Mapped[str] = mapped_column(String(64), primary_key=True)
    leased_until: Mapped[datetime | None] = mapped_column()
    leased_by: Mapped[str | None] = mapped_column(String(64))
    last_finished_at: Mapped[datetime | None] = mapped_column()


class BookingStatus(StrEnum):
    BOOKED = "booked"
    CANCELLED = "cancelled"
    DONE = "done"
    NO_SHOW = "no_show"


class Counsellor(Base):
    """A psychologist who takes sessions; managed by coordinators (`helpline counsellors`)."""

    __tablename__ = "counsellors"
    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    name: Mapped[str] = mapped_column(String(100))
    languages: Mapped[str] = mapped_column(String(32))  # "lv,ru"
    modes: Mapped[str] = mapped_column(String(64))  # subset of "in_person,phone,video"
    address: Mapped[str | None] = mapped_column(String(255))  # for in-person sessions
    session_minutes: Mapped[int] = mapped_column(Integer, default=50)
    buffer_minutes: Mapped[int] = mapped_column(Integer, default=10)
    active: Mapped[bool] = mapped_column(Boolean, default=True, server_default=text("true"))
    calendar_token: Mapped[str] = mapped_column(String(64), unique=True)  # the private feed's URL part
    created_at: Mapped[datetime] = mapped_column()


class AvailabilityRule(Base):
    """Weekly hours in local (Europe/Riga) wall-clock time; ISO weekday, 1 = Monday."""

    __tablename__ = "availability_rules"
    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    counsellor_id: Mapped[int] = mapped_column(ForeignKey("counsellors.id", ondelete="CASCADE"), index=True)
    weekday: Mapped[int] = mapped_column(Integer)
    starts: Mapped[time] = mapped_column(Time)
    ends: Mapped[time] = mapped_column(Time)
    __table_args__ = (
        CheckConstraint("weekday BETWEEN 1 AND 7", name="ck_availability_weekday"),
        CheckConstraint("starts < ends", name="ck_availability_span"),
    )


class AvailabilityException(Base):
    """Leave or a one-off change: closed days (no hours), or these hours instead of the weekly ones."""

    __tablename__ = "availability_exceptions"
    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    counsellor_id: Mapped[int] = mapped_column(ForeignKey("counsellors.id", ondelete="CASCADE"), index=True)
    first_day: Mapped[date] = mapped_column(Date)
    last_day: Mapped[date] = mapped_column(Date)
    starts: Mapped[time | None] = mapped_column(Time)  # both None: closed
    ends: Mapped[time | None] = mapped_column(Time)
    note: Mapped[str | None] = mapped_column(String(100))


class Booking(Base):
    """A session. The database refuses two booked sessions of one psychologist at the same start."""

    __tablename__ = "bookings"
    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    counsellor_id: Mapped[int] = mapped_column(ForeignKey("counsellors.id"), index=True)
    contact_id: Mapped[int] = mapped_column(ForeignKey("contacts.id", ondelete="CASCADE"), index=True)
    starts_at: Mapped[datetime] = mapped_column()
    ends_at: Mapped[datetime] = mapped_column()
    mode: Mapped[str] = mapped_column(String(16))
    status: Mapped[str] = mapped_column(String(16), default=BookingStatus.BOOKED)
    created_at: Mapped[datetime] = mapped_column()
    cancelled_at: Mapped[datetime | None] = mapped_column()
    __table_args__ = (
        # slots sit on each psychologist's grid, so an equal start is the conflict; cancelled rows don't count
        Index(
            "uq_bookings_counsellor_slot",
            "counsellor_id",
            "starts_at",
            unique=True,
            sqlite_where=text("status = 'booked'"),
            postgresql_where=text("status = 'booked'"),
        ),
        Index("ix_bookings_starts", "status", "starts_at"),
        NEVER_REUSED,
    )


class SessionQuota(Base):
    """A coordinator's per-person number of sessions, instead of settings.session_quota."""

    __tablename__ = "session_quotas"
    contact_id: Mapped[int] = mapped_column(ForeignKey("contacts.id", ondelete="CASCADE"), primary_key=True)
    sessions: Mapped[int] = mapped_column(Integer)
    updated_at: Mapped[datetime] = mapped_column()


class ReminderStatus(StrEnum):
    PENDING = "pending"
    SENT = "sent"
    CANCELLED = "cancelled"


class Reminder(Base):
    """A reminder before a session, written at booking time so it survives restarts and goes out once."""

    __tablename__ = "booking_reminders"
    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    booking_id: Mapped[int] = mapped_column(ForeignKey("bookings.id", ondelete="CASCADE"))
    kind: Mapped[str] = mapped_column(String(8))  # 24h | 2h
    due_at: Mapped[datetime] = mapped_column()
    status: Mapped[str] = mapped_column(String(16), default=ReminderStatus.PENDING)
    sent_at: Mapped[datetime | None] = mapped_column()
    # the outbox row that carries it (migration 0014): if the outbox drops that row because a coordinator took
    # the chat over before it went, the reminder is pending again and goes after the hand-back
    outbox_id: Mapped[int | None] = mapped_column(BigId)
    __table_args__ = (
        UniqueConstraint("booking_id", "kind", name="uq_reminders_booking_kind"),
        Index("ix_reminders_due", "status", "due_at"),
        Index("ix_reminders_outbox", "outbox_id"),
        NEVER_REUSED,
    )
