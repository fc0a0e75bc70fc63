"""`alembic upgrade head` produces exactly the schema the models describe, on SQLite and PostgreSQL."""

from __future__ import annotations

import sqlite3

import pytest
from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import text
from sqlalchemy.engine import Connection
from sqlalchemy.ext.asyncio import AsyncEngine

from bot.db.engine import make_engine
from bot.db.migrate import alembic_config, is_current, upgrade
from bot.db.models import Base, include_name


async def test_migrations_match_the_models(db_url: str):
    engine = make_engine(db_url)
    try:
        assert not await is_current(engine)  # an empty database: /readyz says "migrations pending"
        await upgrade(engine)
        assert await is_current(engine)

        def diff(connection: Connection) -> list[object]:
            opts = {"compare_type": False, "include_name": include_name}
            context = MigrationContext.configure(connection, opts=opts)
            return list(compare_metadata(context, Base.metadata))

        async with engine.connect() as conn:
            assert await conn.run_sync(diff) == []
    finally:
        await engine.dispose()


async def _downgrade(engine: AsyncEngine, revision: str) -> None:
    def run(connection: Connection) -> None:
        config = alembic_config()
        config.attributes["connection"] = connection
        command.downgrade(config, revision)

    async with engine.begin() as conn:
        await conn.run_sync(run)


async def _pg_search_objects(engine: AsyncEngine) -> tuple[str | None, bool]:
    async with engine.connect() as conn:
        index = await conn.scalar(
            text("SELECT indexdef FROM pg_indexes WHERE indexname = 'ix_transcript_fts'")
        )
        function = await conn.scalar(text("SELECT to_regprocedure('helpline_unaccent(text)') IS NOT NULL"))
    return index, bool(function)


async def test_search_unaccent_migration_downgrades_and_upgrades_again(db_url: str):
    """0006 (PostgreSQL: unaccent, helpline_unaccent, the index on it) down to 0005's state and back."""
    engine = make_engine(db_url)
    postgres = db_url.startswith("postgresql")
    try:
        await upgrade(engine)
        if postgres:
            index, function = await _pg_search_objects(engine)
            assert index and "helpline_unaccent(text)" in index and "fastupdate='on'" in index
            assert function
        await _downgrade(engine, "0005")
        assert not await is_current(engine)  # behind the code's head
        if postgres:
            index, function = await _pg_search_objects(engine)
            assert index and "to_tsvector('simple'::regconfig, text)" in index
            assert not function
        await upgrade(engine)  # again: the extension is there already
        assert await is_current(engine)
        if postgres:
            index, function = await _pg_search_objects(engine)
            assert index and "helpline_unaccent(text)" in index and function
    finally:
        await engine.dispose()


async def _sqlite_finds(engine: AsyncEngine, word: str) -> list[int]:
    async with engine.connect() as conn:
        found = await conn.execute(
            text("SELECT rowid FROM transcript_fts WHERE transcript_fts MATCH :q"), {"q": f'"{word}"'}
        )
        return [row[0] for row in found]


async def test_the_yo_migration_reindexes_what_is_already_there(db_url: str):
    """0007 (SQLite: ё indexed as е) on a database holding a message written before it, down and up again."""
    if not db_url.startswith("sqlite"):
        pytest.skip("0007 changes nothing on PostgreSQL: unaccent folds ё there (0006; test_search.py)")
    engine = make_engine(db_url)
    try:
        await upgrade(engine)
        await _downgrade(engine, "0006")
        async with engine.begin() as conn:
            for statement in (
                "INSERT INTO contacts (id, channel, external_id, opted_out, blocked, created_at)"
                " VALUES (1, 'web', 'person-yo', 0, 0, '2026-12-06 10:00:00')",
                "INSERT INTO conversations (id, contact_id, owner, state, crisis, created_at, updated_at)"
                " VALUES (1, 1, 'bot', '{}', 0, '2026-12-06 10:00:00', '2026-12-06 10:00:00')",
                "INSERT INTO transcript (id, conversation_id, direction, author, kind, text, created_at)"
                " VALUES (7, 1, 'in', 'person', 'text', 'Ещё раз про посылку', '2026-12-06 10:00:00')",
            ):
                await conn.execute(text(statement))
        assert await _sqlite_finds(engine, "еще") == []  # 0006: ё and е differ
        await upgrade(engine)
        assert await _sqlite_finds(engine, "еще") == [7]  # the old message, re-indexed
        assert await _sqlite_finds(engine, "раз") == [7]
        async with engine.begin() as conn:  # the triggers fold what changes afterwards too
            await conn.execute(text("UPDATE transcript SET text = 'Всё ещё жду' WHERE id = 7"))
        assert await _sqlite_finds(engine, "все") == [7] and await _sqlite_finds(engine, "раз") == []
        async with engine.begin() as conn:
            await conn.execute(text("DELETE FROM transcript WHERE id = 7"))
        assert await _sqlite_finds(engine, "жду") == []
        await _downgrade(engine, "0006")
        assert await is_current(engine) is False
    finally:
        await engine.dispose()


