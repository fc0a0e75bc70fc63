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
    from bot.channels.web import WebChatHub
    from bot.outbox import OutboxWorker
    from bot.pipeline import Pipeline

settings = web.AppKey("settings", Settings)
clock = web.AppKey("clock", Clock)  # type: ignore[type-abstract]
engine = web.AppKey("engine", AsyncEngine)
sessionmaker = web.AppKey("sessionmaker", async_sessionmaker[AsyncSession])
texts = web.AppKey("texts", Texts)
classifier = web.AppKey("classifier", Classifier)  # type: ignore[type-abstract]
senders = web.AppKey("senders", dict[Channel, Sender])
pipeline = web.AppKey("pipeline", "Pipeline")
outbox = web.AppKey("outbox", "OutboxWorker")
web_hub = web.AppKey("web_hub", "WebChatHub")
static_dir = web.AppKey("static_dir", Path)
