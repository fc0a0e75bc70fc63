"""A turn beside the flows: one SMS keyword's own reply (HELP, a request in words to stop messaging).

The frame is shared so that each keyword only says what it answers: record the message, queue at most one
reply, leave the flow state alone, and call the pipeline's hooks (other workers and the coordinators'
console hear about it like about any other message).

The inbound message is claimed before the contact row is locked, in the order of every other path that
takes both (Pipeline._turns, Pipeline._apologise): two workers handed the same MessageSid (a Twilio retry,
the spool) wait on the claim, and nobody waits on a claim while holding a contact lock. The stop hint used
to lock first, to look at the conversation before claiming the message and leave it to the ordinary turn
when a coordinator held it; if the coordinator handed it back between two deliveries of one message, the
worker in the ordinary turn (claimed, waiting for the lock) and the one in the stop hint (locked, waiting
for the claim) could deadlock on PostgreSQL. Now a keyword that declines (SideTurn.ORDINARY_TURN) rolls the
whole transaction back, the claim with it, and the ordinary turn claims the message itself.
"""

from __future__ import annotations

from collections.abc import Callable
from enum import Enum
from typing import Literal

from aiohttp import web

from bot import keys, store
from bot.db.models import Contact, Conversation
from bot.messages import InboundMessage


class SideTurn(Enum):
    """What became of the message."""

    ANSWERED = "answered"  # kept in the transcript, with the reply if the keyword gave one
    DUPLICATE = "duplicate"  # this MessageSid was handled before: nothing written
    ORDINARY_TURN = "ordinary_turn"  # the keyword declined: nothing kept, the caller runs the ordinary turn


# the reply; None to keep the message and send nothing (after STOP); SideTurn.ORDINARY_TURN to leave the
# message to Pipeline.handle (a coordinator holds the conversation)
SideReply = store.QueuedReply | None | Literal[SideTurn.ORDINARY_TURN]
# given the locked contact and its open conversation
BuildReply = Callable[[Contact, Conversation], SideReply]


class _Declined(Exception):
    """Raised inside the transaction so that it rolls back whole, the claim of the message included."""


async def side_turn(
    app: web.Application, msg: InboundMessage, flow_step: str, build_reply: BuildReply
) -> SideTurn:
    """Claim, lock, open the conversation, then record the message (flow step `flow_step`) and the reply."""
    pipeline = app[keys.pipeline]
    with pipeline.in_flight:
        try:
            async with app[keys.sessionmaker]() as session, session.begin():
                now = app[keys.clock]()
                if not await store.claim_inbound(session, str(msg.channel), msg.provider_message_id, now):
                    return SideTurn.DUPLICATE
                contact = await store.lock_contact(session, msg.channel, msg.sender_id, now)  # unblocks too
                conversation = await store.open_conversation(session, contact, now)
                reply = build_reply(contact, conversation)
                if reply is SideTurn.ORDINARY_TURN:
                    raise _Declined
                await store.write_turn(
                    session,
                    conversation=conversation,
                    contact=contact,
                    inbound=store.InboundRecord(msg.text, str(msg.kind), flow_step=flow_step),
                    replies=[] if reply is None else [reply],
                    state=None,
                    now=now,
                )
                if pipeline.in_transaction is not None:
                    await pipeline.in_transaction(session, conversation.id)
                conversation_id = conversation.id
        except _Declined:
            return SideTurn.ORDINARY_TURN
    pipeline.on_commit(conversation_id)
    return SideTurn.ANSWERED
