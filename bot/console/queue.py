"""The queue page: who waits (crisis first, then longest waiting), who is with whom, recent chats."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.console.i18n import N_
from bot.db.models import Contact, Conversation, HandoffRequest, Owner, StaffMember
from flows.state import ConversationState

RECENT = timedelta(hours=24)
RECENT_LIMIT = 20
REASONS = {  # English msgids (bot.console.i18n), translated where they are shown
    "asked": N_("asked for a person"),
    "crisis": N_("crisis"),
    "message": N_("left a message"),
    "callback": N_("call-back requested"),
    "coordinator": N_("taken over unasked"),
}


def _as_is(message: str) -> str:
    return message


@dataclass(frozen=True, slots=True)
class QueueRow:
    conversation_id: int
    owner: str
    crisis: bool
    reason: str
    out_of_hours: bool
    channel: str
    language: str
    since: datetime  # waiting since, taken at, or last activity
    minutes: int
    coordinator: str | None = None

    @property
    def reason_label(self) -> str:
        return REASONS.get(self.reason, self.reason)

    def as_json(self, gettext: Callable[[str], str] = _as_is) -> dict[str, object]:
        return {
            "id": self.conversation_id,
            "owner": self.owner,
            "crisis": self.crisis,
            "reason": gettext(self.reason_label) if self.reason_label else "",
            "out_of_hours": self.out_of_hours,
            "channel": self.channel,
            "language": self.language,
            "since": self.since.isoformat(),
            "minutes": self.minutes,
            "coordinator": self.coordinator,
        }


@dataclass(frozen=True, slots=True)
class QueueView:
    waiting: list[QueueRow]
    mine: list[QueueRow]
    others: list[QueueRow]
    recent: list[QueueRow]

    def as_json(self, gettext: Callable[[str], str] = _as_is) -> dict[str, object]:
        """The queue for console.js; `gettext` puts the reasons into the reader's language."""
        return {
            "waiting": [r.as_json(gettext) for r in self.waiting],
            "mine": [r.as_json(gettext) for r in self.mine],
            "others": [r.as_json(gettext) for r in self.others],
            "recent": [r.as_json(gettext) for r in self.recent],
        }


def language_of(contact: Contact, conversation: Conversation) -> str:
    return contact.language or ConversationState.from_json(conversation.state).lang or "lv"


def _minutes(now: datetime, since: datetime) -> int:
    return max(int((now - since).total_seconds() // 60), 0)


async def load_queue(session: AsyncSession, staff_id: int, now: datetime) -> QueueView:
    waiting = await _waiting(session, now)
    claimed = await _claimed(session, now)
    return QueueView(
        waiting=waiting,
        mine=[r for r, owner_id in claimed if owner_id == staff_id],
        others=[r for r, owner_id in claimed if owner_id != staff_id],
        recent=await _recent(session, now),
    )


async def _waiting(session: AsyncSession, now: datetime) -> list[QueueRow]:
    query = (
        select(HandoffRequest, Conversation, Contact)
        .join(Conversation, Conversation.id == HandoffRequest.conversation_id)
        .join(Contact, Contact.id == Conversation.contact_id)
        .where(HandoffRequest.status == "open", Conversation.owner == Owner.WAITING)
        .order_by(HandoffRequest.priority, HandoffRequest.created_at, HandoffRequest.id)
    )
    rows = (await session.execute(query)).all()
    return [
        QueueRow(
            conversation_id=conv.id,
            owner=conv.owner,
            crisis=conv.crisis or req.priority == 0,
            reason=req.reason,
            out_of_hours=req.out_of_hours,
            channel=contact.channel,
            language=language_of(contact, conv),
            since=req.created_at,
            minutes=_minutes(now, req.created_at),
        )
        for req, conv, contact in rows
    ]


async def _claimed(session: AsyncSession, now: datetime) -> list[tuple[QueueRow, int | None]]:
    query = (
        select(HandoffRequest, Conversation, Contact, StaffMember)
        .join(Conversation, Conversation.id == HandoffRequest.conversation_id)
        .join(Contact, Contact.id == Conversation.contact_id)
        .outerjoin(StaffMember, StaffMember.id == HandoffRequest.claimed_by)
        .where(HandoffRequest.status == "claimed", Conversation.owner == Owner.HUMAN)
        .order_by(HandoffRequest.priority, HandoffRequest.claimed_at)
    )
    found = []
    for req, conv, contact, member in (await session.execute(query)).all():
        since = req.claimed_at or req.created_at
        row = QueueRow(
            conversation_id=conv.id,
            owner=conv.owner,
            crisis=conv.crisis,
            reason=req.reason,
            out_of_hours=req.out_of_hours,
            channel=contact.channel,
            language=language_of(contact, conv),
            since=since,
            minutes=_minutes(now, since),
            coordinator=member.name if member is not None else None,
        )
        found.append((row, req.claimed_by))
    return found


async def _recent(session: AsyncSession, now: datetime) -> list[QueueRow]:
    """Conversations the bot has now, for a coordinator who wants to step in unasked."""
    query = (
        select(Conversation, Contact)
        .join(Contact, Contact.id == Conversation.contact_id)
        .where(Conversation.owner == Owner.BOT, Conversation.updated_at > now - RECENT)
        .order_by(Conversation.updated_at.desc())
        .limit(RECENT_LIMIT)
    )
    return [
        QueueRow(
            conversation_id=conv.id,
            owner=conv.owner,
            crisis=conv.crisis,
            reason="",
            out_of_hours=False,
            channel=contact.channel,
            language=language_of(contact, conv),
            since=conv.updated_at,
            minutes=_minutes(now, conv.updated_at),
        )
        for conv, contact in (await session.execute(query)).all()
    ]


async def waiting_count(session: AsyncSession) -> int:
    found = await session.scalar(
        select(func.count())
        .select_from(HandoffRequest)
        .join(Conversation, Conversation.id == HandoffRequest.conversation_id)
        .where(HandoffRequest.status == "open", Conversation.owner == Owner.WAITING)
    )
    return int(found or 0)
