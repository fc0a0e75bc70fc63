"""SIGTERM to a running `helpline run --workers 2` (its supervisor) in the middle of a stream of messages:
it exits 0, leaves no reply half-sent, and after a restart every accepted message has its replies, once."""

from __future__ import annotations

import asyncio
import itertools

import aiohttp
import pytest

from tests.system.conftest import (
    Servers,
    committed_replies,
    delivered,
    post_until_accepted,
    rows,
    update,
    wait_delivered,
)

pytestmark = pytest.mark.postgres

CHATS = 40
PER_CHAT = 8
WORDS = ("Sveiki", "kā var satikt vīru?", "paldies", "hello")


async def test_sigterm_under_load_exits_0_and_loses_nothing(servers: Servers):
    server = servers.launch(workers=2)
    await server.ready()
    port = server.port
    ids = itertools.count(1)
    accepted: list[int] = []
    well_into_the_stream = asyncio.Event()

    async def one_chat(session: aiohttp.ClientSession, chat: int) -> None:
        for index in range(PER_CHAT):
            body = update(next(ids), chat, WORDS[index % len(WORDS)])
            await post_until_accepted(session, port, body, within=90)
            accepted.append(body["update_id"])
            if len(accepted) >= CHATS * PER_CHAT // 4:
                well_into_the_stream.set()
            await asyncio.sleep(0.05)

    async with aiohttp.ClientSession(connector=aiohttp.TCPConnector(force_close=True)) as session:
        load = asyncio.gather(*(one_chat(session, 8_000 + chat) for chat in range(CHATS)))
        await asyncio.wait_for(well_into_the_stream.wait(), 60)
        server.terminate()
        assert server.proc is not None
        code = await asyncio.to_thread(server.proc.wait, 60)
        assert code == 0, server.output()
        in_flight_at_stop = len(accepted)

        sending = await rows(servers.database, "SELECT id FROM outbox WHERE status = 'sending'")
        assert sending == []  # the outbox stopped between sends: every claimed row was sent and marked

        restarted = servers.launch(workers=2, port=port)  # the same port: the stream's retries find it
        await restarted.ready()
        await load
    await wait_delivered(servers.database, servers.api)

    assert CHATS * PER_CHAT // 4 <= in_flight_at_stop < CHATS * PER_CHAT
    recorded = await rows(servers.database, "SELECT provider_message_id FROM processed_inbound")
    assert {int(r[0]) for r in recorded} == set(accepted)  # every 200 was a committed turn
    committed, got = await committed_replies(servers.database), delivered(servers.api)
    assert sum(map(len, committed.values())) >= len(accepted)
    assert got == committed  # no reply lost, none sent twice, each chat in order
