"""The time source: aware datetimes in the helpline's zone; tests pass a controllable clock."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

Clock = Callable[[], datetime]


def system_clock(zone: ZoneInfo) -> Clock:
    def now() -> datetime:
        return datetime.now(zone)

    return now


class ManualClock:
    """A clock that moves only when told to (tests, benchmarks)."""

    def __init__(self, start: datetime) -> None:
        if start.tzinfo is None:
            raise ValueError("ManualClock needs an aware datetime")
        self.current = start

    def __call__(self) -> datetime:
        return self.current

    def advance(self, **delta: float) -> None:
        self.current += timedelta(**delta)
