"""Fakes behind our own ports: they record what happened; tests assert on that."""

from __future__ import annotations

import re

from bot.channels.base import SendError
from bot.messages import OutboundMessage
from nlu.parse import FALLBACK, IntentScore, Parse

_CYRILLIC = re.compile(r"[а-яё]", re.IGNORECASE)


class FakeClassifier:
    """Keyword -> intent, so that flow and pipeline tests do not depend on the trained model."""

    def __init__(self, keywords: dict[str, str] | None = None) -> None:
        self.keywords = keywords or {
            "dzīvot": "crisis",
            "жить": "crisis",
            "go on": "crisis",
            "satikt": "visit_rules",
            "увидеть": "visit_rules",
            "visit": "visit_rules",
            "sveiki": "greet",
            "hello": "greet",
            "cilvēk": "human_handoff",
            "dzēs": "delete_my_data",
            "paldies": "thanks",
            "jā": "affirm",
            "boom": "explode",
        }
        self.seen: list[str] = []

    async def parse(self, text: str) -> Parse:
        self.seen.append(text)
        if text.startswith("/") and len(text) > 1:
            return Parse(text, text[1:], 1.0, (IntentScore(text[1:], 1.0),), None)
        lowered = text.lower()
        lang = (
            "ru"
            if _CYRILLIC.search(text)
            else ("en" if re.search(r"\b(the|hello|visit|go)\b", lowered) else "lv")
        )
        for word, intent in self.keywords.items():
            if word in lowered:
                if intent == "explode":
                    raise RuntimeError("classifier blew up")
                return Parse(text, intent, 0.95, (IntentScore(intent, 0.95),), lang)
        ranking = (IntentScore("visit_long", 0.2), IntentScore("letters", 0.15))
        return Parse(text, FALLBACK, 0.2, ranking, lang)


class FakeSender:
    """Records what would have been sent; can be told to fail the next sends."""

    def __init__(self) -> None:
        self.sent: list[OutboundMessage] = []
        self.failures: list[SendError] = []

    async def send(self, message: OutboundMessage) -> str:
        if self.failures:
            raise self.failures.pop(0)
        self.sent.append(message)
        return f"fake-{len(self.sent)}"
