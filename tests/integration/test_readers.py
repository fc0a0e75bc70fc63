"""Read-only sessions (bot.db.engine.make_reader): they do not wait for a writer, and cannot write."""

from __future__ import annotations

import asyncio

import pytest
from sqlalchemy import select, update

from bot.db.engine import make_engine, make_reader, make_sessionmaker
from bot.db.migrate import upgrade
from bot.db.models import ConsoleSession


async def test_a_read_answers_while_a_writer_holds_the_lock_and_a_write_in_a_reader_fails(
    db_url: str,
) -> None:
    engine = make_engine(db_url)
    try:
        await upgrade(engine)
        writer, reader = make_sessionmaker(engine), make_reader(engine)
        async with writer() as holding, holding.begin():
            await holding.execute(select(ConsoleSession.id).limit(1))  # SQLite: BEGIN IMMEDIATE, the lock
            async with reader() as session:
                found = await asyncio.wait_for(session.execute(select(ConsoleSession.id)), 10)
                assert found.all() == []
        if engine.dialect.name == "postgresql":  # READ ONLY there: a write slipped into a reader fails loudly
            async with reader() as session:
                with pytest.raises(Exception, match="read-only transaction"):
                    await session.execute(update(ConsoleSession).values(last_seen_at=None))
    finally:
        await engine.dispose()
