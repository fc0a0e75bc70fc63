"""transcript: the channel's number for an inbound message, so that an edit of it can be matched

Revision ID: 0015
Revises: 0014
Create Date: 2026-12-08 01:15:00.000000

Written by hand. Every Telegram edit, a typo fixed after the bot had answered included, got "please send it
again" (QA s11): the bot could not tell which message was edited. An edit carries the original's
message_id, so the transcript line of the original keeps it (a number, no content), and the pipeline compares
the edit's reading with the original's. A nullable column: old rows have none (their edits get the note as
before), and code from before this revision, during a rolling deploy, neither writes nor reads it.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0015"
down_revision: str | None = "0014"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.add_column("transcript", sa.Column("message_ref", sa.String(length=32), nullable=True))


def downgrade() -> None:
    # in place (SQLite 3.35+, as 0011 and 0014): a batch copy would lose the table's AUTOINCREMENT, and
    # 0013's downgrade refuses a table without it
    op.drop_column("transcript", "message_ref")
