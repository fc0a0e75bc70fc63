"""Synthetic conversations for the search benchmark, bulk-loaded into SQLite or PostgreSQL.

Texts are real training examples from nlu/data (lv, ru, en) and real replies from flows/texts, so the
full-text indexes see the vocabulary they will see in production. Conversations are generated in time
order (ids grow with time, as they do live), over the 365 days before NOW, with a fixed seed.
"""

from __future__ import annotations

import random
import sqlite3
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

import asyncpg
import yaml

from nlu.yaml_data import load_examples

ROOT = Path(__file__).resolve().parents[2]
NOW = datetime(2026, 11, 23, 10, 0, tzinfo=UTC)
CHANNELS = (("telegram", 55), ("sms", 30), ("web", 15))
LANGUAGES = (("lv", 55), ("ru", 35), ("en", 10))
PERSONAL = ("Mans tālrunis 26123456.", "Mani sauc Ilze.", "Меня зовут Марина.", "My son John is there.")


@dataclass
class Rows:
    contacts: list[tuple[object, ...]]
    conversations: list[tuple[object, ...]]
    transcript: list[tuple[object, ...]]
    handoffs: list[tuple[object, ...]]
    bookings: list[tuple[object, ...]]


def _pick(weighted: tuple[tuple[str, int], ...], rnd: random.Random) -> str:
    return rnd.choices([w[0] for w in weighted], weights=[w[1] for w in weighted])[0]


def _replies(lang: str) -> list[str]:
    data = yaml.safe_load((ROOT / "flows" / "texts" / f"{lang}.yml").read_text(encoding="utf-8"))
    out = []
    for value in data["texts"].values():
        text = value.get("text") if isinstance(value, dict) else value
        if isinstance(text, str) and "{" not in text:
            out.append(text.strip())
    return out


def build(count: int, seed: int = 8) -> Rows:
    """All rows for `count` conversations (one contact each), ids assigned here."""
    rnd = random.Random(seed)
    examples: dict[str, list[tuple[str, str]]] = {"lv": [], "ru": [], "en": []}
    for example in load_examples(ROOT / "nlu" / "data"):
        if example.language in examples:
            examples[example.language].append((example.text, example.intent))
    replies = {lang: _replies(lang) for lang in examples}
    starts = sorted(NOW - timedelta(seconds=rnd.uniform(0, 365 * 86400)) for _ in range(count))
    rows = Rows([], [], [], [], [])
    entry_id = 0
    for n, start in enumerate(starts, 1):
        channel, lang = _pick(CHANNELS, rnd), _pick(LANGUAGES, rnd)
        crisis = rnd.random() < 0.01
        rows.contacts.append((n, channel, f"bench-{n}", lang, False, False, start))
        at = start
        for _turn in range(rnd.randint(1, 4)):
            text, intent = rnd.choice(examples[lang])
            confidence = round(rnd.uniform(0.35, 1.0), 3)
            if rnd.random() < 0.08:
                intent, confidence = "nlu_fallback", round(rnd.uniform(0.05, 0.35), 3)
            if rnd.random() < 0.05:
                text = f"{text} {rnd.choice(PERSONAL)}"
            entry_id += 1
            rows.transcript.append((entry_id, n, "in", "person", "text", text, intent, confidence, lang, at))
            at += timedelta(seconds=rnd.randint(1, 5))
            entry_id += 1
            reply = rnd.choice(replies[lang])
            rows.transcript.append((entry_id, n, "out", "bot", "text", reply, None, None, None, at))
            at += timedelta(seconds=rnd.randint(20, 600))
        rows.conversations.append((n, n, "closed", "{}", crisis, start, at))
        if crisis or rnd.random() < 0.05:
            rows.handoffs.append((len(rows.handoffs) + 1, n, 0 if crisis else 10, "asked", "closed", start))
        if rnd.random() < 0.03:
            slot = start + timedelta(days=rnd.randint(1, 20), hours=rnd.randint(0, 8))
            rows.bookings.append((len(rows.bookings) + 1, 1, n, slot, slot + timedelta(minutes=50), start))
    return rows


