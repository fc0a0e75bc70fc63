"""`helpline counsellors|availability|bookings|quota`: coordinators manage psychologists and sessions.

Every command that reads who has a session, changes one, or shows or renews a calendar feed's secret
address writes an audit line (who ran it: `cli:<os user>`), in the same transaction; never a name.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import secrets
from collections.abc import Awaitable, Callable
from datetime import date, datetime, time
from typing import TypeAlias

from sqlalchemy import delete, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from bot.bookings.counsellors import add_counsellor
from bot.bookings.notices import cancellation_notice, send_notice
from bot.cli_privacy import cli_actor
from bot.console.audit import audit
from bot.db.engine import make_engine, make_sessionmaker
from bot.db.models import (
    AvailabilityException,
    AvailabilityRule,
    Booking,
    BookingStatus,
    Contact,
    Counsellor,
    Reminder,
    ReminderStatus,
    SessionQuota,
)
from bot.retention import pseudonym
from bot.settings import Settings
from flows.ports import MODES
from flows.texts import Texts

Action = Callable[[AsyncSession, argparse.Namespace, Settings], Awaitable[int]]
LANGUAGES = ("lv", "ru", "en")


class UsageError(Exception):
    """A bad argument, said in one line."""


def _run(action: Action) -> Callable[[argparse.Namespace, Settings], int]:
    def run(args: argparse.Namespace, settings: Settings) -> int:
        return asyncio.run(_in_transaction(action, args, settings))

    return run


async def _in_transaction(action: Action, args: argparse.Namespace, settings: Settings) -> int:
    from bot.db.migrate import upgrade  # Alembic loads only for commands that migrate

    if settings.is_sqlite:
        settings.data_dir.mkdir(parents=True, exist_ok=True)
    engine = make_engine(settings.effective_database_url)
    try:
        if settings.is_sqlite:
            await upgrade(engine)  # the embedded default migrates itself, as the app does
        async with make_sessionmaker(engine)() as session, session.begin():
            return await action(session, args, settings)
    except UsageError as exc:
        print(f"helpline: {exc}")
        return 2
    finally:
        await engine.dispose()


def _codes(raw: str, allowed: tuple[str, ...], what: str) -> str:
    codes = [c.strip() for c in raw.split(",") if c.strip()]
    bad = [c for c in codes if c not in allowed]
    if bad or not codes:
        raise UsageError(f"{what} must be a comma-separated subset of {','.join(allowed)}")
    return ",".join(dict.fromkeys(codes))


async def _counsellor(session: AsyncSession, counsellor_id: int) -> Counsellor:
    found = await session.get(Counsellor, counsellor_id)
    if found is None:
        raise UsageError(f"no psychologist with id {counsellor_id}")
    return found


def _feed(settings: Settings, counsellor: Counsellor) -> str:
    return f"{settings.public_url}/calendar/{counsellor.calendar_token}.ics"


# --- counsellors ---


async def counsellors_add(session: AsyncSession, args: argparse.Namespace, settings: Settings) -> int:
    if args.session_minutes < 10 or args.buffer_minutes < 0:
        raise UsageError("--session-minutes must be at least 10 and --buffer-minutes not negative")
    modes = _codes(args.modes, MODES, "--modes")
    if "in_person" in modes and not args.address:
        raise UsageError("in-person sessions need --address")
    counsellor = await add_counsellor(
        session,
        name=args.name,
        languages=_codes(args.languages, LANGUAGES, "--languages"),
        modes=modes,
        address=args.address,
        session_minutes=args.session_minutes,
        buffer_minutes=args.buffer_minutes,
        now=settings_now(settings),
    )
    _audit(session, settings, "counsellor.add", f"counsellor:{counsellor.id}")
    print(f"added psychologist {counsellor.id}; private calendar feed: {_feed(settings, counsellor)}")
    return 0


def _audit(session: AsyncSession, settings: Settings, action: str, subject: str | None) -> None:
    audit(session, cli_actor(), action, subject, settings_now(settings))


async def counsellors_list(session: AsyncSession, args: argparse.Namespace, settings: Settings) -> int:
    if args.json:  # the JSON has every feed's secret address
        _audit(session, settings, "counsellors.list", "feeds")
    for c in (await session.execute(select(Counsellor).order_by(Counsellor.id))).scalars():
        row = {
            "id": c.id,
            "name": c.name,
            "languages": c.languages.split(","),
            "modes": c.modes.split(","),
            "address": c.address,
            "session_minutes": c.session_minutes,
            "buffer_minutes": c.buffer_minutes,
            "active": c.active,
            "calendar": _feed(settings, c),
        }
        if args.json:
            print(json.dumps(row, ensure_ascii=False))
        else:
            state = "active" if c.active else "inactive"
            length = f"{c.session_minutes}+{c.buffer_minutes} min"
            print(f"{c.id}\t{c.name}\t{c.languages}\t{c.modes}\t{length}\t{state}")
    return 0


async def counsellors_edit(session: AsyncSession, args: argparse.Namespace, settings: Settings) -> int:
    c = await _counsellor(session, args.id)
    if args.name:
        c.name = args.name
    if args.languages:
        c.languages = _codes(args.languages, LANGUAGES, "--languages")
    if args.modes:
        c.modes = _codes(args.modes, MODES, "--modes")
    if args.address is not None:
        c.address = args.address or None
    if args.session_minutes is not None:
        c.session_minutes = max(args.session_minutes, 10)
    if args.buffer_minutes is not None:
        c.buffer_minutes = max(args.buffer_minutes, 0)
    if args.active is False and c.active:
        await _refuse_with_coming_sessions(session, c, settings)
    if args.active is not None:
        c.active = args.active
    if args.new_calendar_token:
        c.calendar_token = secrets.token_urlsafe(24)  # the old feed address stops working
    if "in_person" in c.modes.split(",") and not c.address:
        raise UsageError("in-person sessions need --address")
    _audit(
        session,
        settings,
        "counsellor.new_feed" if args.new_calendar_token else "counsellor.edit",
        f"counsellor:{c.id}",
    )
    print(f"updated psychologist {c.id}; private calendar feed: {_feed(settings, c)}")
    return 0


async def _refuse_with_coming_sessions(session: AsyncSession, c: Counsellor, settings: Settings) -> None:
    """An inactive psychologist's feed answers 404, yet their booked sessions stood, with reminders: the
    person came to a session its psychologist could no longer see (staff QA). Those go first, told."""
    coming = list(
        (
            await session.execute(
                select(Booking.id)
                .where(
                    Booking.counsellor_id == c.id,
                    Booking.status == BookingStatus.BOOKED,
                    Booking.ends_at > settings_now(settings),
                )
                .order_by(Booking.starts_at)
            )
        ).scalars()
    )
    if coming:
        ids = ", ".join(map(str, coming))
        raise UsageError(
            f"psychologist {c.id} still has {len(coming)} booked session(s) (ids {ids}): cancel them first "
            "with `helpline bookings mark ID cancelled` (each person is told), then --inactive"
        )


# --- availability ---


def _span(args: argparse.Namespace) -> tuple[time, time]:
    try:
        starts, ends = time.fromisoformat(args.start), time.fromisoformat(args.end)
    except (TypeError, ValueError) as exc:
        raise UsageError("--from and --to take local times such as 10:00") from exc
    if starts >= ends:
        raise UsageError("--from must be before --to")
    return starts, ends


def _days(raw: str) -> tuple[date, date]:
    """'2026-12-24' or '2026-12-24..2027-01-02'."""
    first, _, last = raw.partition("..")
    try:
        days = date.fromisoformat(first), date.fromisoformat(last or first)
    except ValueError as exc:
        raise UsageError(f"{raw!r}: use YYYY-MM-DD or YYYY-MM-DD..YYYY-MM-DD") from exc
    if days[0] > days[1]:
        raise UsageError(f"{raw!r}: the range ends before it starts")
    return days


async def availability_set(session: AsyncSession, args: argparse.Namespace, settings: Settings) -> int:
    c = await _counsellor(session, args.id)
    if args.closed:
        first, last = _days(args.closed)
        session.add(AvailabilityException(counsellor_id=c.id, first_day=first, last_day=last, note=args.note))
        print(f"psychologist {c.id}: closed {first}..{last}")
    elif args.date:
        first, last = _days(args.date)
        starts, ends = _span(args)
        session.add(
            AvailabilityException(
                counsellor_id=c.id, first_day=first, last_day=last, starts=starts, ends=ends, note=args.note
            )
        )
        print(f"psychologist {c.id}: {first}..{last} {starts:%H:%M}-{ends:%H:%M} instead of the weekly hours")
    elif args.weekday:
        await session.execute(
            delete(AvailabilityRule).where(
                AvailabilityRule.counsellor_id == c.id, AvailabilityRule.weekday == args.weekday
            )
        )
        if not args.off:
            starts, ends = _span(args)
            session.add(AvailabilityRule(counsellor_id=c.id, weekday=args.weekday, starts=starts, ends=ends))
            print(f"psychologist {c.id}: weekday {args.weekday} {starts:%H:%M}-{ends:%H:%M} (Europe/Riga)")
        else:
            print(f"psychologist {c.id}: weekday {args.weekday} off")
    else:
        raise UsageError("say --weekday N --from HH:MM --to HH:MM, --closed DATE[..DATE] or --date DATE[..]")
    _audit(session, settings, "availability.set", f"counsellor:{c.id}")
    return 0


async def availability_show(session: AsyncSession, args: argparse.Namespace, settings: Settings) -> int:
    c = await _counsellor(session, args.id)
    print(f"{c.id} {c.name} (times in {settings.timezone}; public holidays closed unless listed below)")
    rules = await session.execute(
        select(AvailabilityRule)
        .where(AvailabilityRule.counsellor_id == c.id)
        .order_by(AvailabilityRule.weekday, AvailabilityRule.starts)
    )
    for rule in rules.scalars():
        print(f"  weekday {rule.weekday}: {rule.starts:%H:%M}-{rule.ends:%H:%M}")
    exceptions = await session.execute(
        select(AvailabilityException)
        .where(AvailabilityException.counsellor_id == c.id)
        .order_by(AvailabilityException.first_day)
    )
    for ex in exceptions.scalars():
        hours = f"{ex.starts:%H:%M}-{ex.ends:%H:%M}" if ex.starts and ex.ends else "closed"
        print(f"  {ex.first_day}..{ex.last_day}: {hours}{f' ({ex.note})' if ex.note else ''}")
    return 0


# --- bookings and quotas ---


async def bookings_list(session: AsyncSession, args: argparse.Namespace, settings: Settings) -> int:
    query = select(Booking, Counsellor.name).join(Counsellor, Counsellor.id == Booking.counsellor_id)
    if args.status:
        query = query.where(Booking.status == args.status)
    rows = list(await session.execute(query.order_by(Booking.starts_at, Booking.id)))
    # who sees a psychologist, and when, is a person's health data: the reading is audited
    _audit(session, settings, "bookings.list", f"rows:{len(rows)}")
    for booking, name in rows:
        start = booking.starts_at.astimezone(settings.zone)
        row = {
            "id": booking.id,
            "status": booking.status,
            "start": start.isoformat(),
            "end": booking.ends_at.astimezone(settings.zone).isoformat(),
            "mode": booking.mode,
            "counsellor": name,
            "counsellor_id": booking.counsellor_id,
            "contact_id": booking.contact_id,
        }
        if args.json:
            print(json.dumps(row, ensure_ascii=False))
        else:
            print(f"{booking.id}\t{start:%Y-%m-%d %H:%M}\t{booking.status}\t{booking.mode}\t{name}")
    return 0


async def bookings_mark(session: AsyncSession, args: argparse.Namespace, settings: Settings) -> int:
    booking = await session.get(Booking, args.id)
    if booking is None:
        raise UsageError(f"no booking with id {args.id}")
    now = settings_now(settings)
    if args.status != BookingStatus.CANCELLED and booking.starts_at > now:
        # a mistyped id marked someone's coming session "done": its reminders were cancelled and it
        # counted against their sessions (staff QA)
        start = booking.starts_at.astimezone(settings.zone)
        when = f"{start:%Y-%m-%d %H:%M}"
        raise UsageError(
            f"booking {booking.id} starts {when}: it can be marked {args.status} once it has begun"
        )
    # a session the helpline calls off is the person's to hear about: with no word they came to it
    # (staff QA); `--no-message` when a coordinator has already told them
    tell = (
        args.status == BookingStatus.CANCELLED
        and booking.status == BookingStatus.BOOKED
        and booking.starts_at > now
        and not args.no_message
    )
    booking.status = args.status
    if args.status == BookingStatus.CANCELLED:
        booking.cancelled_at = now
    await session.execute(
        update(Reminder)
        .where(Reminder.booking_id == booking.id, Reminder.status == ReminderStatus.PENDING)
        .values(status=ReminderStatus.CANCELLED)
    )
    _audit(session, settings, f"booking.{args.status}", f"booking:{booking.id}")
    told = ""
    # the contact's row, as a turn takes it: the notice changes the numbers their conversation offers
    contact = await session.get(Contact, booking.contact_id, with_for_update=True) if tell else None
    if contact is not None and (contact.opted_out or contact.blocked):
        # the outbox sends no bot words to them: "the person is told" was untrue, and they came (QA)
        told = (
            "; the person has stopped our messages (STOP or blocked): they are not told,"
            " tell them another way"
        )
    elif contact is not None:
        # a row of its own, so the notice is never lost: under a coordinator (now, or one who takes the chat
        # over before the outbox sends it) it waits, the console shows it, and it goes after the hand-back
        notice = cancellation_notice(booking, now)
        session.add(notice)
        await session.flush()
        sent = await send_notice(
            session,
            texts=Texts.load(),
            zone=settings.zone,
            reminder=notice,
            booking=booking,
            contact=contact,
            now=now,
        )
        told = (
            "; the person is told on their channel"
            if sent
            else "; a coordinator holds the person's chat: their console shows the cancellation, and the"
            " person is told after the hand-back"
        )
    print(f"booking {booking.id}: {args.status}{told}")
    return 0


async def quota_set(session: AsyncSession, args: argparse.Namespace, settings: Settings) -> int:
    contact = await session.get(Contact, args.contact)
    if contact is None:
        raise UsageError(f"no contact with id {args.contact}")
    if args.sessions < 0:
        raise UsageError("the number of sessions cannot be negative")
    row = await session.get(SessionQuota, args.contact)
    if row is None:
        row = SessionQuota(contact_id=args.contact, sessions=args.sessions, updated_at=settings_now(settings))
        session.add(row)
    else:
        row.sessions, row.updated_at = args.sessions, settings_now(settings)
    _audit(session, settings, "quota.set", pseudonym(contact))
    print(f"contact {args.contact}: {args.sessions} sessions (default {settings.session_quota})")
    return 0


def settings_now(settings: Settings) -> datetime:
    return datetime.now(settings.zone)


Subparsers: TypeAlias = "argparse._SubParsersAction[argparse.ArgumentParser]"


def register(sub: Subparsers) -> None:
    _register_counsellors(sub)
    _register_availability(sub)
    _register_bookings(sub)


def _register_counsellors(sub: Subparsers) -> None:
    counsellors = sub.add_parser("counsellors", help="psychologists who take sessions").add_subparsers(
        dest="counsellors_command", required=True
    )
    add = counsellors.add_parser("add", help="add a psychologist; prints the private calendar feed")
    add.add_argument("--name", required=True)
    add.add_argument("--languages", required=True, help="e.g. lv,ru")
    add.add_argument("--modes", required=True, help="subset of in_person,phone,video")
    add.add_argument("--address", help="where in-person sessions take place")
    add.add_argument("--session-minutes", type=int, default=50)
    add.add_argument("--buffer-minutes", type=int, default=10)
    add.set_defaults(func=_run(counsellors_add))
    listing = counsellors.add_parser("list", help="all psychologists")
    listing.add_argument("--json", action="store_true")
    listing.set_defaults(func=_run(counsellors_list))
    edit = counsellors.add_parser("edit", help="change a psychologist")
    edit.add_argument("id", type=int)
    edit.add_argument("--name")
    edit.add_argument("--languages")
    edit.add_argument("--modes")
    edit.add_argument("--address", help='"" removes it')
    edit.add_argument("--session-minutes", type=int)
    edit.add_argument("--buffer-minutes", type=int)
    edit.add_argument("--active", dest="active", action="store_true", default=None)
    edit.add_argument("--inactive", dest="active", action="store_false")
    edit.add_argument("--new-calendar-token", action="store_true", help="revoke the old feed address")
    edit.set_defaults(func=_run(counsellors_edit))


def _register_availability(sub: Subparsers) -> None:
    availability = sub.add_parser("availability", help="psychologists' hours").add_subparsers(
        dest="availability_command", required=True
    )
    put = availability.add_parser("set", help="weekly hours, a closed period or one-off hours")
    put.add_argument("id", type=int)
    put.add_argument("--weekday", type=int, choices=range(1, 8), help="1 = Monday … 7 = Sunday")
    put.add_argument("--from", dest="start", help="local time, e.g. 10:00")
    put.add_argument("--to", dest="end", help="local time, e.g. 16:00")
    put.add_argument("--off", action="store_true", help="no hours on --weekday")
    put.add_argument("--closed", help="YYYY-MM-DD or YYYY-MM-DD..YYYY-MM-DD (leave)")
    put.add_argument("--date", help="these --from/--to hours instead of the weekly ones (a holiday too)")
    put.add_argument("--note")
    put.set_defaults(func=_run(availability_set))
    show = availability.add_parser("show", help="a psychologist's hours and exceptions")
    show.add_argument("id", type=int)
    show.set_defaults(func=_run(availability_show))


def _register_bookings(sub: Subparsers) -> None:
    bookings = sub.add_parser("bookings", help="booked sessions").add_subparsers(
        dest="bookings_command", required=True
    )
    lister = bookings.add_parser("list", help="every session, earliest first")
    lister.add_argument("--json", action="store_true", help="one JSON object per line")
    lister.add_argument("--status", choices=[s.value for s in BookingStatus])
    lister.set_defaults(func=_run(bookings_list))
    mark = bookings.add_parser("mark", help="record how a session went (or cancel it after the cut-off)")
    mark.add_argument("id", type=int)
    mark.add_argument("status", choices=["done", "no_show", "cancelled"])
    mark.add_argument(
        "--no-message", action="store_true", help="cancelled: do not tell the person (already told)"
    )
    mark.set_defaults(func=_run(bookings_mark))

    quota = sub.add_parser("quota", help="per-person number of sessions").add_subparsers(
        dest="quota_command", required=True
    )
    setter = quota.add_parser("set", help="this person's number of sessions, instead of the default")
    setter.add_argument("--contact", type=int, required=True)
    setter.add_argument("sessions", type=int)
    setter.set_defaults(func=_run(quota_set))
