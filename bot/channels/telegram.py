"""Telegram channel: `POST /webhooks/telegram` (or long polling), the Bot's lifetime, commands, typing.

Vendor objects stay in `bot/channels/telegram*.py`: updates become `InboundMessage`s here and replies
leave through `TelegramSender`, driven by the outbox.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import secrets
from collections.abc import AsyncIterator, Awaitable
from dataclasses import dataclass, field

from aiohttp import web
from pydantic import SecretStr
from telegram import Bot, BotCommand, Update
from telegram.constants import ChatAction
from telegram.error import InvalidToken, TelegramError

from bot import keys
from bot.channels.telegram_bot import HelplineBot
from bot.channels.telegram_polling import Poller
from bot.channels.telegram_request import AiohttpRequest
from bot.channels.telegram_sender import ChatLocks, Limits, TelegramSender
from bot.channels.telegram_updates import ALLOWED_UPDATES, CallbackContext, plain_text, to_inbound
from bot.messages import Channel, InboundKind, InboundMessage
from bot.pipeline import HandleResult
from bot.settings import Settings, SettingsError
from flows.texts import Texts

log = logging.getLogger(__name__)

WEBHOOK_PATH = "/webhooks/telegram"
SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token"  # noqa: S105 - a header name
# the commands shown in Telegram's menu; nlu/rules.yml maps each to an intent
COMMANDS = ("start", "help", "language", "human", "mybooking", "delete_my_data")
_TYPING_KINDS = (InboundKind.TEXT, InboundKind.BUTTON)
TYPING_BUSY = 8  # turns in flight in this worker above which no typing indicator is sent


class TelegramUnavailable(SettingsError):
    """The Bot API could not be reached or refused the set-up: `helpline run` stops with one line."""


@dataclass(frozen=True, slots=True)
class TelegramOptions:
    """Timings of the channel; tests shorten them, production keeps the defaults."""

    limits: Limits = field(default_factory=Limits)
    typing_after: float = 0.5  # a turn slower than this shows "typing…"
    poll_timeout: float = 25.0
    poll_backoff: float = 1.0
    poll_backoff_max: float = 30.0


def make_bot(settings: Settings) -> HelplineBot:
    """A Bot against TELEGRAM_API_BASE_URL (PTB's base_url: the token is appended to it)."""
    token = settings.telegram_bot_token.get_secret_value() if settings.telegram_bot_token else ""
    base = settings.telegram_api_base_url.rstrip("/")
    return HelplineBot(
        token,
        base_url=base,
        base_file_url=base.replace("/bot", "/file/bot", 1) if base.endswith("/bot") else base,
        request=AiohttpRequest(
            connection_pool_size=32, read_timeout=15, write_timeout=15, connect_timeout=10, pool_timeout=10
        ),
        # getUpdates has its own connection; PTB adds the long-poll timeout to this read timeout
        get_updates_request=AiohttpRequest(connection_pool_size=2, read_timeout=10, connect_timeout=10),
    )


async def register_webhook(bot: Bot, settings: Settings, *, drop_pending: bool = False) -> str:
    """setWebhook at HELPLINE_PUBLIC_URL + /webhooks/telegram with the secret; returns the URL."""
    secret = settings.telegram_webhook_secret
    if not settings.public_url or secret is None or not secret.get_secret_value():
        raise SettingsError(
            "bad setting TELEGRAM_WEBHOOK_SECRET: webhook mode needs it and HELPLINE_PUBLIC_URL"
        )
    url = settings.public_url + WEBHOOK_PATH
    await bot.set_webhook(
        url=url,
        secret_token=secret.get_secret_value(),
        allowed_updates=list(ALLOWED_UPDATES),
        drop_pending_updates=drop_pending,
        max_connections=settings.telegram_webhook_max_connections,
    )
    return url


async def set_commands(bot: Bot, texts: Texts) -> None:
    """The command menu in each language (Telegram picks by the user's language; Latvian otherwise)."""
    for lang in (None, *texts.languages):
        shown = lang or "lv"
        commands = [BotCommand(name, texts.render(f"telegram.command.{name}", shown)) for name in COMMANDS]
        await bot.set_my_commands(commands, language_code=lang)


def secret_matches(expected: SecretStr | None, given: str | None) -> bool:
    """Constant-time check of the webhook header; no configured secret means no request is trusted."""
    if expected is None or not expected.get_secret_value() or given is None:
        return False
    return secrets.compare_digest(
        given.encode("utf-8", "replace"), expected.get_secret_value().encode("utf-8", "replace")
    )


class TelegramRuntime:
    """Update -> InboundMessage -> pipeline, shared by the webhook and the poller."""

    def __init__(self, app: web.Application, bot: Bot, options: TelegramOptions) -> None:
        self.app = app
        self.bot = bot
        self.options = options
        self.locks = ChatLocks()
        self.poller: Poller | None = None

    async def process(self, update: Update) -> HandleResult | None:
        """Handle one update; raises only when the database is down (the update must come again)."""
        msg = to_inbound(update)
        if update.callback_query is not None and (msg is None or msg.kind != InboundKind.BUTTON):
            await self._answer(update.callback_query.id)  # the inert "✓" button, a group, no data
        if msg is None:
            return None
        return await self.handle(msg)

    async def handle(self, msg: InboundMessage) -> HandleResult:
        """One normalised message through the pipeline, one at a time per chat."""
        async with self.locks.hold(msg.sender_id):
            typing = self._typing_later(msg)
            try:
                result = await self.app[keys.pipeline].handle(msg)
            finally:
                if typing is not None:
                    typing.cancel()
                    with contextlib.suppress(asyncio.CancelledError):
                        await typing
        if msg.kind == InboundKind.BUTTON and result.replies == 0 and not result.duplicate:
            context = CallbackContext.decode(msg.reply_context)
            if context is not None:
                await self._answer(context.query_id)  # no reply will carry the answer: stop the spinner now
        return result

    def _typing_later(self, msg: InboundMessage) -> asyncio.Task[None] | None:
        if msg.kind not in _TYPING_KINDS:
            return None
        if self.app[keys.pipeline].in_flight.count > TYPING_BUSY:
            # busy: turns are slow because many run at once; a chat action each would double the Bot API
            # calls exactly when they hurt most (bench/load: 18% of a saturated worker's time)
            return None

        async def typing() -> None:
            await asyncio.sleep(self.options.typing_after)
            try:
                await self.bot.send_chat_action(chat_id=int(msg.sender_id), action=ChatAction.TYPING)
            except (TelegramError, ValueError) as exc:
                log.info("typing action failed", extra={"error": type(exc).__name__})

        return asyncio.create_task(typing(), name="telegram-typing")

    async def _answer(self, query_id: str) -> None:
        try:
            await self.bot.answer_callback_query(query_id)
        except TelegramError as exc:
            log.info("could not answer a callback query", extra={"error": type(exc).__name__})

    def start_polling(self) -> None:
        self.poller = Poller(
            self.bot,
            self.process,
            timeout=self.options.poll_timeout,
            backoff_start=self.options.poll_backoff,
            backoff_max=self.options.poll_backoff_max,
        )
        self.poller.start()

    async def stop(self) -> None:
        poller, self.poller = self.poller, None
        if poller is not None:
            await poller.stop()


telegram_options = web.AppKey("telegram_options", TelegramOptions)
telegram_bot = web.AppKey("telegram_bot", Bot)
telegram_runtime = web.AppKey("telegram_runtime", TelegramRuntime)


async def webhook(request: web.Request) -> web.Response:
    """Telegram's webhook: 403 without the secret; 200 once stored; 503 when the database is down."""
    expected = request.app[keys.settings].telegram_webhook_secret
    if not secret_matches(expected, request.headers.get(SECRET_HEADER)):
        log.warning("telegram webhook: request without the right secret refused")
        raise web.HTTPForbidden()
    try:
        data = await request.json()
    except ValueError:
        raise web.HTTPBadRequest(text="expected JSON") from None
    if not isinstance(data, dict) or not isinstance(data.get("update_id"), int):
        raise web.HTTPBadRequest(text="expected a Telegram update")
    runtime = request.app[telegram_runtime]
    plain = plain_text(data)  # most updates: PTB's parse skipped, the same message read
    turn: Awaitable[object]
    if plain is not None:
        turn = runtime.handle(plain)
    else:
        try:
            update = Update.de_json(data, runtime.bot)
        except Exception as exc:  # an update we cannot read would be re-sent forever: drop it, loudly
            name = type(exc).__name__
            log.error("telegram webhook: unreadable update %s dropped (%s)", data["update_id"], name)
            return web.Response(text="ok")
        turn = runtime.process(update)
    try:
        await turn
    except Exception:
        # the pipeline already logged it; Telegram will deliver the update again
        return web.Response(status=503, text="try again")
    return web.Response(text="ok")


def _redacted(exc: TelegramError, settings: Settings) -> str:
    token = settings.telegram_bot_token.get_secret_value() if settings.telegram_bot_token else ""
    text = f"{type(exc).__name__}: {exc.message}"
    return text.replace(token, "***") if token else text


async def _telegram_context(app: web.Application) -> AsyncIterator[None]:
    settings = app[keys.settings]
    bot = make_bot(settings)
    try:
        await bot.initialize()  # getMe: checks the token
    except InvalidToken:
        await bot.shutdown()
        raise SettingsError("bad setting TELEGRAM_BOT_TOKEN: Telegram rejected it") from None
    except TelegramError as exc:
        await bot.shutdown()
        raise TelegramUnavailable(
            f"cannot reach the Telegram Bot API at TELEGRAM_API_BASE_URL ({_redacted(exc, settings)})"
        ) from None
    app[telegram_bot] = bot
    app[keys.senders].setdefault(Channel.TELEGRAM, TelegramSender(bot, app[telegram_options].limits))
    app[telegram_runtime] = TelegramRuntime(app, bot, app[telegram_options])
    try:
        yield
    finally:
        await app[telegram_runtime].stop()
        await bot.shutdown()


async def _start_receiving(app: web.Application) -> None:
    """After every part is ready: commands, then the webhook (public URL) or long polling."""
    settings, runtime = app[keys.settings], app[telegram_runtime]
    try:
        await set_commands(runtime.bot, app[keys.texts])
    except TelegramError as exc:
        log.warning("telegram: could not set the command menu (%s)", type(exc).__name__)
    if not settings.public_url:
        runtime.start_polling()
        return
    try:
        url = await register_webhook(runtime.bot, settings)
    except TelegramError as exc:
        raise TelegramUnavailable(
            f"Telegram refused the webhook for HELPLINE_PUBLIC_URL ({_redacted(exc, settings)})"
        ) from None
    log.info("telegram: webhook set to %s", url)


async def _stop_receiving(app: web.Application) -> None:
    if telegram_runtime in app:
        await app[telegram_runtime].stop()


def setup_telegram(app: web.Application) -> None:
    """The route, the Bot and sender (in cleanup_ctx), and the start of receiving once the pipeline is up."""
    settings = app[keys.settings]
    # the Bot API's overall limit is per bot, so the workers (helpline run --workers N) share it
    app[telegram_options] = TelegramOptions(
        limits=Limits(per_second=settings.telegram_send_rate / settings.workers)
    )
    app.router.add_post(WEBHOOK_PATH, webhook)
    app.cleanup_ctx.append(_telegram_context)
    app.on_startup.append(_start_receiving)
    app.on_shutdown.append(_stop_receiving)
