"""Small talk and the safety nets: greeting, thanks, menu, out of scope, fallback."""

from __future__ import annotations

from dataclasses import replace

from flows.faq import FOLLOW_UPS, intent_button, menu_buttons
from flows.ports import SMS, FlowContext
from flows.state import ConversationState, Reply, Turn, UserTurn

# what a guess may offer back: the topics, each with a button label in every language. A list of what not
# to offer let `change_language` and `delete_my_data` through, which have no button: the second miss in a
# row crashed into an apology instead of offering a person.
_GUESSES = frozenset(FOLLOW_UPS) | {"book_counselling"}


OUT_OF_RANGE = "choice.out_of_range"
OUT_OF_RANGE_ONE = "choice.out_of_range_one"  # a list of one: "send 1", not "from 1 to 1"
MENU = "/help"  # what "0" and a menu word pick: the main menu, offered on every SMS as "0"


def bare_number(text: str) -> int | None:
    """ "2", " 3. " or "4)": a menu number typed on its own (at most two digits), else None."""
    token = text.strip().rstrip(".)")
    return int(token) if token.isdigit() and len(token) <= 2 else None


def number_not_offered(state: ConversationState, turn: UserTurn) -> bool:
    """A bare number that picks nothing from the options on screen."""
    number = bare_number(turn.text)
    if turn.payload or not state.options or number is None:
        return False
    return number > len(state.options)


def out_of_range(state: ConversationState) -> Turn:
    """Which numbers there are; the step and its options stay, so the next number still picks one."""
    count = len(state.options)
    reply = Reply(OUT_OF_RANGE_ONE) if count == 1 else Reply(OUT_OF_RANGE, {"last": str(count)})
    return Turn((reply,), state, OUT_OF_RANGE)


def menu(state: ConversationState, key: str = "menu.main", step: str = "menu") -> Turn:
    return Turn((Reply(key, buttons=menu_buttons()),), state.leave(), step)


async def greet(state: ConversationState, turn: UserTurn, ctx: FlowContext) -> Turn:
    replies = (Reply("greet"), Reply("menu.main", buttons=menu_buttons()))
    return Turn(replies, state.leave(), "greet")


async def help_menu(state: ConversationState, turn: UserTurn, ctx: FlowContext) -> Turn:
    """How this works, then the menu; by SMS, "0" or a menu word gets the menu alone.

    Every "0" by SMS sent the help line (two segments) before the menu (two more): the person asked for the
    menu, which says what to send, and the help line stays for who asks how this works (channels QA)."""
    if ctx.channel == SMS and (turn.payload == MENU or turn.menu_word):
        return menu(state)
    replies = (Reply("help"), Reply("menu.main", buttons=menu_buttons()))
    return Turn(replies, state.leave(), "help")


async def goodbye(state: ConversationState, turn: UserTurn, ctx: FlowContext) -> Turn:
    return Turn((Reply("goodbye"),), state.leave(), "goodbye")


async def thanks(state: ConversationState, turn: UserTurn, ctx: FlowContext) -> Turn:
    return Turn((Reply("thanks", buttons=(intent_button("help"),)),), state.leave(), "thanks")


async def affirm(state: ConversationState, turn: UserTurn, ctx: FlowContext) -> Turn:
    return menu(state, "affirm.none", "affirm.none")


async def deny(state: ConversationState, turn: UserTurn, ctx: FlowContext) -> Turn:
    return menu(state, "deny.none", "deny.none")


async def out_of_scope(state: ConversationState, turn: UserTurn, ctx: FlowContext) -> Turn:
    return menu(state, "out_of_scope", "out_of_scope")


async def booking_by_coordinator(state: ConversationState, turn: UserTurn, ctx: FlowContext) -> Turn:
    """Until self-service booking lands, sessions are arranged by a coordinator."""
    buttons = (intent_button("human_handoff"), intent_button("psych_info"), intent_button("help"))
    return Turn((Reply("booking.not_yet", buttons=buttons),), state.leave(), "booking.not_yet")


def fallback(state: ConversationState, turn: UserTurn, known: set[str]) -> Turn:
    """First miss: ask to rephrase. Second in a row: offer a person and the best guesses."""
    misses = state.misses + 1
    new_state = replace(state.leave(), misses=misses)
    if misses < 2:
        return Turn((Reply("fallback.retry", buttons=menu_buttons()),), new_state, "fallback.retry")
    guesses = [s.name for s in turn.parse.ranking if s.name in known and s.name in _GUESSES][:2]
    buttons = (intent_button("human_handoff"), *(intent_button(g) for g in guesses), intent_button("help"))
    return Turn((Reply("fallback.offer", buttons=buttons),), new_state, "fallback.offer")
