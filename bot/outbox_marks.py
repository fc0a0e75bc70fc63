"""What became of each delivery, recorded in groups: one transaction for every delivery that ended meanwhile.

A pass sends its rows concurrently. Marking each row sent in a transaction of its own cost about five
database round trips per reply (bench/load); waiting for the whole pass before marking anything would
widen the window in which a worker killed after a send resends it. The recorder does both well: the first
delivery to end is written at once, and whatever ends while that write is running goes into the next one.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from dataclasses import dataclass

from bot.db.models import OutboxStatus
from bot.messages import OutboundMessage


@dataclass(frozen=True, slots=True)
class Claimed:
    message: OutboundMessage
    attempts: int
    conversation_id: int | None = None
    contact_id: int | None = None


@dataclass(frozen=True, slots=True)
class Mark:
    item: Claimed
    status: OutboxStatus  # SENT, DEAD, or PENDING (to be retried after `delay` seconds)
    provider_id: str | None = None
    error: str | None = None
    gone: bool = False  # the person blocked the bot: the contact is marked blocked too
    delay: float = 0.0
    refund: bool = False  # provider pacing (429): the attempt is not counted


class MarkRecorder:
    """Coalesces concurrent `record()` calls into `write(marks)` calls, one at a time, in order."""

    def __init__(self, write: Callable[[list[Mark]], Awaitable[None]]) -> None:
        self._write = write
        self._pending: list[tuple[Mark, asyncio.Future[None]]] = []
        self._writer: asyncio.Task[None] | None = None

    async def record(self, mark: Mark) -> None:
        """Return once the mark is committed; raise what the write raised if it finally failed."""
        done: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        self._pending.append((mark, done))
        if self._writer is None or self._writer.done():
            self._writer = asyncio.create_task(self._drain())
        await asyncio.shield(done)  # a cancelled delivery must not cancel the others' write

    async def _drain(self) -> None:
        while self._pending:
            group, self._pending = self._pending, []
            try:
                await self._write([mark for mark, _ in group])
            except asyncio.CancelledError:
                for _, done in group + self._pending:
                    done.cancel()
                self._pending = []
                raise
            except Exception as exc:
                for _, done in group:
                    if not done.done():
                        done.set_exception(exc)
                continue
            for _, done in group:
                if not done.done():
                    done.set_result(None)
