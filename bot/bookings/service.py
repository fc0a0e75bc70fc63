"""Counselling sessions over the database, inside the turn's transaction; implements flows.ports.Bookings.

Double booking is refused by the database (a partial unique index on the psychologist and the start);
the insert runs in a SAVEPOINT, so a lost race becomes SlotTaken and the rest of the turn still commits.
"One upcoming session per person" is checked in the same transaction that holds the contact's row lock.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import func, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from bot.bookings.slots import Busy, DayException, Plan, Slot, Span, by_preference, free_slots
from bot.db.models import (
    AvailabilityException,
    AvailabilityRule,
    Booking,
    BookingStatus,
    Counsellor,
    Reminder,
    ReminderStatus,
    SessionQuota,
)
from bot.settings import Settings
from flows.ports import BookingInfo, BookingRefused, Quota, SlotOffer, SlotTaken

COUNTED = (BookingStatus.BOOKED, BookingStatus.DONE)  # what uses up a person's quota


@dataclass(frozen=True, slots=True)
class BookingPolicy:
    zone: ZoneInfo
    lead: timedelta
    cutoff: timedelta
    horizon_days: int
    default_quota: int

    @classmethod
    def from_settings(cls, settings: Settings) -> BookingPolicy:
        return cls(
            zone=settings.zone,
            lead=timedelta(hours=settings.booking_lead_hours),
            cutoff=timedelta(hours=settings.booking_cutoff_hours),
            horizon_days=settings.booking_horizon_days,
            default_quota=settings.session_quota,
        )


def is_unique_violation(exc: IntegrityError) -> bool:
    """asyncpg reports pgcode 23505 (its class differs between SQLAlchemy versions); sqlite3 names it."""
    if getattr(exc.orig, "pgcode", None) == "23505" or getattr(exc.orig, "sqlstate", None) == "23505":
        return True
    return getattr(
        exc.orig, "sqlite_errorname", ""
    ) == "SQLITE_CONSTRAINT_UNIQUE" or "UNIQUE constraint failed" in str(exc.orig)


def parse_list(raw: str) -> tuple[str, ...]:
    return tuple(part.strip() for part in raw.split(",") if part.strip())


async def booking_info(session: AsyncSession, booking: Booking, *, changeable_until: datetime) -> BookingInfo:
    """What the flows and the texts say about a booked session (its psychologist, languages, place)."""
    counsellor = await session.get(Counsellor, booking.counsellor_id)
    assert counsellor is not None  # a foreign key
    return BookingInfo(
        id=booking.id,
        counsellor=counsellor.name,
        languages=parse_list(counsellor.languages),
        starts_at=booking.starts_at,
        mode=booking.mode,
        address=counsellor.address if booking.mode == "in_person" else None,
        changeable_until=changeable_until,
    )


async def load_plans(session: AsyncSession, mode: str | None = None) -> list[Plan]:
    """Active psychologists (offering `mode`, when given) with their weekly hours and exceptions."""
    counsellors = list((await session.execute(select(Counsellor).where(Counsellor.active))).scalars())
    counsellors = [c for c in counsellors if mode is None or mode in parse_list(c.modes)]
    if not counsellors:
        return []
    ids = [c.id for c in counsellors]
    rules = (
        await session.execute(select(AvailabilityRule).where(AvailabilityRule.counsellor_id.in_(ids)))
    ).scalars()
    weekly: dict[int, dict[int, list[Span]]] = {}
    for rule in rules:
        weekly.setdefault(rule.counsellor_id, {}).setdefault(rule.weekday, []).append(
            (rule.starts, rule.ends)
        )
    exceptions: dict[int, list[DayException]] = {}
    query = select(AvailabilityException).where(AvailabilityException.counsellor_id.in_(ids))
    for row in (await session.execute(query)).scalars():
        hours = (row.starts, row.ends) if row.starts is not None and row.ends is not None else None
        exceptions.setdefault(row.counsellor_id, []).append(DayException(row.first_day, row.last_day, hours))
    return [
        Plan(
            counsellor_id=c.id,
            name=c.name,
            languages=parse_list(c.languages),
            modes=parse_list(c.modes),
            address=c.address,
            session=timedelta(minutes=c.session_minutes),
            buffer=timedelta(minutes=c.buffer_minutes),
            weekly=weekly.get(c.id, {}),
            exceptions=tuple(exceptions.get(c.id, [])),
        )
        for c in counsellors
    ]


class DbBookings:
    """The Bookings port for one person in one turn."""

    def __init__(self, session: AsyncSession, contact_id: int, now: datetime, policy: BookingPolicy) -> None:
        self.session = session
        self.contact_id = contact_id
        self.now = now
        self.policy = policy

    @property
    def cutoff_hours(self) -> int:
        return int(self.policy.cutoff.total_seconds() // 3600)

    @property
    def horizon_days(self) -> int:
        return self.policy.horizon_days

    @property
    def lead_hours(self) -> int:
        return int(self.policy.lead.total_seconds() // 3600)

    # --- reading free times ---

    async def _free(self, mode: str | None, first: date, last: date, lang: str | None = None) -> list[Slot]:
        """Free slots within the horizon; with `lang`, only of psychologists who speak it, if any of them is
        free at all. A day typed beyond the horizon ("15. janvārī" on 7 December) had its times offered and
        booked, while the lists, weeks and months stopped at the horizon (calendar QA)."""
        opens, closes = self._horizon()
        first, last = max(first, opens), min(last, closes)
        if first > last:
            return []
        plans = await load_plans(self.session, mode)
        if lang is not None:
            plans = await self._speakers_if_free(plans, lang)
        return await self._free_of(plans, first, last)

    async def _speakers_if_free(self, plans: list[Plan], lang: str) -> list[Plan]:
        # a whole horizon is checked, not the asked day: a day offered from one list of people and its
        # times from another would show days without a time
        speakers = [p for p in plans if lang in p.languages]
        if speakers and await self._free_of(speakers, *self._horizon()):
            return speakers
        return plans

    async def _free_of(self, plans: list[Plan], first: date, last: date) -> list[Slot]:
        if not plans:
            return []
        zone = self.policy.zone
        window_start = datetime.combine(first, datetime.min.time(), zone) - timedelta(days=1)
        window_end = datetime.combine(last, datetime.min.time(), zone) + timedelta(days=2)
        rows = await self.session.execute(
            select(Booking.counsellor_id, Booking.starts_at, Booking.ends_at).where(
                Booking.status == BookingStatus.BOOKED,
                Booking.counsellor_id.in_([p.counsellor_id for p in plans]),
                Booking.starts_at >= window_start,
                Booking.starts_at < window_end,
            )
        )
        busy = [Busy(cid, starts, ends) for cid, starts, ends in rows]
        return free_slots(plans, busy, first, last, self._earliest(), zone)

    def _earliest(self) -> datetime:
        return (self.now + self.policy.lead).astimezone(UTC)

    def _horizon(self) -> tuple[date, date]:
        today = self.now.astimezone(self.policy.zone).date()
        return today, today + timedelta(days=self.policy.horizon_days)

    async def modes(self) -> tuple[str, ...]:
        first, last = self._horizon()
        found = {mode for slot in await self._free(None, first, last) for mode in slot.plan.modes}
        return tuple(m for m in ("video", "phone", "in_person") if m in found)

    async def speaks(self, mode: str, lang: str) -> bool:
        first, last = self._horizon()
        plans = [p for p in await load_plans(self.session, mode) if lang in p.languages]
        return bool(await self._free_of(plans, first, last))

    async def days(
        self, mode: str, start: date | None = None, limit: int = 6, lang: str | None = None
    ) -> list[date]:
        first, last = self._horizon()
        slots = await self._free(mode, max(start or first, first), last, lang)
        days = sorted({s.starts_at.astimezone(self.policy.zone).date() for s in slots})
        return days[:limit]

    async def slots(self, mode: str, day: date, lang: str) -> list[SlotOffer]:
        slots = await self._free(mode, day, day, lang)
        return [self._offer(s, mode) for s in by_preference(slots, lang)]

    async def nearest(self, mode: str, moment: datetime, lang: str, limit: int = 3) -> list[SlotOffer]:
        first, last = self._horizon()
        local = moment.astimezone(self.policy.zone).date()
        slots = await self._free(
            mode, max(first, local - timedelta(days=7)), min(last, local + timedelta(days=7)), lang
        )
        ranked = sorted(by_preference(slots, lang), key=lambda s: (abs(s.starts_at - moment), s.starts_at))
        return [self._offer(s, mode) for s in ranked[:limit]]

    async def offer(self, mode: str, counsellor_id: int, starts_at: datetime) -> SlotOffer | None:
        day = starts_at.astimezone(self.policy.zone).date()
        for slot in await self._free(mode, day, day):
            if slot.plan.counsellor_id == counsellor_id and slot.starts_at == starts_at:
                return self._offer(slot, mode)
        return None

    def _offer(self, slot: Slot, mode: str) -> SlotOffer:
        plan = slot.plan
        address = plan.address if mode == "in_person" else None
        return SlotOffer(plan.counsellor_id, plan.name, plan.languages, slot.starts_at, mode, address)

    # --- the person's sessions ---

    async def upcoming(self) -> BookingInfo | None:
        booking = await self._upcoming_row()
        return None if booking is None else await self._info(booking)

    async def _upcoming_row(self) -> Booking | None:
        query = (
            select(Booking)
            .where(
                Booking.contact_id == self.contact_id,
                Booking.status == BookingStatus.BOOKED,
                Booking.ends_at > self.now,
            )
            .order_by(Booking.starts_at)
            .limit(1)
        )
        return (await self.session.execute(query)).scalar_one_or_none()

    async def _info(self, booking: Booking) -> BookingInfo:
        return await booking_info(
            self.session, booking, changeable_until=booking.starts_at - self.policy.cutoff
        )

    async def quota(self) -> Quota:
        override = await self.session.get(SessionQuota, self.contact_id)
        used = await self.session.scalar(
            select(func.count())
            .select_from(Booking)
            .where(Booking.contact_id == self.contact_id, Booking.status.in_(COUNTED))
        )
        limit = override.sessions if override is not None else self.policy.default_quota
        return Quota(limit=limit, used=int(used or 0))

    # --- changes ---

    async def book(self, mode: str, counsellor_id: int, starts_at: datetime) -> BookingInfo:
        if await self._upcoming_row() is not None:
            raise BookingRefused("upcoming")
        if (await self.quota()).left <= 0:
            raise BookingRefused("quota")
        offer = await self.offer(mode, counsellor_id, starts_at)
        if offer is None:
            raise SlotTaken()
        booking = await self._insert(offer, previous=None)
        return await self._info(booking)

    async def cancel(self, booking_id: int) -> None:
        booking = await self._own(booking_id)
        self._cancel(booking)
        await self._cancel_reminders(booking.id)

    async def reschedule(self, booking_id: int, counsellor_id: int, starts_at: datetime) -> BookingInfo:
        old = await self._own(booking_id)
        offer = await self.offer(old.mode, counsellor_id, starts_at)
        if offer is None:
            raise SlotTaken()
        booking = await self._insert(offer, previous=old)
        return await self._info(booking)

    async def _own(self, booking_id: int) -> Booking:
        booking = await self.session.get(Booking, booking_id)
        if booking is None or booking.contact_id != self.contact_id or booking.status != BookingStatus.BOOKED:
            raise BookingRefused("gone")
        if self.now >= booking.starts_at - self.policy.cutoff:
            raise BookingRefused("too_late")
        return booking

    def _cancel(self, booking: Booking) -> None:
        booking.status = BookingStatus.CANCELLED
        booking.cancelled_at = self.now

    async def _insert(self, offer: SlotOffer, previous: Booking | None) -> Booking:
        """Insert in a SAVEPOINT: a unique violation undoes only this (and the old one's cancel)."""
        plan_minutes = await self.session.scalar(
            select(Counsellor.session_minutes).where(Counsellor.id == offer.counsellor_id)
        )
        booking = Booking(
            counsellor_id=offer.counsellor_id,
            contact_id=self.contact_id,
            starts_at=offer.starts_at,
            ends_at=offer.starts_at + timedelta(minutes=int(plan_minutes or 50)),
            mode=offer.mode,
            status=BookingStatus.BOOKED,
            created_at=self.now,
        )
        try:
            async with self.session.begin_nested():
                if previous is not None:
                    self._cancel(previous)
                    await self.session.flush()
                    await self._cancel_reminders(previous.id)
                self.session.add(booking)
                await self.session.flush()
        except IntegrityError as exc:
            if is_unique_violation(exc):
                raise SlotTaken() from exc
            raise
        self.session.add_all(reminders_for(booking, self.now, self.policy.zone))
        await self.session.flush()
        return booking

    async def _cancel_reminders(self, booking_id: int) -> None:
        await self.session.execute(
            update(Reminder)
            .where(Reminder.booking_id == booking_id, Reminder.status == ReminderStatus.PENDING)
            .values(status=ReminderStatus.CANCELLED)
        )


def reminders_for(booking: Booking, now: datetime, zone: ZoneInfo) -> list[Reminder]:
    """24 h before by the local clock (same time the day before, across DST too), and 2 h before."""
    local = booking.starts_at.astimezone(zone)
    day_before = (local - timedelta(days=1)).astimezone(UTC)  # same-zone arithmetic is wall-clock arithmetic
    two_hours = booking.starts_at.astimezone(UTC) - timedelta(hours=2)
    return [
        Reminder(booking_id=booking.id, kind=kind, due_at=due, status=ReminderStatus.PENDING)
        for kind, due in (("24h", day_before), ("2h", two_hours))
        if due > now
    ]
