"""Coordinators notice new waiting conversations: a link in their Telegram group, through the outbox.

The message carries a link and the crisis flag only, never the person's words or identity.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncSession

from bot.db.models import Author, Conversation, OutboxItem, OutboxStatus
from bot.messages import Channel
from bot.settings import Settings
from flows.texts import Texts

log = logging.getLogger(__name__)
ALERT_LANGUAGE = "lv"  # the coordinators' working language

OnWaiting = Callable[[AsyncSession, Conversation, datetime], Awaitable[None]]


def conversation_link(settings: Settings, conversation_id: int) -> str:
    return f"{settings.public_url}/console/conversations/{conversation_id}"


def coordinator_alert(settings: Settings, texts: Texts) -> OnWaiting | None:
    """The pipeline's on_waiting hook when TELEGRAM_COORDINATOR_CHAT_ID is set, else None."""
    chat_id = settings.telegram_coordinator_chat_id
    if not chat_id:
        return None
    if not settings.telegram_enabled:
        log.warning("TELEGRAM_COORDINATOR_CHAT_ID is set but Telegram is not: alerts wait in the outbox")

    async def alert(session: AsyncSession, conversation: Conversation, now: datetime) -> None:
        key = "console.notify.crisis" if conversation.crisis else "console.notify.waiting"
        text = texts.render(key, ALERT_LANGUAGE, {"link": conversation_link(settings, conversation.id)})
        # linked to no conversation: the person's replies must never queue behind the group's message
        session.add(
            OutboxItem(
                conversation_id=None,
                contact_id=None,
                channel=Channel.TELEGRAM,
                recipient_id=chat_id,
                author=Author.SYSTEM,
                text=text,
                sms_text=None,
                buttons=[],
                status=OutboxStatus.PENDING,
                attempts=0,
                next_attempt_at=now,
                created_at=now,
            )
        )

    return alert
