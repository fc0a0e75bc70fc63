"""`helpline run`: the web server with every configured channel, the outbox worker and the web chat."""

from __future__ import annotations

import argparse

from aiohttp import web

from bot import logs
from bot.app import create_app
from bot.settings import Settings


def run(args: argparse.Namespace, settings: Settings) -> int:
    logs.configure(settings.log_level, settings.log_format)
    host = args.host or settings.host
    port = args.port or settings.port
    app = create_app(settings)
    where = f"http://{host}:{port}/"

    async def announce(_app: web.Application) -> None:
        print(
            f"Helpline bot is running. Web chat: {where}  (health: {where}healthz; Ctrl+C stops)", flush=True
        )

    app.on_startup.append(announce)
    web.run_app(app, host=host, port=port, print=None, access_log=None, shutdown_timeout=10)
    return 0


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    parser = sub.add_parser("run", help="run the bot (web chat, webhooks, outbox)")
    parser.add_argument("--host", default=None)
    parser.add_argument("--port", type=int, default=None)
    parser.set_defaults(func=run)
