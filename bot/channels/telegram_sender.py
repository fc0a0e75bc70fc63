"""TelegramSender: an outbox row -> sendMessage (plain text, buttons, parts), within Telegram's limits."""

from __future__ import annotations

import asyncio
import contextlib
import functools
import logging
import warnings
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from datetime import timedelta

from aiolimiter import AsyncLimiter
from telegram import InlineKeyboardButton, InlineKeyboardMarkup, LinkPreviewOptions
from telegram.error import (
    BadRequest,
    ChatMigrated,
    EndPointNotFound,
    Forbidden,
    InvalidToken,
    RetryAfter,
    TelegramError,
)
from telegram.warnings import PTBDeprecationWarning

from bot.channels.base import RecipientGone, SendError
from bot.channels.telegram_bot import HelplineBot
from bot.channels.telegram_updates import CHOSEN, CallbackContext
from bot.messages import Button, OutboundMessage, labelled

log = logging.getLogger(__name__)

MAX_TEXT = 4096  # Telegram counts UTF-16 code units
MAX_CALLBACK_DATA = 64  # bytes
SHORT_LABEL = 16  # two labels this short share a keyboard row
_PROGRESS_LIMIT = 10_000
_NO_PREVIEW = LinkPreviewOptions(is_disabled=True)  # PTB objects are frozen once built: one serves every send


@dataclass(frozen=True, slots=True)
class Limits:
    """Telegram's broadcast limits: about 30 messages a second overall, one a second per chat."""

    per_second: float = 30.0
    per_chat_interval: float = 1.0


def utf16_len(text: str) -> int:
    return len(text.encode("utf-16-le")) // 2


def split_text(text: str, limit: int = MAX_TEXT) -> list[str]:
    """Parts of at most `limit` UTF-16 units, cut at a paragraph, else a line, else a word boundary."""
    parts: list[str] = []
    rest = text
    while utf16_len(rest) > limit:
        fits = _fitting_prefix(rest, limit)
        cut, skip = _boundary(rest[:fits])
        parts.append(rest[:cut].rstrip())
        rest = rest[cut + skip :]
    if rest.strip() or not parts:
        parts.append(rest)
    return [p for p in parts if p.strip()] or [text[:limit]]


def _fitting_prefix(text: str, limit: int) -> int:
    units = 0
    for index, char in enumerate(text):
        units += 2 if ord(char) > 0xFFFF else 1
        if units > limit:
            return index
    return len(text)


def _boundary(head: str) -> tuple[int, int]:
    """Where to cut `head` (index, separator length); a cut in its first half is not worth it."""
    for separator in ("\n\n", "\n", ". ", " "):
        index = head.rfind(separator)
        if index >= len(head) // 2:
            return (index + 1, len(separator) - 1) if separator == ". " else (index, len(separator))
    return len(head), 0


def keyboard(buttons: tuple[Button, ...]) -> InlineKeyboardMarkup | None:
    """One button per row, or two short ones side by side; payloads Telegram cannot carry are left out."""
    usable = tuple(
        b for b in buttons if 0 < len(b.payload.encode()) <= MAX_CALLBACK_DATA and b.payload != CHOSEN
    )
    if len(usable) < len(buttons):
        dropped = len(buttons) - len(usable)
        log.warning("buttons left out: callback data over 64 bytes", extra={"dropped": dropped})
    return _layout(usable)


@functools.lru_cache(maxsize=512)
def _layout(usable: tuple[Button, ...]) -> InlineKeyboardMarkup | None:
    """The keyboard of these buttons, built once: the menus come from flows/texts, so a few dozen serve every
    reply, and building PTB objects for each send was 2% of a busy worker (py-spy). PTB objects are frozen
    once built, so one can go out in many messages at once."""
    rows: list[list[InlineKeyboardButton]] = []
    index = 0
    while index < len(usable):
        pair = usable[index : index + 2]
        if len(pair) == 2 and all(len(b.label) <= SHORT_LABEL for b in pair):
            rows.append([InlineKeyboardButton(b.label, callback_data=b.payload) for b in pair])
            index += 2
        else:
            rows.append([InlineKeyboardButton(usable[index].label, callback_data=usable[index].payload)])
            index += 1
    return InlineKeyboardMarkup(rows) if rows else None


def chosen_keyboard(label: str) -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup([[InlineKeyboardButton(f"✓ {label}"[:64], callback_data=CHOSEN)]])


def seconds(value: int | float | timedelta) -> float:
    return value.total_seconds() if isinstance(value, timedelta) else float(value)


