"""staff: the console's language for each staff member (lv, en, ru; Latvian by default)

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-07 12:00:00.000000

Written by hand. The console speaks Latvian, English or Russian (bot/console/i18n.py), chosen by each staff
member and kept on their account, so that it follows them to another computer; a cookie alone would be
lost with the browser and shared by everyone on an office computer. Existing and new accounts start in
Latvian (the server default), the coordinators' working language. Adding a column with a constant default
is a metadata change on PostgreSQL (11+) and SQLite alike: no table rewrite, no lock held for long.
Downgrade drops the column (SQLite 3.35+ drops a column in place).
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0011"
down_revision: str | None = "0010"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.add_column(
        "staff",
        sa.Column("language", sa.String(length=8), server_default=sa.text("'lv'"), nullable=False),
    )


def downgrade() -> None:
    op.drop_column("staff", "language")
