"""Builders for booking tests: a migrated database, psychologists with weekly hours, contacts, and a person
at the terminal who has asked to book (Terminal, at_the_days)."""

from __future__ import annotations

import io
import secrets
import uuid
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from aiohttp import web
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot import keys
from bot.bookings.counsellors import add_counsellor as new_counsellor
from bot.bookings.service import BookingPolicy
from bot.channels.cli import SEPARATOR, CliSender
from bot.db.engine import make_engine, make_sessionmaker
from bot.db.migrate import upgrade
from bot.db.models import Contact, Counsellor
from bot.messages import Channel, InboundMessage

RIGA = ZoneInfo("Europe/Riga")
POLICY = BookingPolicy(
    zone=RIGA, lead=timedelta(hours=12), cutoff=timedelta(hours=24), horizon_days=28, default_quota=5
)
# the calendar QA's day, for a module's `clock` (tests/conftest.py's is Monday 23 November 2026, 10:00):
# a Monday; the demo psychologists' sessions can be booked until 4 January, across the holidays
DECEMBER_7 = datetime(2026, 12, 7, 14, 0, tzinfo=RIGA)


class Terminal:
    """One person at `helpline chat`: the app's CLI sender prints into this terminal's own buffer."""

    def __init__(self, app: web.Application, user: str) -> None:
        self.app, self.user = app, user
        self.out = io.StringIO()
        app[keys.senders][Channel.CLI] = CliSender(self.out)

    async def say(self, text: str) -> str:
        """One typed line; returns what the terminal printed in answer."""
        start = len(self.out.getvalue())
        msg = InboundMessage(
            channel=Channel.CLI, sender_id=self.user, provider_message_id=uuid.uuid4().hex, text=text
        )
        await self.app[keys.pipeline].handle(msg)
        await self.app[keys.outbox].drain()
        return self.out.getvalue()[start:].replace(SEPARATOR, "")


async def at_the_days(app: web.Application, user: str, opening: str) -> Terminal:
    """A person who asked to book (`opening`) and chose video: the days to pick from are on the screen.

    The start of most booking conversations in the tests; what is said there is not what they test.
    """
    chat = Terminal(app, user)
    await chat.say(opening)
    await chat.say("1")  # video
    return chat


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
