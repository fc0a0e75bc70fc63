"""The outbox: retries with backoff, gives up after N, keeps each conversation's order, survives a kill -9."""

from __future__ import annotations

import asyncio
import os
import re
import signal
import subprocess
import sys
import textwrap
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import event, insert, text
from sqlalchemy.ext.asyncio import AsyncSession

from bot import keys
from bot.channels.base import RecipientGone, SendError
from bot.db.models import OutboxItem
from bot.messages import Channel
from bot.outbox import QUEUE_PLAN, OutboxWorker, backoff
from bot.settings import Settings
from tests.factories import inbound, outbox
from tests.fakes import FakeSender
from tests.statements import statements

ROOT = Path(__file__).resolve().parents[2]
CLAIM = "FROM outbox LEFT OUTER JOIN contacts"  # the outbox's claim statement


async def test_a_retryable_failure_waits_and_then_sends_once(make_app, sender: FakeSender, clock):
    app = await make_app()
    await app[keys.pipeline].handle(inbound("kā var satikt vīru?"))
    sender.failures = [SendError("HTTP 502", retryable=True), SendError("timeout", retryable=True)]
    await app[keys.outbox].drain()
    assert sender.sent == []
    (row,) = await outbox(app)
    assert row.status == "pending" and row.attempts == 1 and row.last_error == "HTTP 502"
    clock.advance(seconds=backoff(1))
    await app[keys.outbox].drain()
    clock.advance(seconds=backoff(2))
    await app[keys.outbox].drain()
    await app[keys.outbox].drain()
    assert len(sender.sent) == 1
    (row,) = await outbox(app)
    assert row.status == "sent" and row.attempts == 3 and row.provider_message_id == "fake-1"


async def test_retry_after_from_the_provider_is_honoured(make_app, sender: FakeSender, clock):
    app = await make_app()
    await app[keys.pipeline].handle(inbound("kā var satikt vīru?"))
    sender.failures = [SendError("429", retryable=True, retry_after=30)]
    await app[keys.outbox].drain()
    clock.advance(seconds=29)
    await app[keys.outbox].drain()
    assert sender.sent == []
    clock.advance(seconds=2)
    await app[keys.outbox].drain()
    assert len(sender.sent) == 1


async def test_gives_up_after_max_attempts_and_on_permanent_errors(
    make_app, sender: FakeSender, clock, settings
):
    app = await make_app(settings=Settings(**{**settings.model_dump(), "outbox_max_attempts": 2}))
    await app[keys.pipeline].handle(inbound("kā var satikt vīru?"))
    await app[keys.pipeline].handle(inbound("kā var satikt vīru?", user="someone-else"))
    sender.failures = [SendError("down", retryable=True), SendError("bad request", retryable=False)]
    await app[keys.outbox].drain()
    clock.advance(seconds=60)
    sender.failures = [SendError("down", retryable=True)]
    await app[keys.outbox].drain()
    assert [r.status for r in await outbox(app)] == ["dead", "dead"]


async def test_a_person_who_blocked_the_bot_gets_nothing_more(make_app, sender: FakeSender):
    app = await make_app()
    await app[keys.pipeline].handle(inbound("Sveiki"))  # greeting + menu: two rows
    sender.failures = [RecipientGone("blocked")]
    await app[keys.outbox].drain()
    assert sender.sent == []
    assert [r.status for r in await outbox(app)] == ["dead", "cancelled"]


async def test_a_pass_sends_at_most_the_configured_batch(make_app, sender: FakeSender, settings):
    """HELPLINE_OUTBOX_BATCH: how many due replies one pass of a worker claims and sends."""
    app = await make_app(settings=Settings(**{**settings.model_dump(), "outbox_batch": 2}))
    for n in range(5):
        await app[keys.pipeline].handle(inbound("kā var satikt vīru?", user=f"person-batch-{n}"))
    assert await app[keys.outbox].drain_once() == 2
    assert len(sender.sent) == 2
    assert await app[keys.outbox].drain() == 3  # the rest in the passes after
    assert len({m.outbox_id for m in sender.sent}) == 5


async def test_replies_of_one_conversation_go_out_in_order(make_app, sender: FakeSender, clock):
    app = await make_app()
    await app[keys.pipeline].handle(inbound("Sveiki"))  # two replies
    await app[keys.pipeline].handle(inbound("kā var satikt vīru?"))
    sender.failures = [SendError("blip", retryable=True)]  # the first reply fails once
    await app[keys.outbox].drain()
    assert sender.sent == []  # the later replies wait for the first
    clock.advance(seconds=5)
    await app[keys.outbox].drain()
    rows = await outbox(app)
    assert [m.outbox_id for m in sender.sent] == [r.id for r in rows]


