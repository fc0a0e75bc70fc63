"""One outbound message as one SMS: the short text variant, then its buttons as short numbered lines.

Buttons reach us with the labels the pipeline rendered for every channel; SMS shows the `sms`
variant of the same text (`button.*` and other labels), found by its full label. A reply that also
offers the menu ("0") treats its other buttons as suggestions: they are dropped from the end while
the SMS would be longer than MAX_SEGMENTS, and stay reachable through the menu. Every other menu
is shown whole.
"""

from __future__ import annotations

from dataclasses import dataclass

from bot.channels.sms_keywords import SENSITIVE_STEMS, fold
from bot.channels.sms_segments import MAX_SEGMENTS, count_segments, gsm_friendly
from bot.messages import Button, OutboundMessage, labelled
from flows.conversation import MENU
from flows.texts import Texts

MENU_PAYLOAD = MENU  # what "0" picks (flows.engine.resolve_choice), so the menu button is shown as 0


class LabelConflict(ValueError):
    """Two languages share a full button label but give it different SMS labels."""


def short_labels(texts: Texts) -> dict[str, str]:
    """Full text (any language) -> its SMS variant, for every fixed text that has one (button labels)."""
    found: dict[str, str] = {}
    for lang in texts.languages:
        for key, entry in texts.entries[lang].items():
            if not entry.sms or entry.placeholders():
                continue
            if found.setdefault(entry.text, entry.sms) != entry.sms:
                raise LabelConflict(f"{lang}: {key!r} text {entry.text!r} has two different SMS variants")
    return found


@dataclass(frozen=True, slots=True)
class RenderedSms:
    body: str
    shown: tuple[int, ...]  # 1-based numbers of the buttons shown (0 for the menu)
    dropped: tuple[int, ...]  # numbers of suggestions left out to stay within MAX_SEGMENTS


class SmsRenderer:
    def __init__(self, texts: Texts, max_segments: int = MAX_SEGMENTS) -> None:
        self.labels = short_labels(texts)
        self.max_segments = max_segments

    def label(self, button: Button) -> str:
        return self.labels.get(button.label, button.label)

    def render(self, message: OutboundMessage) -> str:
        return self.render_detail(message).body

    def render_detail(self, message: OutboundMessage) -> RenderedSms:
        text = labelled((message.sms_text or message.text).strip(), message.label)
        numbered = list(enumerate(message.buttons, start=1))
        menu = [f"0 {self.label(b)}" for _, b in numbered if b.payload == MENU_PAYLOAD][:1]
        options = [(n, f"{n} {self.label(b)}") for n, b in numbered if b.payload != MENU_PAYLOAD]
        dropped: list[int] = []
        while True:
            body = gsm_friendly("\n".join([text, *(line for _, line in options), *menu]))
            if not menu or not options or count_segments(body).segments <= self.max_segments:
                break
            number, _ = options.pop()  # a suggestion; the menu ("0") still leads to it
            dropped.insert(0, number)
        shown = tuple(n for n, _ in options) + ((0,) if menu else ())
        return RenderedSms(body=body, shown=shown, dropped=tuple(dropped))


PREVIEW = 40  # characters a locked phone shows of a new SMS


def indiscreet(text: str, preview: int = PREVIEW) -> str | None:
    """The sensitive stem in the part of `text` a lock screen shows, or None when the preview is neutral.

    A word that starts in the preview counts even when the cut hides its end ("cietu…" still tells).
    """
    shown = fold(text[: preview + max(len(stem) for stem in SENSITIVE_STEMS) - 1])
    return next((stem for stem in SENSITIVE_STEMS if fold(stem) in shown), None)


def shows_label(label: str, text: str, *, owed: bool, max_segments: int = MAX_SEGMENTS) -> bool:
    """Whether the SMS of a coordinator's `text` (no buttons) carries its label.

    Each segment costs the helpline money and fills a push-button phone, so the label goes where it costs
    nothing; and where the person has not yet been told since the take-over that a coordinator writes
    (`owed`), also at the price of a segment, as long as the SMS stays within `max_segments`.
    """
    alone = count_segments(gsm_friendly(text.strip())).segments
    with_label = count_segments(gsm_friendly(labelled(text.strip(), label))).segments
    return with_label <= alone or (owed and with_label <= max_segments)
