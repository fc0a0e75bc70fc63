"""`alembic upgrade head` produces exactly the schema the models describe, on SQLite and PostgreSQL."""

from __future__ import annotations

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
