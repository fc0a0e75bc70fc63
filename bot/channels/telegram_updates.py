"""Telegram `Update` -> `InboundMessage`: the only place that reads Telegram's update shapes."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime

import phonenumbers
from telegram import CallbackQuery, Chat, ChatMemberUpdated, Message, Update
from telegram.constants import ChatMemberStatus

from bot.messages import Channel, InboundKind, InboundMessage
from flows.language import SUPPORTED

# the update types the bot handles; everything else is not even delivered (setWebhook/getUpdates)
ALLOWED_UPDATES = ("message", "edited_message", "callback_query", "my_chat_member")
# callback_data of the one inert button left on a message after a choice ("✓ Visits")
CHOSEN = "tg:chosen"
CONTEXT_MAX = 128  # outbox.reply_context column
_MEDIA = (
    "photo",
    "voice",
    "video",
    "video_note",
    "sticker",
    "document",
    "audio",
    "animation",
    "dice",
    "poll",
    "game",
    "story",
    "paid_media",
)


@dataclass(frozen=True, slots=True)
class CallbackContext:
    """What a sender needs to acknowledge a button press and mark the choice on the message."""

    query_id: str
    chat_id: str
    message_id: int | None
    label: str

    def encode(self) -> str:
        head = f"{self.query_id}|{self.chat_id}|{self.message_id or ''}|"
        return head + self.label[: max(CONTEXT_MAX - len(head), 0)]

    @classmethod
    def decode(cls, value: str | None) -> CallbackContext | None:
        if not value:
            return None
        parts = value.split("|", 3)
        if len(parts) != 4 or not parts[0]:
            return None
        query_id, chat_id, message_id, label = parts
        return cls(query_id, chat_id, int(message_id) if message_id.isdigit() else None, label)


def language_hint(code: str | None) -> str | None:
    """Telegram's `language_code` ("ru", "en-GB") as one of our languages, or None."""
    lang = (code or "").split("-")[0].lower()
    return lang if lang in SUPPORTED else None


def e164(number: str | None) -> str | None:
    """A shared phone number in E.164 (Telegram sends digits, usually without '+'); Latvia by default."""
    if not number:
        return None
    raw = number.strip()
    candidates = [raw] if raw.startswith("+") else [f"+{raw}", raw]
    for candidate in candidates:
        try:
            parsed = phonenumbers.parse(candidate, "LV")
        except phonenumbers.NumberParseException:
            continue
        if phonenumbers.is_valid_number(parsed):
            return phonenumbers.format_number(parsed, phonenumbers.PhoneNumberFormat.E164)
    return None


def to_inbound(update: Update) -> InboundMessage | None:
    """The normalised message for an update, or None when there is nothing to answer."""
    if update.callback_query is not None:
        return _button(update.update_id, update.callback_query)
    if update.my_chat_member is not None:
        return _membership(update.update_id, update.my_chat_member)
    if update.edited_message is not None:
        return _message(update.update_id, update.edited_message, edited=True)
    if update.message is not None:
        return _message(update.update_id, update.message, edited=False)
    return None


# A text typed in a private chat, the update the bot gets most, has these keys and no others; any other key (a
# reply, a forward, a quote, media, a sender chat) or update sends it through PTB and to_inbound
_PLAIN_UPDATE = frozenset({"update_id", "message"})
_PLAIN_MESSAGE = frozenset({"message_id", "date", "chat", "from", "text", "entities"})
_PLAIN_CHAT = frozenset({"id", "type", "first_name", "last_name", "username"})


def plain_text(data: Mapping[str, object]) -> InboundMessage | None:
    """A plain text message read from the update's JSON, exactly as PTB and to_inbound would read it; None
    for every other update, which then goes through them.

    Why not PTB alone: `Update.de_json` builds a `Message` of about a hundred attributes for every update
    (88 µs, 5% of a saturated worker) to read five of them. The shapes read here are whitelisted, and a test
    holds the result equal to to_inbound's for every update it reads and declines the rest."""
    update_id, message = data.get("update_id"), data.get("message")
    if data.keys() - _PLAIN_UPDATE or type(update_id) is not int or not isinstance(message, dict):
        return None
    if message.keys() - _PLAIN_MESSAGE or type(message.get("message_id")) is not int:
        return None
    chat, user, text, date = (
        message.get("chat"),
        message.get("from"),
        message.get("text"),
        message.get("date"),
    )
    if not isinstance(chat, dict) or chat.keys() - _PLAIN_CHAT or chat.get("type") != Chat.PRIVATE:
        return None
    if type(chat.get("id")) is not int or not isinstance(text, str) or type(date) is not int:
        return None
    if not isinstance(user, dict) or type(user.get("id")) is not int or type(user.get("is_bot")) is not bool:
        return None
    first_name, code = user.get("first_name"), user.get("language_code")
    if not isinstance(first_name, str) or not (code is None or isinstance(code, str)):
        return None
    return InboundMessage(
        channel=Channel.TELEGRAM,
        sender_id=str(chat["id"]),
        provider_message_id=str(update_id),
        text=text,
        kind=InboundKind.TEXT,
        language_hint=language_hint(code),
        first_name=first_name,
        received_at=datetime.fromtimestamp(date, UTC),  # PTB's reading of `date` for a bot without Defaults
        message_ref=str(message["message_id"]),
    )


