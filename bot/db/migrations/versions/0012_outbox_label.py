"""outbox: a label shown with a message, so that a coordinator's words are marked as theirs

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-07 12:00:00.000000

Written by hand. A coordinator's reply looked exactly like the bot's in the web chat, on Telegram and by
SMS, so a person could not tell that a human now wrote (channels QA). The console decides the label when it
queues the reply (the conversation's language, and by SMS whether it is worth a segment), and each channel
shows it its own way (bot/console/label.py). A nullable column: old rows and the bot's messages have none,
and code from before this revision, during a rolling deploy, neither writes nor reads it.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0012"
down_revision: str | None = "0011"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.add_column("outbox", sa.Column("label", sa.String(length=64), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("outbox") as batch:  # SQLite drops a column by copying the table
        batch.drop_column("label")
