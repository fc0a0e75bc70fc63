"""The hand-off queue over the DB: implements flows.ports.Handoffs inside the turn's transaction."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import and_, func, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.db.models import CallbackRequest, Contact, Conversation, HandoffRequest, Owner
from bot.hours import WorkingHours
from flows.ports import HandoffTicket

CRISIS_PRIORITY = 0
NORMAL_PRIORITY = 10
MINUTES_PER_PERSON = 10  # a rough, honest estimate until the console measures real waits


class DbHandoffs:
    def __init__(
        self, session: AsyncSession, conversation: Conversation, now: datetime, hours: WorkingHours
    ) -> None:
        self.session = session
        self.conversation = conversation
        self.now = now
        self.hours = hours

    async def request(self, *, crisis: bool, reason: str) -> HandoffTicket:
        priority = CRISIS_PRIORITY if crisis else NORMAL_PRIORITY
        current = await self._open_request()
        if current is None:
            current = HandoffRequest(
                conversation_id=self.conversation.id,
                priority=priority,
                reason=reason,
                status="open",
                created_at=self.now,
                out_of_hours=not self.hours.is_open(self.now),
            )
            self.session.add(current)
        elif priority < current.priority:
            current.priority, current.reason = priority, reason
        if crisis:
            self.conversation.crisis = True
        if self.conversation.owner == Owner.BOT:
            self.conversation.owner = Owner.WAITING
        await self.session.flush()
        position = await queue_position(self.session, current)
        return HandoffTicket(
            position=position,
            wait_minutes=position * MINUTES_PER_PERSON,
            in_hours=self.hours.is_open(self.now),
            minutes_to_closing=self.hours.minutes_to_closing(self.now),
        )

    async def withdraw(self) -> None:
        current = await self._open_request()
        if current is not None and current.status == "open":
            current.status, current.closed_at = "withdrawn", self.now
        if self.conversation.owner == Owner.WAITING:
            self.conversation.owner = Owner.BOT

    async def leave_message(self) -> None:
        """Out of hours: the person stays in the queue, flagged, with a message for the morning."""
        current = await self._open_request()
        if current is not None:
            current.out_of_hours = True
            if current.priority != CRISIS_PRIORITY:
                current.reason = "message"

    async def request_callback(self, *, phone: str | None, preferred_time: str) -> str:
        """Store a call-back request; without a phone, the SMS number the person writes from."""
        contact = await self.session.get(Contact, self.conversation.contact_id)
        if phone is None:
            phone = contact.external_id if contact is not None and contact.channel == "sms" else ""
        self.session.add(
            CallbackRequest(
                conversation_id=self.conversation.id,
                phone=phone[:32],
                preferred_time=preferred_time[:200],
                language=contact.language if contact is not None else None,
                status="open",
                created_at=self.now,
            )
        )
        await self.leave_message()
        current = await self._open_request()
        if current is not None and current.priority != CRISIS_PRIORITY:
            current.reason = "callback"
        return phone

    async def _open_request(self) -> HandoffRequest | None:
        # a claimed request is still the live one: a crisis under a coordinator raises its priority
        found = await self.session.execute(
            select(HandoffRequest).where(
                HandoffRequest.conversation_id == self.conversation.id,
                HandoffRequest.status.in_(("open", "claimed")),
            )
        )
        return found.scalars().first()


async def queue_position(session: AsyncSession, request: HandoffRequest) -> int:
    """1 + the open requests ahead: higher priority first, then longer waiting."""
    ahead = await session.scalar(
        select(func.count())
        .select_from(HandoffRequest)
        .where(
            HandoffRequest.status == "open",
            HandoffRequest.id != request.id,
            or_(
                HandoffRequest.priority < request.priority,
                and_(
                    HandoffRequest.priority == request.priority,
                    HandoffRequest.created_at <= request.created_at,
                ),
            ),
        )
    )
    return int(ahead or 0) + 1
