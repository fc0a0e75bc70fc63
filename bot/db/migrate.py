"""Schema migrations (Alembic) run on a live async engine; also tells whether the schema is current."""

from __future__ import annotations

from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.script import ScriptDirectory
from sqlalchemy import text
from sqlalchemy.engine import Connection
from sqlalchemy.ext.asyncio import AsyncEngine

from bot.db.schema_version import is_current

__all__ = ["alembic_config", "is_current", "script_heads", "upgrade"]

MIGRATIONS = Path(__file__).parent / "migrations"
MIGRATION_LOCK = 0x48454C50  # "HELP": the advisory lock held while migrating


def alembic_config() -> Config:
    # built in code, not from pyproject, so that an installed wheel migrates too
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    return config


async def upgrade(engine: AsyncEngine, revision: str = "head") -> None:
    def _run(connection: Connection) -> None:
        config = alembic_config()
        config.attributes["connection"] = connection
        command.upgrade(config, revision)

    async with engine.begin() as conn:
        if conn.dialect.name == "postgresql":
            # two deploys (or replicas) starting at once: the second waits, then finds nothing to do
            await conn.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": MIGRATION_LOCK})
        await conn.run_sync(_run)


def script_heads() -> set[str]:
    """The head revisions Alembic finds in bot/db/migrations (one, while the history is linear)."""
    return set(ScriptDirectory.from_config(alembic_config()).get_heads())
