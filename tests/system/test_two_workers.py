"""Two worker processes, one PostgreSQL: one chat's messages alternate between them; its replies still come
once each, all of them, in order (the contact row lock orders the turns, the outbox orders the sends)."""

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

CHATS = 30
PER_CHAT = 6
# each gets an answer from the rules and keywords of tests/telegram_fake.RulesThenKeywords
WORDS = ("Sveiki", "kā var satikt vīru?", "paldies", "/help", "hello", "kā var satikt vīru?")


async def test_interleaved_chats_across_two_workers_get_every_reply_once_in_order(servers: Servers):
    first, second = servers.launch(), servers.launch()
    await asyncio.gather(first.ready(), second.ready())
    ids = itertools.count(1)

    async def one_chat(session: aiohttp.ClientSession, chat: int) -> None:
        for index in range(PER_CHAT):  # one after another, like Telegram; alternating workers
            target = (first, second)[(chat + index) % 2]
            await post_until_accepted(session, target.port, update(next(ids), chat, WORDS[index]))

    async with aiohttp.ClientSession() as session:
        await asyncio.gather(*(one_chat(session, 7_000 + chat) for chat in range(CHATS)))
    await wait_delivered(servers.database, servers.api)

    inbound = await rows(
        servers.database,
        "SELECT c.external_id, t.text FROM transcript t JOIN conversations v ON v.id = t.conversation_id"
        " JOIN contacts c ON c.id = v.contact_id WHERE t.direction = 'in' ORDER BY t.id",
    )
    by_chat: dict[str, list[str]] = {}
    for row in inbound:
        by_chat.setdefault(row["external_id"], []).append(row["text"])
    assert len(by_chat) == CHATS and all(words == list(WORDS) for words in by_chat.values())

    committed, got = await committed_replies(servers.database), delivered(servers.api)
    assert sum(map(len, committed.values())) >= CHATS * PER_CHAT  # every message was answered
    assert got == committed  # none lost, none twice, each chat in the committed order

    async with aiohttp.ClientSession() as session:
        for server in (first, second):  # both workers took turns and both outboxes sent
            async with session.get(f"http://127.0.0.1:{server.port}/metrics") as response:
                metrics = await response.text()
            assert 'helpline_messages_in_total{channel="telegram"} 90.0' in metrics
            assert 'helpline_messages_out_total{channel="telegram"} 0.0' not in metrics
