"""Erasure leaves nothing about the person but a content-free audit line; the access export has everything."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from aiohttp import web
from sqlalchemy import func, select, text
from sqlalchemy.ext.asyncio import AsyncSession

from bot import keys
from bot.access import erase_by_staff, export_contact
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
    Reminder,
    SessionQuota,
    TranscriptEntry,
)
from bot.retention import pseudonym
from bot.search import SearchQuery, search
from tests import ops_data
from tests.factories import inbound

PERSONAL = ("Jānis", "26123456", "Olaines")
PER_PERSON = (
    Contact, Conversation, TranscriptEntry, HandoffRequest, HandoffNote, CallbackRequest, Booking, Reminder,
    SessionQuota,
)  # fmt: skip


async def _talk_and_enrich(app: web.Application, user: str = "person-1") -> int:
    """A person who wrote, was handed off, got notes, a call-back, a booking with reminders, a quota."""
    pipeline = app[keys.pipeline]
    await pipeline.handle(inbound("kā var satikt vīru Jānis Olaines cietumā? 26123456", user=user))
    await pipeline.handle(inbound("paldies", user=user))
    await app[keys.outbox].drain()
    now = app[keys.clock]()
    async with app[keys.sessionmaker]() as session, session.begin():
        contact = (await session.execute(select(Contact).where(Contact.external_id == user))).scalar_one()
        conversation = (
            await session.execute(select(Conversation).where(Conversation.contact_id == contact.id))
        ).scalar_one()
        session.add(
            HandoffRequest(
                conversation_id=conversation.id, priority=10, reason="asked", status="closed", created_at=now
            )
        )
        session.add(
            HandoffNote(conversation_id=conversation.id, text="Jānis, Olaines cietums", created_at=now)
        )
        session.add(
            CallbackRequest(
                conversation_id=conversation.id, phone="26123456", preferred_time="rīt", created_at=now
            )
        )
        counsellor = await ops_data.counsellor(session, now)
        booking = await ops_data.booking(
            session, contact, counsellor.id, now + timedelta(days=3), status="booked", at=now
        )
        session.add(Reminder(booking_id=booking.id, kind="24h", due_at=now + timedelta(days=2)))
        session.add(SessionQuota(contact_id=contact.id, sessions=3, updated_at=now))
        return contact.id


async def _count(session: AsyncSession, model: type[object]) -> int:
    return int(await session.scalar(select(func.count()).select_from(model)) or 0)


async def _assert_nothing_left(app: web.Application) -> None:
    async with app[keys.sessionmaker]() as session:
        for model in PER_PERSON:
            assert await _count(session, model) == 0, model.__name__
        page = await search(session, SearchQuery(text="Jānis"))
        assert page.hits == []
        if session.get_bind().dialect.name == "sqlite":  # the FTS index forgot the words too
            found = await session.scalar(
                text("SELECT count(*) FROM transcript_fts WHERE transcript_fts MATCH 'Olaines'")
            )
            assert found == 0
        leftovers = (await session.execute(select(OutboxItem))).scalars().all()
        assert all(o.status == OutboxStatus.PENDING and o.contact_id is None for o in leftovers)
        audit = (await session.execute(select(AuditEvent))).scalars().all()
    erased = [e for e in audit if e.action == "erase_contact"]
    assert len(erased) == 1 and erased[0].subject and erased[0].subject.startswith("contact:")
    for event in audit:  # no content in the audit log
        assert not any(p in f"{event.actor} {event.action} {event.subject}" for p in PERSONAL)


async def test_delete_my_data_flow_erases_everything(make_app, sender):
    app = await make_app()
    await _talk_and_enrich(app)
    await app[keys.pipeline].handle(inbound("dzēsiet manus datus"))
    await app[keys.outbox].drain()  # the explanation went out
    await app[keys.pipeline].handle(inbound("jā", payload="erase:yes"))
    async with app[keys.sessionmaker]() as session:
        pending = (await session.execute(select(OutboxItem))).scalars().all()
    assert [o.status for o in pending] == ["pending"]  # only the confirmation, not yet sent
    await _assert_nothing_left(app)
    await app[keys.outbox].drain()
    assert sender.sent[-1].recipient_id == "person-1"  # and it still arrives


# every row of a person whose id staff see (console links, "Person 5", message numbers) or the audit log names
SHOWN_IDS = (
    Contact, Conversation, TranscriptEntry, HandoffRequest, HandoffNote, CallbackRequest, Booking, Reminder,
    OutboxItem,
)  # fmt: skip


async def _ids(app: web.Application, model: type[Any]) -> list[int]:
    async with app[keys.sessionmaker]() as session:
        return list((await session.execute(select(model.id).order_by(model.id))).scalars())


async def test_the_next_person_never_gets_an_erased_persons_ids(make_app):
    """Staff QA (privacy): on SQLite, after "delete my data" the next new person got the erased person's
    contact, conversation and message ids, so the erasure's audit line (a hash of channel and contact id)
    and every `conversation:1` or `transcript:3` audit line, and a console link kept for the erased person,
    named the new person instead."""
    app = await make_app()
    await _talk_and_enrich(app, "person-1")
    erased_ids = {model: await _ids(app, model) for model in SHOWN_IDS}
    pipeline = app[keys.pipeline]
    await pipeline.handle(inbound("dzēsiet manus datus"))
    await app[keys.outbox].drain()
    await pipeline.handle(inbound("jā", payload="erase:yes"))
    await _assert_nothing_left(app)
    await app[keys.outbox].drain()

    new_contact_id = await _talk_and_enrich(app, "person-2")
    for model in SHOWN_IDS:
        now_ids = await _ids(app, model)
        assert erased_ids[model] and now_ids, model.__name__
        assert min(now_ids) > max(erased_ids[model]), (model.__name__, erased_ids[model], now_ids)
    async with app[keys.sessionmaker]() as session:
        erased = (
            await session.execute(select(AuditEvent).where(AuditEvent.action == "erase_contact"))
        ).scalar_one()
        newcomer = await session.get(Contact, new_contact_id)
    assert newcomer is not None and erased.subject != pseudonym(newcomer)


async def test_staff_erasure_is_the_same_and_audited_with_the_actor(make_app):
    app = await make_app()
    contact_id = await _talk_and_enrich(app)
    async with app[keys.sessionmaker]() as session, session.begin():
        subject = await erase_by_staff(session, contact_id, actor="staff:3", now=app[keys.clock]())
    async with app[keys.sessionmaker]() as session:
        event = (
            await session.execute(select(AuditEvent).where(AuditEvent.action == "erase_contact"))
        ).scalar_one()
    assert (event.actor, event.subject) == ("staff:3", subject)
    async with app[keys.sessionmaker]() as session:
        assert await _count(session, OutboxItem) == 0  # everything had been sent: no copies kept
    await _assert_nothing_left(app)


async def test_access_export_has_everything_about_the_person(make_app):
    app = await make_app()
    contact_id = await _talk_and_enrich(app)
    async with app[keys.sessionmaker]() as session, session.begin():
        data = await export_contact(session, contact_id, actor="staff:3", now=app[keys.clock]())
    assert data["contact"]["external_id"] == "person-1"
    (conversation,) = data["conversations"]
    texts = [m["text"] for m in conversation["messages"]]
    assert (
        texts[0] == "kā var satikt vīru Jānis Olaines cietumā? 26123456"
    )  # the person's own words, unmasked
    assert any(m["direction"] == "out" for m in conversation["messages"])
    assert conversation["handoff_requests"][0]["reason"] == "asked"
    assert conversation["coordinator_notes"] == [
        {"at": conversation["coordinator_notes"][0]["at"], "text": "Jānis, Olaines cietums"}
    ]
    assert conversation["callback_requests"][0]["phone"] == "26123456"
    assert [b["status"] for b in data["bookings"]] == ["booked"]
    async with app[keys.sessionmaker]() as session:
        event = (await session.execute(select(AuditEvent))).scalars().all()[-1]
    assert (event.actor, event.action) == ("staff:3", "export_contact")