async def test_the_pending_list_migration_keeps_new_messages_findable(db_url: str):
    """0008 (PostgreSQL): new rows wait in a pending list of at most 512 kB; searches find them there,
    and going back to 0007 merges them into the index before turning the list off."""
    if not db_url.startswith("postgresql"):
        pytest.skip("0008 changes nothing on SQLite")
    engine = make_engine(db_url)
    finds = text(
        "SELECT id FROM transcript WHERE to_tsvector('simple'::regconfig, helpline_unaccent(text))"
        " @@ to_tsquery('simple'::regconfig, helpline_unaccent(:word))"
    )
    try:
        await upgrade(engine)
        index, _function = await _pg_search_objects(engine)
        # (ALTER INDEX options read back quoted)
        assert index and "fastupdate='on'" in index and "gin_pending_list_limit='512'" in index
        async with engine.begin() as conn:
            for statement in (
                "INSERT INTO contacts (id, channel, external_id, opted_out, blocked, created_at)"
                " VALUES (1, 'web', 'person-pending', false, false, now())",
                "INSERT INTO conversations (id, contact_id, owner, state, crisis, created_at, updated_at)"
                " VALUES (1, 1, 'bot', '{}', false, now(), now())",
                "INSERT INTO transcript (id, conversation_id, direction, author, kind, text, created_at)"
                " VALUES (7, 1, 'in', 'person', 'text', 'Kad varēs satikt vīru?', now())",
            ):
                await conn.execute(text(statement))
            await conn.execute(text("SET LOCAL enable_seqscan = off"))  # through the index, pending list
            assert (await conn.execute(finds, {"word": "vīru"})).scalars().all() == [7]
        await _downgrade(engine, "0007")
        index, _function = await _pg_search_objects(engine)
        assert index and "fastupdate=off" in index and "gin_pending_list_limit" not in index
        async with engine.begin() as conn:
            # nothing left pending (the downgrade merged it), and the message is in the index proper
            pending = text("SELECT gin_clean_pending_list('ix_transcript_fts'::regclass)")
            assert await conn.scalar(pending) == 0
            await conn.execute(text("SET LOCAL enable_seqscan = off"))
            assert (await conn.execute(finds, {"word": "viru"})).scalars().all() == [7]
        await upgrade(engine)
        assert await is_current(engine)
    finally:
        await engine.dispose()


