"""The HELP keyword: the helpline's name and how to reach a person, as one compliance reply.

Like the STOP/START confirmations it is a SYSTEM message, so it is answered even after STOP (the
reply also says how to START again), and it does not touch the conversation's flow state.
"""

from __future__ import annotations

from aiohttp import web

from bot import keys, store
from bot.channels.sms_keywords import reply_language
from bot.db.models import Author
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

    A turn of its own beside Pipeline.handle, with the pipeline's hooks: other workers and the
    coordinators' console hear about it like about any other message.
    """
    pipeline, texts = app[keys.pipeline], app[keys.texts]
    with pipeline.in_flight:
        async with app[keys.sessionmaker]() as session, session.begin():
            now = app[keys.clock]()
            if not await store.claim_inbound(session, str(msg.channel), msg.provider_message_id, now):
                return False
            contact = await store.lock_contact(session, msg.channel, msg.sender_id, now)  # unblocks too
            conversation = await store.open_conversation(session, contact, now)
            record = store.InboundRecord(msg.text, str(msg.kind), flow_step=HELP_KEY)
            lang = reply_language(msg.language_hint, contact.language)
            await store.enqueue(
                session,
                conversation=conversation,
                contact=contact,
                reply=store.QueuedReply(
                    help_text(texts, app[keys.settings].helpline_name, lang), None, [], author=Author.SYSTEM
                ),
                now=now,
                inbound=record,
            )
            if pipeline.in_transaction is not None:
                await pipeline.in_transaction(session, conversation.id)
            conversation_id = conversation.id
    pipeline.on_commit(conversation_id)
    return True
