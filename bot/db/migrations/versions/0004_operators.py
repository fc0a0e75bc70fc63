"""operators: review columns on the transcript, full-text search per dialect, job leases

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-22 14:00:00.000000

Written by hand: only the operators' columns, indexes and tables.

Full-text search is per dialect and lives outside the ORM models:
- SQLite: an external-content FTS5 table `transcript_fts` over transcript.text, kept in sync by three
  triggers. A later migration that rebuilds `transcript` in batch mode (copy and rename) drops these
  triggers with the old table and must create them again (see `_sqlite_fts`).
- PostgreSQL: a GIN index on to_tsvector('simple', text), fastupdate off.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0004"
down_revision: str | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

When = sa.DateTime(timezone=True)

_SQLITE_FTS = (
    # unicode61 with remove_diacritics 2: "virs" finds "vīrs", as people type without diacritics
    "CREATE VIRTUAL TABLE transcript_fts USING fts5("
    "text, content='transcript', content_rowid='id', tokenize='unicode61 remove_diacritics 2')",
    "CREATE TRIGGER transcript_fts_ai AFTER INSERT ON transcript BEGIN "
    "INSERT INTO transcript_fts(rowid, text) VALUES (new.id, new.text); END",
    "CREATE TRIGGER transcript_fts_ad AFTER DELETE ON transcript BEGIN "
    "INSERT INTO transcript_fts(transcript_fts, rowid, text) VALUES ('delete', old.id, old.text); END",
    "CREATE TRIGGER transcript_fts_au AFTER UPDATE OF text ON transcript BEGIN "
    "INSERT INTO transcript_fts(transcript_fts, rowid, text) VALUES ('delete', old.id, old.text); "
    "INSERT INTO transcript_fts(rowid, text) VALUES (new.id, new.text); END",
    "INSERT INTO transcript_fts(transcript_fts) VALUES ('rebuild')",
)
# fastupdate off: the helpline writes few rows, and a long pending list (after a burst of inserts, until
# the next vacuum) makes every full-text search scan it; the search benchmark saw seconds per query.
_PG_FTS = (
    "CREATE INDEX ix_transcript_fts ON transcript USING gin (to_tsvector('simple'::regconfig, text))"
    " WITH (fastupdate = off)"
)


def upgrade() -> None:
    # plain ADD COLUMN (no batch copy) on SQLite too, so the table and its triggers stay in place
    op.add_column("transcript", sa.Column("reviewed_intent", sa.String(length=64), nullable=True))
    op.add_column("transcript", sa.Column("reviewed_by", sa.String(length=64), nullable=True))
    op.add_column("transcript", sa.Column("reviewed_at", When, nullable=True))
    op.create_index("ix_transcript_created_at", "transcript", ["created_at"], unique=False)
    op.create_index("ix_transcript_intent", "transcript", ["intent", "id"], unique=False)
    op.create_table(
        "job_runs",
        sa.Column("name", sa.String(length=64), nullable=False),
        sa.Column("leased_until", When, nullable=True),
        sa.Column("leased_by", sa.String(length=64), nullable=True),
        sa.Column("last_finished_at", When, nullable=True),
        sa.PrimaryKeyConstraint("name"),
    )
    dialect = op.get_bind().dialect.name
    if dialect == "sqlite":
        for statement in _SQLITE_FTS:
            op.execute(statement)
    elif dialect == "postgresql":
        op.execute(_PG_FTS)


def downgrade() -> None:
    dialect = op.get_bind().dialect.name
    if dialect == "sqlite":
        for trigger in ("transcript_fts_ai", "transcript_fts_ad", "transcript_fts_au"):
            op.execute(f"DROP TRIGGER IF EXISTS {trigger}")
        op.execute("DROP TABLE IF EXISTS transcript_fts")
    elif dialect == "postgresql":
        op.execute("DROP INDEX IF EXISTS ix_transcript_fts")
    op.drop_table("job_runs")
    op.drop_index("ix_transcript_intent", table_name="transcript")
    op.drop_index("ix_transcript_created_at", table_name="transcript")
    with op.batch_alter_table("transcript") as batch:
        batch.drop_column("reviewed_at")
        batch.drop_column("reviewed_by")
        batch.drop_column("reviewed_intent")
