"""Messages kept on local disk while the database is away, handled in order once it is back.

Why: Twilio does not wait for us. It gives a webhook at most 5 retries and 15 seconds in all (its "connection
overrides"), so an SMS that arrives while PostgreSQL restarts or fails over would be lost if the webhook only
answered 5xx the way the Telegram webhook does (Telegram delivers an update again for hours). So the SMS
webhook keeps such a message here and answers Twilio 200; a task hands it to the pipeline when the database
answers again. Handling is idempotent (the provider's message id is claimed once), so a message handled
twice, by a retry or by two workers sharing the directory, still gets one answer.

Order: while anything is kept, newer messages are kept behind it rather than handled at once, and the
directory is handled oldest first, so a person's messages keep their order.

Privacy: a file holds a phone number and the words, like the database does; it is readable by this user only
and deleted as soon as the message is in the database.
"""

from __future__ import annotations

import asyncio
import contextlib
import fcntl
import hashlib
import json
import logging
import os
import time
from collections.abc import Awaitable, Callable
from dataclasses import asdict
from datetime import datetime
from pathlib import Path
from typing import Any

from bot.db.errors import database_unavailable
from bot.messages import Channel, InboundKind, InboundMessage

log = logging.getLogger(__name__)

Handle = Callable[[InboundMessage], Awaitable[object]]

SUFFIX = ".json"
RETRY_SECONDS = 2.0  # how often a worker tries the database again while something is kept


class InboundSpool:
    def __init__(
        self,
        directory: Path,
        handle: Handle,
        *,
        on_kept: Callable[[], None] = lambda: None,  # metrics
        retry_seconds: float = RETRY_SECONDS,
    ) -> None:
        self.directory = directory
        self._handle = handle
        self._on_kept = on_kept
        self._retry = retry_seconds
        self._wake = asyncio.Event()

    def waiting(self) -> bool:
        """True while any message is kept (checked for every message: an empty directory costs one scan)."""
        if not self.directory.is_dir():
            return False
        with os.scandir(self.directory) as entries:
            return any(entry.name.endswith(SUFFIX) for entry in entries)

    def kept(self) -> list[Path]:
        """The kept messages, oldest first (names start with the time they were kept, in nanoseconds)."""
        if not self.directory.is_dir():
            return []
        return sorted(path for path in self.directory.iterdir() if path.name.endswith(SUFFIX))

    async def keep(self, msg: InboundMessage) -> None:
        """Write `msg` to disk for good (flushed, then renamed into place) before the webhook says 200."""
        await asyncio.to_thread(self._write, msg)
        self._on_kept()
        self._wake.set()

    def _write(self, msg: InboundMessage) -> None:
        self.directory.mkdir(mode=0o700, parents=True, exist_ok=True)
        key = hashlib.sha256(f"{msg.channel}\n{msg.provider_message_id}".encode()).hexdigest()[:16]
        name = f"{time.time_ns():020d}-{msg.channel}-{key}"
        data = json.dumps(_to_json(msg), ensure_ascii=False).encode()
        temporary = self.directory / f".{name}.tmp"
        fd = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        try:
            os.write(fd, data)
            os.fsync(fd)
        finally:
            os.close(fd)
        os.replace(temporary, self.directory / f"{name}{SUFFIX}")
        _fsync_directory(self.directory)  # the rename itself survives a power cut

    async def replay(self) -> int:
        """Hand every kept message to the pipeline, oldest first; stops at the first that finds the database
        still away (it stays, and so does everything after it). Returns how many were handled."""
        handled = 0
        with _exclusive(self.directory) as mine:
            if not mine:  # another worker sharing the directory is at it
                return 0
            for path in self.kept():
                try:
                    msg = _from_json(json.loads(path.read_bytes()))
                except FileNotFoundError:
                    continue  # handled by another worker between its pass and ours
                except (ValueError, KeyError, TypeError):
                    # a file we cannot read would block everything behind it: set aside for an operator
                    log.error("inbound spool: an unreadable file was set aside", extra={"file": path.name})
                    path.rename(path.with_suffix(".unreadable"))
                    continue
                try:
                    await self._handle(msg)
                except Exception as exc:
                    if database_unavailable(exc):
                        return handled
                    # not the database: trying again would fail again and hold up everyone behind it
                    log.exception("inbound spool: a message failed; set aside", extra={"file": path.name})
                    path.rename(path.with_suffix(".failed"))
                    continue
                path.unlink(missing_ok=True)
                handled += 1
        if handled:
            log.info("inbound spool: kept messages handled", extra={"count": handled})
        return handled

    async def run(self) -> None:
        """Until cancelled: replay when something is kept, every few seconds while the database is away."""
        while True:
            self._wake.clear()
            try:
                await self.replay()
            except Exception:
                log.exception("inbound spool: replay failed; trying again")
            wait = self._retry if self.waiting() else None
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._wake.wait(), wait)


@contextlib.contextmanager
def _exclusive(directory: Path) -> Any:
    """One replayer at a time per directory, across processes (an advisory lock the kernel drops on exit)."""
    if not directory.is_dir():
        yield False
        return
    fd = os.open(directory / ".lock", os.O_RDWR | os.O_CREAT, 0o600)
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            yield False
            return
        yield True
    finally:
        os.close(fd)  # closing releases the lock


def _fsync_directory(directory: Path) -> None:
    fd = os.open(directory, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _to_json(msg: InboundMessage) -> dict[str, Any]:
    data = asdict(msg)
    data["channel"] = str(msg.channel)
    data["kind"] = str(msg.kind)
    data["received_at"] = msg.received_at.isoformat() if msg.received_at else None
    return data


def _from_json(data: dict[str, Any]) -> InboundMessage:
    received = data.get("received_at")
    return InboundMessage(
        channel=Channel(data["channel"]),
        sender_id=str(data["sender_id"]),
        provider_message_id=str(data["provider_message_id"]),
        text=str(data["text"]),
        kind=InboundKind(data["kind"]),
        payload=data.get("payload"),
        language_hint=data.get("language_hint"),
        first_name=data.get("first_name"),
        phone=data.get("phone"),
        received_at=datetime.fromisoformat(received) if received else None,
        reply_context=data.get("reply_context"),
    )
