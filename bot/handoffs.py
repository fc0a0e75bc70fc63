"""The hand-off queue over the DB: implements flows.ports.Handoffs inside the turn's transaction."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import and_, func, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.db.models import Conversation, HandoffRequest, Owner
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
        )

    async def withdraw(self) -> None:
        current = await self._open_request()
        if current is not None:
            current.status, current.closed_at = "withdrawn", self.now
        if self.conversation.owner == Owner.WAITING:
            self.conversation.owner = Owner.BOT

    async def _open_request(self) -> HandoffRequest | None:
        found = await self.session.execute(
            select(HandoffRequest).where(
                HandoffRequest.conversation_id == self.conversation.id, HandoffRequest.status == "open"
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
