"""Builders for inbound messages and database reads used across tests."""

from __future__ import annotations

import uuid
from typing import Any

from aiohttp import web
from sqlalchemy import func, select

from bot import keys
from bot.db.models import Conversation, HandoffRequest, OutboxItem, TranscriptEntry
from bot.messages import Channel, InboundKind, InboundMessage, OutboundMessage


def inbound(
    text: str,
    *,
    user: str = "person-1",
    channel: Channel = Channel.CLI,
    provider_id: str | None = None,
    kind: InboundKind = InboundKind.TEXT,
    payload: str | None = None,
    hint: str | None = None,
) -> InboundMessage:
    return InboundMessage(
        channel=channel,
        sender_id=user,
        provider_message_id=provider_id or uuid.uuid4().hex,
        text=text,
        kind=kind,
        payload=payload,
        language_hint=hint,
    )


async def count(app: web.Application, model: type[object]) -> int:
    async with app[keys.sessionmaker]() as session:
        return int(await session.scalar(select(func.count()).select_from(model)) or 0)


async def transcript(app: web.Application) -> list[TranscriptEntry]:
    async with app[keys.sessionmaker]() as session:
        return list((await session.execute(select(TranscriptEntry).order_by(TranscriptEntry.id))).scalars())


async def outbox(app: web.Application) -> list[OutboxItem]:
    async with app[keys.sessionmaker]() as session:
        return list((await session.execute(select(OutboxItem).order_by(OutboxItem.id))).scalars())


async def conversations(app: web.Application) -> list[Conversation]:
    async with app[keys.sessionmaker]() as session:
        return list((await session.execute(select(Conversation).order_by(Conversation.id))).scalars())


async def handoffs(app: web.Application) -> list[HandoffRequest]:
    async with app[keys.sessionmaker]() as session:
        return list((await session.execute(select(HandoffRequest).order_by(HandoffRequest.id))).scalars())


async def replies_to(
    app: web.Application, sender: Any, text: str, user: str, channel: Channel = Channel.CLI
) -> list[OutboundMessage]:
    """What the person is sent for one message: the turn, then the outbox drained into `sender`."""
    before = len(sender.sent)
    await app[keys.pipeline].handle(inbound(text, user=user, channel=channel))
    await app[keys.outbox].drain()
    return list(sender.sent[before:])
