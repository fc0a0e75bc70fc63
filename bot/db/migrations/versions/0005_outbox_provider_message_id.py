"""outbox: an index on provider_message_id, for Twilio's delivery reports

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-24 10:00:00.000000

Written by hand: `POST /webhooks/twilio/status` looks up the outbox row by the message SID
(bot/channels/sms_status.py); without an index every report scans the whole outbox.
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0005"
down_revision: str | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_index("ix_outbox_provider_message_id", "outbox", ["provider_message_id"], unique=False)


def downgrade() -> None:
    op.drop_index("ix_outbox_provider_message_id", table_name="outbox")
