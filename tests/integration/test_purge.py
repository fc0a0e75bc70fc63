"""Retention purge: per-category periods, a dry run that counts exactly, and one run across two workers."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.clock import ManualClock
from bot.db.engine import make_engine, make_sessionmaker
from bot.db.migrate import upgrade
from bot.db.models import (
    AuditEvent,
    CallbackRequest,
    Contact,
    Conversation,
    HandoffNote,
    HandoffRequest,
    JobRun,
    OutboxItem,
    ProcessedInbound,
    TranscriptEntry,
)
from bot.purge import RetentionPolicy, run_purge, scheduled_purge
from tests import ops_data
from tests.ops_data import Msg

NOW = datetime(2026, 11, 23, 10, 0, tzinfo=ZoneInfo("Europe/Riga"))
POLICY = RetentionPolicy(transcripts_days=180, handoff_notes_days=365, bookings_days=730, audit_days=1095)
DAY = timedelta(days=1)


def ago(days: int) -> datetime:
    return NOW - days * DAY


@pytest.fixture
async def maker(db_url: str) -> AsyncIterator[async_sessionmaker[AsyncSession]]:
    engine = make_engine(db_url)
    await upgrade(engine)
    yield make_sessionmaker(engine)
    await engine.dispose()


def outbox(contact: Contact, conversation: Conversation, at: datetime, status: str) -> OutboxItem:
    return OutboxItem(
        conversation_id=conversation.id,
        contact_id=contact.id,
        channel=contact.channel,
        recipient_id=contact.external_id,
        text="Atbilde",
        buttons=[],
        status=status,
        attempts=1,
        next_attempt_at=at,
        created_at=at,
    )


async def seed(session: AsyncSession) -> None:
    old = await ops_data.conversation(
        session, [Msg("sen"), Msg("sen", direction="out")], at=ago(200), user="x"
    )
    session.add(outbox(old.contact, old.conversation, ago(200), "sent"))
    session.add(outbox(old.contact, old.conversation, ago(200), "pending"))  # stuck for months
    await ops_data.conversation(session, [Msg("nesen"), Msg("nesen", direction="out")], at=ago(1), user="y")
    z = await ops_data.conversation(session, [Msg("ļoti sen")], at=ago(400), user="z")
    session.add(
        HandoffRequest(
            conversation_id=z.conversation.id,
            priority=10,
            reason="asked",
            status="closed",
            created_at=ago(400),
            closed_at=ago(400),
        )
    )
    session.add(HandoffNote(conversation_id=z.conversation.id, text="piezīme", created_at=ago(400)))
    session.add(
        CallbackRequest(
            conversation_id=z.conversation.id, phone="+37126123456", preferred_time="rīt", created_at=ago(400)
        )
    )
    w = await ops_data.conversation(session, [Msg("pusgads")], at=ago(200), user="w")
    session.add(HandoffNote(conversation_id=w.conversation.id, text="vēl der", created_at=ago(200)))
    counsellor = await ops_data.counsellor(session, ago(1000))
    b = await ops_data.conversation(session, [], at=ago(900), user="b")
    await session.delete(b.conversation)
    await ops_data.booking(session, b.contact, counsellor.id, ago(800), status="done", at=ago(810))
    b2 = await ops_data.conversation(session, [], at=ago(900), user="b2")
    await session.delete(b2.conversation)
    await ops_data.booking(session, b2.contact, counsellor.id, ago(100), status="done", at=ago(110))
    session.add_all(
        [
            ProcessedInbound(channel="telegram", provider_message_id="1", created_at=ago(200)),
            ProcessedInbound(channel="telegram", provider_message_id="2", created_at=ago(1)),
            AuditEvent(
                actor="staff:1", action="conversation.view", subject="conversation:1", created_at=ago(1200)
            ),
            AuditEvent(
                actor="staff:1", action="conversation.view", subject="conversation:2", created_at=ago(10)
            ),
        ]
    )


EXPECTED = {
    "transcripts": {
        "transcript": 4,
        "outbox": 2,
        "processed_inbound": 1,
        "conversations": 2,
        "contacts": 3,
    },
    "handoff_notes": {"handoff_notes": 1, "handoff_requests": 1, "callback_requests": 1},
    "bookings": {"bookings": 1},
    "audit_log": {"audit_log": 1},
}


async def rows(maker: async_sessionmaker[AsyncSession], model: type[object]) -> int:
    async with maker() as session:
        return int(await session.scalar(select(func.count()).select_from(model)) or 0)


async def test_dry_run_counts_exactly_what_the_run_deletes(maker):
    async with maker() as session, session.begin():
        await seed(session)
    before = {m: await rows(maker, m) for m in (TranscriptEntry, Contact, Conversation, AuditEvent)}

    dry = await run_purge(maker, POLICY, NOW, dry_run=True)
    assert dry.counts == EXPECTED
    assert {m: await rows(maker, m) for m in before} == before  # nothing went

    real = await run_purge(maker, POLICY, NOW, dry_run=False)
    assert real.counts == EXPECTED
    async with maker() as session:
        users = set((await session.execute(select(Contact.external_id))).scalars())
        texts = set((await session.execute(select(TranscriptEntry.text))).scalars())
        notes = set((await session.execute(select(HandoffNote.text))).scalars())
        audit = (await session.execute(select(AuditEvent.action, AuditEvent.subject))).all()
    assert users == {"y", "w", "b2"}
    assert texts == {"nesen"}
    assert notes == {"vēl der"}
    assert await rows(maker, OutboxItem) == 0
    assert sorted(audit) == sorted(
        [
            ("conversation.view", "conversation:2"),
            ("retention_purge", "transcripts:12"),
            ("retention_purge", "handoff_notes:3"),
            ("retention_purge", "bookings:1"),
            ("retention_purge", "audit_log:1"),
        ]
    )
    assert (await run_purge(maker, POLICY, NOW, dry_run=False)).total() == 0  # idempotent


async def test_two_workers_purge_once_per_period(maker, db_url):
    async with maker() as session, session.begin():
        await seed(session)
    # a second worker: its own engine and connection pool on the same database
    other_engine = make_engine(db_url)
    other = make_sessionmaker(other_engine)
    clock = ManualClock(NOW)
    try:
        results = await asyncio.gather(
            scheduled_purge(maker, POLICY, clock, interval=DAY, runner="worker-1"),
            scheduled_purge(other, POLICY, clock, interval=DAY, runner="worker-2"),
        )
        ran = [r for r in results if r is not None]
        assert len(ran) == 1
        assert ran[0].counts == EXPECTED
        async with maker() as session:
            purges = await session.scalar(select(func.count()).where(AuditEvent.action == "retention_purge"))
            job = await session.get(JobRun, "retention_purge")
        assert purges == 4  # one line per category, from one run
        assert job is not None and job.leased_until == NOW + DAY and job.last_finished_at == NOW

        clock.advance(hours=23)  # still the same period: nobody runs
        again = await asyncio.gather(
            scheduled_purge(maker, POLICY, clock, interval=DAY, runner="worker-1"),
            scheduled_purge(other, POLICY, clock, interval=DAY, runner="worker-2"),
        )
        assert again == [None, None]

        clock.advance(hours=1)  # the next period: exactly one runs again
        later = await asyncio.gather(
            scheduled_purge(other, POLICY, clock, interval=DAY, runner="worker-2"),
            scheduled_purge(maker, POLICY, clock, interval=DAY, runner="worker-1"),
        )
        assert sum(r is not None for r in later) == 1
    finally:
        await other_engine.dispose()
