"""Cross-worker events over PostgreSQL: NOTIFY in a turn's transaction (sent on commit), LISTEN per worker."""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import uuid
from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING, Any

from sqlalchemy import ColumnElement, Text, cast, func, text
from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import AsyncSession

if TYPE_CHECKING:
    import asyncpg

log = logging.getLogger(__name__)

CHANNEL = "helpline_events"
PING_SECONDS = 10.0
MAX_BACKOFF = 10.0
RESYNC = "resync"  # published after the listener (re)connects: events may have been missed meanwhile

_NOTIFY = text("SELECT pg_notify(:channel, :payload)")

Publish = Callable[[str, int], Awaitable[None]]


def asyncpg_dsn(sqlalchemy_url: str) -> str:
    """The URL as asyncpg takes it: SQLAlchemy's own options (the prepared statement cache) are not
    server settings, and asyncpg would send them to PostgreSQL as such."""
    url = make_url(sqlalchemy_url).set(drivername="postgresql")
    url = url.difference_update_query(["prepared_statement_cache_size"])
    return url.render_as_string(hide_password=False)


class EventBridge:
    """Turns other workers' NOTIFYs into local `publish(event, conversation_id)` calls.

    Events from this process are not echoed back: local code already published them after its commit.
    On SQLite (dsn None) there is one writer and no other worker to tell, so notify() does nothing.
    """

    def __init__(self, dsn: str | None, *, on_lost: Callable[[], None] | None = None) -> None:
        self.dsn = dsn
        self.origin = uuid.uuid4().hex[:12]
        self.subscribers: list[Publish] = []
        self.listening = asyncio.Event()
        self._on_lost = on_lost or (lambda: None)
        self._tasks: set[asyncio.Task[None]] = set()

    def subscribe(self, publish: Publish) -> None:
        self.subscribers.append(publish)

    def notify_expression(self, event: str, conversation_id: ColumnElement[int]) -> ColumnElement[Any] | None:
        """The same NOTIFY as `notify`, as an expression a query can carry (no round trip of its own)."""
        if self.dsn is None:
            return None
        payload = func.json_build_object("e", event, "c", conversation_id, "o", self.origin)
        return func.pg_notify(CHANNEL, cast(payload, Text))

    async def notify(self, session: AsyncSession, event: str, conversation_id: int) -> None:
        """Queue a NOTIFY in the caller's transaction: sent on commit, dropped on rollback."""
        if self.dsn is None:
            return
        payload = json.dumps({"e": event, "c": conversation_id, "o": self.origin})
        await session.execute(_NOTIFY, {"channel": CHANNEL, "payload": payload})

    async def run(self) -> None:
        """Hold one LISTEN connection; reconnect with backoff when PostgreSQL restarts or the link drops."""
        if self.dsn is None:
            return
        import asyncpg  # only on PostgreSQL, and not at import time

        delay = 0.5
        while True:
            try:
                conn = await asyncpg.connect(self.dsn, timeout=5)
            except (OSError, asyncpg.PostgresError, TimeoutError) as exc:
                log.warning("events: cannot connect to listen (%s); retrying", type(exc).__name__)
                await asyncio.sleep(delay)
                delay = min(delay * 2, MAX_BACKOFF)
                continue
            delay = 0.5
            try:
                await self._listen(conn)
            except Exception as exc:
                # anything but cancellation leaves this connection unusable (seen in CI: asyncpg's
                # InternalClientError "another operation is in progress"); a dead listener would silently
                # stop cross-worker console updates, so every error means: reconnect
                log.warning("events: listener connection lost (%s); reconnecting", type(exc).__name__)
            finally:
                self.listening.clear()
                with contextlib.suppress(Exception):
                    await asyncio.wait_for(conn.close(), 2)
            self._on_lost()

    async def _listen(self, conn: asyncpg.Connection) -> None:
        lost = asyncio.Event()
        conn.add_termination_listener(lambda _conn: lost.set())
        await conn.add_listener(CHANNEL, self._received)
        self.listening.set()
        self._dispatch(RESYNC, 0)
        while not lost.is_set():
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(lost.wait(), PING_SECONDS)
            if not lost.is_set():
                await conn.fetchval("SELECT 1", timeout=5)  # a half-open socket shows up here

    def _received(self, _conn: object, _pid: int, _channel: str, payload: object) -> None:
        try:
            data = json.loads(str(payload))
            event, conversation_id, origin = str(data["e"]), int(data["c"]), str(data["o"])
        except (ValueError, KeyError, TypeError):
            log.warning("events: ignored a malformed notification")
            return
        if origin != self.origin:
            self._dispatch(event, conversation_id)

    def _dispatch(self, event: str, conversation_id: int) -> None:
        for publish in self.subscribers:
            task = asyncio.create_task(self._call(publish, event, conversation_id))
            self._tasks.add(task)
            task.add_done_callback(self._tasks.discard)

    @staticmethod
    async def _call(publish: Publish, event: str, conversation_id: int) -> None:
        try:
            await publish(event, conversation_id)
        except Exception:
            log.exception("events: a subscriber failed", extra={"conversation_id": conversation_id})
