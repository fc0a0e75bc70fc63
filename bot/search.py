"""Transcript search for operators: full text (SQLite FTS5 / PostgreSQL tsvector) plus filters, keyset paged.

One query builder serves both dialects; only the full-text predicate differs. Results are newest first
and paged by id (`before_id`), never by OFFSET, so page 500 costs what page 1 costs. Texts come back
as stored: the console masks them (bot.redaction) before anyone sees them.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import ColumnElement, Select, exists, func, literal_column, select, text
from sqlalchemy.ext.asyncio import AsyncSession

from bot.db.models import Booking, Contact, Conversation, HandoffRequest, TranscriptEntry
from nlu.parse import FALLBACK

MAX_TERMS = 8
MAX_LIMIT = 200
_TERM = re.compile(r"\w+\*?")
_FTS5_MATCH = "SELECT rowid FROM transcript_fts WHERE transcript_fts MATCH :fts_query"
_FTS5_MATCH_BEFORE = _FTS5_MATCH + " AND rowid < :fts_before"


@dataclass(frozen=True, slots=True)
class SearchQuery:
    text: str = ""
    since: datetime | None = None  # created_at >= since
    until: datetime | None = None  # created_at < until
    channel: str | None = None
    language: str | None = None
    intent: str | None = None
    direction: str | None = None  # "in" | "out"
    low_confidence: float | None = None  # inbound, classified below this confidence
    fallback: bool = False
    handed_off: bool = False
    crisis: bool = False
    booked: bool = False
    reviewed: bool | None = None
    conversation_id: int | None = None
    before_id: int | None = None
    limit: int = 50


@dataclass(frozen=True, slots=True)
class Hit:
    id: int
    conversation_id: int
    contact_id: int
    channel: str
    created_at: datetime
    direction: str
    author: str
    kind: str
    text: str
    payload: str | None
    intent: str | None
    confidence: float | None
    language: str | None
    flow_step: str | None
    reviewed_intent: str | None
    reviewed_by: str | None
    crisis: bool
    owner: str


@dataclass(frozen=True, slots=True)
class Page:
    hits: list[Hit]
    next_before: int | None  # pass as before_id for the next page; None on the last page


def terms(query: str) -> list[tuple[str, bool]]:
    """Words of a query (letters and digits only, so no query syntax gets through) and prefix flags."""
    found = [(m.group().rstrip("*"), m.group().endswith("*")) for m in _TERM.finditer(query)]
    return [(word.casefold(), prefix) for word, prefix in found if word][:MAX_TERMS]


def fts5_query(query: str) -> str:
    """`vīrs olain*` → `"vīrs" "olain"*`: every word must occur (implicit AND)."""
    return " ".join(f'"{word}"' + ("*" if prefix else "") for word, prefix in terms(query))


def tsquery(query: str) -> str:
    """`vīrs olain*` → `vīrs & olain:*`."""
    return " & ".join(word + (":*" if prefix else "") for word, prefix in terms(query))


def _full_text(query: str, dialect: str, before_id: int | None) -> ColumnElement[bool]:
    t = TranscriptEntry
    if dialect == "postgresql":
        # the same expression as the GIN index of migration 0004, so the planner can use it
        simple: ColumnElement[str] = literal_column("'simple'::regconfig")
        return func.to_tsvector(simple, t.text).op("@@")(func.to_tsquery(simple, tsquery(query)))
    # the keyset bound goes inside too: FTS5 walks its doclist from that rowid down
    if before_id is None:
        matches = text(_FTS5_MATCH).bindparams(fts_query=fts5_query(query))
    else:
        matches = text(_FTS5_MATCH_BEFORE).bindparams(fts_query=fts5_query(query), fts_before=before_id)
    return t.id.in_(matches.columns(literal_column("rowid")))


def build(q: SearchQuery, dialect: str) -> Select[*tuple[Any, ...]]:
    """The search as one SELECT; the caller runs it (both dialects)."""
    t, c, k = TranscriptEntry, Conversation, Contact
    stmt = (
        select(
            t.id,
            t.conversation_id,
            c.contact_id,
            k.channel,
            t.created_at,
            t.direction,
            t.author,
            t.kind,
            t.text,
            t.payload,
            t.intent,
            t.confidence,
            t.language,
            t.flow_step,
            t.reviewed_intent,
            t.reviewed_by,
            c.crisis,
            c.owner,
        )  # fmt: skip
        .join(c, c.id == t.conversation_id)
        .join(k, k.id == c.contact_id)
    )
    where: list[ColumnElement[bool]] = []
    if terms(q.text):
        where.append(_full_text(q.text, dialect, q.before_id))
    if q.before_id is not None:
        where.append(t.id < q.before_id)
    if q.since is not None:
        where.append(t.created_at >= q.since)
    if q.until is not None:
        where.append(t.created_at < q.until)
    if q.channel:
        where.append(k.channel == q.channel)
    if q.language:
        where.append(func.coalesce(t.language, k.language) == q.language)
    if q.intent:
        where.append(t.intent == q.intent)
    if q.direction:
        where.append(t.direction == q.direction)
    if q.low_confidence is not None:
        where += [t.direction == "in", t.confidence < q.low_confidence]
    if q.fallback:
        where.append(t.intent == FALLBACK)
    if q.reviewed is not None:
        where.append(t.reviewed_at.is_not(None) if q.reviewed else t.reviewed_at.is_(None))
    if q.conversation_id is not None:
        where.append(t.conversation_id == q.conversation_id)
    if q.crisis:
        where.append(c.crisis.is_(True))
    if q.handed_off:
        where.append(exists().where(HandoffRequest.conversation_id == t.conversation_id))
    if q.booked:
        where.append(exists().where(Booking.contact_id == c.contact_id))
    limit = max(1, min(q.limit, MAX_LIMIT))
    return stmt.where(*where).order_by(t.id.desc()).limit(limit + 1)


async def search(session: AsyncSession, q: SearchQuery) -> Page:
    """One page of hits, newest first."""
    dialect = session.get_bind().dialect.name
    rows = (await session.execute(build(q, dialect))).all()
    limit = max(1, min(q.limit, MAX_LIMIT))
    hits = [Hit(**row._asdict()) for row in rows[:limit]]
    return Page(hits=hits, next_before=hits[-1].id if len(rows) > limit else None)