async def test_a_turn_committed_while_a_pass_runs_is_not_left_for_the_next_poll(make_app):
    """A turn that commits while a pass is reading the queue wakes the outbox; that pass cannot see the new
    reply, so another pass must follow at once. The poll is an hour here: only the wake can send it."""
    app = await make_app(run_outbox=True, outbox_poll=3600)
    worker = app[keys.outbox]
    claims = 0
    next_pass = asyncio.Event()

    def during_claim(_statement: str) -> None:
        nonlocal claims
        claims += 1
        if claims == 1:
            worker.wake()  # what a turn committing just now does
        else:
            next_pass.set()

    with statements(app[keys.engine], CLAIM, each=during_claim):
        worker.wake()  # a pass that finds nothing to send
        await asyncio.wait_for(next_pass.wait(), 10)


# Triggers that note the synchronous_commit each transaction runs with: PostgreSQL reads it when it commits
COMMIT_MODES = (
    "CREATE TABLE commit_modes (what text, mode text)",
    """CREATE FUNCTION note_commit_mode() RETURNS trigger LANGUAGE plpgsql AS $$
       BEGIN
         INSERT INTO commit_modes VALUES (TG_ARGV[0], current_setting('synchronous_commit'));
         RETURN NULL;
       END $$""",
    """CREATE TRIGGER turn_mode AFTER INSERT ON transcript FOR EACH STATEMENT
       EXECUTE FUNCTION note_commit_mode('turn')""",
    """CREATE TRIGGER mark_mode AFTER UPDATE ON outbox FOR EACH ROW WHEN (NEW.status = 'sent')
       EXECUTE FUNCTION note_commit_mode('mark')""",
)


@pytest.mark.parametrize("announced", [False, True], ids=["lone-statement", "with-announcement"])
async def test_marks_commit_without_waiting_for_the_disk_and_turns_still_wait(
    make_app, sender, clock, announced: bool
):
    """A sent reply is marked with synchronous_commit off: from Telegram's answer to the committed mark is
    the window in which a worker's death makes the reply go out twice. That holds for the usual mark (one
    statement, no transaction) and for one that also announces the reply in its transaction (the web chat's
    NOTIFY). The turns' own transactions stay synchronous: a person's words are never acknowledged before
    they are on disk."""
    app = await make_app()
    engine = app[keys.engine]
    if engine.dialect.name != "postgresql":
        pytest.skip("synchronous_commit is PostgreSQL's")

    def durable(dbapi_connection: Any, _record: Any) -> None:
        # the tests' throwaway server runs with it off; production's default is on
        cursor = dbapi_connection.cursor()
        cursor.execute("SET synchronous_commit = on")
        cursor.close()

    await engine.dispose()
    event.listen(engine.sync_engine, "connect", durable)
    async with engine.begin() as connection:
        for statement in COMMIT_MODES:
            await connection.execute(text(statement))
    announcements: list[int | None] = []

    async def announce(_session: AsyncSession, conversation: int | None) -> None:
        announcements.append(conversation)

    worker = OutboxWorker(
        sessionmaker=app[keys.sessionmaker],
        senders={Channel.CLI: sender},
        clock=clock,
        batch=8,
        on_sent={Channel.CLI: announce} if announced else None,
    )
    await app[keys.pipeline].handle(inbound("kā var satikt vīru?"))
    assert await worker.drain() == 1
    async with engine.connect() as connection:
        modes = {tuple(r) for r in await connection.execute(text("SELECT what, mode FROM commit_modes"))}
    assert modes == {("turn", "on"), ("mark", "off")}
    assert len(announcements) == (1 if announced else 0)
    (row,) = await outbox(app)
    assert row.status == "sent" and row.provider_message_id == "fake-1"


