"""A provider's "slow down" (429 with retry_after) delays a reply but never uses up its attempts."""

from __future__ import annotations

from bot import keys
from bot.channels.base import SendError
from tests.factories import inbound, outbox
from tests.fakes import FakeSender


async def test_twenty_429s_in_a_row_still_deliver_the_reply_once(make_app, sender: FakeSender, clock):
    app = await make_app()
    await app[keys.pipeline].handle(inbound("kā var satikt vīru?"))
    sender.failures = [SendError("RetryAfter", retryable=True, retry_after=1) for _ in range(20)]
    for _ in range(21):
        await app[keys.outbox].drain()
        clock.advance(seconds=1.5)
    assert len(sender.sent) == 1
    (row,) = await outbox(app)
    assert row.status == "sent" and row.attempts == 1  # only the successful try counts


async def test_real_failures_still_end_in_dead_after_the_attempts(make_app, sender: FakeSender, clock):
    app = await make_app()
    await app[keys.pipeline].handle(inbound("kā var satikt vīru?"))
    sender.failures = [SendError("HTTP 502", retryable=True) for _ in range(20)]
    for _ in range(12):
        await app[keys.outbox].drain()
        clock.advance(seconds=400)
    (row,) = await outbox(app)
    assert row.status == "dead" and sender.sent == []
