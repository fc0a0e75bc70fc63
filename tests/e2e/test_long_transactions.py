"""The browser tests' watch on SQLite's write lock names the code that holds it too long."""

from __future__ import annotations

import asyncio
import logging
from pathlib import Path

import pytest
from sqlalchemy import text

from bot.db.engine import make_engine
from tests.e2e.long_transactions import armed, watched


async def test_a_transaction_held_too_long_is_logged_with_where_it_began(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    engine = make_engine(f"sqlite+aiosqlite:///{tmp_path / 'lock.db'}")
    try:
        with caplog.at_level(logging.WARNING, "tests.long_transactions"), watched(engine, limit=0.2):
            async with engine.connect() as quick:
                await quick.execute(text("SELECT 1"))
                await quick.commit()
            await asyncio.sleep(0.5)
            assert not caplog.records  # a short transaction is not reported

            async with engine.connect() as slow:
                await slow.execute(text("SELECT 1"))
                await asyncio.sleep(0.6)  # holds BEGIN IMMEDIATE's lock meanwhile
                await slow.rollback()
    finally:
        await engine.dispose()
    reports = [r.getMessage() for r in caplog.records]
    assert len(reports) == 1, reports
    assert "test_a_transaction_held_too_long_is_logged" in reports[0]


async def test_a_holder_that_began_before_the_watch_is_named_by_where_it_took_its_connection(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    """A CI run timed out with five transactions waiting for the write lock and none of them its holder:
    the holder had begun before the watch (an app's start-up tasks begin before its engine can be watched).
    The waiter's report is followed by every connection out of the pool too long, holder included."""
    engine = make_engine(f"sqlite+aiosqlite:///{tmp_path / 'lock.db'}")

    async def waiter() -> None:
        async with engine.connect() as connection:
            await connection.execute(text("SELECT 1"))  # waits in BEGIN IMMEDIATE
            await connection.commit()

    try:
        with caplog.at_level(logging.WARNING, "tests.long_transactions"), armed():
            async with engine.connect() as holder:
                await holder.execute(text("SELECT 1"))  # holds the write lock, unwatched
                with watched(engine, limit=0.2):
                    waiting = asyncio.create_task(waiter())
                    await asyncio.sleep(0.8)
                await holder.rollback()
            await waiting
    finally:
        await engine.dispose()
    reports = [r.getMessage() for r in caplog.records]
    assert any(r.startswith("a transaction open") and "waiter" in r for r in reports), reports
    taken = [r for r in reports if r.startswith("a connection out of the pool")]
    assert any("test_a_holder_that_began_before_the_watch" in r for r in taken), reports


async def test_watching_does_not_break_a_transaction_that_is_beginning(tmp_path: Path) -> None:
    """The watch begins once the app runs, and ends while it still runs: its outbox or reminders may be
    waiting for the write lock in the middle of BEGIN just then. Adding the watch's hooks at that moment
    broke that transaction ("deque mutated during iteration": the outbox's or the reminders' pass failed
    at the start of a browser test), and the transaction was not watched either."""
    engine = make_engine(f"sqlite+aiosqlite:///{tmp_path / 'lock.db'}")

    async def one_transaction() -> None:
        async with engine.connect() as connection:
            await connection.execute(text("SELECT 1"))  # BEGIN IMMEDIATE waits for the holder
            await connection.commit()

    try:
        for step in ("begins", "ends"):
            watch = watched(engine)
            if step == "ends":
                watch.__enter__()
            async with engine.connect() as holder:
                await holder.execute(text("SELECT 1"))  # holds the write lock
                waiting = asyncio.create_task(one_transaction())
                await asyncio.sleep(0.3)  # in its BEGIN
                if step == "begins":
                    watch.__enter__()
                else:
                    watch.__exit__(None, None, None)
                await holder.rollback()
            await waiting  # it began and committed
            if step == "begins":
                watch.__exit__(None, None, None)
    finally:
        await engine.dispose()
