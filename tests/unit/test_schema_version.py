"""The revision the running bot expects is the head of the migration history Alembic sees."""

from __future__ import annotations

from bot.db.migrate import script_heads
from bot.db.schema_version import HEAD


def test_head_is_alembics_single_head() -> None:
    # a new migration without updating HEAD would make every worker report "migrations pending"
    assert script_heads() == {HEAD}
