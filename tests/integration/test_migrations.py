"""`alembic upgrade head` produces exactly the schema the models describe, on SQLite and PostgreSQL."""

from __future__ import annotations

from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy.engine import Connection

from bot.db.engine import make_engine
from bot.db.migrate import is_current, upgrade
from bot.db.models import Base, include_name


async def test_migrations_match_the_models(db_url: str):
    engine = make_engine(db_url)
    try:
        await upgrade(engine)
        assert await is_current(engine)

        def diff(connection: Connection) -> list[object]:
            opts = {"compare_type": False, "include_name": include_name}
            context = MigrationContext.configure(connection, opts=opts)
            return list(compare_metadata(context, Base.metadata))

        async with engine.connect() as conn:
            assert await conn.run_sync(diff) == []
    finally:
        await engine.dispose()
