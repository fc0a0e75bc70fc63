"""Demo psychologists and their hours for a fresh install (settings.demo_data): fictional, marked so."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.bookings.counsellors import add_counsellor
from bot.db.models import Counsellor

# (name, languages, modes, address, [(ISO weekday, from, to)])
DEMO: tuple[tuple[str, str, str, str | None, list[tuple[int, str, str]]], ...] = (
    (
        "Anna Demo (demo psychologist)",
        "lv,ru",
        "video,phone,in_person",
        "Demo iela 1, Riga (demo address)",
        [(1, "10:00", "16:00"), (3, "12:00", "18:00"), (5, "09:00", "13:00")],
    ),
    (
        "Edgars Paraugs (demo psychologist)",
        "lv,en",
        "video,phone",
        None,
        [(2, "09:00", "15:00"), (4, "14:00", "20:00"), (6, "10:00", "14:00")],
    ),
    (
        "Olga Primer (demo psychologist)",
        "ru,lv,en",
        "video",
        None,
        [(1, "17:00", "21:00"), (4, "09:00", "13:00")],
    ),
)


async def seed_demo(session: AsyncSession, now: datetime) -> int:
    """Add the demo psychologists when there are none at all; returns how many were added."""
    if await session.scalar(select(func.count()).select_from(Counsellor)):
        return 0
    for name, languages, modes, address, hours in DEMO:
        await add_counsellor(
            session, name=name, languages=languages, modes=modes, address=address, hours=hours, now=now
        )
    return len(DEMO)