async def test_the_bot_answers_migration_reindexes_without_them_and_back(db_url: str):
    """0010: the full-text index drops the bot's answers (PostgreSQL: a partial index; SQLite: the FTS5
    triggers and a refill), keeps everyone else's words, and going back to 0009 indexes every row again."""
    engine = make_engine(db_url)
    postgres = db_url.startswith("postgresql")
    rows = (
        ("7", "in", "person", "Kad varēs satikt vīru?"),
        ("8", "out", "bot", "Tikšanās reizi mēnesī, piesakieties iepriekš."),
        ("9", "out", "coordinator", "Piezvanīšu rīt."),
    )
    if postgres:
        finds = text(
            "SELECT id FROM transcript WHERE author <> 'bot' AND to_tsvector('simple'::regconfig,"
            " helpline_unaccent(text)) @@ to_tsquery('simple'::regconfig, helpline_unaccent(:word))"
        )
        every = text(
            "SELECT id FROM transcript WHERE to_tsvector('simple'::regconfig, helpline_unaccent(text))"
            " @@ to_tsquery('simple'::regconfig, helpline_unaccent(:word))"
        )

    async def found(word: str, *, all_rows: bool = False) -> list[int]:
        if not postgres:
            return await _sqlite_finds(engine, word)
        query = every if all_rows else finds
        async with engine.begin() as conn:
            await conn.execute(text("SET LOCAL enable_seqscan = off"))  # through the index
            # on PostgreSQL the bot's rows are left out by the index's definition (asserted below); what
            # this shows is that the rows found come through that index, whichever definition it has
            plan = "\n".join((await conn.execute(text(f"EXPLAIN {query.text}"), {"word": word})).scalars())
            assert "ix_transcript_fts" in plan, plan
            return list((await conn.execute(query, {"word": word})).scalars())

    try:
        await upgrade(engine)
        await _downgrade(engine, "0009")
        false = "false" if postgres else "0"
        async with engine.begin() as conn:
            await conn.execute(
                text(
                    "INSERT INTO contacts (id, channel, external_id, opted_out, blocked, created_at)"
                    f" VALUES (1, 'web', 'person-0010', {false}, {false}, '2026-12-06 10:00:00')"
                )
            )
            await conn.execute(
                text(
                    "INSERT INTO conversations (id, contact_id, owner, state, crisis, created_at, updated_at)"
                    f" VALUES (1, 1, 'bot', '{{}}', {false}, '2026-12-06 10:00:00', '2026-12-06 10:00:00')"
                )
            )
            for id_, direction, author, words in rows:
                await conn.execute(
                    text(
                        "INSERT INTO transcript"
                        " (id, conversation_id, direction, author, kind, text, created_at)"
                        " VALUES (:id, 1, :direction, :author, 'text', :words, '2026-12-06 10:00:00')"
                    ),
                    {"id": int(id_), "direction": direction, "author": author, "words": words},
                )
        assert await found("mēnesī", all_rows=True) == [8]  # 0009: the bot's answer is indexed
        await upgrade(engine)
        if postgres:
            index, _function = await _pg_search_objects(engine)
            assert index and "WHERE ((author)::text <> 'bot'::text)" in index, index
            assert "fastupdate='on'" in index and "gin_pending_list_limit='512'" in index
        assert await found("mēnesī") == [] and await found("piesakieties") == []
        assert await found("vīru") == [7] and await found("piezvanīšu") == [9]
        async with engine.begin() as conn:  # what comes later follows the same rule
            await conn.execute(text("UPDATE transcript SET text = 'Rīt piezvanīšu vēlreiz' WHERE id = 8"))
            await conn.execute(text("UPDATE transcript SET text = 'Vēlreiz par vīru' WHERE id = 7"))
            await conn.execute(text("DELETE FROM transcript WHERE id = 9"))
        assert await found("vēlreiz") == [7] and await found("piezvanīšu") == [] and await found("kad") == []
        await _downgrade(engine, "0009")
        if postgres:
            index, _function = await _pg_search_objects(engine)
            assert index and "WHERE" not in index, index
        assert sorted(await found("vēlreiz", all_rows=True)) == [7, 8]  # every row again
        await upgrade(engine)
        assert await is_current(engine)
    finally:
        await engine.dispose()


# --- 0013: on SQLite an id once given is never given again (AUTOINCREMENT, tables rebuilt) ---

