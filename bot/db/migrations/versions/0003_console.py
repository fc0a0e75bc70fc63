"""coordinators' console: staff, sessions, login throttling, notes, call-backs; who claimed a hand-off

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-22 12:00:00.000000

Written by hand: only the console's own tables and the columns it adds to handoff_requests.
"""
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0003"
down_revision: str | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

BigId = sa.BigInteger().with_variant(sa.Integer(), "sqlite")
When = sa.DateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "staff",
        sa.Column("id", BigId, nullable=False),
        sa.Column("email", sa.String(length=254), nullable=False),
        sa.Column("name", sa.String(length=64), nullable=False),
        sa.Column("role", sa.String(length=16), nullable=False),
        sa.Column("password_hash", sa.String(length=255), nullable=False),
        sa.Column("active", sa.Boolean(), server_default=sa.text("true"), nullable=False),
        sa.Column("created_at", When, nullable=False),
        sa.Column("last_login_at", When, nullable=True),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("email"),
    )
    op.create_table(
        "console_sessions",
        sa.Column("id", BigId, nullable=False),
        sa.Column("token_hash", sa.String(length=64), nullable=False),
        sa.Column("staff_id", BigId, nullable=False),
        sa.Column("csrf_token", sa.String(length=64), nullable=False),
        sa.Column("created_at", When, nullable=False),
        sa.Column("last_seen_at", When, nullable=False),
        sa.Column("expires_at", When, nullable=False),
        sa.ForeignKeyConstraint(["staff_id"], ["staff.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("token_hash"),
    )
    op.create_index("ix_console_sessions_staff_id", "console_sessions", ["staff_id"], unique=False)
    op.create_table(
        "console_login_failures",
        sa.Column("id", BigId, nullable=False),
        sa.Column("email", sa.String(length=254), nullable=False),
        sa.Column("ip", sa.String(length=64), nullable=False),
        sa.Column("created_at", When, nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index(
        "ix_console_login_failures_created_at", "console_login_failures", ["created_at"], unique=False
    )
    op.create_table(
        "handoff_notes",
        sa.Column("id", BigId, nullable=False),
        sa.Column("conversation_id", BigId, nullable=False),
        sa.Column("staff_id", BigId, nullable=True),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("created_at", When, nullable=False),
        sa.ForeignKeyConstraint(["conversation_id"], ["conversations.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["staff_id"], ["staff.id"], ondelete="SET NULL"),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_handoff_notes_conversation_id", "handoff_notes", ["conversation_id"], unique=False)
    op.create_table(
        "callback_requests",
        sa.Column("id", BigId, nullable=False),
        sa.Column("conversation_id", BigId, nullable=False),
        sa.Column("phone", sa.String(length=32), nullable=False),
        sa.Column("preferred_time", sa.String(length=200), nullable=False),
        sa.Column("language", sa.String(length=2), nullable=True),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("created_at", When, nullable=False),
        sa.Column("done_at", When, nullable=True),
        sa.Column("done_by", BigId, nullable=True),
        sa.ForeignKeyConstraint(["conversation_id"], ["conversations.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["done_by"], ["staff.id"], ondelete="SET NULL"),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index(
        "ix_callback_requests_conversation_id", "callback_requests", ["conversation_id"], unique=False
    )
    op.create_index("ix_callbacks_status", "callback_requests", ["status", "created_at"], unique=False)
    # SQLite cannot add a foreign key in place: batch mode copies the table there, and alters it on PostgreSQL
    with op.batch_alter_table("handoff_requests") as batch:
        batch.add_column(sa.Column("claimed_by", BigId, nullable=True))
        batch.add_column(sa.Column("claimed_at", When, nullable=True))
        batch.add_column(sa.Column("outcome", sa.String(length=32), nullable=True))
        batch.add_column(sa.Column("out_of_hours", sa.Boolean(), server_default=sa.text("false"), nullable=False))
        batch.create_foreign_key(
            "fk_handoff_requests_claimed_by_staff", "staff", ["claimed_by"], ["id"], ondelete="SET NULL"
        )


def downgrade() -> None:
    with op.batch_alter_table("handoff_requests") as batch:
        batch.drop_constraint("fk_handoff_requests_claimed_by_staff", type_="foreignkey")
        batch.drop_column("out_of_hours")
        batch.drop_column("outcome")
        batch.drop_column("claimed_at")
        batch.drop_column("claimed_by")
    op.drop_index("ix_callbacks_status", table_name="callback_requests")
    op.drop_index("ix_callback_requests_conversation_id", table_name="callback_requests")
    op.drop_table("callback_requests")
    op.drop_index("ix_handoff_notes_conversation_id", table_name="handoff_notes")
    op.drop_table("handoff_notes")
    op.drop_index("ix_console_login_failures_created_at", table_name="console_login_failures")
    op.drop_table("console_login_failures")
    op.drop_index("ix_console_sessions_staff_id", table_name="console_sessions")
    op.drop_table("console_sessions")
    op.drop_table("staff")
