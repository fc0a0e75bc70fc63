"""Free slots in Europe/Riga: weekly hours, exceptions, holidays, lead time, DST, language preference."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from bot.bookings.slots import Busy, DayException, Plan, by_preference, free_slots, spans_on

RIGA = ZoneInfo("Europe/Riga")
LONG_AGO = datetime(2000, 1, 1, tzinfo=UTC)


def plan(
    weekly: dict[int, list[tuple[time, time]]],
    *,
    cid: int = 1,
    langs: tuple[str, ...] = ("lv",),
    **kw: object,
) -> Plan:
    return Plan(
        counsellor_id=cid,
        name=f"Demo {cid}",
        languages=langs,
        modes=("video",),
        address=None,
        session=timedelta(minutes=50),
        buffer=timedelta(minutes=10),
        weekly=weekly,
        **kw,  # type: ignore[arg-type]
    )


def local(slots: list, zone: ZoneInfo = RIGA) -> list[str]:  # type: ignore[type-arg]
    return [s.starts_at.astimezone(zone).strftime("%a %d.%m %H:%M") for s in slots]


def test_the_grid_is_session_plus_buffer_and_a_session_must_end_in_the_span():
    p = plan({1: [(time(10), time(13, 30))]})
    slots = free_slots([p], [], date(2026, 11, 23), date(2026, 11, 23), LONG_AGO, RIGA)
    assert local(slots) == ["Mon 23.11 10:00", "Mon 23.11 11:00", "Mon 23.11 12:00"]


def test_local_times_stay_put_across_both_dst_changes():
    p = plan({7: [(time(10), time(11))]})  # Sundays 10:00 local
    days = [date(2026, 3, 22), date(2026, 3, 29), date(2026, 10, 25), date(2026, 11, 1)]
    utc_hours = [free_slots([p], [], d, d, LONG_AGO, RIGA)[0].starts_at.astimezone(UTC).hour for d in days]
    assert utc_hours == [8, 7, 8, 8]  # EET, EEST (from 29 March 03:00), EET again (from 25 October 04:00)
    assert all(s == "10:00" for d in days for s in [local(free_slots([p], [], d, d, LONG_AGO, RIGA))[0][-5:]])


def test_a_time_the_clock_skips_is_never_offered():
    p = plan({7: [(time(2), time(5))]})  # 03:00-03:59 does not exist on 29 March 2026
    slots = free_slots([p], [], date(2026, 3, 29), date(2026, 3, 29), LONG_AGO, RIGA)
    assert local(slots) == ["Sun 29.03 02:00", "Sun 29.03 04:00"]


def test_public_holidays_are_closed_unless_an_exception_opens_them():
    weekly = {3: [(time(10), time(12))], 4: [(time(10), time(12))]}
    assert spans_on(plan(weekly), date(2026, 11, 18)) == []  # Wednesday: Proclamation Day
    assert spans_on(plan(weekly), date(2026, 12, 24)) == []  # Thursday: Christmas Eve
    opened = plan(
        weekly, exceptions=(DayException(date(2026, 12, 24), date(2026, 12, 24), (time(9), time(10))),)
    )
    assert spans_on(opened, date(2026, 12, 24)) == [(time(9), time(10))]


def test_leave_closes_a_range_of_days():
    p = plan(
        {1: [(time(10), time(12))]}, exceptions=(DayException(date(2026, 11, 30), date(2026, 12, 8), None),)
    )
    slots = free_slots([p], [], date(2026, 11, 23), date(2026, 12, 14), LONG_AGO, RIGA)
    assert sorted({s.starts_at.astimezone(RIGA).date() for s in slots}) == [
        date(2026, 11, 23),
        date(2026, 12, 14),
    ]


def test_nothing_before_the_lead_time_and_nothing_overlapping_a_booking():
    p = plan({1: [(time(9), time(13))], 2: [(time(9), time(13))]})
    now = datetime(2026, 11, 23, 21, 30, tzinfo=RIGA)
    busy = [Busy(1, datetime(2026, 11, 24, 10, tzinfo=RIGA), datetime(2026, 11, 24, 10, 50, tzinfo=RIGA))]
    slots = free_slots([p], busy, date(2026, 11, 23), date(2026, 11, 24), now + timedelta(hours=12), RIGA)
    assert local(slots) == ["Tue 24.11 11:00", "Tue 24.11 12:00"]  # 09:00 is inside 12 h, 10:00 is booked


def test_psychologists_speaking_the_persons_language_come_first():
    latvian = plan({1: [(time(10), time(11))]}, cid=1, langs=("lv",))
    russian = plan({1: [(time(10), time(11))]}, cid=2, langs=("ru", "lv"))
    slots = free_slots([latvian, russian], [], date(2026, 11, 23), date(2026, 11, 23), LONG_AGO, RIGA)
    assert [s.plan.counsellor_id for s in by_preference(slots, "ru")] == [2]
    assert [s.plan.counsellor_id for s in by_preference(slots, "lv")] == [1]
