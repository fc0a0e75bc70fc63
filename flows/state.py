"""Conversation state and the values a turn exchanges: frozen dataclasses with JSON (de)serialisation."""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field, replace
from typing import Any

from nlu.parse import Parse

JSONValue = str | int | float | bool | None


@dataclass(frozen=True, slots=True)
class ConversationState:
    """Where a conversation stands; stored as JSON on the conversation row, loaded after its lock."""

    lang: str | None = None
    flow: str | None = None
    step: str | None = None
    slots: dict[str, JSONValue] = field(default_factory=dict)
    misses: int = 0  # misunderstandings in a row
    options: tuple[str, ...] = ()  # payloads of the last menu, so "2" can pick the second
    # per option, the normalised words that pick it when typed (its labels in every language, synonyms)
    choices: tuple[tuple[str, ...], ...] = ()
    # True when the person chose the language by name or button: then only another script moves it, not
    # Latin letters (flows.engine.conversation_language)
    lang_chosen: bool = False
    # the informational topic answered last, while the person is still on it: "а если он в Олайне?" right
    # after the parcels answer is about parcels there (flows.followup); cleared by a turn on anything else
    topic: str | None = None

    def to_json(self) -> str:
        data = asdict(self)
        data["options"] = list(self.options)
        data["choices"] = [list(words) for words in self.choices]
        return json.dumps(data, ensure_ascii=False, sort_keys=True)

    @classmethod
    def from_json(cls, raw: str | None) -> ConversationState:
        """Unknown or broken state starts afresh rather than failing the turn."""
        if not raw:
            return cls()
        try:
            data: dict[str, Any] = json.loads(raw)
            return cls(
                lang=data.get("lang"),
                flow=data.get("flow"),
                step=data.get("step"),
                slots=dict(data.get("slots") or {}),
                misses=int(data.get("misses") or 0),
                options=tuple(str(o) for o in data.get("options") or ()),
                choices=tuple(tuple(str(w) for w in words) for words in data.get("choices") or ()),
                lang_chosen=bool(data.get("lang_chosen", False)),
                topic=data.get("topic") or None,
            )
        except (ValueError, TypeError, AttributeError):
            return cls()

    def enter(self, flow: str, step: str, **slots: JSONValue) -> ConversationState:
        return replace(self, flow=flow, step=step, slots=dict(slots))

    def leave(self) -> ConversationState:
        return replace(self, flow=None, step=None, slots={})


@dataclass(frozen=True, slots=True)
class ButtonSpec:
    payload: str
    key: str  # text key of the label
    params: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class Reply:
    key: str
    params: dict[str, str] = field(default_factory=dict)
    buttons: tuple[ButtonSpec, ...] = ()
    # goes out even to a person who sent STOP: someone in danger who writes to us gets the emergency
    # numbers whatever they opted out of earlier (ordinary replies and reminders stay silenced)
    urgent: bool = False


@dataclass(frozen=True, slots=True)
class UserTurn:
    text: str
    parse: Parse
    payload: str | None = None  # a button press or a number that picked one
    menu_word: bool = False  # only a menu word ("izvēlne", "меню", "menu"): what "0" asks for, in words


@dataclass(frozen=True, slots=True)
class Turn:
    replies: tuple[Reply, ...]
    state: ConversationState
    flow_step: str = ""  # "flow.step" this turn moved, for the transcript
