"""Alembic environment: always given a live connection by bot.db.migrate (async engine, run_sync)."""

from __future__ import annotations

from alembic import context
from sqlalchemy.engine import Connection

from bot.db.models import Base, include_name

config = context.config
target_metadata = Base.metadata


def run_with(connection: Connection) -> None:
    context.configure(
        connection=connection,
        target_metadata=target_metadata,
        render_as_batch=connection.dialect.name == "sqlite",
        compare_type=True,
        include_name=include_name,  # full-text objects of migration 0004 are per dialect, unmodelled
    )
    with context.begin_transaction():
        context.run_migrations()


connection = config.attributes.get("connection")
if connection is None:
    raise RuntimeError("run migrations with `helpline db upgrade`, which passes a connection")
run_with(connection)
