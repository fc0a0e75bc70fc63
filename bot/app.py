"""The only composition root: create_app builds every part; nothing happens at import time."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path

from aiohttp import web
from sqlalchemy.ext.asyncio import AsyncSession

from bot import keys
from bot.bookings.calendar import setup_calendar
from bot.bookings.service import BookingPolicy
from bot.bookings.wiring import bookings_context
from bot.channels.base import Sender
from bot.channels.web import WebChatHub, WebSender, setup_web_chat
from bot.clock import Clock, system_clock
from bot.console import setup_console
from bot.console.alerts import coordinator_alert
from bot.console.hub import ConsoleHub
from bot.db.engine import make_engine, make_reader, make_sessionmaker
from bot.db.schema_version import is_current
from bot.events import EventBridge, asyncpg_dsn
from bot.health import setup_health
from bot.hours import WorkingHours
from bot.messages import Channel
from bot.metrics import Metrics, TimedClassifier, setup_metrics
from bot.outbox import OutboxWorker
from bot.pipeline import Pipeline
from bot.settings import Settings
from flows.texts import Texts
from nlu.parse import Classifier
from nlu.rules import rules_of

log = logging.getLogger(__name__)
STATIC = Path(__file__).parent / "web" / "static"
ChannelSetup = Callable[[web.Application], None]


@dataclass
class Overrides:
    """What tests (and the terminal chat) swap in: fakes over mocks."""

    classifier: Classifier | None = None
    senders: dict[Channel, Sender] = field(default_factory=dict)
    clock: Clock | None = None
    run_outbox: bool = True
    migrate: bool | None = None  # None: migrate on the embedded SQLite default only
    # seconds an idle outbox waits before it looks again (for retries come due); a test that must see a
    # reply go out because the outbox was woken, not because it looked again, sets hours
    outbox_poll: float = 1.0


def create_app(settings: Settings, overrides: Overrides | None = None) -> web.Application:
    o = overrides or Overrides()
    app = web.Application(client_max_size=256 * 1024)
    app[keys.settings] = settings
    app[keys.clock] = o.clock or system_clock(settings.zone)
    app[keys.static_dir] = STATIC
    app[keys.senders] = dict(o.senders)
    app[keys.web_hub] = WebChatHub()
    app[keys.senders].setdefault(Channel.WEB, WebSender())
    app[keys.metrics] = Metrics(settings.prometheus_multiproc_dir)
    app.cleanup_ctx.append(_db_context(migrate=o.migrate))
    # channels register their routes, their sender (into app[keys.senders]) and their lifetimes
    if settings.telegram_enabled:
        from bot.channels.telegram import setup_telegram

        setup_telegram(app)
    if settings.twilio_enabled:
        from bot.channels.sms import setup_sms

        setup_sms(app)
    app.cleanup_ctx.append(_events_context)
    app.cleanup_ctx.append(_pipeline_context(o.classifier))
    app.cleanup_ctx.append(bookings_context(run_worker=o.run_outbox))  # demo psychologists, reminders
    if o.run_outbox:
        app.cleanup_ctx.append(_outbox_task(o.outbox_poll))
    if keys.inbound_spool in app:  # after the pipeline: the replay hands kept messages to it
        app.cleanup_ctx.append(_spool_task)
    setup_health(app)
    setup_metrics(app)
    setup_web_chat(app)
    setup_calendar(app)
    setup_console(app)
    app.router.add_static("/static/", STATIC)
    return app


def _db_context(*, migrate: bool | None) -> Callable[[web.Application], AsyncIterator[None]]:
    async def db_context(app: web.Application) -> AsyncIterator[None]:
        settings = app[keys.settings]
        if settings.is_sqlite:
            settings.data_dir.mkdir(parents=True, exist_ok=True)
        engine = make_engine(settings.effective_database_url, pool_size=settings.db_pool_size)
        current = await is_current(engine)
        if not current and (migrate or (migrate is None and settings.is_sqlite)):
            from bot.db.migrate import upgrade  # Alembic only when there is something to do

            await upgrade(engine)
        elif not current:
            log.warning("database schema is not current: run `helpline db upgrade`")
        app[keys.engine] = engine
        app[keys.sessionmaker] = make_sessionmaker(engine)
        app[keys.reader] = make_reader(engine)
        yield
        await engine.dispose()

    return db_context


def _pipeline_context(classifier: Classifier | None) -> Callable[[web.Application], AsyncIterator[None]]:
    async def pipeline_context(app: web.Application) -> AsyncIterator[None]:
        settings = app[keys.settings]
        texts = Texts.load()
        app[keys.texts] = texts
        app[keys.classifier] = classifier or await load_nlu(settings)
        senders: dict[Channel, Sender] = app[keys.senders]  # shared: channels add theirs at start-up
        metrics, events = app[keys.metrics], app[keys.events]

        async def conversation_changed(session: AsyncSession, conversation_id: int) -> None:
            await events.notify(session, "conversation", conversation_id)

        async def web_reply_sent(session: AsyncSession, conversation_id: int | None) -> None:
            # the page may be long-polling another worker
            if conversation_id is not None:
                await events.notify(session, "web", conversation_id)

        app[keys.outbox] = OutboxWorker(
            sessionmaker=app[keys.sessionmaker],
            senders=senders,
            clock=app[keys.clock],
            max_attempts=settings.outbox_max_attempts,
            batch=settings.outbox_batch,
            lease=timedelta(seconds=settings.outbox_lease_seconds),
            metrics=metrics,
            on_sent={Channel.WEB: web_reply_sent},
            delivered={Channel.WEB: app[keys.web_hub].notify},
        )
        app[keys.pipeline] = Pipeline(
            sessionmaker=app[keys.sessionmaker],
            classifier=TimedClassifier(app[keys.classifier], metrics),
            texts=texts,
            clock=app[keys.clock],
            hours=WorkingHours.parse(settings.working_hours),
            on_commit=_after_commit(app[keys.outbox], app[keys.console_hub]),
            on_waiting=coordinator_alert(settings, texts),
            metrics=metrics,
            in_transaction=conversation_changed if events.dsn else None,
            in_transaction_expression=lambda conversation_id: events.notify_expression(
                "conversation", conversation_id
            ),
            booking_policy=BookingPolicy.from_settings(settings),
            turn_batch=settings.turn_batch,
            rules=rules_of(app[keys.classifier]),  # the timed wrapper has none of its own
        )
        yield
        # the server stopped taking requests and waited for its handlers; turns started elsewhere end here
        in_flight = app[keys.pipeline].in_flight
        if not await in_flight.wait_idle(settings.shutdown_timeout):
            log.warning("shutdown: %d turns still running; they roll back", in_flight.count)
        closer = getattr(app[keys.classifier], "aclose", None)  # the Rasa backend owns an HTTP session
        if closer is not None:
            await closer()

    return pipeline_context


def _after_commit(outbox: OutboxWorker, hub: ConsoleHub) -> Callable[[int], None]:
    """After each turn: wake the outbox and tell the coordinators' open console pages."""

    def changed(conversation_id: int) -> None:
        outbox.wake(conversation_id)
        hub.changed(conversation_id)

    return changed


