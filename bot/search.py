"""Transcript search for operators: full text (SQLite FTS5 / PostgreSQL tsvector) plus filters, keyset paged.

One query builder serves both dialects; only the full-text predicate differs. Both ignore case and
diacritics, in the text and in the query ("virs" finds "vīrs" and "vīrs" finds "virs"; migrations 0004
and 0006). Results are newest first and paged by id (`before_id`), never by OFFSET, so page 500 costs
what page 1 costs. Texts come back as stored: the console masks them (bot.redaction) before anyone sees
them. Words are looked for in what people, coordinators and the system wrote; the bot's own canned answers
are not in the full-text index (migration 0010) and are found through the intent of the question they
answered.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from typing import Any, cast

from sqlalchemy import (
    ColumnElement,
    Select,
    String,
    Subquery,
    exists,
    func,
    literal,
    literal_column,
    select,
    text,
    true,
)
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import aliased

from bot.db.models import Booking, Contact, Conversation, HandoffRequest, TranscriptEntry, searched
from nlu.parse import FALLBACK

MAX_TERMS = 8
MAX_LIMIT = 200
_TERM = re.compile(r"\w+\*?")
_FTS5_MATCH = "SELECT rowid FROM transcript_fts WHERE transcript_fts MATCH :fts_query"
# newest first: a page is looked for among the WINDOW newest candidate ids, then (rarely) below them
WINDOW = 20_000
NARROW = timedelta(days=62)  # a date range up to this long counts as selective on SQLite
_SIMPLE: ColumnElement[str] = literal_column("'simple'::regconfig")


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
    """`vīrs olain*` → `"vīrs" "olain"*`: every word must occur (implicit AND); ё read as е, as the
    SQLite index reads it (migration 0007)."""
    return " ".join(f'"{_yo(word)}"' + ("*" if prefix else "") for word, prefix in terms(query))


def _yo(word: str) -> str:
    return word.replace("\u0451", "\u0435")  # ё → е; terms() has case-folded the word already


def _pg_tsquery(query: str) -> ColumnElement[Any]:
    """`vīrs olain*` → to_tsquery('simple', `'virs' & 'olain':*`), each word folded by helpline_unaccent
    (migration 0006), as the index is. Each word is quoted after folding, its quotes and backslashes made
    spaces: unaccent turns a few word characters into tsquery syntax (ŉ → 'n, ⑴ → (1), ː → :)."""
    operands: list[ColumnElement[str]] = []
    for word, prefix in terms(query):
        folded = func.translate(func.helpline_unaccent(word, type_=String), "'\\", "  ", type_=String)
        operands.append(literal("'", String) + folded + literal("':*" if prefix else "'", String))
    return func.to_tsquery(_SIMPLE, func.concat_ws(" & ", *operands, type_=String))


def _fts5_match(query: str, before_id: int | None, floor: int | None) -> ColumnElement[bool]:
    """SQLite: ids from the FTS5 table; the id bounds go inside, so FTS5 reads only that rowid range."""
    sql = _FTS5_MATCH
    params: dict[str, object] = {"fts_query": fts5_query(query)}
    if before_id is not None:
        sql, params["fts_before"] = sql + " AND rowid < :fts_before", before_id
    if floor is not None:
        sql, params["fts_floor"] = sql + " AND rowid >= :fts_floor", floor
    return TranscriptEntry.id.in_(text(sql).bindparams(**params).columns(literal_column("rowid")))


def _pg_candidates(q: SearchQuery, floor: int | None) -> tuple[Subquery, Any]:
    """PostgreSQL: candidate ids from the GIN and date indexes, newest first; the entries joined one by one.

    Left to itself the planner often walks the primary key backwards, testing every row until LIMIT is
    met: seconds for a rare word (to_tsvector on each row) or a date range far in the past (it does not
    know ids grow with time). Hence three fences: a MATERIALIZED CTE (no ORDER BY, so only the selective
    indexes can serve it), its ids sorted in a subquery (OFFSET 0 keeps it whole), and the entry of each
    id fetched by a LATERAL primary-key lookup, so the joins run in that order and stop at the page's end.
    """
    t = TranscriptEntry
    inner = select(t.id)
    if terms(q.text):
        # exactly the index expression (migration 0006)
        document = func.to_tsvector(_SIMPLE, func.helpline_unaccent(t.text, type_=String))
        # the index holds no bot answers (migration 0010); stating so lets the planner use it
        inner = inner.where(searched(t), document.op("@@")(_pg_tsquery(q.text)))
    if q.since is not None:
        inner = inner.where(t.created_at >= q.since)
    if q.until is not None:
        inner = inner.where(t.created_at < q.until)
    if q.before_id is not None:
        inner = inner.where(t.id < q.before_id)
    if floor is not None:
        inner = inner.where(t.id >= floor)
    found = inner.cte("candidates").prefix_with("MATERIALIZED")
    ordered = select(found.c.id).order_by(found.c.id.desc()).offset(0).subquery("ordered")
    entry = select(t).where(t.id == ordered.c.id).offset(0).lateral("entry")
    return ordered, aliased(TranscriptEntry, entry)


def _sqlite_narrow(term: ColumnElement[bool], q: SearchQuery, dialect: str) -> ColumnElement[bool]:
    """A short date range, told to SQLite's planner as selective (likelihood()), so it reads the dates'
    index. With bound parameters it cannot see the range's width and walked every sms conversation or
    every id below the window instead: 1-1.8 s for a week 200 days back in the benchmark, 3 ms now."""
    if dialect != "sqlite" or q.since is None or q.until is None or q.until - q.since > NARROW:
        return term
    # untyped: a Boolean-typed function would be rendered as "likelihood(…) = 1", which hides the term
    return cast(ColumnElement[bool], func.likelihood(term, literal_column("0.05")))


def _columns(t: Any) -> tuple[Any, ...]:
    return (
        t.id, t.conversation_id, Conversation.contact_id, Contact.channel, t.created_at, t.direction,
        t.author, t.kind, t.text, t.payload, t.intent, t.confidence, t.language, t.flow_step,
        t.reviewed_intent, t.reviewed_by, Conversation.crisis, Conversation.owner,
    )  # fmt: skip


def build(q: SearchQuery, dialect: str, *, floor: int | None = None) -> Select[*tuple[Any, ...]]:
    """The search as one SELECT (both dialects; only the full-text part differs); ids >= floor if given."""
    t: Any = TranscriptEntry
    c, k = Conversation, Contact
    where: list[ColumnElement[bool]] = []
    dated = q.since is not None or q.until is not None
    if dialect == "postgresql" and (terms(q.text) or (dated and floor is None)):
        # text, dates and id bounds are applied inside the candidates; the rest by the joins below
        ordered, t = _pg_candidates(q, floor)
        stmt = select(*_columns(t)).select_from(ordered).join(t, true())
        order = ordered.c.id.desc()
    else:
        stmt = select(*_columns(t)).select_from(t)
        order = t.id.desc()
        if terms(q.text):
            where.append(_fts5_match(q.text, q.before_id, floor))
        if q.before_id is not None:
            where.append(t.id < q.before_id)
        if floor is not None:
            where.append(t.id >= floor)
        if q.since is not None:
            where.append(_sqlite_narrow(t.created_at >= q.since, q, dialect))
        if q.until is not None:
            where.append(_sqlite_narrow(t.created_at < q.until, q, dialect))
    stmt = stmt.join(c, c.id == t.conversation_id).join(k, k.id == c.contact_id)
    if q.channel:
        where.append(k.channel == q.channel)
    if q.language:
        where.append(k.language == q.language)  # the person's language (the planner has statistics on it)
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
    return stmt.where(*where).order_by(order).limit(limit + 1)


async def search(session: AsyncSession, q: SearchQuery) -> Page:
    """One page of hits, newest first.

    First among the WINDOW ids below the page's start, which answers almost every page with a bounded
    index range (whatever the planner thinks of a word's frequency); only when that range holds too
    few hits, the rest comes from below it. The result is the same as one unbounded query.
    """
    dialect = session.get_bind().dialect.name
    limit = max(1, min(q.limit, MAX_LIMIT))
    top = q.before_id
    if top is None:
        top = int(await session.scalar(select(func.max(TranscriptEntry.id))) or 0) + 1
    floor = max(top - WINDOW, 0)
    rows = list(
        (await session.execute(build(replace(q, before_id=top, limit=limit), dialect, floor=floor))).all()
    )
    if len(rows) <= limit and floor > 0:
        below = replace(q, before_id=floor, limit=limit - len(rows))
        rows += (await session.execute(build(below, dialect))).all()
    hits = [Hit(**row._asdict()) for row in rows[:limit]]
    return Page(hits=hits, next_before=hits[-1].id if len(rows) > limit else None)
