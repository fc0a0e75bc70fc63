"""Cross-worker events (LISTEN/NOTIFY): a committed turn reaches the other workers; a rollback does not."""

from __future__ import annotations

import asyncio

import asyncpg
import pytest

from bot import keys
from bot.events import CHANNEL, RESYNC, EventBridge, asyncpg_dsn
from bot.messages import Channel
from tests.factories import inbound

pytestmark = pytest.mark.postgres


@pytest.fixture
def db_url(db_url: str) -> str:
    if db_url.startswith("sqlite"):
        pytest.skip("LISTEN/NOTIFY is PostgreSQL's")
    return db_url


class Recorder:
    def __init__(self) -> None:
        self.events: asyncio.Queue[tuple[str, int]] = asyncio.Queue()

    async def __call__(self, event: str, conversation_id: int) -> None:
        await self.events.put((event, conversation_id))

    async def next(self, skip: str = RESYNC) -> tuple[str, int]:
        while True:
            event = await asyncio.wait_for(self.events.get(), 5)
            if event[0] != skip:
                return event


async def test_a_committed_turn_reaches_the_other_worker_not_its_own(make_app):
    first, second = await make_app(), await make_app()
    heard_first, heard_second = Recorder(), Recorder()
    first[keys.events].subscribe(heard_first)
    second[keys.events].subscribe(heard_second)
    await asyncio.wait_for(second[keys.events].listening.wait(), 5)
    await asyncio.wait_for(first[keys.events].listening.wait(), 5)

    result = await first[keys.pipeline].handle(inbound("Sveiki"))
    assert await heard_second.next() == ("conversation", result.conversation_id)
    await asyncio.sleep(0.2)
    assert all(event == RESYNC for event, _ in drain(heard_first))  # its own events are not echoed


async def test_a_rolled_back_transaction_notifies_nobody(make_app):
    first, second = await make_app(), await make_app()
    heard = Recorder()
    second[keys.events].subscribe(heard)
    await asyncio.wait_for(second[keys.events].listening.wait(), 5)
    async with first[keys.sessionmaker]() as session:
        async with session.begin():
            await first[keys.events].notify(session, "conversation", 41)
            await session.rollback()
        async with session.begin():
            await first[keys.events].notify(session, "conversation", 42)
    assert await heard.next() == ("conversation", 42)


async def test_the_listener_comes_back_after_its_connection_is_killed(db_url: str):
    bridge = EventBridge(asyncpg_dsn(db_url))
    heard = Recorder()
    bridge.subscribe(heard)
    task = asyncio.create_task(bridge.run())
    try:
        await asyncio.wait_for(bridge.listening.wait(), 5)
        assert await heard.next(skip="") == (RESYNC, 0)
        admin = await asyncpg.connect(asyncpg_dsn(db_url))
        try:
            await admin.execute(
                "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE query LIKE 'LISTEN%'"
                " AND datname = current_database()"
            )
            assert await heard.next(skip="") == (RESYNC, 0)  # reconnected: consumers re-read their state
            await admin.execute(
                "SELECT pg_notify($1, $2)", CHANNEL, '{"e": "conversation", "c": 7, "o": "x"}'
            )
            assert await heard.next() == ("conversation", 7)
        finally:
            await admin.close()
    finally:
        task.cancel()
        await asyncio.gather(task, return_exceptions=True)


async def test_a_web_reply_sent_by_one_worker_wakes_pages_waiting_on_another(make_app, sender):
    first, second = await make_app(), await make_app()
    await asyncio.wait_for(second[keys.events].listening.wait(), 5)
    waiting = asyncio.create_task(second[keys.web_hub].wait(10))
    await asyncio.sleep(0.1)
    await first[keys.pipeline].handle(inbound("Sveiki", channel=Channel.WEB, user="page-user-1"))
    await first[keys.outbox].drain()
    await asyncio.wait_for(waiting, 3)  # woke well before its 10 s long poll ran out


def drain(recorder: Recorder) -> list[tuple[str, int]]:
    found = []
    while not recorder.events.empty():
        found.append(recorder.events.get_nowait())
    return found
