"""Long polling (getUpdates) for a laptop without a public URL: the same path as the webhook."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Awaitable, Callable

from telegram import Bot, Update
from telegram.error import Conflict, InvalidToken, RetryAfter, TelegramError, TimedOut

from bot.channels.telegram_sender import retry_after
from bot.channels.telegram_updates import ALLOWED_UPDATES

log = logging.getLogger(__name__)

Process = Callable[[Update], Awaitable[object]]


class Poller:
    """getUpdates in a loop; the offset moves past an update only after it was handled (stored)."""

    def __init__(
        self,
        bot: Bot,
        process: Process,
        *,
        timeout: float = 25.0,
        backoff_start: float = 1.0,
        backoff_max: float = 30.0,
    ) -> None:
        self.bot = bot
        self.process = process
        self.timeout = timeout
        self.backoff_start = backoff_start
        self.backoff_max = backoff_max
        self.offset: int | None = None
        self._stop = asyncio.Event()
        self._task: asyncio.Task[None] | None = None

    def start(self) -> None:
        self._task = asyncio.create_task(self.run(), name="telegram-polling")

    async def stop(self, grace: float = 5.0) -> None:
        """Let a turn in progress finish (up to `grace` seconds), then end the loop."""
        self._stop.set()
        task, self._task = self._task, None
        if task is None:
            return
        done, _ = await asyncio.wait({task}, timeout=grace)
        if not done:
            task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await task
        await self._confirm()

    async def run(self) -> None:
        delay = self.backoff_start
        while not self._stop.is_set():
            try:
                await self._delete_webhook()
                break
            except TelegramError as exc:
                delay = await self._pause(exc, delay)
        delay = self.backoff_start
        while not self._stop.is_set():
            try:
                updates = await self._fetch()
                for update in updates:
                    await self.process(update)  # raises when the database is down: fetch again later
                    self.offset = update.update_id + 1
            except TimedOut:
                continue  # a long poll that outlived its read timeout: just ask again
            except Exception as exc:  # the loop must outlive any one failure
                delay = await self._pause(exc, delay)
            else:
                delay = self.backoff_start

    async def _delete_webhook(self) -> None:
        # getUpdates is refused while a webhook is set; keep the queued updates (they are answered now)
        await self.bot.delete_webhook(drop_pending_updates=False)
        log.info("telegram: long polling (no HELPLINE_PUBLIC_URL)")

    async def _fetch(self) -> tuple[Update, ...]:
        """One long poll, abandoned at once when stopping (nothing is lost: the offset did not move)."""
        fetch = asyncio.ensure_future(
            self.bot.get_updates(
                offset=self.offset, timeout=int(self.timeout), allowed_updates=ALLOWED_UPDATES
            )
        )
        stopping = asyncio.ensure_future(self._stop.wait())
        try:
            await asyncio.wait({fetch, stopping}, return_when=asyncio.FIRST_COMPLETED)
        finally:
            for future in (fetch, stopping):
                if not future.done():
                    future.cancel()
                    with contextlib.suppress(asyncio.CancelledError):
                        await future
        return fetch.result() if fetch.done() and not fetch.cancelled() else ()

    async def _pause(self, exc: BaseException, delay: float) -> float:
        """Wait before trying again (Telegram's own retry_after wins); returns the next delay."""
        wait = delay
        if isinstance(exc, RetryAfter):
            wait = retry_after(exc)
        elif isinstance(exc, Conflict):
            log.warning("telegram: another getUpdates or a webhook is active; retrying in %.0f s", wait)
        elif isinstance(exc, InvalidToken):
            log.error("telegram: the bot token was rejected; check TELEGRAM_BOT_TOKEN")
        elif isinstance(exc, TelegramError):
            log.warning("telegram: polling failed (%s); retrying in %.0f s", type(exc).__name__, wait)
        else:
            log.warning("telegram: update not handled (%s); retrying in %.0f s", type(exc).__name__, wait)
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(self._stop.wait(), wait)
        return min(delay * 2, self.backoff_max)

    async def _confirm(self) -> None:
        """Tell Telegram which updates are done, so the next start does not fetch them again."""
        if self.offset is None:
            return
        with contextlib.suppress(TelegramError, OSError):
            await self.bot.get_updates(
                offset=self.offset, timeout=0, limit=1, allowed_updates=ALLOWED_UPDATES
            )