_BEFORE_0013 = "0012"
_0013 = "0013"
_T0 = "'2026-12-06 10:00:00'"
_SEED_0013 = (
    "INSERT INTO staff (id, email, name, role, password_hash, active, created_at)"
    f" VALUES (1, 'anna@example.lv', 'Anna', 'coordinator', 'x', true, {_T0})",
    "INSERT INTO contacts (id, channel, external_id, opted_out, blocked, created_at) VALUES"
    f" (1, 'web', 'person-a', false, false, {_T0}), (2, 'sms', 'person-b', false, false, {_T0}),"
    f" (3, 'telegram', 'person-c', false, false, {_T0})",
    "INSERT INTO conversations (id, contact_id, owner, state, crisis, created_at, updated_at) VALUES"
    f" (1, 1, 'human', '{{}}', false, {_T0}, {_T0}), (2, 2, 'closed', '{{}}', true, {_T0}, {_T0}),"
    f" (3, 3, 'waiting', '{{}}', false, {_T0}, {_T0})",
    "INSERT INTO outbox (id, conversation_id, contact_id, channel, recipient_id, author, text, buttons,"
    " status, attempts, next_attempt_at, created_at, label) VALUES"
    f" (1, 1, 1, 'web', 'person-a', 'bot', 'Labdien', '[]', 'pending', 0, {_T0}, {_T0}, NULL),"
    f" (2, 1, 1, 'web', 'person-a', 'bot', 'Tikšanās reizi mēnesī', '[]', 'sent', 1, {_T0}, {_T0}, NULL),"
    f" (3, NULL, NULL, 'sms', 'person-gone', 'system', 'Dzēsts', '[]', 'pending', 0, {_T0}, {_T0}, NULL),"
    f" (4, 3, 3, 'telegram', 'person-c', 'coordinator', 'Piezvanīšu rīt', '[]', 'sent', 1, {_T0}, {_T0},"
    " 'Koordinators')",
    "INSERT INTO transcript (id, conversation_id, direction, author, kind, text, outbox_id, created_at)"
    " VALUES"
    f" (1, 1, 'in', 'person', 'text', 'Kad varēs satikt vīru?', NULL, {_T0}),"
    f" (2, 1, 'out', 'bot', 'text', 'Tikšanās reizi mēnesī', 2, {_T0}),"
    f" (3, 2, 'in', 'person', 'text', 'Ещё раз про посылку', NULL, {_T0}),"
    f" (4, 3, 'out', 'coordinator', 'text', 'Piezvanīšu rīt', 4, {_T0})",
    "INSERT INTO handoff_requests (id, conversation_id, priority, reason, status, created_at, claimed_by,"
    f" out_of_hours) VALUES (1, 1, 10, 'asked', 'claimed', {_T0}, 1, false),"
    f" (2, 3, 0, 'crisis', 'open', {_T0}, NULL, true)",
    "INSERT INTO handoff_notes (id, conversation_id, staff_id, text, created_at)"
    f" VALUES (1, 1, 1, 'zvanīt', {_T0})",
    "INSERT INTO callback_requests (id, conversation_id, phone, preferred_time, status, created_at, done_by)"
    f" VALUES (1, 2, '+37120000000', 'rīt', 'done', {_T0}, 1)",
    "INSERT INTO counsellors (id, name, languages, modes, session_minutes, buffer_minutes, active,"
    f" calendar_token, created_at) VALUES (1, 'Ilze', 'lv', 'phone', 50, 10, true, 'token-1', {_T0})",
    "INSERT INTO availability_rules (id, counsellor_id, weekday, starts, ends)"
    " VALUES (1, 1, 1, '09:00:00', '12:00:00')",
    "INSERT INTO bookings (id, counsellor_id, contact_id, starts_at, ends_at, mode, status, created_at)"
    " VALUES"
    f" (1, 1, 1, '2026-12-08 09:00:00', '2026-12-08 09:50:00', 'phone', 'booked', {_T0}),"
    f" (2, 1, 2, '2026-12-08 09:00:00', '2026-12-08 09:50:00', 'phone', 'cancelled', {_T0})",
    "INSERT INTO booking_reminders (id, booking_id, kind, due_at, status) VALUES"
    " (1, 1, '24h', '2026-12-07 09:00:00', 'pending')",
    f"INSERT INTO session_quotas (contact_id, sessions, updated_at) VALUES (1, 3, {_T0})",
    # ids given once and named in the audit log, whose rows are gone (erased or purged before 0013)
    "INSERT INTO audit_log (id, actor, action, subject, created_at) VALUES"
    f" (1, 'staff:1', 'conversation.view', 'conversation:40', {_T0}),"
    f" (2, 'staff:1', 'review.confirm', 'transcript:90', {_T0}),"
    f" (3, 'person', 'erase_contact', 'contact:0123456789abcdef', {_T0})",
)
_TABLES_0013 = (
    "staff", "contacts", "conversations", "outbox", "transcript", "handoff_requests", "handoff_notes",
    "callback_requests", "counsellors", "availability_rules", "availability_exceptions", "bookings",
    "booking_reminders", "session_quotas", "audit_log", "console_sessions", "console_login_failures",
    "processed_inbound", "job_runs",
)  # fmt: skip


async def _every_row(engine: AsyncEngine) -> dict[str, list[tuple[object, ...]]]:
    async with engine.connect() as conn:
        return {
            table: [tuple(row) for row in await conn.execute(text(f"SELECT * FROM {table} ORDER BY 1"))]
            for table in _TABLES_0013
        }


