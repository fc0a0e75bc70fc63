"""Engine and session factories: SQLite (WAL, BEGIN IMMEDIATE) or PostgreSQL (asyncpg).

Two session factories: `make_sessionmaker` for anything that may write, and `make_reader` for what only
reads and runs often (the console's queue and session check, the web chat's poll). On SQLite every writing
transaction takes the one write lock at BEGIN; a read has no need of it, and with WAL a plain (deferred)
BEGIN neither waits for a writer nor makes one wait. (A browser test once timed out with the coordinator's
reply and four more requests waiting 30 s for the lock; the first transaction in line was a queue refresh,
which only reads.)
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import event
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker, create_async_engine

READ_ONLY = "helpline_read_only"  # a session's execution option: it only reads


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
            if conn.get_execution_options().get(READ_ONLY):
                conn.exec_driver_sql("BEGIN")  # a read: WAL gives it a snapshot without the write lock
                return
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


def make_reader(engine: AsyncEngine) -> async_sessionmaker[AsyncSession]:
    """Sessions that only read. On PostgreSQL their transactions are READ ONLY too, so a write slipped
    into one fails in the PostgreSQL test run instead of passing unnoticed on SQLite."""
    options: dict[str, Any] = {READ_ONLY: True}
    if engine.dialect.name == "postgresql":
        options["postgresql_readonly"] = True
    return async_sessionmaker(engine, expire_on_commit=False, execution_options=options)
