"""Numbers for operators: volume per day, intents, fallbacks, hand-offs, bookings, crises; each a CSV table.

Days are the helpline's local days. Both dialects group by UTC hour in SQL (date_trunc / strftime) and
the hours are folded into local days here, so one query serves SQLite and PostgreSQL and daylight
saving time is right. No table holds message text.
"""

from __future__ import annotations

import csv
import io
import math
import statistics
from collections import defaultdict
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import ColumnElement, case, func, literal_column, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.db.models import (
    Author,
    Booking,
    BookingStatus,
    Contact,
    Conversation,
    HandoffRequest,
    TranscriptEntry,
)
from nlu.parse import FALLBACK


@dataclass(frozen=True, slots=True)
class Table:
    name: str  # the CSV file name and the URL part
    title: str
    columns: tuple[str, ...]
    rows: list[tuple[object, ...]]

    def to_csv(self) -> str:
        out = io.StringIO()
        writer = csv.writer(out, lineterminator="\n")
        writer.writerow(self.columns)
        writer.writerows(self.rows)
        return out.getvalue()


@dataclass(frozen=True, slots=True)
class Period:
    """Local days first..last inclusive, in the helpline's zone."""

    first: date
    last: date
    zone: ZoneInfo

    @property
    def since(self) -> datetime:
        return datetime.combine(self.first, datetime.min.time(), self.zone)

    @property
    def until(self) -> datetime:
        return datetime.combine(self.last + timedelta(days=1), datetime.min.time(), self.zone)

    def days(self) -> list[date]:
        return [self.first + timedelta(days=n) for n in range((self.last - self.first).days + 1)]

    @classmethod
    def last_days(cls, now: datetime, days: int, zone: ZoneInfo) -> Period:
        today = now.astimezone(zone).date()
        return cls(today - timedelta(days=days - 1), today, zone)


def _hour(column: Any, dialect: str) -> ColumnElement[Any]:
    # literals, not bound parameters: PostgreSQL matches GROUP BY expressions textually
    if dialect == "postgresql":
        return func.date_trunc(literal_column("'hour'"), column.op("AT TIME ZONE")(literal_column("'UTC'")))
    return func.strftime(literal_column("'%Y-%m-%d %H:00:00'"), column)


def _by(*positions: int) -> list[ColumnElement[Any]]:
    """GROUP BY output positions (both dialects accept them)."""
    return [literal_column(str(n)) for n in positions]


_EMPTY: ColumnElement[str] = literal_column("''")


def _local_day(bucket: object, zone: ZoneInfo) -> date:
    hour = bucket if isinstance(bucket, datetime) else datetime.fromisoformat(str(bucket))
    return hour.replace(tzinfo=UTC).astimezone(zone).date()


def percentile(values: list[float], share: float) -> float | None:
    """Nearest-rank percentile (p90 of 10 values is the 9th smallest)."""
    if not values:
        return None
    ordered = sorted(values)
    return ordered[max(0, math.ceil(share * len(ordered)) - 1)]


async def daily(session: AsyncSession, period: Period) -> Table:
    """Conversations started and messages (in/out) per local day, channel and language."""
    dialect = session.get_bind().dialect.name
    c, k, t = Conversation, Contact, TranscriptEntry
    lang = func.coalesce(k.language, _EMPTY)
    counts: dict[tuple[date, str, str], list[int]] = defaultdict(lambda: [0, 0, 0])
    started = (
        select(_hour(c.created_at, dialect), k.channel, lang, func.count())
        .join(k, k.id == c.contact_id)
        .where(c.created_at >= period.since, c.created_at < period.until)
        .group_by(*_by(1, 2, 3))
    )
    for bucket, channel, language, n in await session.execute(started):
        counts[(_local_day(bucket, period.zone), channel, language)][0] += n
    msg_lang = func.coalesce(t.language, k.language, _EMPTY)
    messages = (
        select(_hour(t.created_at, dialect), k.channel, msg_lang, t.direction, func.count())
        .join(c, c.id == t.conversation_id)
        .join(k, k.id == c.contact_id)
        .where(t.created_at >= period.since, t.created_at < period.until)
        .group_by(*_by(1, 2, 3, 4))
    )
    for bucket, channel, language, direction, n in await session.execute(messages):
        counts[(_local_day(bucket, period.zone), channel, language)][1 if direction == "in" else 2] += n
    rows = [(day.isoformat(), ch, lg or "?", *v) for (day, ch, lg), v in sorted(counts.items())]
    return Table(
        "daily",
        "Conversations and messages per day",
        ("day", "channel", "language", "conversations", "messages_in", "messages_out"),
        rows,
    )


def _inbound(period: Period) -> tuple[ColumnElement[bool], ...]:
    """Messages the NLU read, and topic buttons ("/visit_rules"); not a flow's own buttons ("Leave a message",
    a day, a time), which are stored with the fallback intent as nothing was classified (console QA: a
    language where people only pressed those showed a 100 % fallback rate)."""
    t = TranscriptEntry
    return (
        t.direction == "in",
        t.intent.is_not(None),
        or_(t.payload.is_(None), t.payload.startswith("/")),
        t.created_at >= period.since,
        t.created_at < period.until,
    )


