"""What the NLU returns for one message, shaped like Rasa's /model/parse answer."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Protocol

FALLBACK = "nlu_fallback"
GREET = "greet"  # the intent a message that only greets gets; the words after a greeting are read again
LANGUAGES = ("lv", "ru", "en")


@dataclass(frozen=True, slots=True)
class IntentScore:
    name: str
    confidence: float


@dataclass(frozen=True, slots=True)
class Entity:
    entity: str  # "prison", "time", "phone_number", "language"
    value: str
    start: int
    end: int
    text: str = ""


@dataclass(frozen=True, slots=True)
class Parse:
    text: str
    intent: str
    confidence: float
    ranking: tuple[IntentScore, ...] = ()
    language: str | None = None  # the best guess, for the transcript and the per-language evaluation
    entities: tuple[Entity, ...] = field(default_factory=tuple)
    # the language the words clearly are, or None when they carry no clear evidence ("ok", "asdfgh", an
    # emoji, a number): only this may move a conversation to another language (nlu.language.clear_language)
    clear_language: str | None = None

    def entity(self, name: str) -> Entity | None:
        return next((e for e in self.entities if e.entity == name), None)

    def to_rasa(self) -> dict[str, object]:
        """The JSON shape of Rasa's `/model/parse`, plus `language` and `clear_language`."""
        return {
            "text": self.text,
            "intent": {"name": self.intent, "confidence": round(self.confidence, 4)},
            "intent_ranking": [{"name": s.name, "confidence": round(s.confidence, 4)} for s in self.ranking],
            "entities": [
                {
                    "entity": e.entity,
                    "value": e.value,
                    "start": e.start,
                    "end": e.end,
                    "extractor": "helpline",
                }
                for e in self.entities
            ],
            "language": self.language,
            "clear_language": self.clear_language,
        }


class Classifier(Protocol):
    """Any NLU backend: the embedded model, or a Rasa server adapted in bot/."""

    async def parse(self, text: str) -> Parse: ...
