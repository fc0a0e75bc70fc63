"""FLOWS: the single intent -> flow table, checked against the intent taxonomy in tests."""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from flows import booking, conversation, faq, handoff, language, privacy
from flows.ports import FlowContext
from flows.state import ConversationState, Turn, UserTurn

Flow = Callable[[ConversationState, UserTurn, FlowContext], Awaitable[Turn]]


def _faq(state: ConversationState, turn: UserTurn, ctx: FlowContext) -> Awaitable[Turn]:
    async def run() -> Turn:
        return faq.answer(state, turn, ctx.channel, ctx.texts)

    return run()


async def _change_language(state: ConversationState, turn: UserTurn, ctx: FlowContext) -> Turn:
    return language.change_language(state, turn)


async def _delete_my_data(state: ConversationState, turn: UserTurn, ctx: FlowContext) -> Turn:
    return privacy.explain(state)


FLOWS: dict[str, Flow] = {
    "greet": conversation.greet,
    "goodbye": conversation.goodbye,
    "thanks": conversation.thanks,
    "affirm": conversation.affirm,
    "deny": conversation.deny,
    "help": conversation.help_menu,
    "out_of_scope": conversation.out_of_scope,
    "human_handoff": handoff.request_human,
    "complaint": handoff.complaint,
    "crisis": handoff.crisis,
    "change_language": _change_language,
    "delete_my_data": _delete_my_data,
    "book_counselling": booking.book_counselling,
    "my_bookings": booking.my_bookings,
    "cancel_booking": booking.cancel_booking,
    "reschedule_booking": booking.reschedule_booking,
    **dict.fromkeys(faq.FOLLOW_UPS, _faq),
}