def _group(chat: Chat, hint: str | None) -> InboundMessage:
    # one explanation per group, ever: the dedupe key is the chat, not the update; nothing said there is kept
    return InboundMessage(
        channel=Channel.TELEGRAM,
        sender_id=str(chat.id),
        provider_message_id=f"group:{chat.id}",
        text="",
        kind=InboundKind.UNSUPPORTED_CHAT,
        language_hint=hint,
    )


def _message(update_id: int, message: Message, *, edited: bool) -> InboundMessage | None:
    user = message.from_user
    hint = language_hint(user.language_code if user else None)
    if message.chat.type != Chat.PRIVATE:
        return _group(message.chat, hint)
    kind, text, phone = _content(message)
    if kind is None:
        return None  # a service message (pinned, write access allowed, ...)
    return InboundMessage(
        channel=Channel.TELEGRAM,
        sender_id=str(message.chat.id),
        provider_message_id=str(update_id),
        text=text,
        kind=InboundKind.EDITED if edited else kind,
        language_hint=hint,
        first_name=user.first_name if user else None,
        phone=phone,
        received_at=message.date,
        message_ref=str(message.message_id),  # an edit carries the same message_id (and a new update_id)
    )


def _content(message: Message) -> tuple[InboundKind | None, str, str | None]:
    if message.text is not None:
        return InboundKind.TEXT, message.text, None
    if message.contact is not None:
        # only a person's own number is theirs to give; a forwarded contact card is someone else's
        own = message.from_user is not None and message.contact.user_id == message.from_user.id
        if not own:
            return InboundKind.CONTACT_OTHER, "", None  # told apart: "a coordinator can use it" is not true
        phone = e164(message.contact.phone_number)
        return InboundKind.CONTACT, phone or "", phone
    if message.location is not None or message.venue is not None:
        return InboundKind.LOCATION, "", None  # coordinates are not kept
    if any(getattr(message, name, None) for name in _MEDIA):
        return InboundKind.MEDIA, message.caption or "", None
    return None, "", None


def _button(update_id: int, query: CallbackQuery) -> InboundMessage | None:
    data = query.data
    if not data or data == CHOSEN:
        return None
    message = query.message if isinstance(query.message, Message) else None
    hint = language_hint(query.from_user.language_code)
    if query.message is not None and query.message.chat.type != Chat.PRIVATE:
        return _group(query.message.chat, hint)
    chat_id = str(query.message.chat.id) if query.message is not None else str(query.from_user.id)
    label = _label(message, data) or data
    context = CallbackContext(query.id, chat_id, message.message_id if message else None, label)
    return InboundMessage(
        channel=Channel.TELEGRAM,
        sender_id=chat_id,
        provider_message_id=str(update_id),
        text=label,
        kind=InboundKind.BUTTON,
        payload=data,
        language_hint=hint,
        first_name=query.from_user.first_name,
        reply_context=context.encode(),
    )


def _label(message: Message | None, data: str) -> str | None:
    if message is None or message.reply_markup is None:
        return None
    for row in message.reply_markup.inline_keyboard:
        for button in row:
            if button.callback_data == data:
                return button.text
    return None


def _membership(update_id: int, change: ChatMemberUpdated) -> InboundMessage | None:
    status = change.new_chat_member.status
    hint = language_hint(change.from_user.language_code)
    if change.chat.type == Chat.CHANNEL:
        # a channel has readers, no one to talk to: the group explanation was posted there for all of its
        # subscribers to read, in Latvian (QA s11). Its posts are not among ALLOWED_UPDATES either.
        return None
    if change.chat.type != Chat.PRIVATE:
        joined = status in (ChatMemberStatus.MEMBER, ChatMemberStatus.ADMINISTRATOR)
        return _group(change.chat, hint) if joined else None
    if status == ChatMemberStatus.BANNED:
        kind = InboundKind.BLOCKED
    elif status == ChatMemberStatus.MEMBER:
        kind = InboundKind.UNBLOCKED
    else:
        return None
    return InboundMessage(
        channel=Channel.TELEGRAM,
        sender_id=str(change.chat.id),
        provider_message_id=str(update_id),
        text="",
        kind=kind,
        language_hint=hint,
    )
