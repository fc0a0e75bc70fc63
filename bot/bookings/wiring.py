"""The booking parts' lifetime in the app: demo psychologists on a fresh install, the reminder task."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import AsyncIterator, Callable

from aiohttp import web

from bot import keys
from bot.bookings.demo import seed_demo
from bot.bookings.reminders import ReminderWorker

log = logging.getLogger(__name__)
REMINDER_INTERVAL = 30.0  # seconds between passes; reminders are due to the minute at best


def bookings_context(*, run_worker: bool) -> Callable[[web.Application], AsyncIterator[None]]:
    async def context(app: web.Application) -> AsyncIterator[None]:
        settings = app[keys.settings]
        if settings.demo_data:
            async with app[keys.sessionmaker]() as session, session.begin():
                added = await seed_demo(session, app[keys.clock]())
            if added:
                log.info("demo psychologists added", extra={"count": added})
        worker = ReminderWorker(
            sessionmaker=app[keys.sessionmaker],
            texts=app[keys.texts],
            clock=app[keys.clock],
            zone=settings.zone,
            on_queued=app[keys.outbox].wake,
        )
        app[keys.reminders] = worker
        task = asyncio.create_task(worker.run(REMINDER_INTERVAL), name="reminders") if run_worker else None
        yield
        if task is not None:
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await task

    return context
