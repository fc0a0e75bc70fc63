"""The services a flow may call, as Protocols that bot/ implements and tests fake."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Protocol

from flows.texts import Texts


@dataclass(frozen=True, slots=True)
class HandoffTicket:
    position: int  # 1 = next in line
    wait_minutes: int  # a rough estimate
    in_hours: bool  # whether coordinators are working now
    minutes_to_closing: int | None = None  # until the coordinators' day ends; None out of hours


class Handoffs(Protocol):
    async def request(self, *, crisis: bool, reason: str) -> HandoffTicket:
        """Put the conversation in the coordinators' queue (crisis goes first)."""
        ...

    async def withdraw(self) -> None:
        """The person no longer waits; the bot takes the conversation back."""
        ...

    async def leave_message(self) -> None:
        """Out of hours: the person leaves a message for the morning and stays in the queue."""
        ...

    async def request_callback(self, *, phone: str | None, preferred_time: str) -> str:
        """Out of hours: ask a coordinator to call back; phone None means the number they write from.

        Returns the number that will be called.
        """
        ...


class Privacy(Protocol):
    async def erase(self) -> None:
        """Erase everything about this person; an audit line without content remains."""
        ...


MODES = ("in_person", "phone", "video")


@dataclass(frozen=True, slots=True)
class SlotOffer:
    """A free session time with one psychologist; times are aware (UTC)."""

    counsellor_id: int
    counsellor: str  # display name
    languages: tuple[str, ...]
    starts_at: datetime
    mode: str
    address: str | None = None  # in person only


@dataclass(frozen=True, slots=True)
class BookingInfo:
    """A person's booked session; times are aware (UTC)."""

    id: int
    counsellor: str
    languages: tuple[str, ...]
    starts_at: datetime
    mode: str
    address: str | None
    changeable_until: datetime  # the cancel / reschedule cut-off


@dataclass(frozen=True, slots=True)
class Quota:
    limit: int
    used: int  # booked or done

    @property
    def left(self) -> int:
        return max(self.limit - self.used, 0)


class SlotTaken(Exception):
    """Someone else booked this time first (or it is no longer free)."""


class BookingRefused(Exception):
    """A rule says no: reason is "quota", "upcoming" or "too_late"."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


class Bookings(Protocol):
    """Counselling sessions of the person in this turn, inside the turn's transaction."""

    @property
    def cutoff_hours(self) -> int: ...

    @property
    def horizon_days(self) -> int:
        """How many days ahead of today sessions can be booked: a later day has no times yet, though it
        is not full."""
        ...

    @property
    def lead_hours(self) -> int:
        """How long before its start a session can still be booked: a time nearer than this is no longer
        offered, though nobody took it."""
        ...

    async def modes(self) -> tuple[str, ...]:
        """Session modes that have at least one free time."""
        ...

    async def speaks(self, mode: str, lang: str) -> bool:
        """Whether a psychologist who speaks `lang` has a free time in this mode (within the horizon)."""
        ...

    async def days(
        self, mode: str, start: date | None = None, limit: int = 6, lang: str | None = None
    ) -> list[date]:
        """Local days (from `start`) with a free time in this mode; with `lang`, as `slots` filters."""
        ...

    async def slots(self, mode: str, day: date, lang: str) -> list[SlotOffer]:
        """Free times on a local day, one per time: only psychologists who speak `lang` while any of
        them has a free time in this mode (`speaks`), else everyone's, `lang` speakers preferred."""
        ...

    async def nearest(self, mode: str, moment: datetime, lang: str, limit: int = 3) -> list[SlotOffer]:
        """Free times closest to `moment`, closest first; the psychologists as `slots` chooses them."""
        ...

    async def offer(self, mode: str, counsellor_id: int, starts_at: datetime) -> SlotOffer | None:
        """This exact time if it is still free, else None."""
        ...

    async def book(self, mode: str, counsellor_id: int, starts_at: datetime) -> BookingInfo:
        """Book it; raises SlotTaken or BookingRefused."""
        ...

    async def upcoming(self) -> BookingInfo | None: ...

    async def cancel(self, booking_id: int) -> None:
        """Raises BookingRefused("too_late") after the cut-off."""
        ...

    async def reschedule(self, booking_id: int, counsellor_id: int, starts_at: datetime) -> BookingInfo:
        """Book the new time and cancel the old one together; raises SlotTaken or BookingRefused."""
        ...

    async def quota(self) -> Quota: ...


SMS = "sms"  # FlowContext.channel of a text message (bot.messages.Channel.SMS): one short variant per reply


@dataclass(frozen=True, slots=True)
class FlowContext:
    now: datetime  # timezone-aware, Europe/Riga
    channel: str
    handoffs: Handoffs
    privacy: Privacy
    language_hint: str | None = None
    bookings: Bookings | None = None
    texts: Texts | None = None  # for flows that format dates and names in the person's language
