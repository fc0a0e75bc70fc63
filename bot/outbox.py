"""The outbox worker: claims due rows, sends through the channel's Sender, retries with backoff."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass
from datetime import timedelta

from sqlalchemy import and_, exists, or_, select, update
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker
from sqlalchemy.orm import aliased

from bot.channels.base import RecipientGone, Sender, SendError
from bot.clock import Clock
from bot.db.models import Author, Contact, Conversation, OutboxItem, OutboxStatus, Owner
from bot.messages import Button, Channel, OutboundMessage
from bot.metrics import Metrics

log = logging.getLogger(__name__)

LEASE = timedelta(seconds=60)  # a claimed row whose worker died is taken again after this
MAX_BACKOFF = 300.0


def backoff(attempts: int) -> float:
    return float(min(2 ** max(attempts - 1, 0), MAX_BACKOFF))


@dataclass(frozen=True, slots=True)
class Claimed:
    message: OutboundMessage
    attempts: int


class OutboxWorker:
    def __init__(
        self,
        *,
        sessionmaker: async_sessionmaker[AsyncSession],
        senders: Mapping[Channel, Sender],
        clock: Clock,
        max_attempts: int = 8,
        batch: int = 32,
        lease: timedelta = LEASE,
        metrics: Metrics | None = None,
        on_sent: Callable[[AsyncSession, str, int | None], Awaitable[None]] | None = None,
    ) -> None:
        self.sessionmaker = sessionmaker
        self.senders = senders
        self.clock = clock
        self.max_attempts = max_attempts
        self.batch = batch
        self.lease = lease
        self.metrics = metrics or Metrics()
        self.on_sent = on_sent  # runs in the transaction that marks a row sent (e.g. NOTIFY other workers)
        self._wake = asyncio.Event()
        self._stopping = False

    def wake(self, _conversation_id: int | None = None) -> None:
        self._wake.set()

    def stop(self) -> None:
        """Finish the pass in progress (every claimed row sent and marked), then return from run()."""
        self._stopping = True
        self._wake.set()

    async def run(self, idle_wait: float = 1.0) -> None:
        """Deliver until stopped or cancelled; a failing database only pauses delivery."""
        while not self._stopping:
            try:
                sent = await self.drain_once()
            except Exception:
                log.exception("outbox pass failed; retrying")
                self.metrics.error("outbox_pass")
                sent = 0
            if sent == 0 and not self._stopping:
                self._wake.clear()
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(self._wake.wait(), idle_wait)

    async def drain(self, rounds: int = 100) -> int:
        """Deliver everything due now (used by the terminal chat and tests)."""
        total = 0
        for _ in range(rounds):
            done = await self.drain_once()
            if done == 0:
                break
            total += done
        return total

    async def drain_once(self) -> int:
        """One pass; returns how many rows it settled (sent, retried, cancelled)."""
        claimed, cancelled = await self._claim()
        await asyncio.gather(*(self._deliver(item) for item in claimed))
        return len(claimed) + cancelled

    async def _claim(self) -> tuple[list[Claimed], int]:
        channels = [str(c) for c in self.senders]
        if not channels:
            return [], 0
        async with self.sessionmaker() as session, session.begin():
            now = self.clock()
            earlier = aliased(OutboxItem)
            # only the oldest undelivered row of each conversation: replies keep their order
            blocked = exists().where(
                earlier.conversation_id == OutboxItem.conversation_id,
                earlier.id < OutboxItem.id,
                earlier.status.in_([OutboxStatus.PENDING, OutboxStatus.SENDING]),
            )
            due = or_(
                and_(OutboxItem.status == OutboxStatus.PENDING, OutboxItem.next_attempt_at <= now),
                and_(OutboxItem.status == OutboxStatus.SENDING, OutboxItem.lease_until < now),
            )
            query = (
                select(OutboxItem)
                .where(due, OutboxItem.channel.in_(channels), ~blocked)
                .order_by(OutboxItem.id)
                .limit(self.batch)
                .with_for_update(skip_locked=True)
            )
            rows = list((await session.execute(query)).scalars())
            # the batch's people and conversations in one query each: _must_not_send's session.get()
            # then finds them in the identity map (held here) instead of asking row by row
            people = await _load(session, Contact, {r.contact_id for r in rows})
            chats = await _load(session, Conversation, {r.conversation_id for r in rows})
            claimed: list[Claimed] = []
            cancelled = 0
            for row in rows:
                if await self._must_not_send(session, row):
                    row.status = OutboxStatus.CANCELLED
                    cancelled += 1
                    continue
                row.status, row.lease_until = OutboxStatus.SENDING, now + self.lease
                row.attempts += 1
                claimed.append(Claimed(_message(row), row.attempts))
            del people, chats
            return claimed, cancelled

    async def _must_not_send(self, session: AsyncSession, row: OutboxItem) -> bool:
        """The send layer enforces it: no bot words under a human, none to a blocked or opted-out person."""
        if row.contact_id is not None:
            contact = await session.get(Contact, row.contact_id)
            if contact is not None and (contact.blocked or contact.opted_out) and row.author == Author.BOT:
                return True
        if row.conversation_id is not None and row.author == Author.BOT:
            conversation = await session.get(Conversation, row.conversation_id)
            if conversation is not None and conversation.owner == Owner.HUMAN:
                return True
        return False

    async def _deliver(self, item: Claimed) -> None:
        message = item.message
        sender = self.senders[message.channel]
        try:
            provider_id = await sender.send(message)
        except RecipientGone as exc:
            self.metrics.error("send_dead")
            await self._finish(message.outbox_id, OutboxStatus.DEAD, error=exc.reason, gone=True)
        except SendError as exc:
            # "slow down" (429 with retry_after) is the provider's pacing, not a failure: it costs no attempt,
            # else a minute of throttling would mark replies dead
            throttled = exc.retryable and exc.retry_after is not None
            if not exc.retryable or (item.attempts >= self.max_attempts and not throttled):
                self.metrics.error("send_dead")
                await self._finish(message.outbox_id, OutboxStatus.DEAD, error=exc.reason)
            else:
                self.metrics.error("send_retry")
                delay = exc.retry_after if exc.retry_after is not None else backoff(item.attempts)
                await self._retry(message.outbox_id, delay, exc.reason, refund=throttled)
        except Exception as exc:  # an unexpected failure in a sender is treated as retryable
            log.exception("sender failed", extra={"outbox_id": message.outbox_id})
            self.metrics.error("send_retry")
            if item.attempts >= self.max_attempts:
                await self._finish(message.outbox_id, OutboxStatus.DEAD, error=type(exc).__name__)
            else:
                await self._retry(message.outbox_id, backoff(item.attempts), type(exc).__name__)
        else:
            await self._finish(message.outbox_id, OutboxStatus.SENT, provider_id=provider_id)
            self.metrics.delivered(str(message.channel))

    async def _finish(
        self,
        outbox_id: int,
        status: OutboxStatus,
        *,
        provider_id: str | None = None,
        error: str | None = None,
        gone: bool = False,
    ) -> None:
        # a sent message must be marked sent even if the database hiccups (or restarts): else it would go
        # out twice once its lease expires; so keep trying for half the lease
        deadline = time.monotonic() + self.lease.total_seconds() / 2
        for attempt in range(1000):
            try:
                async with self.sessionmaker() as session, session.begin():
                    values: dict[str, object] = {"status": status, "lease_until": None}
                    if provider_id is not None:
                        values |= {"provider_message_id": provider_id, "sent_at": self.clock()}
                    if error is not None:
                        values["last_error"] = error[:255]
                    marked = (
                        await session.execute(
                            update(OutboxItem)
                            .where(OutboxItem.id == outbox_id)
                            .values(values)
                            .returning(OutboxItem.contact_id, OutboxItem.channel, OutboxItem.conversation_id)
                        )
                    ).one_or_none()
                    if marked is None:
                        return
                    if gone and marked.contact_id is not None:
                        await session.execute(
                            update(Contact).where(Contact.id == marked.contact_id).values(blocked=True)
                        )
                    if status == OutboxStatus.SENT and self.on_sent is not None:
                        await self.on_sent(session, marked.channel, marked.conversation_id)
                return
            except Exception:
                log.exception("could not record delivery; retrying", extra={"outbox_id": outbox_id})
                if time.monotonic() > deadline:
                    raise
                await asyncio.sleep(min(0.2 * 2**attempt, 2.0))

    async def _retry(self, outbox_id: int, delay: float, error: str, *, refund: bool = False) -> None:
        async with self.sessionmaker() as session, session.begin():
            await session.execute(
                update(OutboxItem)
                .where(OutboxItem.id == outbox_id)
                .values(
                    status=OutboxStatus.PENDING,
                    lease_until=None,
                    next_attempt_at=self.clock() + timedelta(seconds=delay),
                    last_error=error[:255],
                    attempts=OutboxItem.attempts - 1 if refund else OutboxItem.attempts,
                )
            )


async def _load(
    session: AsyncSession, model: type[Contact] | type[Conversation], ids: set[int | None]
) -> list[object]:
    wanted = [i for i in ids if i is not None]
    if not wanted:
        return []
    return list((await session.execute(select(model).where(model.id.in_(wanted)))).scalars())


def _message(row: OutboxItem) -> OutboundMessage:
    return OutboundMessage(
        outbox_id=row.id,
        channel=Channel(row.channel),
        recipient_id=row.recipient_id,
        text=row.text,
        buttons=tuple(Button(payload=p, label=label) for p, label in row.buttons or []),
        sms_text=row.sms_text,
        reply_context=row.reply_context,
    )
