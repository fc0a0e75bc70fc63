"""`GET /calendar/{token}.ics`: each psychologist's private iCalendar feed of their sessions.

The token is the secret (secrets.token_urlsafe(24)); it is compared in constant time against every
psychologist's, so neither timing nor a wrong guess tells anything. Relatives appear by the initial
of their first name at most; no phone numbers, chat ids or message content.

A cancelled session stays in the feed, STATUS:CANCELLED with a higher SEQUENCE and "cancelled" in its
summary, for as long as the feed keeps any session (PAST): one that only vanished was dropped without a word
by the calendar apps that subscribe, and a psychologist who had seen it might still go to it (bookings QA).
Sessions marked done or not attended stay as they were.
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
# all of them: a cancelled one marked as such, done and missed ones as the history they are
SHOWN = (BookingStatus.BOOKED, BookingStatus.CANCELLED, BookingStatus.DONE, BookingStatus.NO_SHOW)


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
            Booking.status.in_(SHOWN),
            Booking.starts_at >= now - PAST,
        )
        .order_by(Booking.starts_at, Booking.id)
    )
    # imported on first use: 2 MB in every worker for what only a psychologist's calendar app asks for
    # (the memory goal is 150 MB per worker, docs/production.md)
    from icalendar import Calendar, Event

    calendar = Calendar()
    calendar.add("prodid", "-//helpline-bot//counselling sessions//EN")
    calendar.add("version", "2.0")
    calendar.add("x-wr-calname", texts.render("booking.calendar.summary", lang))
    for booking, first_name in rows:
        cancelled = booking.status == BookingStatus.CANCELLED
        event = Event()
        event.add("uid", f"booking-{booking.id}@helpline")
        event.add("dtstamp", now)
        event.add("dtstart", booking.starts_at)
        event.add("dtend", booking.ends_at)
        # a session's time never changes (moving one cancels it and books another), so its one change is
        # the cancellation: SEQUENCE 1 tells a calendar app that this version replaces the one it holds
        event.add("sequence", 1 if cancelled else 0)
        event.add("status", "CANCELLED" if cancelled else "CONFIRMED")
        if cancelled and booking.cancelled_at is not None:
            event.add("last-modified", booking.cancelled_at)
        event.add("summary", _summary(texts, lang, first_name, cancelled))
        event.add("description", texts.render(f"booking.mode.{booking.mode}", lang))
        if booking.mode == "in_person" and counsellor.address:
            event.add("location", counsellor.address)
        calendar.add_component(event)
    return bytes(calendar.to_ical())


def _summary(texts: Texts, lang: str, first_name: str | None, cancelled: bool) -> str:
    """'Konsultācija – I.', or 'Atcelta: Konsultācija – I.': the initial of the first name at most."""
    initial = (first_name or "").strip()[:1].upper()
    if initial.isalpha():
        summary = texts.render("booking.calendar.summary_initial", lang, {"initial": initial})
    else:
        summary = texts.render("booking.calendar.summary", lang)
    if cancelled:
        return texts.render("booking.calendar.cancelled", lang, {"summary": summary})
    return summary


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