KILLED_TURN = textwrap.dedent(
    """
    import asyncio, os, signal, sys
    from datetime import datetime
    from aiohttp import web
    from bot import keys
    from bot.app import Overrides, create_app
    from bot.clock import ManualClock
    from bot.messages import Channel, InboundMessage
    from bot.settings import Settings
    from tests.fakes import FakeClassifier, FakeSender

    async def main():
        settings = Settings(data_dir=sys.argv[1], database_url=sys.argv[2])
        # the same time as the restarted process's clock: a real clock here made the test a time bomb
        clock = ManualClock(datetime.fromisoformat(sys.argv[3]))
        app = create_app(settings, Overrides(classifier=FakeClassifier(), senders={Channel.CLI: FakeSender()},
                                             clock=clock, run_outbox=False, migrate=True))
        runner = web.AppRunner(app)
        await runner.setup()
        msg = InboundMessage(
            channel=Channel.CLI, sender_id="p1", provider_message_id="m1", text="kā satikt vīru?"
        )
        await app[keys.pipeline].handle(msg)
        os.kill(os.getpid(), signal.SIGKILL)  # committed, not yet sent

    asyncio.run(main())
    """
)


async def test_a_reply_committed_before_a_kill_9_is_sent_once_after_restart(
    make_app, sender: FakeSender, settings, clock
):
    proc = subprocess.run(
        [
            sys.executable,
            "-c",
            KILLED_TURN,
            str(settings.data_dir),
            settings.effective_database_url,
            clock().isoformat(),
        ],
        cwd=ROOT,
        capture_output=True,
        text=True,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
        check=False,
    )
    assert proc.returncode == -signal.SIGKILL, proc.stderr
    app = await make_app()  # the restarted process
    await app[keys.outbox].drain()
    assert len(sender.sent) == 1 and sender.sent[0].recipient_id == "p1"
    again = await make_app()  # and once more: nothing is sent twice
    await again[keys.outbox].drain()
    assert len(sender.sent) == 1


async def test_a_claim_reads_only_the_waiting_replies_however_many_were_sent(make_app, sender, clock):
    """The claim walks the partial index of undelivered rows in id order and stops at its limit
    (migration 0009), not an index over every status, and never a bitmap scan: there, each pending →
    sending → sent change left entries that every later claim visited until a vacuum (9.5 ms per claim
    after 12,000 replies in bench/load; 0.23 ms with this). Each row's "first of its conversation" check
    is an index probe, not a join with every waiting row."""
    app = await make_app()
    engine = app[keys.engine]
    sent = [
        {"channel": "cli", "recipient_id": f"p{i}", "author": "bot", "text": "…", "buttons": [],
         "status": "sent", "attempts": 1, "next_attempt_at": clock(), "created_at": clock()}
        for i in range(3000)
    ]  # fmt: skip
    async with engine.begin() as conn:
        await conn.execute(insert(OutboxItem), sent)
        await conn.exec_driver_sql("ANALYZE")
    await app[keys.pipeline].handle(inbound("Sveiki"))  # a turn whose replies wait

    with statements(engine, CLAIM) as claims:
        assert await app[keys.outbox].drain() >= 1
    assert len(sender.sent) >= 1 and claims
    statement, parameters = claims[0]
    postgres = engine.dialect.name == "postgresql"
    explain = "EXPLAIN " if postgres else "EXPLAIN QUERY PLAN "
    async with engine.connect() as conn:
        if postgres:
            await conn.execute(QUEUE_PLAN)  # as the claim's transaction does
        rows = (await conn.exec_driver_sql(explain + statement, parameters)).all()
    plan = "\n".join(str(row[-1]) for row in rows)
    if postgres:
        assert "Index Scan using ix_outbox_waiting on outbox " in plan, plan
        assert "Bitmap" not in plan and "Seq Scan on outbox" not in plan and "Anti Join" not in plan, plan
        # "first of its conversation": an index probe per row (either waiting index gives the order)
        probe = r"SubPlan[\s\S]*Index (Only )?Scan using ix_outbox_waiting\w* on outbox outbox_1"
        assert re.search(probe, plan), plan
    else:
        assert re.search(r"USING (COVERING )?INDEX ix_outbox_waiting\b", plan), plan


async def test_a_channel_hears_of_a_delivery_once_its_row_reads_as_sent(make_app, sender: FakeSender, clock):
    """The web chat's pages read sent rows back: woken as the reply was handed over, before it was marked
    sent, a page found nothing and waited a whole long poll (20 s) for a reply already there (channels QA)."""
    app = await make_app()
    seen: list[list[str]] = []

    async def delivered() -> None:
        seen.append([row.status for row in await outbox(app)])

    worker = OutboxWorker(
        sessionmaker=app[keys.sessionmaker],
        senders={Channel.CLI: sender},
        clock=clock,
        batch=8,
        delivered={Channel.CLI: delivered},
    )
    await app[keys.pipeline].handle(inbound("kā var satikt vīru?"))
    assert await worker.drain() == 1
    assert seen == [["sent"]]
