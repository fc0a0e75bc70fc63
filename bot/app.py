"""The only composition root: create_app builds every part; nothing happens at import time."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass, field
from pathlib import Path

from aiohttp import web

from bot import keys
from bot.channels.base import Sender
from bot.channels.web import WebChatHub, WebSender, setup_web_chat
from bot.clock import Clock, system_clock
from bot.db.engine import make_engine, make_sessionmaker
from bot.db.migrate import is_current, upgrade
from bot.health import setup_health
from bot.hours import WorkingHours
from bot.messages import Channel
from bot.outbox import OutboxWorker
from bot.pipeline import Pipeline
from bot.settings import Settings
from flows.texts import Texts
from nlu.parse import Classifier

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


def create_app(settings: Settings, overrides: Overrides | None = None) -> web.Application:
    o = overrides or Overrides()
    app = web.Application(client_max_size=256 * 1024)
    app[keys.settings] = settings
    app[keys.clock] = o.clock or system_clock(settings.zone)
    app[keys.static_dir] = STATIC
    app[keys.senders] = dict(o.senders)
    app[keys.web_hub] = WebChatHub()
    app[keys.senders].setdefault(Channel.WEB, WebSender(app[keys.web_hub]))
    app.cleanup_ctx.append(_db_context(migrate=o.migrate))
    # channels register their routes, their sender (into app[keys.senders]) and their lifetimes
    if settings.telegram_enabled:
        from bot.channels.telegram import setup_telegram

        setup_telegram(app)
    if settings.twilio_enabled:
        from bot.channels.sms import setup_sms

        setup_sms(app)
    app.cleanup_ctx.append(_pipeline_context(o.classifier))
    if o.run_outbox:
        app.cleanup_ctx.append(_outbox_task)
    setup_health(app)
    setup_web_chat(app)
    app.router.add_static("/static/", STATIC)
    return app


def _db_context(*, migrate: bool | None) -> Callable[[web.Application], AsyncIterator[None]]:
    async def db_context(app: web.Application) -> AsyncIterator[None]:
        settings = app[keys.settings]
        if settings.is_sqlite:
            settings.data_dir.mkdir(parents=True, exist_ok=True)
        engine = make_engine(settings.effective_database_url)
        if migrate or (migrate is None and settings.is_sqlite):
            await upgrade(engine)
        elif not await is_current(engine):
            log.warning("database schema is not current: run `helpline db upgrade`")
        app[keys.engine] = engine
        app[keys.sessionmaker] = make_sessionmaker(engine)
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
        app[keys.outbox] = OutboxWorker(
            sessionmaker=app[keys.sessionmaker],
            senders=senders,
            clock=app[keys.clock],
            max_attempts=settings.outbox_max_attempts,
        )
        app[keys.pipeline] = Pipeline(
            sessionmaker=app[keys.sessionmaker],
            classifier=app[keys.classifier],
            texts=texts,
            clock=app[keys.clock],
            hours=WorkingHours.parse(settings.working_hours),
            on_commit=app[keys.outbox].wake,
        )
        yield

    return pipeline_context


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


async def _outbox_task(app: web.Application) -> AsyncIterator[None]:
    task = asyncio.create_task(app[keys.outbox].run(), name="outbox")
    yield
    task.cancel()
    with contextlib.suppress(asyncio.CancelledError):
        await task
