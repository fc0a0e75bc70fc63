"""search: PostgreSQL's full-text index takes new messages into a small pending list

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-06 18:00:00.000000

Written by hand. With `fastupdate = off` (0004, 0006) every transcript row pays its GIN index update at
once, word by word: under load that was 0.4 of PostgreSQL's 0.94 ms of CPU per message (bench/load; 0.42
with no index at all). A pending list gathers new rows and merges them into the index in bulk; 0004 turned
it off because the default 4 MB list, left to grow until a vacuum, made every search scan it (1-1.8 s per
query after a burst). `gin_pending_list_limit = 512` (kB, about 1,500 messages) caps that scan: the search
benchmark over 100,000 conversations with the list full gave p95 13.6 ms against 12.8 with no list (max
80.7 ms against 69.3; bench/results/search.json), and PostgreSQL's CPU per message fell from 0.94 to 0.55 ms.
A search sees pending rows as usual.

- SQLite: nothing to do (FTS5 has its own segments).
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0008"
down_revision: str | None = "0007"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    op.execute("ALTER INDEX ix_transcript_fts SET (fastupdate = on, gin_pending_list_limit = 512)")


def downgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    # with fastupdate off, rows still in the pending list would stay there: merge them first
    op.execute("SELECT gin_clean_pending_list('ix_transcript_fts'::regclass)")
    op.execute("ALTER INDEX ix_transcript_fts SET (fastupdate = off)")
    op.execute("ALTER INDEX ix_transcript_fts RESET (gin_pending_list_limit)")
