"""The one internal vocabulary: every channel adapter turns its vendor payload into these types."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum


class Channel(StrEnum):
    TELEGRAM = "telegram"
    SMS = "sms"
    WEB = "web"
    CLI = "cli"


class InboundKind(StrEnum):
    """What the person sent; anything but TEXT and BUTTON gets a gentle explanation."""

    TEXT = "text"
    BUTTON = "button"
    MEDIA = "media"  # photo, voice, video, sticker, document: we cannot read them
    LOCATION = "location"
    CONTACT = "contact"  # the person's own shared phone number (may be used for a call-back)
    CONTACT_OTHER = "contact_other"  # someone else's contact card: not kept
    EDITED = "edited"
    UNSUPPORTED_CHAT = "unsupported_chat"  # e.g. a Telegram group
    BLOCKED = "blocked"  # the person blocked the bot (no reply possible)
    UNBLOCKED = "unblocked"
    OPT_OUT = "opt_out"  # SMS STOP and its equivalents: one confirmation, then silence
    OPT_IN = "opt_in"  # SMS START


@dataclass(frozen=True, slots=True)
class Button:
    payload: str
    label: str


@dataclass(frozen=True, slots=True)
class InboundMessage:
    """A message from a person, already verified and normalised by its channel adapter."""

    channel: Channel
    sender_id: str  # Telegram chat id, E.164 phone number, web chat id
    provider_message_id: str  # dedupe key, unique per channel (Telegram update_id, Twilio MessageSid)
    text: str
    kind: InboundKind = InboundKind.TEXT
    payload: str | None = None  # button payload (callback_data), when kind is BUTTON
    language_hint: str | None = None  # e.g. Telegram's language_code
    first_name: str | None = None
    phone: str | None = None  # only when the person shared it on purpose (Telegram contact)
    received_at: datetime | None = None
    reply_context: str | None = None  # channel-specific id needed to acknowledge (callback query id)
    # the chat's own number for this message, which an edit of it names again (Telegram message_id); kept
    # with the transcript line so that an edit can be compared with what the bot read the first time
    message_ref: str | None = None


@dataclass(frozen=True, slots=True)
class OutboundMessage:
    """One reply as the outbox hands it to a Sender."""

    outbox_id: int
    channel: Channel
    recipient_id: str
    text: str
    buttons: tuple[Button, ...] = field(default_factory=tuple)
    sms_text: str | None = None  # the short variant for SMS, when the text has one
    reply_context: str | None = None
    label: str | None = None  # who writes ("Koordinators"), shown above the text; None for the bot


def labelled(text: str, label: str | None) -> str:
    """The text as a channel without styling shows it: the label on a line of its own above the words.

    A person must see when a coordinator, not the bot, writes (channels QA); one line costs the same as a
    space by SMS and keeps the words as they were typed."""
    return f"{label}:\n{text}" if label else text
