"""Adding a psychologist with weekly hours: one builder for the CLI, the demo data and the tests."""

from __future__ import annotations

import secrets
from collections.abc import Iterable
from datetime import datetime, time

from sqlalchemy.ext.asyncio import AsyncSession

from bot.db.models import AvailabilityRule, Counsellor

# (ISO weekday 1-7, "HH:MM" from, "HH:MM" to), Europe/Riga wall-clock time
WeeklyHours = Iterable[tuple[int, str, str]]


async def add_counsellor(
    session: AsyncSession,
    *,
    name: str,
    languages: str,
    modes: str,
    now: datetime,
    address: str | None = None,
    hours: WeeklyHours = (),
    session_minutes: int = 50,
    buffer_minutes: int = 10,
) -> Counsellor:
    """Insert the psychologist (with a fresh private calendar-feed token) and their weekly hours.

    The token is random and unguessable because the feed URL is the only key to their calendar.
    """
    counsellor = Counsellor(
        name=name,
        languages=languages,
        modes=modes,
        address=address,
        session_minutes=session_minutes,
        buffer_minutes=buffer_minutes,
        active=True,
        calendar_token=secrets.token_urlsafe(24),
        created_at=now,
    )
    session.add(counsellor)
    await session.flush()  # the rules need its id
    session.add_all(
        AvailabilityRule(
            counsellor_id=counsellor.id,
            weekday=weekday,
            starts=time.fromisoformat(start),
            ends=time.fromisoformat(end),
        )
        for weekday, start, end in hours
    )
    return counsellor
