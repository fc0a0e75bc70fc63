"""Posts Telegram updates from many distinct chats to /webhooks/telegram; bounded in count and in time.

Each chat's messages go one after another (as Telegram delivers them); different chats run concurrently.
A failed post (5xx, refused connection) is retried after a pause, as Telegram retries a webhook.
"""

from __future__ import annotations

import asyncio
import json
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import aiohttp
import asyncpg

from bench.rig import SECRET
from bot.channels.telegram import SECRET_HEADER
from bot.channels.telegram_sender import split_text

TEXTS = (
    "kā var satikt vīru cietumā?",
    "Как отправить посылку в тюрьму?",
    "How can I send a letter to my son in prison?",
    "vai drīkst piezvanīt uz cietumu?",
    "какие документы нужны для свидания?",
    "kā pārskaitīt naudu ieslodzītajam?",
    "what help is there for the children?",
    "когда его освободят, что делать?",
)
RETRY_PAUSE = 0.25


def update(update_id: int, chat: int, text: str) -> bytes:
    message = {
        "message_id": update_id,
        "date": int(time.time()),
        "chat": {"id": chat, "type": "private", "first_name": "Bench"},
        "from": {"id": chat, "is_bot": False, "first_name": "Bench", "language_code": "lv"},
        "text": text,
    }
    return json.dumps({"update_id": update_id, "message": message}).encode()


@dataclass
class Outcome:
    started: float = 0.0
    ended: float = 0.0
    accepted: int = 0
    retries: int = 0
    gave_up: int = 0
    statuses: Counter[int] = field(default_factory=Counter)  # non-200 answers and connection errors (0)
    latencies: list[float] = field(default_factory=list)  # seconds, first try (or schedule) to the 200
    done_at: list[float] = field(default_factory=list)
    accepted_ids: list[int] = field(default_factory=list)

    def rate(self, since: float | None = None) -> float:
        start = self.started if since is None else since
        done = [t for t in self.done_at if t >= start]
        return len(done) / max(self.ended - start, 1e-9)


