"""search: SQLite's full-text index reads ё as е, as PostgreSQL's already does (unaccent, 0006)

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-06 15:00:00.000000

Written by hand. Russian is often typed without ё ("еще" for "ещё"). FTS5's unicode61 tokenizer removes
diacritics from Latin letters only, so on SQLite "еще" did not find "ещё". The three triggers of 0004 now
index the text with ё/Ё replaced by е/Е (same token count, so nothing else changes; the search reads only
rowids, never highlights), and bot/search.py folds the query the same way. The index is refilled from
the transcript with the same folding: FTS5's 'rebuild' would read the unfolded text.

- PostgreSQL: nothing to do.
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0007"
down_revision: str | None = "0006"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_TRIGGERS = ("transcript_fts_ai", "transcript_fts_ad", "transcript_fts_au")


def _triggers(fold: str) -> tuple[str, ...]:
    """0004's triggers, with `fold` applied to the text ("{}" for none): the values given to 'delete'
    must be exactly those indexed, or an external-content FTS5 index goes wrong."""
    new, old = fold.format("new.text"), fold.format("old.text")
    return (
        "CREATE TRIGGER transcript_fts_ai AFTER INSERT ON transcript BEGIN "
        f"INSERT INTO transcript_fts(rowid, text) VALUES (new.id, {new}); END",
        "CREATE TRIGGER transcript_fts_ad AFTER DELETE ON transcript BEGIN "
        f"INSERT INTO transcript_fts(transcript_fts, rowid, text) VALUES ('delete', old.id, {old}); END",
        "CREATE TRIGGER transcript_fts_au AFTER UPDATE OF text ON transcript BEGIN "
        f"INSERT INTO transcript_fts(transcript_fts, rowid, text) VALUES ('delete', old.id, {old}); "
        f"INSERT INTO transcript_fts(rowid, text) VALUES (new.id, {new}); END",
    )


# ё → е and Ё → Е, by code point (U+0451 → U+0435, U+0401 → U+0415)
_YO = "replace(replace({}, char(1105), char(1077)), char(1025), char(1045))"


def _reindex(fold: str) -> None:
    for trigger in _TRIGGERS:
        op.execute(f"DROP TRIGGER IF EXISTS {trigger}")
    for statement in _triggers(fold):
        op.execute(statement)
    op.execute("INSERT INTO transcript_fts(transcript_fts) VALUES ('delete-all')")
    op.execute(f"INSERT INTO transcript_fts(rowid, text) SELECT id, {fold.format('text')} FROM transcript")


def upgrade() -> None:
    if op.get_bind().dialect.name == "sqlite":
        _reindex(_YO)


def downgrade() -> None:
    if op.get_bind().dialect.name == "sqlite":
        _reindex("{}")