async def load_nlu(settings: Settings) -> Classifier:
    """The embedded classifier (trained on first start, then cached), or Rasa in front of it."""
    from nlu.embedded import DEFAULT_DATA_DIR, load_classifier

    embedded = await asyncio.to_thread(
        load_classifier,
        DEFAULT_DATA_DIR,
        settings.data_dir / "nlu",
        threshold=settings.nlu_threshold,
        progress=lambda line: log.info("nlu: %s", line),
    )
    if settings.nlu == "rasa":
        from bot.nlu_rasa import RasaClassifier

        return RasaClassifier(settings.rasa_url, fallback=embedded, timeout=settings.rasa_timeout)
    return embedded


async def _spool_task(app: web.Application) -> AsyncIterator[None]:
    """Messages kept on disk while the database was away (bot/inbound_spool.py), handled once it is back;
    kept from before a restart, too."""
    task = asyncio.create_task(app[keys.inbound_spool].run(), name="inbound-spool")
    yield
    # what is still kept stays on disk for the next start
    task.cancel()
    with contextlib.suppress(asyncio.CancelledError):
        await task


def _outbox_task(poll: float) -> Callable[[web.Application], AsyncIterator[None]]:
    async def outbox_task(app: web.Application) -> AsyncIterator[None]:
        worker = app[keys.outbox]
        task = asyncio.create_task(worker.run(idle_wait=poll), name="outbox")
        yield
        # stop between sends: rows claimed in this pass are sent and marked; never-claimed rows wait in the
        # table
        worker.stop()
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(asyncio.shield(task), app[keys.settings].shutdown_timeout)
        if not task.done():
            log.warning(
                "shutdown: the outbox pass did not finish in time; its rows are retried after the lease"
            )
        task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await task

    return outbox_task


async def _events_context(app: web.Application) -> AsyncIterator[None]:
    """LISTEN for other workers' events on PostgreSQL; wake this worker's web chat pages (and console)."""
    settings = app[keys.settings]
    metrics = app[keys.metrics]
    dsn = None if settings.is_sqlite else asyncpg_dsn(settings.effective_database_url)
    events = EventBridge(dsn, on_lost=lambda: metrics.error("listener_lost"))
    web_hub = app[keys.web_hub]

    async def wake_web_pages(event: str, _conversation_id: int) -> None:
        if event in ("web", "resync"):
            await web_hub.notify()

    events.subscribe(wake_web_pages)
    app[keys.events] = events
    task = asyncio.create_task(events.run(), name="events")
    yield
    task.cancel()
    # shutting down: however the listener ends (cancelled, or its connection failing as it is cut),
    # the rest of the clean-up must still run
    (ended,) = await asyncio.gather(task, return_exceptions=True)
    if not isinstance(ended, (asyncio.CancelledError, type(None))):
        log.warning("shutdown: the events listener ended with %s", type(ended).__name__)