async def _sqlite_schema(engine: AsyncEngine) -> dict[str, object]:
    """Indexes (partial ones too), triggers, and every table's foreign keys and unique constraints."""
    async with engine.connect() as conn:
        objects = await conn.execute(
            text("SELECT type, name, sql FROM sqlite_master WHERE type IN ('index', 'trigger') ORDER BY name")
        )
        schema: dict[str, object] = {"objects": [tuple(row) for row in objects]}
        for table in _TABLES_0013:
            keys = await conn.execute(text(f"PRAGMA foreign_key_list({table})"))
            schema[table] = sorted(tuple(row)[2:] for row in keys)
    return schema


async def _sqlite_health(engine: AsyncEngine) -> tuple[list[tuple[object, ...]], list[tuple[object, ...]]]:
    async with engine.connect() as conn:
        await conn.execute(text("INSERT INTO transcript_fts(transcript_fts) VALUES ('integrity-check')"))
        broken = [tuple(row) for row in await conn.execute(text("PRAGMA foreign_key_check"))]
        integrity = [tuple(row) for row in await conn.execute(text("PRAGMA integrity_check"))]
        await conn.rollback()
    return broken, integrity


async def _autoincremented(engine: AsyncEngine) -> set[str]:
    async with engine.connect() as conn:
        rows = await conn.execute(
            text("SELECT name FROM sqlite_master WHERE type = 'table' AND sql LIKE '%AUTOINCREMENT%'")
        )
        return {str(name) for (name,) in rows}


async def _insert(engine: AsyncEngine, statement: str) -> int:
    async with engine.begin() as conn:
        return int((await conn.execute(text(statement + " RETURNING id"))).scalar_one())


async def test_the_ids_migration_keeps_every_row_link_index_and_search_word(db_url: str):
    """0013 on a database with people in it: on SQLite every table whose ids staff see is rebuilt with
    AUTOINCREMENT; every row, link, index and full-text entry stays, the links still cascade, and new
    rows get ids above any given before (above those the audit log names too). PostgreSQL: unchanged."""
    engine = make_engine(db_url)
    sqlite = db_url.startswith("sqlite")
    try:
        await upgrade(engine, _BEFORE_0013)
        async with engine.begin() as conn:
            for statement in _SEED_0013:
                await conn.execute(text(statement))
        rows = await _every_row(engine)
        if sqlite:
            schema = await _sqlite_schema(engine)
            assert await _autoincremented(engine) == set()
            assert await _sqlite_finds(engine, "vīru") == [1] and await _sqlite_finds(engine, "еще") == [3]

        await upgrade(engine, _0013)  # this migration alone: later ones add columns of their own
        assert await _version(engine) == _0013
        assert await _every_row(engine) == rows
        if not sqlite:
            return
        assert await _sqlite_schema(engine) == schema  # indexes and triggers as they were, same links
        assert await _sqlite_health(engine) == ([], [("ok",)])
        never_reused = {
            t.name for t in Base.metadata.tables.values() if t.dialect_options["sqlite"]["autoincrement"]
        }
        assert await _autoincremented(engine) == never_reused  # the migration and the models agree
        assert {"contacts", "conversations", "transcript", "outbox", "handoff_requests", "handoff_notes",
                "callback_requests", "bookings", "audit_log"} <= never_reused  # fmt: skip
        # the search finds the old words, still leaves the bot's answers out, and indexes new ones
        assert await _sqlite_finds(engine, "vīru") == [1] and await _sqlite_finds(engine, "еще") == [3]
        assert await _sqlite_finds(engine, "mēnesī") == [] and await _sqlite_finds(engine, "piezvanīšu") == [
            4
        ]
        message = await _insert(
            engine,
            "INSERT INTO transcript (conversation_id, direction, author, kind, text, created_at)"
            f" VALUES (1, 'in', 'person', 'text', 'Vēl viens jautājums', {_T0})",
        )
        assert message == 91  # transcript:90 was named in the audit log
        assert await _sqlite_finds(engine, "jautājums") == [message]

        # the links still act: erasing the person with the largest ids cascades and cuts as before
        async with engine.begin() as conn:
            await conn.execute(text("DELETE FROM contacts WHERE id = 3"))
            gone = await conn.execute(text("SELECT count(*) FROM conversations WHERE id = 3"))
            assert gone.scalar_one() == 0
            kept = await conn.execute(text("SELECT contact_id, conversation_id FROM outbox WHERE id = 4"))
            assert tuple(kept.one()) == (None, None)
            open_handoffs = await conn.execute(text("SELECT id FROM handoff_requests"))
            assert list(open_handoffs.scalars()) == [1]
        assert await _sqlite_finds(engine, "piezvanīšu") == []
        # and the next person gets none of the erased person's ids
        contact = await _insert(
            engine,
            "INSERT INTO contacts (channel, external_id, opted_out, blocked, created_at)"
            f" VALUES ('telegram', 'person-d', false, false, {_T0})",
        )
        conversation = await _insert(
            engine,
            "INSERT INTO conversations (contact_id, owner, state, crisis, created_at, updated_at)"
            f" VALUES ({contact}, 'bot', '{{}}', false, {_T0}, {_T0})",
        )
        assert (contact, conversation) == (4, 41)  # conversation:40 was named in the audit log
        async with engine.begin() as conn:
            await conn.execute(text("DELETE FROM outbox WHERE id = 4"))
        outbox = await _insert(
            engine,
            "INSERT INTO outbox (channel, recipient_id, author, text, buttons, status, attempts,"
            " next_attempt_at, created_at)"
            f" VALUES ('web', 'x', 'bot', 'x', '[]', 'pending', 0, {_T0}, {_T0})",
        )
        assert outbox == 5
        assert await _sqlite_health(engine) == ([], [("ok",)])

        after = await _every_row(engine)
        await _downgrade(engine, _BEFORE_0013)
        assert await _every_row(engine) == after
        assert await _autoincremented(engine) == set()
        assert await _sqlite_schema(engine) == schema
        assert await _sqlite_health(engine) == ([], [("ok",)])
        assert await _sqlite_finds(engine, "jautājums") == [message]
        await upgrade(engine, _0013)
        assert await _every_row(engine) == after and await _autoincremented(engine) == never_reused
        assert await _sqlite_schema(engine) == schema
    finally:
        await engine.dispose()


