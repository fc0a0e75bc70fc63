"""ConsoleHub: in-process fan-out of "conversation changed" events to the console's websockets.

Events carry ids only, never content: a page that hears one fetches what changed over HTTP, as the
logged-in coordinator. Other workers' events arrive through bot.events (PostgreSQL LISTEN/NOTIFY).
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Protocol

QUEUE_SIZE = 256


@dataclass(frozen=True, slots=True)
class ConsoleEvent:
    kind: str  # "conversation" (anything about it changed) | "callbacks" | "resync" (events may be lost)
    conversation_id: int | None = None

    def as_json(self) -> dict[str, object]:
        return {"kind": self.kind, "conversation": self.conversation_id}


class EventBus(Protocol):
    """The small interface the console depends on; another implementation may span workers."""

    def publish(self, event: ConsoleEvent) -> None: ...

    def subscribe(self) -> contextlib.AbstractContextManager[asyncio.Queue[ConsoleEvent]]: ...


class ConsoleHub:
    """Each subscriber has a bounded queue; a slow one gets a single "resync" instead of a backlog."""

    def __init__(self) -> None:
        self._queues: set[asyncio.Queue[ConsoleEvent]] = set()

    @property
    def subscribers(self) -> int:
        return len(self._queues)

    def publish(self, event: ConsoleEvent) -> None:
        for queue in list(self._queues):
            try:
                queue.put_nowait(event)
            except asyncio.QueueFull:
                _drain(queue)
                queue.put_nowait(ConsoleEvent("resync"))

    def changed(self, conversation_id: int | None) -> None:
        """The pipeline's on_commit callback: something about this conversation changed."""
        self.publish(ConsoleEvent("conversation", conversation_id))

    @contextlib.contextmanager
    def subscribe(self) -> Iterator[asyncio.Queue[ConsoleEvent]]:
        queue: asyncio.Queue[ConsoleEvent] = asyncio.Queue(maxsize=QUEUE_SIZE)
        self._queues.add(queue)
        try:
            yield queue
        finally:
            self._queues.discard(queue)


def _drain(queue: asyncio.Queue[ConsoleEvent]) -> None:
    while not queue.empty():
        queue.get_nowait()
