"""`helpline chat`: talk to the bot in the terminal, through the same pipeline and outbox."""

from __future__ import annotations

import argparse
import asyncio
import sys
import uuid

from aiohttp import web

from bot import keys, logs
from bot.app import Overrides, create_app
from bot.channels.cli import CliSender
from bot.messages import Channel, InboundMessage
from bot.settings import Settings


async def chat(user: str, settings: Settings) -> int:
    interactive = sys.stdin.isatty()
    app = create_app(settings, Overrides(senders={Channel.CLI: CliSender(sys.stdout)}, run_outbox=False))
    runner = web.AppRunner(app)
    await runner.setup()  # runs the same start-up as `helpline run`, without listening
    try:
        pipeline, outbox = app[keys.pipeline], app[keys.outbox]
        await outbox.drain()  # replies a killed session left behind
        while True:
            if interactive:
                print("> ", end="", flush=True)
            line = await asyncio.to_thread(sys.stdin.readline)
            if not line:
                break
            text = line.strip()
            if not text:
                continue
            await pipeline.handle(
                InboundMessage(
                    channel=Channel.CLI, sender_id=user, provider_message_id=uuid.uuid4().hex, text=text
                )
            )
            await outbox.drain()
    finally:
        await runner.cleanup()
    return 0


def run(args: argparse.Namespace, settings: Settings) -> int:
    logs.configure("WARNING", settings.log_format)
    return asyncio.run(chat(args.user, settings))


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    parser = sub.add_parser("chat", help="talk to the bot in the terminal (one message per line)")
    parser.add_argument("--user", default="local", help="be this person across runs")
    parser.set_defaults(func=run)
