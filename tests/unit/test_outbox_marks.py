"""Delivery marks are written in groups: the first at once, whatever ends meanwhile together next."""

from __future__ import annotations

import asyncio

import pytest

from bot.db.models import OutboxStatus
from bot.messages import Channel, OutboundMessage
from bot.outbox_marks import Claimed, Mark, MarkRecorder


def mark(outbox_id: int) -> Mark:
    message = OutboundMessage(outbox_id=outbox_id, channel=Channel.TELEGRAM, recipient_id="1", text="x")
    return Mark(Claimed(message, attempts=1), OutboxStatus.SENT, provider_id=str(outbox_id))


async def test_marks_that_end_during_a_write_go_together_into_the_next_one() -> None:
    writes: list[list[int]] = []
    release = asyncio.Event()

    async def write(marks: list[Mark]) -> None:
        writes.append([m.item.message.outbox_id for m in marks])
        if len(writes) == 1:
            await release.wait()  # the first write is slow: the others end meanwhile

    recorder = MarkRecorder(write)
    first = asyncio.create_task(recorder.record(mark(1)))
    await asyncio.sleep(0)
    rest = [asyncio.create_task(recorder.record(mark(i))) for i in range(2, 6)]
    await asyncio.sleep(0)
    assert writes == [[1]] and not first.done()
    release.set()
    await asyncio.gather(first, *rest)
    assert writes == [[1], [2, 3, 4, 5]]


async def test_a_failed_write_fails_its_own_group_only() -> None:
    async def write(marks: list[Mark]) -> None:
        if marks[0].item.message.outbox_id == 1:
            raise ConnectionError("database gone")

    recorder = MarkRecorder(write)
    with pytest.raises(ConnectionError):
        await recorder.record(mark(1))
    await recorder.record(mark(2))  # the recorder still works


async def test_a_cancelled_delivery_does_not_cancel_the_write_of_the_others() -> None:
    written: list[int] = []
    gate = asyncio.Event()

    async def write(marks: list[Mark]) -> None:
        await gate.wait()
        written.extend(m.item.message.outbox_id for m in marks)

    recorder = MarkRecorder(write)
    one = asyncio.create_task(recorder.record(mark(1)))
    two = asyncio.create_task(recorder.record(mark(2)))
    await asyncio.sleep(0)
    one.cancel()
    gate.set()
    await two
    assert written == [1, 2]  # both marked: the row of the cancelled caller was sent too
