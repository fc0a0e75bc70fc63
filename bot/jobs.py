"""Scheduled jobs that must run once across several workers: a lease row per job, claimed atomically.

A runner claims a job with one conditional UPDATE (`leased_until` empty or past). Whoever's UPDATE
matched the row runs the job; the rest see zero rows changed and skip. The database serialises the
UPDATEs (a row lock on PostgreSQL, the write lock on SQLite), so exactly one claim wins per period.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import or_, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.db.models import JobRun


async def claim(
    sessionmaker: async_sessionmaker[AsyncSession],
    name: str,
    *,
    now: datetime,
    lease: timedelta,
    runner: str,
) -> bool:
    """Take the job for `lease` (a crashed runner's claim expires); False when someone else holds it."""
    async with sessionmaker() as session, session.begin():
        dialect = session.get_bind().dialect.name
        insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
        await session.execute(insert(JobRun).values(name=name).on_conflict_do_nothing())
        result = await session.execute(
            update(JobRun)
            .where(JobRun.name == name, or_(JobRun.leased_until.is_(None), JobRun.leased_until <= now))
            .values(leased_until=now + lease, leased_by=runner[:64])
            .execution_options(synchronize_session=False)
        )
        return bool(getattr(result, "rowcount", 0) == 1)


async def finish(
    sessionmaker: async_sessionmaker[AsyncSession], name: str, *, now: datetime, next_run: datetime
) -> None:
    """Record the run and keep the lease until the next run is due, so no other worker repeats it."""
    async with sessionmaker() as session, session.begin():
        await session.execute(
            update(JobRun)
            .where(JobRun.name == name)
            .values(leased_until=next_run, last_finished_at=now)
            .execution_options(synchronize_session=False)
        )
