"""Typed application keys, so handlers never import app.py and never use string keys."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from aiohttp import web
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from bot.channels.base import Sender
from bot.clock import Clock
from bot.messages import Channel
from bot.settings import Settings
from flows.texts import Texts
from nlu.parse import Classifier

if TYPE_CHECKING:
    import jinja2

    from bot.bookings.reminders import ReminderWorker
    from bot.channels.web import WebChatHub
    from bot.console.hub import ConsoleHub
    from bot.console.i18n import Catalogs
    from bot.events import EventBridge
    from bot.inbound_spool import InboundSpool
    from bot.metrics import Metrics
    from bot.outbox import OutboxWorker
    from bot.pipeline import Pipeline

settings = web.AppKey("settings", Settings)
clock: web.AppKey[Clock] = web.AppKey("clock")
engine = web.AppKey("engine", AsyncEngine)
sessionmaker = web.AppKey("sessionmaker", async_sessionmaker[AsyncSession])
reader = web.AppKey("reader", async_sessionmaker[AsyncSession])  # read-only sessions (bot.db.engine)
texts = web.AppKey("texts", Texts)
classifier: web.AppKey[Classifier] = web.AppKey("classifier")
senders = web.AppKey("senders", dict[Channel, Sender])
pipeline: web.AppKey[Pipeline] = web.AppKey("pipeline")
outbox: web.AppKey[OutboxWorker] = web.AppKey("outbox")
web_hub: web.AppKey[WebChatHub] = web.AppKey("web_hub")
static_dir = web.AppKey("static_dir", Path)
metrics: web.AppKey[Metrics] = web.AppKey("metrics")
events: web.AppKey[EventBridge] = web.AppKey("events")
reminders: web.AppKey[ReminderWorker] = web.AppKey("reminders")
console_hub: web.AppKey[ConsoleHub] = web.AppKey("console_hub")
console_templates: web.AppKey[jinja2.Environment] = web.AppKey("console_templates")
console_catalogs: web.AppKey[Catalogs] = web.AppKey("console_catalogs")
inbound_spool: web.AppKey[InboundSpool] = web.AppKey("inbound_spool")
