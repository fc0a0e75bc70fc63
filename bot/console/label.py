"""The label on a coordinator's reply ("Koordinators"): the person must know that a human writes now.

Channels QA: under a coordinator the replies looked exactly like the bot's in the web chat, on Telegram and
by SMS. The label is the text files' word in the conversation's language, never the coordinator's name
(staff names are for colleagues; there is no name meant for the people we serve). Where a label costs
nothing (web chat, Telegram, the terminal) every reply carries it. By SMS it costs characters: it goes on
the first reply after a take-over, or on the next one if that would have gone past two segments with it,
and on any later reply where it adds no segment (sms_render.shows_label).
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.channels.sms_render import shows_label
from bot.db.models import Author, Contact, Conversation, HandoffRequest, OutboxItem, OutboxStatus
from bot.messages import Channel
from flows.state import ConversationState
from flows.texts import Texts

LABEL_KEY = "console.label"
_NOT_SEEN = (OutboxStatus.DEAD, OutboxStatus.CANCELLED)  # a label on these never reached the person


def reply_language(conversation: Conversation, contact: Contact) -> str:
    """The language a coordinator's reply is labelled in: the conversation's, else the person's."""
    return ConversationState.from_json(conversation.state).lang or contact.language or "lv"


async def label_owed(session: AsyncSession, request: HandoffRequest) -> bool:
    """Whether the person has not yet been told, since this take-over, that a coordinator writes."""
    return not await _labelled_since(session, request.conversation_id, request.claimed_at)


async def coordinator_label(
    session: AsyncSession,
    *,
    texts: Texts,
    contact: Contact,
    request: HandoffRequest,
    text: str,
    lang: str,
) -> str | None:
    """The label the reply `text` carries on the person's channel, or None where an SMS goes without it."""
    label = texts.render(LABEL_KEY, lang)
    if contact.channel != Channel.SMS:
        return label
    return label if shows_label(label, text, owed=await label_owed(session, request)) else None


async def _labelled_since(session: AsyncSession, conversation_id: int, since: datetime | None) -> bool:
    """Whether a coordinator's reply with its label went out (or is on its way) since the take-over."""
    query = select(OutboxItem.id).where(
        OutboxItem.conversation_id == conversation_id,
        OutboxItem.author == Author.COORDINATOR,
        OutboxItem.label.is_not(None),
        OutboxItem.status.not_in(_NOT_SEEN),
    )
    if since is not None:
        query = query.where(OutboxItem.created_at >= since)
    return await session.scalar(query.limit(1)) is not None
