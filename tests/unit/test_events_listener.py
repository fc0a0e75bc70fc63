"""The cross-worker listener keeps listening whatever its connection throws, not only foreseen errors."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from typing import Any

import asyncpg
import pytest

from bot.events import RESYNC, EventBridge, asyncpg_dsn


class FakeConnection:
    """Just enough of asyncpg.Connection for the listener; the first one breaks as seen in CI."""

    def __init__(self, breaks: bool) -> None:
        self.breaks = breaks
        self.closed = False

    def add_termination_listener(self, _callback: Callable[[Any], None]) -> None:
        pass

    async def add_listener(self, _channel: str, _callback: Callable[..., None]) -> None:
        if self.breaks:
            raise asyncpg.InternalClientError("cannot switch to state 11; another operation is in progress")

    async def fetchval(self, _query: str, timeout: float) -> int:
        return 1

    async def close(self) -> None:
        self.closed = True


async def test_an_unforeseen_connection_error_reconnects_instead_of_ending_the_listener(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    made: list[FakeConnection] = []

    async def connect(_dsn: str, timeout: float) -> FakeConnection:
        made.append(FakeConnection(breaks=not made))
        return made[-1]

    monkeypatch.setattr(asyncpg, "connect", connect)  # the library's entry point, not our code
    lost: list[bool] = []
    bridge = EventBridge("postgresql://nowhere/db", on_lost=lambda: lost.append(True))
    heard: list[tuple[str, int]] = []

    async def record(event: str, conversation_id: int) -> None:
        heard.append((event, conversation_id))

    bridge.subscribe(record)
    task = asyncio.create_task(bridge.run())
    try:
        await asyncio.wait_for(bridge.listening.wait(), 5)
        await asyncio.sleep(0)
        assert len(made) == 2 and made[0].closed and lost == [True]
        assert heard == [(RESYNC, 0)]  # consumers re-read their state once the listener is back
    finally:
        task.cancel()
        await asyncio.gather(task, return_exceptions=True)


def test_the_listener_connects_without_sqlalchemy_only_options():
    """A database URL may tune SQLAlchemy's statement cache; asyncpg would pass that option on to
    PostgreSQL as a server setting and fail to connect."""
    url = "postgresql+asyncpg://helpline:pw@db:5432/helpline?prepared_statement_cache_size=800&ssl=require"
    assert asyncpg_dsn(url) == "postgresql://helpline:pw@db:5432/helpline?ssl=require"
