"""`helpline run [--workers N]`: the web server with every channel, the outbox worker and the web chat."""

from __future__ import annotations

import argparse
import asyncio
import gc
import logging
import os
import subprocess
import sys

from aiohttp import web

from bot import logs
from bot.app import Overrides, create_app
from bot.db.engine import make_engine
from bot.db.schema_version import is_current
from bot.settings import Settings

log = logging.getLogger(__name__)


def run(args: argparse.Namespace, settings: Settings) -> int:
    logs.configure(settings.log_level, settings.log_format)
    host = args.host or settings.host
    port = args.port or settings.port
    workers = args.workers or settings.workers
    if args.worker_process:  # started by the supervisor: it migrated, it announces, it shares the port
        _exit_now(serve(settings, host, port, migrate=False, reuse_port=True, announce=False))
    if workers == 1:
        return serve(settings, host, port, migrate=args.migrate or None, reuse_port=False, announce=True)
    if settings.is_sqlite:
        log.warning("SQLite has a single writer: %d workers will queue on it; use PostgreSQL", workers)
    _prepare_database(settings, migrate=args.migrate or settings.is_sqlite)
    # train (or check) the NLU artefact once, in a child: N workers must not all train it at once
    trained = subprocess.run([sys.executable, "-m", "bot.cli", "nlu", "train"], check=False)  # noqa: S603
    if trained.returncode != 0:
        log.warning("could not prepare the NLU model (exit %d); each worker will try", trained.returncode)
    from bot.supervisor import supervise

    where = f"http://{host}:{port}/"
    print(f"Helpline bot is running with {workers} workers at {where} (health: {where}healthz)", flush=True)
    _exit_now(supervise(settings, host=host, port=port, workers=workers))
    return 1  # not reached


def _exit_now(code: int) -> None:
    """Everything is committed and closed: skip seconds of freeing the loaded modules object by object."""
    logging.shutdown()
    sys.stdout.flush()
    sys.stderr.flush()
    os._exit(code)


def serve(
    settings: Settings, host: str, port: int, *, migrate: bool | None, reuse_port: bool, announce: bool
) -> int:
    """One worker: the whole app on host:port until SIGTERM/SIGINT, then a graceful stop."""
    app = create_app(settings, Overrides(migrate=migrate))
    where = f"http://{host}:{port}/"

    async def announce_start(_app: web.Application) -> None:
        print(
            f"Helpline bot is running. Web chat: {where}  (health: {where}healthz; Ctrl+C stops)", flush=True
        )

    if announce:
        app.on_startup.append(announce_start)
    app.on_startup.append(_settle_heap)  # after the app's own start-up (cleanup contexts run first)
    web.run_app(
        app,
        host=host,
        port=port,
        print=None,
        access_log=None,
        reuse_port=reuse_port or None,
        shutdown_timeout=settings.shutdown_timeout,
        loop=new_event_loop(),
    )
    return 0


async def _settle_heap(_app: web.Application) -> None:
    """What start-up loaded (the NLU model, SQLAlchemy's mappers, the libraries' tables) lives as long as
    the worker, yet Python's cycle collector walked it again on every older-generation pass. Frozen, the
    collector skips it; and the youngest generation is collected after 10,000 new objects instead of 700
    (a turn allocates thousands): 6-9% less CPU per message under load (bench/load).
    Only in a served worker: tests build many apps in one process, and freezing there would keep each
    test's garbage for good."""
    gc.collect()
    gc.freeze()
    gc.set_threshold(10_000, 50, 100)


def new_event_loop() -> asyncio.AbstractEventLoop:
    """uvloop where it exists (Linux, macOS): aiohttp and asyncpg spend a worker's CPU in the event loop's
    socket and task handling, and uvloop does that in C: 8% less CPU per message (bench/load)."""
    if sys.platform == "win32":  # uvloop has no Windows build (pyproject marks it so)
        return asyncio.new_event_loop()
    import uvloop

    return uvloop.new_event_loop()


def _prepare_database(settings: Settings, *, migrate: bool) -> None:
    """Before any worker starts: migrate once (SQLite, or --migrate), else say if the schema is behind."""

    async def prepare() -> None:
        if settings.is_sqlite:
            settings.data_dir.mkdir(parents=True, exist_ok=True)
        engine = make_engine(settings.effective_database_url)
        try:
            current = await is_current(engine)
            if migrate and not current:
                from bot.db.migrate import upgrade  # Alembic only when there is something to do

                await upgrade(engine)
            elif not current:
                log.warning(
                    "database schema is not current: run `helpline db upgrade` (workers report not ready)"
                )
        finally:
            await engine.dispose()

    asyncio.run(prepare())


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    parser = sub.add_parser("run", help="run the bot (web chat, webhooks, outbox)")
    parser.add_argument("--host", default=None)
    parser.add_argument("--port", type=int, default=None)
    parser.add_argument(
        "--workers",
        type=int,
        default=None,
        help="worker processes sharing the port (HELPLINE_WORKERS; default 1)",
    )
    parser.add_argument(
        "--migrate", action="store_true", help="apply migrations before serving (always on SQLite)"
    )
    parser.add_argument("--worker-process", action="store_true", help=argparse.SUPPRESS)
    parser.set_defaults(func=run)
