"""booking_reminders: the outbox row that carries each reminder, so a dropped one can go again

Revision ID: 0014
Revises: 0013
Create Date: 2026-12-07 18:00:00.000000

Written by hand. A reminder already in the outbox when a coordinator took the chat over was dropped there
(the outbox sends no bot words under a coordinator) while the reminder row stayed "sent", so the person
never heard about their session (bookings QA). With the outbox row's id on the reminder, the outbox puts the
reminder back to pending when it drops that row, and the reminder worker sends it after the hand-back.
A nullable column without a foreign key, like transcript.outbox_id: sent outbox rows are purged by
retention, and ids are never given twice (0013), so a stale id names nothing. Code from before this
revision, during a rolling deploy, neither writes nor reads it.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0014"
down_revision: str | None = "0013"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

BIG_ID = sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def upgrade() -> None:
    op.add_column("booking_reminders", sa.Column("outbox_id", BIG_ID, nullable=True))
    op.create_index("ix_reminders_outbox", "booking_reminders", ["outbox_id"])


def downgrade() -> None:
    op.drop_index("ix_reminders_outbox", table_name="booking_reminders")
    # in place (SQLite 3.35+, as 0011): a batch copy would lose the table's AUTOINCREMENT, and 0013's
    # downgrade refuses a table without it
    op.drop_column("booking_reminders", "outbox_id")
