"""`helpline db upgrade|current`: schema migrations for operators and deploy scripts."""

from __future__ import annotations

import argparse
import asyncio

from bot.db.engine import make_engine
from bot.db.schema_version import is_current
from bot.settings import Settings


async def _upgrade(settings: Settings) -> int:
    from bot.db.migrate import upgrade  # Alembic loads only for commands that migrate

    if settings.is_sqlite:
        settings.data_dir.mkdir(parents=True, exist_ok=True)
    engine = make_engine(settings.effective_database_url)
    try:
        await upgrade(engine)
        print("database schema is current")
    finally:
        await engine.dispose()
    return 0


async def _current(settings: Settings) -> int:
    engine = make_engine(settings.effective_database_url)
    try:
        current = await is_current(engine)
    finally:
        await engine.dispose()
    print("current" if current else "migrations pending")
    return 0 if current else 1


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    db = sub.add_parser("db", help="database schema")
    actions = db.add_subparsers(dest="db_command", required=True)
    actions.add_parser("upgrade", help="apply migrations").set_defaults(
        func=lambda args, settings: asyncio.run(_upgrade(settings))
    )
    actions.add_parser("current", help="exit 0 when the schema is current").set_defaults(
        func=lambda args, settings: asyncio.run(_current(settings))
    )