async def top_intents(session: AsyncSession, period: Period, limit: int = 20) -> Table:
    t = TranscriptEntry
    stmt = (
        select(t.intent, func.count(), func.avg(t.confidence))
        .where(*_inbound(period))
        .group_by(t.intent)
        .order_by(func.count().desc(), t.intent)
    )
    rows = (await session.execute(stmt)).all()
    total = sum(n for _, n, _ in rows) or 1
    return Table(
        "intents",
        "Top intents (inbound messages)",
        ("intent", "messages", "share_pct", "mean_confidence"),
        [(i, n, round(100 * n / total, 1), round(float(conf or 0), 3)) for i, n, conf in rows[:limit]],
    )


async def fallback_rate(session: AsyncSession, period: Period) -> Table:
    t = TranscriptEntry
    is_fallback = func.sum(case((t.intent == FALLBACK, 1), else_=0))
    stmt = (
        select(func.coalesce(t.language, _EMPTY), func.count(), is_fallback)
        .where(*_inbound(period))
        .group_by(*_by(1))
        .order_by(*_by(1))
    )
    rows = [(lang or "?", n, int(f or 0)) for lang, n, f in await session.execute(stmt)]
    total = ("all", sum(r[1] for r in rows), sum(r[2] for r in rows))
    return Table(
        "fallback",
        "Fallback rate (messages the NLU did not understand)",
        ("language", "classified", "fallbacks", "rate_pct"),
        [(*r, round(100 * r[2] / r[1], 1) if r[1] else 0.0) for r in [*rows, total]],
    )


async def handoffs(session: AsyncSession, period: Period) -> Table:
    """Hand-off rate and the time from a request to a coordinator's first message after it."""
    c, h, t = Conversation, HandoffRequest, TranscriptEntry
    conversations = await session.scalar(
        select(func.count()).where(c.created_at >= period.since, c.created_at < period.until)
    )
    first_reply = (
        select(func.min(t.created_at))
        .where(t.conversation_id == h.conversation_id, t.author == Author.COORDINATOR)
        .where(t.direction == "out", t.created_at >= h.created_at)
        .scalar_subquery()
    )
    stmt = select(h.conversation_id, h.created_at, h.priority, first_reply).where(
        h.created_at >= period.since, h.created_at < period.until
    )
    requests = (await session.execute(stmt)).all()
    waits = [(reply - asked).total_seconds() for _, asked, _, reply in requests if reply is not None]
    handed = len({conversation for conversation, *_ in requests})
    crisis = sum(1 for _, _, priority, _ in requests if priority == 0)
    n = int(conversations or 0)
    median = statistics.median(waits) if waits else None
    p90 = percentile(waits, 0.9)
    row = (
        n, handed, round(100 * handed / n, 1) if n else 0.0, len(requests), crisis, len(waits),
        None if median is None else round(median), None if p90 is None else round(p90),
    )  # fmt: skip
    return Table(
        "handoffs",
        "Hand-offs and time to first human reply",
        (
            "conversations",
            "handed_off",
            "rate_pct",
            "requests",
            "crisis_requests",
            "answered",
            "median_first_reply_s",
            "p90_first_reply_s",
        ),  # fmt: skip
        [row],
    )


async def bookings(session: AsyncSession, period: Period) -> Table:
    """Made (by booking time), cancelled (by cancel time), done and no-show (by session time)."""
    b = Booking

    async def count(*where: ColumnElement[bool]) -> int:
        return int(await session.scalar(select(func.count()).select_from(b).where(*where)) or 0)

    made = await count(b.created_at >= period.since, b.created_at < period.until)
    cancelled = await count(
        b.status == BookingStatus.CANCELLED, b.cancelled_at >= period.since, b.cancelled_at < period.until
    )
    in_period = (b.starts_at >= period.since, b.starts_at < period.until)
    done = await count(b.status == BookingStatus.DONE, *in_period)
    no_show = await count(b.status == BookingStatus.NO_SHOW, *in_period)
    return Table(
        "bookings",
        "Counselling bookings",
        ("made", "cancelled", "done", "no_show"),
        [(made, cancelled, done, no_show)],
    )


async def crisis(session: AsyncSession, period: Period) -> Table:
    """Conversations flagged as crisis, per local day they started."""
    dialect = session.get_bind().dialect.name
    c = Conversation
    stmt = (
        select(_hour(c.created_at, dialect), func.count())
        .where(c.crisis.is_(True), c.created_at >= period.since, c.created_at < period.until)
        .group_by(*_by(1))
    )
    per_day: dict[date, int] = defaultdict(int)
    for bucket, n in await session.execute(stmt):
        per_day[_local_day(bucket, period.zone)] += n
    return Table(
        "crisis",
        "Crisis conversations per day",
        ("day", "crisis_conversations"),
        [(day.isoformat(), per_day.get(day, 0)) for day in period.days()],
    )


REPORTS = {
    "daily": daily,
    "intents": top_intents,
    "fallback": fallback_rate,
    "handoffs": handoffs,
    "bookings": bookings,
    "crisis": crisis,
}


async def report(session: AsyncSession, name: str, period: Period) -> Table:
    return await REPORTS[name](session, period)


async def all_reports(session: AsyncSession, period: Period) -> list[Table]:
    return [await build(session, period) for build in REPORTS.values()]
