"""search: the full-text index holds what people, coordinators and the system wrote, not the bot's answers

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-06 19:40:00.000000

Written by hand. The bot's answers are canned texts from flows/texts (in the load benchmark's traffic
about 940 characters and 100 words each, against 27 characters and 5 words for a person's message): they
were 95% of the indexed words, so a word search returned mostly the same answer in thousands of
conversations, and on PostgreSQL they were most of the cost of storing a message (to_tsvector of a long
text plus its GIN entries; PostgreSQL's CPU per message under load fell from 0.42 to 0.29 ms without
them, bench/results/load-ab-*.json). What an operator looks for is what people asked and what coordinators
answered; the bot's answer to a question is found by the question's intent (the search filters by it) and
is seen in the conversation. So:

- PostgreSQL: `ix_transcript_fts` is rebuilt as a partial index `WHERE author <> 'bot'` (same expression
  and options as 0006/0008). bot/search.py states that condition with a literal value
  (bot.db.models.searched), or the planner could not use the index.
- SQLite: the three FTS5 triggers of 0007 index only rows whose author is not the bot (the delete and
  update triggers check the old row's author: an external-content FTS5 index must be told to delete
  exactly what it holds), and the index is refilled from the transcript without the bot's rows.

Downgrade restores 0008's index and triggers that index every row, as 0007's did, and indexes every row
again. CREATE INDEX blocks writes to the transcript while it builds (only people's short messages, so it
is quick). During a rolling deploy the old code's searches still give the same answers, but cannot use
the partial index, so they read more rows until the old workers are gone.
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0010"
down_revision: str | None = "0009"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_PG_INDEX = (
    "CREATE INDEX ix_transcript_fts ON transcript"
    " USING gin (to_tsvector('simple'::regconfig, helpline_unaccent(text)))"
    " WITH (fastupdate = on, gin_pending_list_limit = 512){where}"
)
_NOT_BOT = " WHERE author <> 'bot'"

_TRIGGERS = ("transcript_fts_ai", "transcript_fts_ad", "transcript_fts_au")
# ё → е and Ё → Е, by code point, as 0007 indexes them
_YO = "replace(replace({}, char(1105), char(1077)), char(1025), char(1045))"


def _sqlite_triggers(only: str) -> tuple[str, ...]:
    """0007's triggers, each row indexed only if `only` (an SQL condition on {row}.author) holds for it.

    SELECT ... WHERE instead of a trigger's WHEN: the update trigger needs the old row's condition for the
    delete and the new row's for the insert.
    """
    new, old = _YO.format("new.text"), _YO.format("old.text")
    when_new, when_old = only.format(row="new"), only.format(row="old")
    return (
        "CREATE TRIGGER transcript_fts_ai AFTER INSERT ON transcript BEGIN "
        f"INSERT INTO transcript_fts(rowid, text) SELECT new.id, {new} WHERE {when_new}; END",
        "CREATE TRIGGER transcript_fts_ad AFTER DELETE ON transcript BEGIN "
        "INSERT INTO transcript_fts(transcript_fts, rowid, text)"
        f" SELECT 'delete', old.id, {old} WHERE {when_old}; END",
        "CREATE TRIGGER transcript_fts_au AFTER UPDATE OF text, author ON transcript BEGIN "
        "INSERT INTO transcript_fts(transcript_fts, rowid, text)"
        f" SELECT 'delete', old.id, {old} WHERE {when_old}; "
        f"INSERT INTO transcript_fts(rowid, text) SELECT new.id, {new} WHERE {when_new}; END",
    )


def _sqlite_reindex(only: str) -> None:
    for trigger in _TRIGGERS:
        op.execute(f"DROP TRIGGER IF EXISTS {trigger}")
    for statement in _sqlite_triggers(only):
        op.execute(statement)
    op.execute("INSERT INTO transcript_fts(transcript_fts) VALUES ('delete-all')")
    rows = f"SELECT id, {_YO.format('text')} FROM transcript WHERE {only.format(row='transcript')}"
    op.execute(f"INSERT INTO transcript_fts(rowid, text) {rows}")


def upgrade() -> None:
    dialect = op.get_bind().dialect.name
    if dialect == "postgresql":
        op.execute("DROP INDEX IF EXISTS ix_transcript_fts")
        op.execute(_PG_INDEX.format(where=_NOT_BOT))
    elif dialect == "sqlite":
        _sqlite_reindex("{row}.author <> 'bot'")


def downgrade() -> None:
    dialect = op.get_bind().dialect.name
    if dialect == "postgresql":
        op.execute("DROP INDEX IF EXISTS ix_transcript_fts")
        op.execute(_PG_INDEX.format(where=""))
    elif dialect == "sqlite":
        _sqlite_reindex("1")
