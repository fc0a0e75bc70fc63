"""The HELP keyword: the helpline's name and how to reach a person, as one compliance reply.

Like the STOP/START confirmations it is a SYSTEM message, so it is answered even after STOP (the
reply also says how to START again), and it does not touch the conversation's flow state.
"""

from __future__ import annotations

from aiohttp import web

from bot import keys, store
from bot.channels.sms_keywords import reply_language
from bot.channels.sms_side_turn import SideTurn, side_turn
from bot.db.models import Author, Contact, Conversation
from bot.messages import InboundMessage
from flows.texts import Texts

HELP_KEY = "sms.help"
NAME_KEY = "helpline.name"


def helpline_name(texts: Texts, configured: str, lang: str) -> str:
    """HELPLINE_HELPLINE_NAME when set, else the neutral name of the text files in this language."""
    return configured.strip() or texts.render(NAME_KEY, lang)


def help_text(texts: Texts, configured_name: str, lang: str) -> str:
    return texts.render(HELP_KEY, lang, {"name": helpline_name(texts, configured_name, lang)})


async def reply_help(app: web.Application, msg: InboundMessage) -> bool:
    """Record the message and queue the help reply; False when this MessageSid was handled before.

    A turn of its own beside Pipeline.handle (bot/channels/sms_side_turn.py), answered even after STOP.
    """
    texts, name = app[keys.texts], app[keys.settings].helpline_name

    def reply(contact: Contact, _conversation: Conversation) -> store.QueuedReply:
        lang = reply_language(msg.language_hint, contact.language)
        return store.QueuedReply(help_text(texts, name, lang), None, [], author=Author.SYSTEM)

    return await side_turn(app, msg, HELP_KEY, reply) is SideTurn.ANSWERED
