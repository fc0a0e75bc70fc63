"""The browser tests' watch on SQLite's write lock names the code that holds it too long."""

from __future__ import annotations

import asyncio
import logging
from pathlib import Path

import pytest
from sqlalchemy import text

from bot.db.engine import make_engine
from tests.e2e.long_transactions import watched


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
