"""Twilio delivery reports: the status lands on the outbox row; a failure is retried when that may help."""

from __future__ import annotations

from datetime import datetime, timedelta
from enum import StrEnum

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.db.models import OutboxItem, OutboxStatus
from bot.messages import Channel

# Error codes of a failed delivery where sending the same message again later may succeed
# (twilio.com/docs/api/errors). Everything else (30004 blocked, 30005 unknown number, 30006 landline,
# 30007 filtered, ...) is final: the row is marked dead and the code stays on it for coordinators.
RETRY_CODES = {
    "30001": "queue overflow",
    "30003": "handset unreachable (off or no signal)",
    "30008": "unknown carrier error",
    "30017": "carrier network congestion",
    "30500": "Twilio internal error",
}
KNOWN_CODES = {
    **RETRY_CODES,
    "30002": "account suspended",
    "30004": "message blocked",
    "30005": "unknown or inactive number",
    "30006": "landline or unreachable carrier",
    "30007": "filtered as spam by the carrier",
    "30010": "price exceeds the maximum",
}
FAILED = frozenset({"failed", "undelivered"})
DELIVERED = "delivered"
# Twilio's message statuses in the order a message moves through them (twilio.com/docs/messaging/api/
# message-resource#message-status-values). Status callbacks are separate HTTP requests and may arrive out
# of order: a report ranked below the one recorded is kept out. A failure outranks every step before it,
# so a late "sent" cannot hide that the SMS was not delivered (QA: a row showed "sent" after
# "undelivered"). "delivered" is the carrier's receipt from the handset, the final truth: it outranks a
# failure reported before it, and a failure reported after it is kept out.
STATUS_RANK = {
    "accepted": 0,
    "scheduled": 0,
    "queued": 1,
    "sending": 2,
    "sent": 3,
    "undelivered": 4,
    "failed": 4,
    "canceled": 4,
    DELIVERED: 5,
    "read": 6,
}
MAX_DELAY = 3600.0


class Outcome(StrEnum):
    UNKNOWN = "unknown"  # no row with this SID (an old attempt, or not ours)
    STALE = "stale"
    RECORDED = "recorded"
    RETRY = "retry"
    DEAD = "dead"


def retry_delay(attempts: int) -> float:
    """A handset that is off needs minutes, not seconds: 1, 2, 4 … 60 minutes."""
    return float(min(60 * 2 ** max(attempts - 1, 0), MAX_DELAY))


def describe(code: str) -> str:
    return f"twilio {code}: {KNOWN_CODES.get(code, 'see twilio.com/docs/api/errors')}"


async def record_status(
    sessionmaker: async_sessionmaker[AsyncSession],
    *,
    sid: str,
    status: str,
    error_code: str,
    now: datetime,
    max_attempts: int,
) -> Outcome:
    async with sessionmaker() as session, session.begin():
        query = (
            select(OutboxItem)
            .where(OutboxItem.provider_message_id == sid, OutboxItem.channel == str(Channel.SMS))
            .with_for_update()
        )
        row = (await session.execute(query)).scalar_one_or_none()
        if row is None:
            return Outcome.UNKNOWN
        current = row.delivery_status or ""
        if current in FAILED and row.status == OutboxStatus.SENT:
            # a failure keeps the row from SENT until it is sent again under a new SID (the one we found):
            # the failure was the earlier attempt's, and this attempt's reports count from the start
            current = ""
        if STATUS_RANK.get(status, 0) < STATUS_RANK.get(current, -1):
            return Outcome.STALE
        row.delivery_status = status[:32]
        if error_code:
            row.last_error = describe(error_code)[:255]
        if status == DELIVERED and row.status in (OutboxStatus.PENDING, OutboxStatus.DEAD):
            # it arrived after all: no second copy, and no failure shown to the coordinators
            row.status, row.lease_until, row.last_error = OutboxStatus.SENT, None, None
            return Outcome.RECORDED
        if status not in FAILED or row.status != OutboxStatus.SENT:
            return Outcome.RECORDED
        if error_code in RETRY_CODES and row.attempts < max_attempts:
            # sent again by the outbox worker; the new attempt gets a new SID and its own reports
            row.status, row.lease_until = OutboxStatus.PENDING, None
            row.next_attempt_at = now + timedelta(seconds=retry_delay(row.attempts))
            row.last_error = f"{describe(error_code)}; retrying"[:255]
            return Outcome.RETRY
        row.status = OutboxStatus.DEAD
        return Outcome.DEAD
