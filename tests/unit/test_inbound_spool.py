"""The disk spool for messages that arrive while the database is away: nothing lost, order kept."""

from __future__ import annotations

import asyncio
import contextlib
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

from bot.inbound_spool import InboundSpool
from bot.messages import Channel, InboundKind, InboundMessage


def sms(n: int, text: str = "Sveiki") -> InboundMessage:
    return InboundMessage(
        channel=Channel.SMS, sender_id="+37120000001", provider_message_id=f"SM{n}", text=text
    )


class Pipeline:
    """Records what it was handed; `away` makes it fail the way a lost database connection does."""

    def __init__(self) -> None:
        self.handled: list[str] = []
        self.away = False
        self.broken: set[str] = set()
        self.pause = 0.0

    async def __call__(self, msg: InboundMessage) -> None:
        await asyncio.sleep(self.pause)
        if self.away:
            raise ConnectionRefusedError(111, "Connect call failed")
        if msg.provider_message_id in self.broken:
            raise RuntimeError("a bug")
        self.handled.append(msg.provider_message_id)


async def test_a_kept_message_comes_back_exactly_as_it_was(tmp_path: Path):
    seen: list[InboundMessage] = []

    async def handle(msg: InboundMessage) -> None:
        seen.append(msg)

    original = InboundMessage(
        channel=Channel.SMS,
        sender_id="+37120000001",
        provider_message_id="SM" + "f" * 32,
        text="Labdien! Kā var satikt vīru? 😢 " + "ā" * 5000,
        kind=InboundKind.OPT_OUT,
        payload="/visit_rules",
        language_hint="lv",
        first_name="Anna",
        received_at=datetime(2026, 12, 7, 7, 0, tzinfo=ZoneInfo("Europe/Riga")),
    )
    spool = InboundSpool(tmp_path / "spool", handle)
    await spool.keep(original)
    assert spool.waiting()
    assert await spool.replay() == 1
    assert seen == [original]
    assert not spool.waiting() and spool.kept() == []


async def test_replay_goes_oldest_first_and_stops_while_the_database_is_still_away(tmp_path: Path):
    pipeline = Pipeline()
    spool = InboundSpool(tmp_path / "spool", pipeline)
    for n in range(1, 4):
        await spool.keep(sms(n))
    pipeline.away = True
    assert await spool.replay() == 0
    assert len(spool.kept()) == 3  # nothing dropped
    pipeline.away = False
    assert await spool.replay() == 3
    assert pipeline.handled == ["SM1", "SM2", "SM3"]
    assert spool.kept() == []


async def test_an_unreadable_file_or_a_failing_message_is_set_aside_and_does_not_block_the_rest(
    tmp_path: Path,
):
    pipeline = Pipeline()
    pipeline.broken = {"SM2"}
    spool = InboundSpool(tmp_path / "spool", pipeline)
    await spool.keep(sms(1))
    await spool.keep(sms(2))
    await spool.keep(sms(3))
    first = spool.kept()[0]
    first.write_bytes(b"{not json")
    assert await spool.replay() == 1
    assert pipeline.handled == ["SM3"]
    aside = sorted(path.suffix for path in (tmp_path / "spool").iterdir() if not path.name.startswith("."))
    assert aside == [".failed", ".unreadable"]  # kept on disk for an operator, out of the way


async def test_two_workers_sharing_the_directory_do_not_replay_at_once(tmp_path: Path):
    pipeline = Pipeline()
    pipeline.pause = 0.05
    first = InboundSpool(tmp_path / "spool", pipeline)
    second = InboundSpool(tmp_path / "spool", pipeline)
    await first.keep(sms(1))
    await first.keep(sms(2))
    counts = await asyncio.gather(first.replay(), second.replay())
    assert sorted(counts) == [0, 2]
    assert pipeline.handled == ["SM1", "SM2"]


async def test_the_replay_task_hands_over_what_is_kept_and_retries_while_the_database_is_away(tmp_path: Path):
    pipeline = Pipeline()
    pipeline.away = True
    spool = InboundSpool(tmp_path / "spool", pipeline, retry_seconds=0.05)
    task = asyncio.create_task(spool.run())
    try:
        await spool.keep(sms(1))
        await asyncio.sleep(0.2)
        assert pipeline.handled == [] and spool.waiting()
        pipeline.away = False  # the database is back; nobody writes: the retry alone must find it
        for _ in range(40):
            if not spool.waiting():
                break
            await asyncio.sleep(0.05)
        assert pipeline.handled == ["SM1"]
    finally:
        task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await task
