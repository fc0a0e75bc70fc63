"""Engine and session factory: SQLite (WAL, BEGIN IMMEDIATE) or PostgreSQL (asyncpg)."""

from __future__ import annotations

from typing import Any

from sqlalchemy import event
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker, create_async_engine


def make_engine(url: str, *, pool_size: int = 10) -> AsyncEngine:
    if url.startswith("sqlite"):
        engine = create_async_engine(url, connect_args={"timeout": 30}, hide_parameters=True)

        @event.listens_for(engine.sync_engine, "connect")
        def _pragmas(dbapi_conn: Any, _record: Any) -> None:
            # let SQLAlchemy emit BEGIN itself, so that the "begin" hook below decides its kind
            dbapi_conn.isolation_level = None
            cursor = dbapi_conn.cursor()
            for pragma in ("journal_mode=WAL", "foreign_keys=ON", "busy_timeout=30000", "synchronous=NORMAL"):
                cursor.execute(f"PRAGMA {pragma}")
            cursor.close()

        @event.listens_for(engine.sync_engine, "begin")
        def _begin(conn: Any) -> None:
            # a deferred BEGIN fails read-then-write transactions under concurrency ("database is locked")
            conn.exec_driver_sql("BEGIN IMMEDIATE")

        return engine
    # hide_parameters: a failed statement's message would otherwise carry message bodies into the logs.
    # No pool_pre_ping: on asyncpg it costs two round trips (BEGIN, ROLLBACK) per checkout, a seventh of a
    # turn's time (bench/load). Disconnects are handled optimistically instead: the first statement on a
    # dead connection fails, SQLAlchemy then invalidates every pooled connection, and the turn runs once
    # more (Pipeline._turn_again_if_the_database_blinked; bench/faults restarts PostgreSQL under load).
    return create_async_engine(url, pool_size=pool_size, max_overflow=pool_size, hide_parameters=True)


def make_sessionmaker(engine: AsyncEngine) -> async_sessionmaker[AsyncSession]:
    return async_sessionmaker(engine, expire_on_commit=False)
