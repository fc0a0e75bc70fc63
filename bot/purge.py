"""Retention: delete each category of data when its period (settings, in days) has passed.

Categories: transcripts (with sent outbox rows and dedupe keys), hand-off notes (with hand-off requests
and call-back requests), bookings (with their reminders), the audit log. Conversations and contacts are
containers: they go once nothing of any category is left in them and they have been idle for the
transcript period. A dry run performs the same deletes inside a transaction and rolls it back, so its
counts are exactly what a real run would delete.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
import socket
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from aiohttp import web
from sqlalchemy import Delete, delete, exists, func
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot import jobs, keys
from bot.clock import Clock
from bot.db.models import (
    AuditEvent,
    Booking,
    CallbackRequest,
    Contact,
    Conversation,
    HandoffNote,
    HandoffRequest,
    OutboxItem,
    OutboxStatus,
    ProcessedInbound,
    TranscriptEntry,
)
from bot.settings import Settings

log = logging.getLogger(__name__)
JOB_NAME = "retention_purge"
RUN_LEASE = timedelta(hours=1)  # a crashed run's claim expires after this


@dataclass(frozen=True, slots=True)
class RetentionPolicy:
    transcripts_days: int
    handoff_notes_days: int
    bookings_days: int
    audit_days: int

    @classmethod
    def from_settings(cls, settings: Settings) -> RetentionPolicy:
        return cls(
            transcripts_days=settings.retention_transcripts_days,
            handoff_notes_days=settings.retention_handoff_notes_days,
            bookings_days=settings.retention_bookings_days,
            audit_days=settings.retention_audit_days,
        )


@dataclass(frozen=True, slots=True)
class PurgeReport:
    """Rows deleted (or, on a dry run, that would be), per category and table."""

    counts: dict[str, dict[str, int]] = field(default_factory=dict)
    dry_run: bool = False

    def total(self, category: str | None = None) -> int:
        groups = [self.counts.get(category, {})] if category else list(self.counts.values())
        return sum(sum(group.values()) for group in groups)

    def lines(self) -> list[str]:
        verb = "would delete" if self.dry_run else "deleted"
        out = []
        for category, tables in self.counts.items():
            detail = ", ".join(f"{table} {n}" for table, n in tables.items())
            out.append(f"{category}: {verb} {sum(tables.values())} ({detail})")
        return out


async def _count(session: AsyncSession, statement: Delete) -> int:
    result = await session.execute(statement.execution_options(synchronize_session=False))
    return int(getattr(result, "rowcount", 0) or 0)


async def _transcripts(session: AsyncSession, cut: datetime) -> dict[str, int]:
    # sent, failed or cancelled copies of replies; and replies still unsent after the whole period,
    # which would only arrive months late (a row being sent right now is left to its worker)
    return {
        "transcript": await _count(session, delete(TranscriptEntry).where(TranscriptEntry.created_at < cut)),
        "outbox": await _count(
            session,
            delete(OutboxItem).where(OutboxItem.created_at < cut, OutboxItem.status != OutboxStatus.SENDING),
        ),
        "processed_inbound": await _count(
            session, delete(ProcessedInbound).where(ProcessedInbound.created_at < cut)
        ),
    }


async def _handoff_notes(session: AsyncSession, cut: datetime) -> dict[str, int]:
    finished = func.coalesce(HandoffRequest.closed_at, HandoffRequest.created_at)
    return {
        "handoff_notes": await _count(session, delete(HandoffNote).where(HandoffNote.created_at < cut)),
        "handoff_requests": await _count(
            session,
            delete(HandoffRequest).where(HandoffRequest.status.not_in(("open", "claimed")), finished < cut),
        ),
        "callback_requests": await _count(
            session, delete(CallbackRequest).where(CallbackRequest.created_at < cut)
        ),
    }


async def _bookings(session: AsyncSession, cut: datetime) -> dict[str, int]:
    # by the session's end, so a future booking is never purged; reminders go by ON DELETE CASCADE
    return {"bookings": await _count(session, delete(Booking).where(Booking.ends_at < cut))}


async def _audit(session: AsyncSession, cut: datetime) -> dict[str, int]:
    return {"audit_log": await _count(session, delete(AuditEvent).where(AuditEvent.created_at < cut))}


async def _containers(session: AsyncSession, cut: datetime) -> dict[str, int]:
    """Idle conversations with nothing left in them, then contacts with nothing left at all."""
    held_by = (TranscriptEntry, HandoffRequest, HandoffNote, CallbackRequest)
    empty = [~exists().where(model.conversation_id == Conversation.id) for model in held_by]
    conversations = await _count(session, delete(Conversation).where(Conversation.updated_at < cut, *empty))
    pending = (OutboxStatus.PENDING, OutboxStatus.SENDING)
    contacts = await _count(
        session,
        delete(Contact).where(
            Contact.created_at < cut,
            ~exists().where(Conversation.contact_id == Contact.id),
            ~exists().where(Booking.contact_id == Contact.id),
            ~exists().where(OutboxItem.contact_id == Contact.id, OutboxItem.status.in_(pending)),
        ),
    )
    return {"conversations": conversations, "contacts": contacts}


async def purge(
    session: AsyncSession, policy: RetentionPolicy, now: datetime, *, dry_run: bool = False
) -> PurgeReport:
    """Delete (in the caller's transaction) what has outlived its period; audit one line per category."""
    days = timedelta(days=1)
    counts = {
        "transcripts": await _transcripts(session, now - policy.transcripts_days * days),
        "handoff_notes": await _handoff_notes(session, now - policy.handoff_notes_days * days),
        "bookings": await _bookings(session, now - policy.bookings_days * days),
        "audit_log": await _audit(session, now - policy.audit_days * days),
    }
    counts["transcripts"].update(await _containers(session, now - policy.transcripts_days * days))
    report = PurgeReport(counts=counts, dry_run=dry_run)
    if not dry_run:
        for category in counts:
            session.add(
                AuditEvent(
                    actor="system",
                    action="retention_purge",
                    subject=f"{category}:{report.total(category)}",
                    created_at=now,
                )
            )
    return report


async def run_purge(
    sessionmaker: async_sessionmaker[AsyncSession], policy: RetentionPolicy, now: datetime, *, dry_run: bool
) -> PurgeReport:
    """One transaction; rolled back on a dry run."""
    async with sessionmaker() as session:
        transaction = await session.begin()
        try:
            report = await purge(session, policy, now, dry_run=dry_run)
        except BaseException:
            await transaction.rollback()
            raise
        if dry_run:
            await transaction.rollback()
        else:
            await transaction.commit()
        return report


def runner_id() -> str:
    return f"{socket.gethostname()}:{os.getpid()}"


async def scheduled_purge(
    sessionmaker: async_sessionmaker[AsyncSession],
    policy: RetentionPolicy,
    clock: Clock,
    *,
    interval: timedelta,
    runner: str,
) -> PurgeReport | None:
    """Run the purge if this runner wins the period's lease; None when another runner has it."""
    now = clock()
    if not await jobs.claim(sessionmaker, JOB_NAME, now=now, lease=RUN_LEASE, runner=runner):
        return None
    report = await run_purge(sessionmaker, policy, now, dry_run=False)
    await jobs.finish(sessionmaker, JOB_NAME, now=clock(), next_run=now + interval)
    log.info("retention purge: %s", "; ".join(report.lines()))
    return report


async def purge_context(app: web.Application) -> AsyncIterator[None]:
    """cleanup_ctx: a background loop that tries the lease now and then; one worker purges per period."""
    settings = app[keys.settings]
    interval = timedelta(hours=settings.retention_purge_interval_hours)
    check = min(interval, timedelta(minutes=10)).total_seconds()

    async def loop() -> None:
        policy = RetentionPolicy.from_settings(settings)
        runner = runner_id()
        while True:
            await asyncio.sleep(check)  # not at start-up: let the app (and tests) settle first
            try:
                await scheduled_purge(
                    app[keys.sessionmaker], policy, app[keys.clock], interval=interval, runner=runner
                )
            except Exception:
                log.exception("retention purge failed; retried at the next check")

    task = asyncio.create_task(loop(), name="retention-purge")
    yield
    task.cancel()
    with contextlib.suppress(asyncio.CancelledError):
        await task