_COLUMNS = {
    "contacts": "id, channel, external_id, language, opted_out, blocked, created_at",
    "conversations": "id, contact_id, owner, state, crisis, created_at, updated_at",
    "transcript": "id, conversation_id, direction, author, kind, text, intent, confidence, language, "
    "created_at",
    "handoff_requests": "id, conversation_id, priority, reason, status, created_at",
    "bookings": "id, counsellor_id, contact_id, starts_at, ends_at, created_at",
}


def _tables(rows: Rows) -> Iterator[tuple[str, list[tuple[object, ...]]]]:
    yield "contacts", rows.contacts
    yield "conversations", rows.conversations
    yield "transcript", rows.transcript
    yield "handoff_requests", rows.handoffs
    yield "bookings", rows.bookings


def _sqlite_value(value: object) -> object:
    # the app stores naive UTC text on SQLite (bot.db.models.UtcDateTime)
    if isinstance(value, datetime):
        return value.astimezone(UTC).replace(tzinfo=None).isoformat(sep=" ", timespec="microseconds")
    return value


def load_sqlite(path: Path, rows: Rows) -> None:
    """executemany in one transaction. The FTS5 insert trigger of migration 0004 costs ~0.2 ms a row,
    so a bulk load drops it, fills the index once (the same index, better merged) and restores it."""
    db = sqlite3.connect(path, isolation_level=None)
    try:
        db.execute("PRAGMA foreign_keys=OFF")
        db.execute("BEGIN")
        trigger = db.execute("SELECT sql FROM sqlite_master WHERE name = 'transcript_fts_ai'").fetchone()[0]
        db.execute("DROP TRIGGER transcript_fts_ai")
        db.execute(_COUNSELLOR_SQLITE, (NOW.replace(tzinfo=None).isoformat(sep=" "),))
        for table, data in _tables(rows):
            columns = _COLUMNS[table]
            extra = ", mode, status" if table == "bookings" else ""
            marks = ", ".join("?" * (columns.count(",") + 1)) + (", 'phone', 'booked'" if extra else "")
            db.executemany(
                f"INSERT INTO {table} ({columns}{extra}) VALUES ({marks})",
                ([_sqlite_value(v) for v in row] for row in data),
            )
        # as migrations 0007 and 0010 index (ё read as е, the bot's answers left out); FTS5's own 'rebuild'
        # would index the unfolded text of every row
        db.execute("INSERT INTO transcript_fts(transcript_fts) VALUES ('delete-all')")
        db.execute(
            "INSERT INTO transcript_fts(rowid, text) SELECT id,"
            " replace(replace(text, char(1105), char(1077)), char(1025), char(1045)) FROM transcript"
            " WHERE author <> 'bot'"
        )
        db.execute(trigger)
        db.execute("COMMIT")
        db.execute("ANALYZE")
    finally:
        db.close()


_COUNSELLOR_SQLITE = (
    "INSERT INTO counsellors (id, name, languages, modes, session_minutes, buffer_minutes, active, "
    "calendar_token, created_at) VALUES (1, 'Bench', 'lv,ru,en', 'phone', 50, 10, 1, 'bench', ?)"
)


async def load_postgres(dsn: str, rows: Rows) -> None:
    """COPY per table with the full-text GIN index dropped, rebuilt once at the end (a bulk build is
    much faster than 500,000 single inserts into it), then VACUUM ANALYZE."""
    conn = await asyncpg.connect(dsn)
    try:
        fts = await conn.fetchval("SELECT indexdef FROM pg_indexes WHERE indexname = 'ix_transcript_fts'")
        await conn.execute("DROP INDEX ix_transcript_fts")
        await conn.execute(
            "INSERT INTO counsellors (id, name, languages, modes, session_minutes, buffer_minutes, active,"
            " calendar_token, created_at)"
            " VALUES (1, 'Bench', 'lv,ru,en', 'phone', 50, 10, true, 'bench', $1)",
            NOW,
        )
        for table, data in _tables(rows):
            columns = [c.strip() for c in _COLUMNS[table].split(",")]
            records = [(*row, "phone", "booked") for row in data] if table == "bookings" else data
            if table == "bookings":
                columns += ["mode", "status"]
            await conn.copy_records_to_table(table, records=records, columns=columns)
        for table, _data in _tables(rows):
            await conn.execute(
                f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), max(id)) FROM {table}"
            )
        await conn.execute(fts)
        await conn.execute("VACUUM ANALYZE")
    finally:
        await conn.close()
