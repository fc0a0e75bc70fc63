"""The turn's rows written by Core statements behave like the ORM objects the rest of the code changes."""

from __future__ import annotations

import asyncio
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import select

from bot import store
from bot.db.models import Contact, Conversation, OutboxItem, Owner, TranscriptEntry
from bot.messages import Channel
from tests.integration.booking_setup import database

NOW = datetime(2026, 11, 23, 10, 0, tzinfo=ZoneInfo("Europe/Riga"))


async def test_a_contact_the_session_already_holds_is_the_same_object_refreshed(db_url: str) -> None:
    async with database(db_url) as sm:
        async with sm() as session, session.begin():
            first = await store.lock_contact(session, Channel.SMS, "+37120000001", NOW)
            again = await store.lock_contact(session, Channel.SMS, "+37120000001", NOW, first_name="Inese")
            assert again is first and first.first_name == "Inese"
        async with sm() as session:
            (stored,) = (await session.scalars(select(Contact))).all()
            assert stored.first_name == "Inese"


async def test_changes_to_adopted_rows_are_saved_and_the_transcript_keeps_its_order(db_url: str) -> None:
    async with database(db_url) as sm:
        async with sm() as session, session.begin():
            contact = await store.lock_contact(session, Channel.WEB, "person-adopted", NOW)
            conversation = await store.open_conversation(session, contact, NOW)
            replies = [
                store.QueuedReply("first", None, []),
                store.QueuedReply("second", None, [["/help", "?"]]),
            ]
            await store.write_turn(
                session,
                conversation=conversation,
                contact=contact,
                inbound=store.InboundRecord(text="hello", kind="text", intent="greet"),
                replies=replies,
                state='{"lang": "lv"}',
                now=NOW,
                language="lv",
            )
            conversation.owner = Owner.WAITING  # e.g. a hand-off in the same turn: flushed by the ORM
        async with sm() as session:
            saved = (await session.scalars(select(Conversation))).one()
            person = (await session.scalars(select(Contact))).one()
            lines = (await session.scalars(select(TranscriptEntry).order_by(TranscriptEntry.id))).all()
            outbox = {row.id: row for row in (await session.scalars(select(OutboxItem))).all()}
        assert saved.owner == Owner.WAITING and saved.state == '{"lang": "lv"}' and person.language == "lv"
        assert [(line.direction, line.text) for line in lines] == [
            ("in", "hello"),
            ("out", "first"),
            ("out", "second"),
        ]
        assert lines[0].intent == "greet" and lines[0].outbox_id is None
        # each reply's line points at its own outbox row (the ids came back in the rows' order)
        assert [outbox[line.outbox_id].text for line in lines[1:] if line.outbox_id] == ["first", "second"]
        assert outbox[lines[2].outbox_id or 0].buttons == [["/help", "?"]]


async def test_batches_lock_people_in_one_order_so_two_workers_cannot_deadlock(db_url: str) -> None:
    if not db_url.startswith("postgresql"):
        pytest.skip("row locks are PostgreSQL's; SQLite has one writer at a time")
    names = ("anna", "boris", "clara")
    async with database(db_url) as sm:
        async with sm() as session, session.begin():
            await store.lock_contacts(session, [store.ContactSeen(Channel.WEB, n) for n in names], NOW)

        async def batch(people: list[str]) -> None:
            async with sm() as session, session.begin():
                await store.lock_contacts(session, [store.ContactSeen(Channel.WEB, n) for n in people], NOW)

        # a third transaction holds boris: worker x's batch must wait for him, worker y's batch for x
        async with sm() as holder:
            await holder.begin()
            await store.lock_contact(holder, Channel.WEB, "boris", NOW)
            x = asyncio.create_task(batch(["clara", "boris", "anna"]))
            await asyncio.sleep(0.3)
            y = asyncio.create_task(batch(["anna", "clara"]))
            await asyncio.sleep(0.3)
            assert not x.done() and not y.done()
            await holder.rollback()
        # in the callers' order, x would hold clara and wait for anna while y held anna and waited for clara:
        # PostgreSQL would end one of them with a deadlock error
        await asyncio.wait_for(asyncio.gather(x, y), 10)


async def test_a_person_named_twice_gets_one_conversation(db_url: str) -> None:
    async with database(db_url) as sm:
        async with sm() as session, session.begin():
            anna, boris = await store.lock_contacts(
                session,
                [store.ContactSeen(Channel.WEB, "anna-x"), store.ContactSeen(Channel.WEB, "boris-x")],
                NOW,
            )
            found, _ = await store.open_conversations_with(
                session, [anna, boris, anna], NOW, store.OpenConversation.build(None)
            )
            assert [c.contact_id for c in found] == [anna.id, boris.id, anna.id]
            assert found[0] is found[2]
        async with sm() as session:
            rows = (await session.scalars(select(Conversation))).all()
        assert sorted(c.contact_id for c in rows) == sorted([anna.id, boris.id])
