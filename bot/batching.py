"""Group commit: what arrives while a batch is being handled waits, and goes together in the next batch.

Why: most of a turn's cost is per statement and per transaction, not per row (py-spy, docs/production.md),
so turns that arrive together are cheaper written together. Nothing ever waits for a batch to fill: when
nothing is running, an item starts at once, alone, so a quiet helpline answers as fast as before; only a
rush makes batches, and the busier it is, the larger they get (up to `max_size`).

Order: one batch runs at a time, first in, first out, and a batch holds at most one item per key (one
person): a second message of the same person ends the batch, so that it is handled after the first one,
never in the same transaction.
"""

from __future__ import annotations

import asyncio
from collections import deque
from collections.abc import Awaitable, Callable, Hashable, Sequence
from typing import Generic, TypeVar

T = TypeVar("T")
R = TypeVar("R")

# given a batch, one outcome per item in its order: a result, or the exception that item's caller gets
Run = Callable[[Sequence[T]], Awaitable[Sequence[R | BaseException]]]


class Batcher(Generic[T, R]):
    def __init__(self, run: Run[T, R], *, max_size: int, key: Callable[[T], Hashable]) -> None:
        if max_size < 1:
            raise ValueError("max_size must be at least 1")
        self._run = run
        self.max_size = max_size
        self._key = key
        self._waiting: deque[tuple[T, asyncio.Future[R]]] = deque()
        self._task: asyncio.Task[None] | None = None

    async def submit(self, item: T) -> R:
        """Handle `item` in the next batch; returns its own outcome (or raises its own exception)."""
        loop = asyncio.get_running_loop()
        done: asyncio.Future[R] = loop.create_future()
        self._waiting.append((item, done))
        if self._task is None:
            # started on demand and ended when nothing waits: no task outlives the work (shutdown, tests)
            self._task = loop.create_task(self._drain())
        # a caller that goes away (a client disconnect) does not cancel the turn: the batch is shared
        return await asyncio.shield(done)

    def _next_batch(self) -> list[tuple[T, asyncio.Future[R]]]:
        batch: list[tuple[T, asyncio.Future[R]]] = []
        keys: set[Hashable] = set()
        while self._waiting and len(batch) < self.max_size:
            key = self._key(self._waiting[0][0])
            if key in keys:
                break
            keys.add(key)
            batch.append(self._waiting.popleft())
        return batch

    async def _drain(self) -> None:
        try:
            while self._waiting:
                batch = self._next_batch()
                try:
                    outcomes = await self._run([item for item, _ in batch])
                except BaseException as exc:
                    # the runner is meant to answer per item; if it cannot, every caller hears why
                    _settle(batch, [exc] * len(batch))
                    if isinstance(exc, asyncio.CancelledError):
                        raise
                    continue
                _settle(batch, outcomes)
        finally:
            self._task = None
            # cancelled (the loop is closing): whoever still waits is told rather than left hanging
            _settle(list(self._waiting), [asyncio.CancelledError()] * len(self._waiting))
            self._waiting.clear()


def _settle(batch: Sequence[tuple[object, asyncio.Future[R]]], outcomes: Sequence[R | BaseException]) -> None:
    for (_, done), outcome in zip(batch, outcomes, strict=True):
        if done.done():
            continue
        if isinstance(outcome, asyncio.CancelledError):
            done.cancel()
        elif isinstance(outcome, BaseException):
            done.set_exception(outcome)
        else:
            done.set_result(outcome)
