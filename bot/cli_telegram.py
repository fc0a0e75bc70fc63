"""`helpline telegram set-webhook|delete-webhook|info`: the operator's view of the Telegram bot."""

from __future__ import annotations

import argparse
import asyncio
import sys
from collections.abc import Awaitable, Callable
from typing import TextIO

from telegram import Bot
from telegram.error import InvalidToken, TelegramError

from bot.channels.telegram import make_bot, register_webhook
from bot.settings import Settings

Action = Callable[[Bot, argparse.Namespace, Settings], Awaitable[list[str]]]


def _say(lines: list[str], stream: TextIO | None = None) -> None:
    (stream or sys.stdout).write("\n".join(lines) + "\n")


def _run(action: Action, args: argparse.Namespace, settings: Settings) -> int:
    if not settings.telegram_enabled:
        _say(["helpline: TELEGRAM_BOT_TOKEN is not set"], sys.stderr)
        return 2
    token = settings.telegram_bot_token.get_secret_value() if settings.telegram_bot_token else ""

    async def main() -> list[str]:
        bot = make_bot(settings)
        async with bot:  # initialize (getMe) and shut down the HTTP client
            return await action(bot, args, settings)

    try:
        _say(asyncio.run(main()))
    except InvalidToken:
        _say(["helpline: Telegram rejected TELEGRAM_BOT_TOKEN"], sys.stderr)
        return 1
    except TelegramError as exc:
        _say([f"helpline: Telegram said: {exc.message}".replace(token, "***")], sys.stderr)
        return 1
    return 0


async def _set(bot: Bot, args: argparse.Namespace, settings: Settings) -> list[str]:
    url = await register_webhook(bot, settings, drop_pending=args.drop_pending)
    return [f"webhook set: {url}", "Telegram now sends updates there; `helpline run` answers them."]


async def _delete(bot: Bot, args: argparse.Namespace, settings: Settings) -> list[str]:
    await bot.delete_webhook(drop_pending_updates=args.drop_pending)
    return ["webhook deleted: `helpline run` without HELPLINE_PUBLIC_URL now uses long polling."]


async def _info(bot: Bot, args: argparse.Namespace, settings: Settings) -> list[str]:
    info = await bot.get_webhook_info()
    expected = f"{settings.public_url}/webhooks/telegram" if settings.public_url else ""
    lines = [
        f"bot: @{bot.username} (id {bot.id})",
        f"webhook: {info.url or '(none: long polling)'}",
        f"expected: {expected or '(none: HELPLINE_PUBLIC_URL is not set, so long polling)'}",
        f"pending updates: {info.pending_update_count}",
        f"allowed updates: {', '.join(info.allowed_updates or ()) or '(all default)'}",
    ]
    if info.last_error_date is not None:
        when = info.last_error_date.isoformat()
        lines.append(f"last error: {when} {info.last_error_message or ''}".rstrip())
    if expected and info.url != expected:
        lines.append("note: the webhook is not HELPLINE_PUBLIC_URL's; run `helpline telegram set-webhook`")
    return lines


def _command(action: Action) -> Callable[[argparse.Namespace, Settings], int]:
    def run(args: argparse.Namespace, settings: Settings) -> int:
        return _run(action, args, settings)

    return run


set_webhook = _command(_set)
delete_webhook = _command(_delete)
info = _command(_info)


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    parser = sub.add_parser("telegram", help="Telegram webhook: set, delete, show")
    actions = parser.add_subparsers(dest="telegram_command", required=True)
    setter = actions.add_parser("set-webhook", help="point Telegram at HELPLINE_PUBLIC_URL/webhooks/telegram")
    setter.add_argument("--drop-pending", action="store_true", help="discard updates Telegram still holds")
    setter.set_defaults(func=set_webhook)
    deleter = actions.add_parser("delete-webhook", help="remove the webhook (for long polling)")
    deleter.add_argument("--drop-pending", action="store_true", help="discard updates Telegram still holds")
    deleter.set_defaults(func=delete_webhook)
    shower = actions.add_parser("info", help="show the bot and its webhook as Telegram sees them")
    shower.set_defaults(func=info)
