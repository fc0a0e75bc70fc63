"""search: PostgreSQL full text folds diacritics (unaccent), as SQLite's FTS5 already does

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-25 10:00:00.000000

Written by hand. Relatives and operators often type Latvian without diacritics: on SQLite "virs" finds
"vīrs" (FTS5 unicode61 remove_diacritics 2, migration 0004), on PostgreSQL it did not.

- PostgreSQL: the contrib extension `unaccent` (trusted since PostgreSQL 13, so a database owner without
  superuser may create it), an IMMUTABLE wrapper `helpline_unaccent(text)` (unaccent() itself is only
  STABLE, so it cannot appear in an index), and the GIN index of 0004 rebuilt on
  to_tsvector('simple', helpline_unaccent(text)). bot/search.py folds the query with the same function.
  The wrapper names the extension's schema, so it works whatever the search_path (pg_dump/restore too).
- SQLite: nothing to do.

Downgrade restores 0004's index and drops the wrapper; it leaves the extension in place (harmless, and
something else in the database may use it).
"""

from collections.abc import Sequence

from alembic import op
from sqlalchemy import text

revision: str = "0006"
down_revision: str | None = "0005"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# the index of 0004 (the name stays: bot.db.models.UNMODELLED_INDEXES, bench/search/generate.py)
_PG_FTS_0004 = (
    "CREATE INDEX ix_transcript_fts ON transcript USING gin (to_tsvector('simple'::regconfig, text))"
    " WITH (fastupdate = off)"
)
_PG_FTS = (
    "CREATE INDEX ix_transcript_fts ON transcript"
    " USING gin (to_tsvector('simple'::regconfig, helpline_unaccent(text))) WITH (fastupdate = off)"
)
_PG_UNACCENT = """
CREATE OR REPLACE FUNCTION helpline_unaccent(text) RETURNS text
LANGUAGE sql IMMUTABLE PARALLEL SAFE STRICT
AS $$ SELECT {schema}.unaccent({dictionary}::regdictionary, $1) $$
"""


def upgrade() -> None:
    bind = op.get_bind()
    if bind.dialect.name != "postgresql":
        return
    op.execute("CREATE EXTENSION IF NOT EXISTS unaccent")
    # usually public; wherever it is (it may have been created before, in another schema), name it
    schema = bind.execute(
        text("SELECT extnamespace::regnamespace::text FROM pg_extension WHERE extname = 'unaccent'")
    ).scalar_one()
    dictionary = "'" + f"{schema}.unaccent".replace("'", "''") + "'"
    op.execute(_PG_UNACCENT.format(schema=schema, dictionary=dictionary))
    op.execute("DROP INDEX IF EXISTS ix_transcript_fts")
    op.execute(_PG_FTS)


def downgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    op.execute("DROP INDEX IF EXISTS ix_transcript_fts")
    op.execute(_PG_FTS_0004)
    op.execute("DROP FUNCTION IF EXISTS helpline_unaccent(text)")