def retry_after(exc: RetryAfter) -> float:
    """RetryAfter.retry_after is an int, or a timedelta under PTB_TIMEDELTA=1; read it quietly either way."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", PTBDeprecationWarning)
        return seconds(exc.retry_after)


def send_error(exc: TelegramError) -> SendError:
    """Map a Bot API failure to what the outbox needs to decide: retry, give up, or stop for this person."""
    name = type(exc).__name__
    if isinstance(exc, RetryAfter):
        return SendError("RetryAfter", retryable=True, retry_after=retry_after(exc))
    if isinstance(exc, Forbidden):
        return RecipientGone(f"Forbidden: {exc.message}"[:200])
    if isinstance(exc, BadRequest | ChatMigrated | EndPointNotFound):
        return SendError(f"{name}: {exc.message}"[:200], retryable=False)
    if isinstance(exc, InvalidToken):
        # the operator must fix the token; keep the messages until then (within the outbox's attempts)
        log.error("Telegram rejected the bot token")
        return SendError("InvalidToken", retryable=True)
    return SendError(f"{name}: {exc.message}"[:200], retryable=True)  # NetworkError, TimedOut, 5xx


class ChatLocks:
    """One holder at a time per chat, in arrival order (asyncio locks are FIFO); unused locks are dropped."""

    def __init__(self) -> None:
        self._locks: dict[str, tuple[asyncio.Lock, int]] = {}

    @contextlib.asynccontextmanager
    async def hold(self, chat: str) -> AsyncIterator[None]:
        lock, users = self._locks.get(chat, (asyncio.Lock(), 0))
        self._locks[chat] = (lock, users + 1)
        try:
            async with lock:
                yield
        finally:
            lock, users = self._locks[chat]
            if users <= 1:
                del self._locks[chat]
            else:
                self._locks[chat] = (lock, users - 1)

    def __len__(self) -> int:
        return len(self._locks)


@dataclass(slots=True)
class _Progress:
    acknowledged: bool = False
    parts_sent: int = 0
    last_id: str = ""
    parts: list[str] = field(default_factory=list)


class TelegramSender:
    """Delivers outbox rows; a retried row continues where it stopped, so no part goes out twice."""

    def __init__(self, bot: HelplineBot, limits: Limits | None = None) -> None:
        self.bot = bot
        self.limits = limits or Limits()
        self._overall = AsyncLimiter(self.limits.per_second, 1.0)
        self._chats = ChatLocks()
        self._last_sent: dict[str, float] = {}  # chat -> when Telegram confirmed our last message
        self._progress: dict[int, _Progress] = {}

    async def send(self, message: OutboundMessage) -> str:
        progress = self._progress.setdefault(message.outbox_id, _Progress())
        if len(self._progress) > _PROGRESS_LIMIT:
            self._progress.pop(next(iter(self._progress)))
        if not progress.acknowledged:
            await self._acknowledge(CallbackContext.decode(message.reply_context))
            progress.acknowledged = True
        if not progress.parts:
            progress.parts = split_text(labelled(message.text, message.label))
        markup = keyboard(message.buttons)
        try:
            for index in range(progress.parts_sent, len(progress.parts)):
                last = index == len(progress.parts) - 1
                progress.last_id = await self._send_part(
                    message.recipient_id, progress.parts[index], markup if last else None
                )
                progress.parts_sent = index + 1
        except TelegramError as exc:
            error = send_error(exc)
            if not error.retryable:
                self._progress.pop(message.outbox_id, None)
            raise error from None
        self._progress.pop(message.outbox_id, None)
        return progress.last_id

    async def _send_part(self, chat: str, text: str, markup: InlineKeyboardMarkup | None) -> str:
        """One sendMessage, at least `per_chat_interval` after Telegram confirmed the chat's previous one."""
        loop = asyncio.get_running_loop()
        async with self._chats.hold(chat):
            wait = self._last_sent.get(chat, -1e9) + self.limits.per_chat_interval - loop.time()
            if wait > 0:
                await asyncio.sleep(wait)
            try:
                async with self._overall:
                    message_id = await self.bot.send_text(
                        _chat_id(chat), text, reply_markup=markup, link_preview_options=_NO_PREVIEW
                    )
            finally:
                self._last_sent[chat] = loop.time()
                if len(self._last_sent) > _PROGRESS_LIMIT:
                    horizon = loop.time() - self.limits.per_chat_interval
                    self._last_sent = {c: t for c, t in self._last_sent.items() if t > horizon}
        return str(message_id)

    async def _acknowledge(self, context: CallbackContext | None) -> None:
        """Stop the button's spinner and leave the choice visible; a failure here must not stop the reply."""
        if context is None:
            return
        try:
            async with self._overall:
                await self.bot.answer_callback_query(context.query_id)
        except TelegramError as exc:
            log.info("could not answer a callback query", extra={"error": type(exc).__name__})
        if context.message_id is None:
            return
        try:
            async with self._overall:
                await self.bot.edit_message_reply_markup(
                    chat_id=_chat_id(context.chat_id),
                    message_id=context.message_id,
                    reply_markup=chosen_keyboard(context.label),
                )
        except TelegramError as exc:
            log.info("could not mark the chosen button", extra={"error": type(exc).__name__})


def _chat_id(value: str) -> int | str:
    try:
        return int(value)
    except ValueError:
        return value
