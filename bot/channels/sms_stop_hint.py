"""A sentence that asks us to stop messaging gets one clarification: send STOP alone to opt out.

Only the keyword alone opts out (sms_keywords.match_keyword), so that "stop the visit" stays a question.
Before, "Lūdzu stop sūtīt man ziņas" got the bank account, "please stop texting me" an offer to erase
everything, and "nevēlos vairs saņemt ziņas" (read by the model as "I do not want ... any more") the crisis
numbers and the top of the coordinators' queue, even from someone who had already sent STOP (QA, SMS pass).
Like the HELP answer this is a turn of its own: the message is kept in the transcript and the flow state is
left alone. It is a bot message, not a compliance one: an opted-out person gets nothing. Crisis words in the
same message, and a conversation a coordinator holds, take the ordinary path.
"""

from __future__ import annotations

from aiohttp import web

from bot import keys, store
from bot.channels.sms_keywords import asks_to_stop
from bot.channels.sms_side_turn import SideReply, SideTurn, side_turn
from bot.db.models import Author, Contact, Conversation, Owner
from bot.messages import InboundMessage

STOP_HINT_KEY = "sms.stop_hint"


def wants_stop_hint(app: web.Application, msg: InboundMessage) -> str | None:
    """The language to answer in when this SMS asks in words to stop messages and says no crisis."""
    lang = asks_to_stop(msg.text)
    if lang is None or app[keys.pipeline].rules.crisis_phrase(msg.text) is not None:
        return None
    return lang


async def reply_stop_hint(app: web.Application, msg: InboundMessage, lang: str) -> bool:
    """Record the message and, unless the person opted out or a coordinator holds the conversation,
    queue how to stop. False when the conversation is a coordinator's: the caller runs the ordinary turn.
    """
    texts = app[keys.texts]

    def reply(contact: Contact, conversation: Conversation) -> SideReply:
        if conversation.owner == Owner.HUMAN:
            return SideTurn.ORDINARY_TURN  # the coordinator reads it and answers; nothing is kept here
        if contact.opted_out:
            return None  # kept in the transcript, nothing sent
        return store.QueuedReply(texts.render(STOP_HINT_KEY, lang), None, [], author=Author.BOT)

    return await side_turn(app, msg, STOP_HINT_KEY, reply) is not SideTurn.ORDINARY_TURN
