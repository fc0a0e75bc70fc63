"""`GET /calendar/{token}.ics`: each psychologist's private iCalendar feed of their booked sessions.

The token is the secret (secrets.token_urlsafe(24)); it is compared in constant time against every
psychologist's, so neither timing nor a wrong guess tells anything. Relatives appear by the initial
of their first name at most; no phone numbers, chat ids or message content.
"""

from __future__ import annotations

import secrets
from datetime import datetime, timedelta

from aiohttp import web
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from bot import keys
from bot.db.models import Booking, BookingStatus, Contact, Counsellor
from flows.texts import Texts

PAST = timedelta(days=30)  # recent sessions stay visible for a month


async def find_by_token(session: AsyncSession, token: str) -> Counsellor | None:
    found: Counsellor | None = None
    for counsellor in (await session.execute(select(Counsellor))).scalars():
        # no early exit: every comparison runs, whatever matches
        if secrets.compare_digest(counsellor.calendar_token.encode(), token.encode()):
            found = counsellor
    return found


async def feed(session: AsyncSession, counsellor: Counsellor, texts: Texts, now: datetime) -> bytes:
    lang = next((code for code in counsellor.languages.split(",") if code in texts.languages), "lv")
    rows = await session.execute(
        select(Booking, Contact.first_name)
        .join(Contact, Contact.id == Booking.contact_id)
        .where(
            Booking.counsellor_id == counsellor.id,
            Booking.status == BookingStatus.BOOKED,
            Booking.starts_at >= now - PAST,
        )
        .order_by(Booking.starts_at)
    )
    # imported on first use: 2 MB in every worker for what only a psychologist's calendar app asks for
    # (the memory goal is 150 MB per worker, docs/production.md)
    from icalendar import Calendar, Event

    calendar = Calendar()
    calendar.add("prodid", "-//helpline-bot//counselling sessions//EN")
    calendar.add("version", "2.0")
    calendar.add("x-wr-calname", texts.render("booking.calendar.summary", lang))
    for booking, first_name in rows:
        initial = (first_name or "").strip()[:1].upper()
        event = Event()
        event.add("uid", f"booking-{booking.id}@helpline")
        event.add("dtstamp", now)
        event.add("dtstart", booking.starts_at)
        event.add("dtend", booking.ends_at)
        if initial.isalpha():
            event.add("summary", texts.render("booking.calendar.summary_initial", lang, {"initial": initial}))
        else:
            event.add("summary", texts.render("booking.calendar.summary", lang))
        event.add("description", texts.render(f"booking.mode.{booking.mode}", lang))
        if booking.mode == "in_person" and counsellor.address:
            event.add("location", counsellor.address)
        calendar.add_component(event)
    return bytes(calendar.to_ical())


async def calendar_feed(request: web.Request) -> web.Response:
    token = request.match_info["token"]
    app = request.app
    async with app[keys.sessionmaker]() as session:
        counsellor = await find_by_token(session, token)
        if counsellor is None or not counsellor.active:
            raise web.HTTPNotFound()
        body = await feed(session, counsellor, app[keys.texts], app[keys.clock]())
    headers = {"Cache-Control": "private, no-store", "X-Robots-Tag": "noindex"}
    return web.Response(body=body, content_type="text/calendar", charset="utf-8", headers=headers)


def setup_calendar(app: web.Application) -> None:
    app.router.add_get(r"/calendar/{token:[A-Za-z0-9_-]{16,64}}.ics", calendar_feed)
