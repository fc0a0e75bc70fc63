"""Builders for booking tests: a migrated database, psychologists with weekly hours, contacts."""

from __future__ import annotations

import secrets
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.bookings.counsellors import add_counsellor as new_counsellor
from bot.bookings.service import BookingPolicy
from bot.db.engine import make_engine, make_sessionmaker
from bot.db.migrate import upgrade
from bot.db.models import Contact, Counsellor

RIGA = ZoneInfo("Europe/Riga")
POLICY = BookingPolicy(
    zone=RIGA, lead=timedelta(hours=12), cutoff=timedelta(hours=24), horizon_days=28, default_quota=5
)


@asynccontextmanager
async def database(url: str) -> AsyncIterator[async_sessionmaker[AsyncSession]]:
    engine = make_engine(url, pool_size=10)
    try:
        await upgrade(engine)
        yield make_sessionmaker(engine)
    finally:
        await engine.dispose()


async def add_counsellor(
    sm: async_sessionmaker[AsyncSession],
    hours: dict[int, tuple[str, str]],
    *,
    name: str = "Anna Demo",
    languages: str = "lv,ru",
    modes: str = "video,phone",
    address: str | None = None,
) -> Counsellor:
    async with sm() as session, session.begin():
        return await new_counsellor(
            session,
            name=name,
            languages=languages,
            modes=modes,
            address=address,
            hours=[(weekday, start, end) for weekday, (start, end) in hours.items()],
            now=datetime(2026, 1, 1, tzinfo=RIGA),
        )


async def add_contacts(
    sm: async_sessionmaker[AsyncSession],
    count: int = 1,
    *,
    language: str = "lv",
    first_name: str | None = None,
) -> list[int]:
    async with sm() as session, session.begin():
        contacts = [
            Contact(
                channel="cli",
                external_id=f"person-{secrets.token_hex(6)}",
                language=language,
                first_name=first_name,
                opted_out=False,
                blocked=False,
                created_at=datetime(2026, 1, 1, tzinfo=RIGA),
            )
            for _ in range(count)
        ]
        session.add_all(contacts)
        await session.flush()
        return [c.id for c in contacts]
