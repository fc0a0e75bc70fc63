"""change_language: switch at once when the language is named, otherwise ask with three buttons."""

from __future__ import annotations

from dataclasses import replace

from flows.faq import menu_buttons
from flows.state import ButtonSpec, ConversationState, Reply, Turn, UserTurn

LANG_PAYLOAD = "lang:"
SUPPORTED = ("lv", "ru", "en")


def ask() -> tuple[ButtonSpec, ...]:
    return tuple(ButtonSpec(payload=f"{LANG_PAYLOAD}{code}", key=f"button.lang_{code}") for code in SUPPORTED)


def switch(state: ConversationState, lang: str) -> Turn:
    new_state = replace(state.leave(), lang=lang, lang_chosen=True)  # only another script overrides it
    replies = (Reply("language.changed"), Reply("menu.main", buttons=menu_buttons()))
    return Turn(replies=replies, state=new_state, flow_step=f"language.{lang}")


def change_language(state: ConversationState, turn: UserTurn) -> Turn:
    named = turn.parse.entity("language")
    if named is not None and named.value in SUPPORTED:
        return switch(state, named.value)
    return Turn((Reply("language.ask", buttons=ask()),), state.enter("language", "ask"), "language.ask")


def chosen(turn: UserTurn) -> str | None:
    if turn.payload and turn.payload.startswith(LANG_PAYLOAD):
        code = turn.payload.removeprefix(LANG_PAYLOAD)
        return code if code in SUPPORTED else None
    named = turn.parse.entity("language")
    return named.value if named is not None and named.value in SUPPORTED else None
