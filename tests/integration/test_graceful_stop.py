"""Stopping a worker: turns in flight finish, the outbox stops between sends, nothing is left half-sent."""

from __future__ import annotations

import asyncio

from aiohttp import web

from bot import keys
from bot.messages import Channel, OutboundMessage
from tests.factories import inbound, outbox
from tests.fakes import FakeClassifier


class SlowSender:
    """Takes a while per send, so that the stop lands in the middle of one."""

    def __init__(self, seconds: float) -> None:
        self.seconds = seconds
        self.started = asyncio.Event()
        self.sent: list[OutboundMessage] = []

    async def send(self, message: OutboundMessage) -> str:
        self.started.set()
        await asyncio.sleep(self.seconds)
        self.sent.append(message)
        return f"slow-{message.outbox_id}"


class SlowClassifier(FakeClassifier):
    def __init__(self, seconds: float) -> None:
        super().__init__()
        self.seconds = seconds
        self.entered = asyncio.Event()

    async def parse(self, text: str):  # type: ignore[no-untyped-def]
        self.entered.set()
        await asyncio.sleep(self.seconds)
        return await super().parse(text)


async def test_stop_lets_the_send_in_progress_finish_and_mark_its_row(make_app):
    sender = SlowSender(0.3)
    app = await make_app(senders={Channel.CLI: sender})
    await app[keys.pipeline].handle(inbound("kā var satikt vīru?"))
    worker = app[keys.outbox]
    task = asyncio.create_task(worker.run(idle_wait=0.05))
    await asyncio.wait_for(sender.started.wait(), 5)
    worker.stop()  # mid-send
    await asyncio.wait_for(task, 5)  # returns by itself: no cancellation needed
    (row,) = await outbox(app)
    assert row.status == "sent" and row.provider_message_id == f"slow-{row.id}"
    assert len(sender.sent) == 1


async def test_stop_when_idle_returns_at_once(make_app):
    app = await make_app()
    worker = app[keys.outbox]
    task = asyncio.create_task(worker.run(idle_wait=30))
    await asyncio.sleep(0.05)
    worker.stop()
    await asyncio.wait_for(task, 1)


async def test_app_shutdown_waits_for_a_turn_in_flight(make_app, settings, clock, sender):
    """A turn still running when the server stops is finished (and committed) before the engine goes."""
    classifier = SlowClassifier(0.4)
    app = await make_app(classifier=classifier, run_outbox=True)
    runner_app: web.Application = app
    turn = asyncio.create_task(app[keys.pipeline].handle(inbound("kā var satikt vīru?")))
    await asyncio.wait_for(classifier.entered.wait(), 5)
    await runner_app.cleanup()  # what AppRunner.cleanup does after the server stopped: cleanup_ctx, reversed
    assert turn.done(), "the clean-up returned before the turn finished"
    result = turn.result()
    assert result.replies == 1 and not result.failed
