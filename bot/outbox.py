"""The outbox worker: claims due rows, sends through the channel's Sender, retries with backoff."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from collections.abc import Awaitable, Callable, Mapping
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import BindParameter, Table, and_, bindparam, func, or_, select, update
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker
from sqlalchemy.orm import aliased

from bot.channels.base import RecipientGone, Sender, SendError
from bot.clock import Clock
from bot.db.errors import database_unavailable
from bot.db.models import (
    Author,
    Contact,
    Conversation,
    OutboxItem,
    OutboxStatus,
    Owner,
    Reminder,
    ReminderStatus,
    waiting,
)
from bot.messages import Button, Channel, OutboundMessage
from bot.metrics import Metrics
from bot.outbox_marks import Claimed, Mark, MarkRecorder

log = logging.getLogger(__name__)

LEASE = timedelta(seconds=60)  # a claimed row whose worker died is taken again after this
# when the database comes back after an outage, a worker takes no row of another worker for this long, even
# if its lease ended meanwhile: that worker may be alive and about to record that the row was sent
# (bench/faults/sms_outage.py: a reply sent as PostgreSQL stopped for a minute went out twice when another
# worker took it the moment the database was back)
RECOVERY_GRACE = timedelta(seconds=10)
MAX_BACKOFF = 300.0


_OUTBOX: Table = OutboxItem.__table__  # type: ignore[assignment]  # declarative tables are Tables


def _claim_statement() -> Any:
    """Due rows of the given channels, oldest first, each with its person's and conversation's flags.

    Built once: building this ORM query with its alias on every pass cost about 8% of a busy worker (py-spy).
    """
    earlier = aliased(OutboxItem)
    now: BindParameter[Any] = bindparam("now")  # typed by the columns it is compared with
    # only the oldest undelivered row of each conversation: replies keep their order. A scalar subquery
    # in the conversation index's own order, not NOT EXISTS: during a rush the planner's statistics lag the
    # backlog, and the anti-join it then chose compared every candidate with every waiting row (63 ms per
    # claim at 6,000 waiting replies, against 0.3 ms this way; migration 0009)
    first_of_conversation = (
        select(earlier.id)
        .where(earlier.conversation_id == OutboxItem.conversation_id, waiting(earlier))
        .order_by(earlier.conversation_id, earlier.id)
        .limit(1)
        .scalar_subquery()
    )
    in_turn = or_(OutboxItem.conversation_id.is_(None), OutboxItem.id == first_of_conversation)
    # waiting(): the partial index ix_outbox_waiting, read in id order (migration 0009)
    due = and_(
        waiting(OutboxItem),
        or_(
            and_(OutboxItem.status == OutboxStatus.PENDING, OutboxItem.next_attempt_at <= now),
            and_(OutboxItem.status == OutboxStatus.SENDING, OutboxItem.lease_until < bindparam("expired")),
        ),
    )
    # the person's and the conversation's flags come with the rows (one statement, not three);
    # only the outbox rows are locked: a turn of the same person need not wait for a delivery
    # Core rows, not ORM objects: the claim is settled by two prebuilt UPDATEs below, without the session's
    # identity map and unit of work (3.5% of a busy worker, py-spy)
    return (
        select(_OUTBOX, Contact.blocked, Contact.opted_out, Conversation.owner)
        .outerjoin(Contact, Contact.id == OutboxItem.contact_id)
        .outerjoin(Conversation, Conversation.id == OutboxItem.conversation_id)
        .where(due, OutboxItem.channel.in_(bindparam("channels", expanding=True)), in_turn)
        .order_by(OutboxItem.id)
        .limit(bindparam("limit"))
        .with_for_update(of=_OUTBOX, skip_locked=True)
    )


_CLAIM = _claim_statement()
# For this transaction only, PostgreSQL reads the queue in index order and stops at the limit. In a rush its
# statistics lag the backlog (taken when nearly every row was sent), and it then chose a bitmap scan of
# every waiting entry plus a sort: 12 ms per claim at 100 webhooks in flight (auto_explain), and bitmap
# scans never mark the entries of delivered rows dead, so the next claim read them all again.
QUEUE_PLAN = select(
    func.set_config("enable_bitmapscan", "off", True), func.set_config("enable_sort", "off", True)
)


OnSent = Callable[[AsyncSession, int | None], Awaitable[None]]  # (the mark's session, conversation id)
Delivered = Callable[[], Awaitable[None]]


def backoff(attempts: int) -> float:
    return float(min(2 ** max(attempts - 1, 0), MAX_BACKOFF))


class OutboxWorker:
    def __init__(
        self,
        *,
        sessionmaker: async_sessionmaker[AsyncSession],
        senders: Mapping[Channel, Sender],
        clock: Clock,
        batch: int,  # HELPLINE_OUTBOX_BATCH: its default lives in Settings alone
        max_attempts: int = 8,
        lease: timedelta = LEASE,
        metrics: Metrics | None = None,
        on_sent: Mapping[Channel, OnSent] | None = None,
        delivered: Mapping[Channel, Delivered] | None = None,
    ) -> None:
        self.sessionmaker = sessionmaker
        self.senders = senders
        self.clock = clock
        self.max_attempts = max_attempts
        self.batch = batch
        self.lease = lease
        self.metrics = metrics or Metrics()
        # per channel, run in the transaction that marks one of its rows sent (e.g. NOTIFY other workers)
        self.on_sent: Mapping[Channel, OnSent] = on_sent or {}
        # per channel, run once a row's "sent" is committed: the web chat's pages in this process read the
        # row then (woken by its sender, they looked before the mark and waited a whole long poll)
        self.delivered: Mapping[Channel, Delivered] = delivered or {}
        self._wake = asyncio.Event()
        self._marks = MarkRecorder(self._write_marks)
        self._away = False  # the last claim found the database away
        self._grace_until = 0.0  # time.monotonic() until which RECOVERY_GRACE applies
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
            # cleared before the pass, not after it: a wake that comes while a pass runs (a turn committed
            # after the claim read the table) would be lost, and its reply left for the next poll
            self._wake.clear()
            try:
                sent = await self.drain_once()
            except Exception:
                log.exception("outbox pass failed; retrying")
                self.metrics.error("outbox_pass")
                sent = 0
            if sent == 0 and not self._stopping:
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
        grace = self._away or time.monotonic() < self._grace_until
        try:
            result = await self._claim_rows(channels, grace)
        except Exception as exc:
            if database_unavailable(exc):
                self._away = True
            raise
        if self._away:  # the database is back: workers that held rows get a moment to record them
            self._away = False
            self._grace_until = time.monotonic() + RECOVERY_GRACE.total_seconds()
        return result

    async def _claim_rows(self, channels: list[str], grace: bool) -> tuple[list[Claimed], int]:
        async with self.sessionmaker() as session, session.begin():
            now = self.clock()
            # in the grace after an outage no lease counts as ended (NULL compares false), however long ago
            expired = None if grace else now
            params = {"now": now, "expired": expired, "channels": channels, "limit": self.batch}
            if session.get_bind().dialect.name == "postgresql":
                await session.execute(QUEUE_PLAN)
            rows = (await session.execute(_CLAIM, params)).all()
            claimed: list[Claimed] = []
            cancelled: list[dict[str, Any]] = []
            held: list[int] = []  # dropped only because a coordinator holds the chat
            for row in rows:
                silenced = bool(row.blocked or row.opted_out)
                if _must_not_send(row, silenced, row.owner):
                    cancelled.append({"row_id": row.id})
                    if not silenced:
                        held.append(row.id)
                    continue
                attempts = row.attempts + 1
                claimed.append(Claimed(_message(row), attempts, row.conversation_id, row.contact_id))
            if claimed:
                lease_until = now + self.lease
                taken = [
                    {"row_id": c.message.outbox_id, "attempts": c.attempts, "lease": lease_until}
                    for c in claimed
                ]
                await session.execute(_MARK_SENDING, taken)
            if cancelled:
                await session.execute(_MARK_CANCELLED, cancelled)
            if held:
                await session.execute(_REMIND_AGAIN, {"rows": held})
            return claimed, len(cancelled)

    async def _deliver(self, item: Claimed) -> None:
        message = item.message
        sender = self.senders[message.channel]
        try:
            provider_id = await sender.send(message)
        except RecipientGone as exc:
            self.metrics.error("send_dead")
            await self._marks.record(Mark(item, OutboxStatus.DEAD, error=exc.reason, gone=True))
        except SendError as exc:
            # "slow down" (429 with retry_after) is the provider's pacing, not a failure: it costs no attempt,
            # else a minute of throttling would mark replies dead
            throttled = exc.retryable and exc.retry_after is not None
            if not exc.retryable or (item.attempts >= self.max_attempts and not throttled):
                self.metrics.error("send_dead")
                await self._marks.record(Mark(item, OutboxStatus.DEAD, error=exc.reason))
            else:
                self.metrics.error("send_retry")
                delay = exc.retry_after if exc.retry_after is not None else backoff(item.attempts)
                mark = Mark(item, OutboxStatus.PENDING, error=exc.reason, delay=delay, refund=throttled)
                await self._marks.record(mark)
        except Exception as exc:  # an unexpected failure in a sender is treated as retryable
            log.exception("sender failed", extra={"outbox_id": message.outbox_id})
            self.metrics.error("send_retry")
            error = type(exc).__name__
            if item.attempts >= self.max_attempts:
                await self._marks.record(Mark(item, OutboxStatus.DEAD, error=error))
            else:
                await self._marks.record(
                    Mark(item, OutboxStatus.PENDING, error=error, delay=backoff(item.attempts))
                )
        else:
            await self._marks.record(Mark(item, OutboxStatus.SENT, provider_id=provider_id))
            self.metrics.delivered(str(message.channel))
            if (tell := self.delivered.get(message.channel)) is not None:
                await tell()

    async def _write_marks(self, marks: list[Mark]) -> None:
        """Record what became of a group of deliveries, in one transaction.

        A sent message must be marked sent even if the database hiccups (or restarts): else it would go
        out twice once its lease expires. So keep trying: for half the lease after an ordinary error, and for
        as long as it takes while the database is away, since then nobody can claim the rows again either
        (bench/faults/sms_outage.py: a reply sent as PostgreSQL stopped went out twice when this gave up at
        half the lease). A mark written after the lease ended is still true: the row was sent.
        """
        deadline = time.monotonic() + self.lease.total_seconds() / 2
        plain = all(
            m.status == OutboxStatus.SENT and m.item.message.channel not in self.on_sent for m in marks
        )
        attempt = 0
        while True:
            try:
                async with self.sessionmaker() as session:
                    if plain and session.get_bind().dialect.name == "postgresql":
                        await self._mark_sent_at_once(session, marks)
                    else:
                        async with session.begin():
                            await self._apply(session, marks)
                return
            except Exception as exc:
                away = database_unavailable(exc)
                # this worker's next claim also leaves others' rows alone for a while (RECOVERY_GRACE): they
                # may be marking theirs too
                self._away = self._away or away
                if attempt == 0 or not away:
                    log.exception("could not record deliveries; retrying", extra={"rows": len(marks)})
                if time.monotonic() > deadline and not away:
                    raise
                await asyncio.sleep(min(0.2 * 2 ** min(attempt, 4), 1.0 if away else 2.0))
                attempt += 1

    async def _mark_sent_at_once(self, session: AsyncSession, marks: list[Mark]) -> None:
        """Replies that were only sent (the usual group): one statement in one round trip, no transaction.

        BEGIN, the commit setting, the UPDATE and COMMIT were four round trips, about half of the window in
        which kill -9 makes a reply go out twice (Telegram has it, the database does not say so yet): 5.7 to
        6.6 ms mean at 200 replies/s, 2.7 to 4.1 this way (bench/faults/window.py; docs/production.md, item
        22). asyncpg sends the rows of an executemany with one Sync: PostgreSQL runs them as one implicit
        transaction, all or none.
        """
        connection = await session.connection(execution_options={"isolation_level": "AUTOCOMMIT"})
        await connection.execute(_MARK_SENT_QUICKLY, _sent_rows(marks, self.clock()))

    async def _apply(self, session: AsyncSession, marks: list[Mark]) -> None:
        now = self.clock()
        sent = [m for m in marks if m.status == OutboxStatus.SENT]
        if sent:
            # one executemany for all of them (asyncpg sends the rows in one round trip)
            postgres = session.get_bind().dialect.name == "postgresql"
            await session.execute(_MARK_SENT_QUICKLY if postgres else _MARK_SENT, _sent_rows(sent, now))
        for mark in marks:
            outbox_id = mark.item.message.outbox_id
            if mark.status == OutboxStatus.DEAD:
                await session.execute(
                    update(OutboxItem)
                    .where(OutboxItem.id == outbox_id)
                    .values(status=OutboxStatus.DEAD, lease_until=None, last_error=(mark.error or "")[:255])
                )
                contact_id = mark.item.contact_id
                if mark.gone and contact_id is not None:
                    blocking = update(Contact).where(Contact.id == contact_id).values(blocked=True)
                    await session.execute(blocking)
            elif mark.status == OutboxStatus.PENDING:
                await session.execute(
                    update(OutboxItem)
                    .where(OutboxItem.id == outbox_id)
                    .values(
                        status=OutboxStatus.PENDING,
                        lease_until=None,
                        next_attempt_at=now + timedelta(seconds=mark.delay),
                        last_error=(mark.error or "")[:255],
                        attempts=OutboxItem.attempts - 1 if mark.refund else OutboxItem.attempts,
                    )
                )
            elif (announce := self.on_sent.get(mark.item.message.channel)) is not None:
                await announce(session, mark.item.conversation_id)


# Core, not ORM: an ORM UPDATE with a list of parameters would be a bulk update by primary key
_MARK_SENT = (
    update(_OUTBOX)
    .where(_OUTBOX.c.id == bindparam("row_id"))
    .values(
        status=OutboxStatus.SENT,
        lease_until=None,
        provider_message_id=bindparam("pid"),
        sent_at=bindparam("at"),
    )
)

# PostgreSQL: the same, and the transaction that runs it commits without waiting for the WAL to reach the
# disk. A reply that Telegram has but the database has not yet marked is sent again if its worker dies
# (kill -9); the disk flush is part of that window (docs/production.md, items 21-22). The price: if
# PostgreSQL itself crashes (not a clean restart), the last fraction of a second of marks can be lost and
# those replies go out twice; nothing is lost, and turns keep synchronous commits. The setting travels in
# the WHERE clause, so that no statement goes before it (the lone mark has no transaction to put one in):
# set_config() is evaluated before the row changes, and PostgreSQL reads synchronous_commit when it commits,
# before the transaction-local setting is dropped.
_MARK_SENT_QUICKLY = _MARK_SENT.where(func.set_config("synchronous_commit", "off", True) == "off")


def _sent_rows(marks: list[Mark], now: datetime) -> list[dict[str, Any]]:
    return [{"row_id": m.item.message.outbox_id, "pid": m.provider_id, "at": now} for m in marks]


_MARK_SENDING = (
    update(_OUTBOX)
    .where(_OUTBOX.c.id == bindparam("row_id"))
    .values(status=OutboxStatus.SENDING, attempts=bindparam("attempts"), lease_until=bindparam("lease"))
)
_MARK_CANCELLED = (
    update(_OUTBOX).where(_OUTBOX.c.id == bindparam("row_id")).values(status=OutboxStatus.CANCELLED)
)

# A reminder whose row is dropped under a coordinator is pending again, and the reminder worker sends it after
# the hand-back (it holds back while a coordinator has the chat). It had been marked sent when queued, so a
# coordinator who took over in the moment before delivery cost the person their reminder (bookings QA).
_REMIND_AGAIN = (
    update(Reminder)
    .where(Reminder.outbox_id.in_(bindparam("rows", expanding=True)), Reminder.status == ReminderStatus.SENT)
    .values(status=ReminderStatus.PENDING, sent_at=None, outbox_id=None)
)


def _must_not_send(row: Any, silenced: bool, owner: str | None) -> bool:
    """The send layer enforces it: no bot words under a human, none to a blocked or opted-out person."""
    if row.author != Author.BOT:
        return False  # a coordinator's words and compliance messages (the STOP confirmation) still go
    return silenced or owner == Owner.HUMAN


def _message(row: Any) -> OutboundMessage:
    """An outbox row (ORM object or Core row: the same attribute names) as the senders take it."""
    return OutboundMessage(
        outbox_id=row.id,
        channel=Channel(row.channel),
        recipient_id=row.recipient_id,
        text=row.text,
        buttons=tuple(Button(payload=p, label=label) for p, label in row.buttons or []),
        sms_text=row.sms_text,
        reply_context=row.reply_context,
        label=row.label,
    )