async def test_the_ids_migration_refuses_a_database_with_broken_links_and_changes_nothing(tmp_path):
    """A row whose parent is gone (written with foreign keys off, by hand) would stop the copy half-way:
    0013 names it and leaves the database at 0012, every row in place."""
    path = tmp_path / "broken.db"
    engine = make_engine(f"sqlite+aiosqlite:///{path}")
    try:
        await upgrade(engine, _BEFORE_0013)
        async with engine.begin() as conn:
            for statement in _SEED_0013:
                await conn.execute(text(statement))
        by_hand = sqlite3.connect(path)  # the sqlite3 shell's default: foreign keys off
        with by_hand:
            by_hand.execute("DELETE FROM conversations WHERE id = 2")
        by_hand.close()
        rows = await _every_row(engine)
        with pytest.raises(RuntimeError, match="broken links"):
            await upgrade(engine)
        assert await _every_row(engine) == rows
        async with engine.connect() as conn:
            assert (
                await conn.execute(text("SELECT version_num FROM alembic_version"))
            ).scalar_one() == "0012"
    finally:
        await engine.dispose()


async def _version(engine: AsyncEngine) -> str:
    async with engine.connect() as conn:
        return str((await conn.execute(text("SELECT version_num FROM alembic_version"))).scalar_one())


async def test_the_reminders_outbox_row_migration_downgrades_and_upgrades_again(db_url: str):
    """0014 adds booking_reminders.outbox_id with its index; its downgrade drops them in place, so on SQLite
    the table keeps 0013's AUTOINCREMENT (a batch copy would lose it, and 0013's downgrade refuse it)."""
    engine = make_engine(db_url)
    sqlite = db_url.startswith("sqlite")
    try:
        await upgrade(engine, _0013)
        async with engine.begin() as conn:
            for statement in _SEED_0013:
                await conn.execute(text(statement))
        rows = await _every_row(engine)
        await upgrade(engine)
        assert await is_current(engine)
        async with engine.begin() as conn:
            await conn.execute(text("UPDATE booking_reminders SET outbox_id = 4 WHERE id = 1"))
        await _downgrade(engine, _0013)
        assert await _version(engine) == _0013
        assert await _every_row(engine) == rows
        if sqlite:
            assert "booking_reminders" in await _autoincremented(engine)
        await upgrade(engine)
        assert await is_current(engine)
        await _downgrade(engine, _BEFORE_0013)  # and 0013's own downgrade still runs after it
        assert await _every_row(engine) == rows
    finally:
        await engine.dispose()
