"""The schema revision this code needs, and whether the database has it: without importing Alembic.

Alembic and its script machinery stay resident once imported (about 11 MB per worker, bench/load), and a
running worker needs them only to migrate, which production does once per deploy (deploy/k8s migration
Job, `helpline run --migrate`). /readyz and start-up only ask "is the schema current?", which is one
query against Alembic's own version table. tests/unit/test_schema_version.py keeps HEAD equal to the head
Alembic computes from bot/db/migrations, so the two cannot drift apart.
"""

from __future__ import annotations

from sqlalchemy import inspect, text
from sqlalchemy.engine import Connection
from sqlalchemy.ext.asyncio import AsyncEngine

from bot.db.engine import READ_ONLY

HEAD = "0015"  # the newest file in bot/db/migrations/versions
VERSION_TABLE = "alembic_version"


async def is_current(engine: AsyncEngine) -> bool:
    def _revisions(connection: Connection) -> set[str]:
        if not inspect(connection).has_table(VERSION_TABLE):
            return set()  # an empty database
        rows = connection.execute(text("SELECT version_num FROM alembic_version"))
        return {str(row[0]) for row in rows}

    async with engine.connect() as conn:
        # a read: on SQLite it must not take the write lock (asked by every /readyz probe)
        reading = await conn.execution_options(**{READ_ONLY: True})
        return await reading.run_sync(_revisions) == {HEAD}
