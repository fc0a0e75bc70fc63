"""counselling sessions: psychologists, availability, bookings, per-person quotas, reminders

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-22 12:00:00.000000

Written by hand: only the booking tables.
"""
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0002"
down_revision: str | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

BigId = sa.BigInteger().with_variant(sa.Integer(), "sqlite")
When = sa.DateTime(timezone=True)
BOOKED = sa.text("status = 'booked'")


def upgrade() -> None:
    op.create_table(
        "counsellors",
        sa.Column("id", BigId, nullable=False),
        sa.Column("name", sa.String(length=100), nullable=False),
        sa.Column("languages", sa.String(length=32), nullable=False),
        sa.Column("modes", sa.String(length=64), nullable=False),
        sa.Column("address", sa.String(length=255), nullable=True),
        sa.Column("session_minutes", sa.Integer(), nullable=False),
        sa.Column("buffer_minutes", sa.Integer(), nullable=False),
        sa.Column("active", sa.Boolean(), server_default=sa.text("true"), nullable=False),
        sa.Column("calendar_token", sa.String(length=64), nullable=False),
        sa.Column("created_at", When, nullable=False),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("calendar_token"),
    )
    op.create_table(
        "availability_rules",
        sa.Column("id", BigId, nullable=False),
        sa.Column("counsellor_id", BigId, nullable=False),
        sa.Column("weekday", sa.Integer(), nullable=False),
        sa.Column("starts", sa.Time(), nullable=False),
        sa.Column("ends", sa.Time(), nullable=False),
        sa.CheckConstraint("weekday BETWEEN 1 AND 7", name="ck_availability_weekday"),
        sa.CheckConstraint("starts < ends", name="ck_availability_span"),
        sa.ForeignKeyConstraint(["counsellor_id"], ["counsellors.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_availability_rules_counsellor_id", "availability_rules", ["counsellor_id"])
    op.create_table(
        "availability_exceptions",
        sa.Column("id", BigId, nullable=False),
        sa.Column("counsellor_id", BigId, nullable=False),
        sa.Column("first_day", sa.Date(), nullable=False),
        sa.Column("last_day", sa.Date(), nullable=False),
        sa.Column("starts", sa.Time(), nullable=True),
        sa.Column("ends", sa.Time(), nullable=True),
        sa.Column("note", sa.String(length=100), nullable=True),
        sa.ForeignKeyConstraint(["counsellor_id"], ["counsellors.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_availability_exceptions_counsellor_id", "availability_exceptions", ["counsellor_id"])
    op.create_table(
        "bookings",
        sa.Column("id", BigId, nullable=False),
        sa.Column("counsellor_id", BigId, nullable=False),
        sa.Column("contact_id", BigId, nullable=False),
        sa.Column("starts_at", When, nullable=False),
        sa.Column("ends_at", When, nullable=False),
        sa.Column("mode", sa.String(length=16), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("created_at", When, nullable=False),
        sa.Column("cancelled_at", When, nullable=True),
        sa.ForeignKeyConstraint(["counsellor_id"], ["counsellors.id"]),
        sa.ForeignKeyConstraint(["contact_id"], ["contacts.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_bookings_counsellor_id", "bookings", ["counsellor_id"])
    op.create_index("ix_bookings_contact_id", "bookings", ["contact_id"])
    op.create_index("ix_bookings_starts", "bookings", ["status", "starts_at"])
    op.create_index(
        "uq_bookings_counsellor_slot",
        "bookings",
        ["counsellor_id", "starts_at"],
        unique=True,
        sqlite_where=BOOKED,
        postgresql_where=BOOKED,
    )
    op.create_table(
        "session_quotas",
        sa.Column("contact_id", BigId, nullable=False),
        sa.Column("sessions", sa.Integer(), nullable=False),
        sa.Column("updated_at", When, nullable=False),
        sa.ForeignKeyConstraint(["contact_id"], ["contacts.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("contact_id"),
    )
    op.create_table(
        "booking_reminders",
        sa.Column("id", BigId, nullable=False),
        sa.Column("booking_id", BigId, nullable=False),
        sa.Column("kind", sa.String(length=8), nullable=False),
        sa.Column("due_at", When, nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("sent_at", When, nullable=True),
        sa.ForeignKeyConstraint(["booking_id"], ["bookings.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("booking_id", "kind", name="uq_reminders_booking_kind"),
    )
    op.create_index("ix_reminders_due", "booking_reminders", ["status", "due_at"])


def downgrade() -> None:
    op.drop_table("booking_reminders")
    op.drop_table("session_quotas")
    op.drop_index("uq_bookings_counsellor_slot", table_name="bookings")
    op.drop_table("bookings")
    op.drop_table("availability_exceptions")
    op.drop_table("availability_rules")
    op.drop_table("counsellors")