def percentile(values: list[float], q: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[min(int(q * len(ordered)), len(ordered) - 1)]


@dataclass
class Load:
    url: str
    chats: list[int]
    first_update_id: int
    texts: tuple[str, ...] = TEXTS
    concurrency: int = 64
    request_timeout: float = 30.0
    retry_for: float = 0.0  # keep retrying a failed post this long after the load ends (fault drills)

    async def run(self, *, count: int, seconds: float, rate: float | None = None) -> Outcome:
        """Closed loop (`rate` None: `concurrency` posts in flight) or open loop at `rate` posts a second."""
        outcome = Outcome(started=time.monotonic())
        deadline = outcome.started + seconds
        locks: dict[int, asyncio.Lock] = {}
        connector = aiohttp.TCPConnector(limit=self.concurrency, force_close=False)
        timeout = aiohttp.ClientTimeout(total=self.request_timeout)
        async with aiohttp.ClientSession(connector=connector, timeout=timeout) as session:

            async def one(index: int, scheduled: float) -> None:
                chat = self.chats[index % len(self.chats)]
                text = self.texts[(index // len(self.chats)) % len(self.texts)]
                lock = locks.setdefault(chat, asyncio.Lock())
                async with lock:
                    await self._post(
                        session, outcome, self.first_update_id + index, chat, text, scheduled, deadline
                    )

            if rate is None:
                counter = iter(range(count))

                async def worker() -> None:
                    for index in counter:
                        if time.monotonic() >= deadline:
                            return
                        await one(index, time.monotonic())

                await asyncio.gather(*(worker() for _ in range(self.concurrency)))
            else:
                in_flight = asyncio.Semaphore(self.concurrency * 4)
                tasks: list[asyncio.Task[None]] = []

                async def limited(index: int, scheduled: float) -> None:
                    async with in_flight:
                        await one(index, scheduled)

                for index in range(count):
                    scheduled = outcome.started + index / rate
                    if scheduled >= deadline:
                        break
                    delay = scheduled - time.monotonic()
                    if delay > 0:
                        await asyncio.sleep(delay)
                    tasks.append(asyncio.create_task(limited(index, scheduled)))
                await asyncio.gather(*tasks)
        outcome.ended = time.monotonic()
        return outcome

    async def _post(
        self,
        session: aiohttp.ClientSession,
        outcome: Outcome,
        update_id: int,
        chat: int,
        text: str,
        scheduled: float,
        deadline: float,
    ) -> None:
        body = update(update_id, chat, text)
        headers = {SECRET_HEADER: SECRET, "Content-Type": "application/json"}
        give_up_at = deadline + self.retry_for
        while True:
            try:
                async with session.post(self.url, data=body, headers=headers) as response:
                    await response.read()
                    status = response.status
            except (aiohttp.ClientError, OSError, TimeoutError):
                status = 0
            now = time.monotonic()
            if status == 200:
                outcome.accepted += 1
                outcome.latencies.append(now - scheduled)
                outcome.done_at.append(now)
                outcome.accepted_ids.append(update_id)
                return
            outcome.statuses[status] += 1
            if now >= give_up_at:
                outcome.gave_up += 1
                return
            outcome.retries += 1
            await asyncio.sleep(RETRY_PAUSE)


# --- what reached the fake, against what the database says should have --------------------------------------


async def expected_replies(database_url: str) -> tuple[dict[int, list[str]], dict[str, int], set[str]]:
    """Per chat, the texts the bot committed to send (outbox rows, split as Telegram gets them), by status;
    and the provider ids of every inbound the bot recorded."""
    if database_url.startswith("sqlite"):
        return await _expected_sqlite(database_url)
    conn = await asyncpg.connect(database_url.replace("postgresql+asyncpg://", "postgresql://"))
    try:
        rows = await conn.fetch(
            "SELECT recipient_id, text, status FROM outbox WHERE channel = 'telegram' ORDER BY id"
        )
        inbound = await conn.fetch(
            "SELECT provider_message_id FROM processed_inbound WHERE channel = 'telegram'"
        )
    finally:
        await conn.close()
    return _shape([(r["recipient_id"], r["text"], r["status"]) for r in rows], [r[0] for r in inbound])


async def _expected_sqlite(database_url: str) -> tuple[dict[int, list[str]], dict[str, int], set[str]]:
    import sqlite3

    path = Path(database_url.removeprefix("sqlite+aiosqlite:///"))

    def read() -> tuple[list[tuple[str, str, str]], list[str]]:
        with sqlite3.connect(path) as db:
            rows = db.execute(
                "SELECT recipient_id, text, status FROM outbox WHERE channel = 'telegram' ORDER BY id"
            ).fetchall()
            inbound = [r[0] for r in db.execute("SELECT provider_message_id FROM processed_inbound")]
        return rows, inbound

    rows, inbound = await asyncio.to_thread(read)
    return _shape(rows, inbound)


def _shape(
    rows: list[tuple[str, str, str]], inbound: list[str]
) -> tuple[dict[int, list[str]], dict[str, int], set[str]]:
    expected: dict[int, list[str]] = {}
    statuses: Counter[str] = Counter()
    for recipient, text, status in rows:
        statuses[status] += 1
        if status != "cancelled":
            expected.setdefault(int(recipient), []).extend(split_text(text))
    return expected, dict(statuses), set(inbound)


def texts(deliveries: dict[str, list[list[Any]]]) -> dict[int, list[str]]:
    """The fake's /deliveries ({chat: [[text, when], ...]}) as texts per chat."""
    return {int(chat): [text for text, _when in sent] for chat, sent in deliveries.items()}


def compare(expected: dict[int, list[str]], delivered: dict[int, list[str]]) -> dict[str, Any]:
    """Lost: committed replies that never reached the fake. Duplicated: replies that reached it twice.
    Out of order: chats whose replies, extra copies aside, arrived in another order than committed."""
    lost = duplicated = out_of_order = 0
    for chat in set(expected) | set(delivered):
        want, got = expected.get(chat, []), delivered.get(chat, [])
        want_count, got_count = Counter(want), Counter(got)
        missing = sum((want_count - got_count).values())
        lost += missing
        duplicated += sum((got_count - want_count).values())
        if not missing and _without_extras(got, want_count) != want:
            out_of_order += 1
    return {
        "chats": len(expected),
        "replies_expected": sum(map(len, expected.values())),
        "replies_delivered": sum(map(len, delivered.values())),
        "lost": lost,
        "duplicated": duplicated,
        "chats_out_of_order": out_of_order,
    }


def _without_extras(got: list[str], allowed: Counter[str]) -> list[str]:
    seen: Counter[str] = Counter()
    kept = []
    for text in got:
        seen[text] += 1
        if seen[text] <= allowed[text]:
            kept.append(text)
    return kept
