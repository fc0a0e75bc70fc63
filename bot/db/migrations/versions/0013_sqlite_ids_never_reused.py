"""ids: on SQLite an id once given is never given again, so an erased person's ids never name someone else

Revision ID: 0013
Revises: 0012
Create Date: 2026-12-07 16:00:00.000000

Written by hand. SQLite gives a plain INTEGER PRIMARY KEY the largest id in the table plus one, so when the
row holding the largest id is deleted its id is given out again. After an erasure (the person's "delete my
data", `helpline privacy erase`, the console) the next new person got the erased person's contact,
conversation and message ids: the erasure's audit line (a hash of channel and contact id) then read as
the new person's, `conversation:2` and `transcript:13` audit lines pointed at the new person's messages,
and a console or alert link kept for the erased person opened someone else's conversation. Retention's
purges (old messages, sent outbox rows, finished hand-offs, call-backs, bookings, audit lines) freed ids
the same way. With AUTOINCREMENT SQLite never gives an id twice (it keeps the largest ever given in
`sqlite_sequence`). PostgreSQL's identity sequences never did: nothing to do there.

SQLite cannot add AUTOINCREMENT in place, so on SQLite the tables below are rebuilt, each with its rows,
ids, indexes (partial ones too) and foreign keys. The rebuild runs in the migration's one transaction, with
foreign keys ON (PRAGMA foreign_keys cannot change inside a transaction). Dropping a table then deletes
its rows first, and that delete cascades to every table that refers to it by name, so the rebuild never
drops a table that another table still refers to:

1. each table is copied to `new_<name>`, whose foreign keys refer to the other `new_` tables; parents are
   copied first, so every copied row's links are checked against the copies;
2. the old tables are dropped, children first: when a parent goes, nothing refers to it any more (a table
   referring to a rebuilt one must therefore be rebuilt too: `session_quotas`, which refers to contacts,
   is, without AUTOINCREMENT, as its key is the contact's id; the migration refuses to run otherwise);
3. the copies are renamed; SQLite (3.26+, and always with foreign keys on) rewrites the references to a
   renamed table, so the links end up pointing at the final names;
4. the indexes and the full-text triggers are created again from their own SQL, as found in the database.

Each copy's CREATE TABLE is the old one from sqlite_master with only the name, the references and the
primary key changed, and is checked against the old table (columns, types, defaults, foreign keys, unique
constraints) before any row moves; the result is checked again at the end, and PRAGMA foreign_key_check
must be clean before and after. Any surprise raises, and the transaction rolls back untouched.

The FTS5 index `transcript_fts` (migrations 0004, 0007, 0010) is an external-content index keyed on the
transcript's id. Ids do not change, so the index stays valid as it is: only its three triggers, dropped
with the old transcript table, are created again (the copy has no triggers, so copying indexes nothing
twice, and dropping a table fires no triggers, so nothing is removed from the index).

`sqlite_sequence` starts at the largest id present, or higher when the audit log still names a larger one
(`conversation:N`, `transcript:N`, `callback:N`, `booking:N`) or the transcript links to a larger outbox
row: those ids were given once and may be read again. An id freed before this migration and named
nowhere (an erased person's contact id is only hashed in the audit log) cannot be known.

Tables left as they are: staff and psychologists are deactivated, never deleted, so their largest id is
never freed; weekly hours, console sessions and failed logins have ids no one sees or audits;
processed_inbound and job_runs have no numeric ids.

Downgrade rebuilds the same tables without AUTOINCREMENT (ids may then be reused again).
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from alembic import op
from sqlalchemy.engine import Connection

revision: str = "0013"
down_revision: str | None = "0012"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# parents before children; True: the id gets AUTOINCREMENT
TABLES: tuple[tuple[str, bool], ...] = (
    ("contacts", True),
    ("conversations", True),
    ("transcript", True),
    ("outbox", True),
    ("handoff_requests", True),
    ("handoff_notes", True),
    ("callback_requests", True),
    ("bookings", True),
    ("booking_reminders", True),
    ("session_quotas", False),  # refers to contacts, so it is rebuilt; its key is the contact's id
    ("audit_log", True),
)
# the audit log's subjects that name a row by id (bot/console/audit.py, bot/review.py, bot/cli_bookings.py)
AUDIT_SUBJECTS = {
    "conversations": "conversation",
    "transcript": "transcript",
    "callback_requests": "callback",
    "bookings": "booking",
}
NEW = "new_"

# as migrations 0001-0003 wrote it (id, then a table constraint), or as this one's downgrade leaves it
_PLAIN_ID = re.compile(r"^(\s*)id INTEGER NOT NULL,", re.MULTILINE)
_TABLE_PRIMARY_KEY = re.compile(r",\s*PRIMARY KEY \(id\)")
_INLINE_KEY_ID = re.compile(r"^(\s*)id INTEGER NOT NULL PRIMARY KEY,", re.MULTILINE)
_AUTOINCREMENT_ID = re.compile(r"^(\s*)id INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT,", re.MULTILINE)


class RebuildError(RuntimeError):
    """The database is not as this migration expects; nothing was changed (the transaction rolls back)."""


def _rows(bind: Connection, sql: str, params: tuple[object, ...] = ()) -> list[tuple[object, ...]]:
    return [tuple(row) for row in bind.exec_driver_sql(sql, params)]


def _one(sql: str, pattern: re.Pattern[str] | str, replacement: str, what: str) -> str:
    changed, count = re.subn(pattern, replacement, sql, count=2)
    if count != 1:
        raise RebuildError(f"migration 0013: expected one {what}, found {count}, in: {sql}")
    return changed


def _copy_sql(sql: str, table: str, autoincrement: bool, upgrade: bool) -> str:
    """The CREATE TABLE of `new_<table>`: the old one with only the name, references and key changed."""
    quoted = r'("?)' + re.escape(table) + r"\1"
    sql = _one(sql, r"^\s*CREATE TABLE\s+" + quoted + r"\s*\(", f"CREATE TABLE {NEW}{table} (", "table name")
    for parent, _ in TABLES:
        sql = re.sub(
            r"\bREFERENCES\s+(\"?)" + re.escape(parent) + r"\1\s*\(", f"REFERENCES {NEW}{parent} (", sql
        )
    if not autoincrement:
        return sql
    if upgrade and _INLINE_KEY_ID.search(sql):
        return _one(sql, _INLINE_KEY_ID, r"\1id INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT,", "id column")
    if upgrade:
        sql = _one(sql, _PLAIN_ID, r"\1id INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT,", "plain id column")
        return _one(sql, _TABLE_PRIMARY_KEY, "", "PRIMARY KEY (id)")
    return _one(sql, _AUTOINCREMENT_ID, r"\1id INTEGER NOT NULL PRIMARY KEY,", "AUTOINCREMENT id column")


def _shape(bind: Connection, table: str, *, copy: bool = False) -> tuple[object, ...]:
    """What must not change in a rebuild: columns, foreign keys, unique constraints. A copy's references
    to the other copies are read by their final names (they get them when the copies are renamed)."""
    columns = _rows(bind, f'PRAGMA table_info("{table}")')
    keys = sorted(
        (str(row[2]).removeprefix(NEW) if copy else str(row[2]), *map(str, row[3:]))
        for row in _rows(bind, f'PRAGMA foreign_key_list("{table}")')
    )
    uniques = sorted(
        tuple(str(column[2]) for column in _rows(bind, f'PRAGMA index_info("{row[1]}")'))
        for row in _rows(bind, f'PRAGMA index_list("{table}")')
        if row[3] == "u"
    )
    return (columns, keys, uniques)


def _table_sql(bind: Connection, table: str) -> str:
    found = bind.exec_driver_sql("SELECT sql FROM sqlite_master WHERE type = 'table' AND name = ?", (table,))
    return str(found.scalar_one())


def _check_before(bind: Connection) -> None:
    """Refuse, changing nothing, what would make the rebuild lose or stop on rows."""
    rebuilt = {name for name, _ in TABLES}
    tables = _rows(bind, "SELECT name FROM sqlite_master WHERE type = 'table' AND sql LIKE 'CREATE TABLE%'")
    for (name,) in tables:
        parents = {str(row[2]) for row in _rows(bind, f'PRAGMA foreign_key_list("{name}")')}
        if name not in rebuilt and parents & rebuilt:  # dropping its parent would cascade into it
            raise RebuildError(f"migration 0013: {name} refers to {sorted(parents & rebuilt)}, not rebuilt")
    violations = _rows(bind, "PRAGMA foreign_key_check")
    if violations:  # copying such a row fails half-way; the foreign keys have to be repaired by hand first
        raise RebuildError(
            "migration 0013: the database has broken links (PRAGMA foreign_key_check: table, rowid,"
            f" parent): {[row[:3] for row in violations]}; repair them before upgrading"
        )


def _copy(bind: Connection, table: str, autoincrement: bool, upgrade: bool) -> None:
    """`new_<table>`, checked to be the same table but for its key, with every row of `table`."""
    before = _shape(bind, table)
    old = _table_sql(bind, table)
    bind.exec_driver_sql(_copy_sql(old, table, autoincrement, upgrade))
    if _shape(bind, NEW + table, copy=True) != before:
        raise RebuildError(f"migration 0013: the copy of {table} would differ from it: {old}")
    columns = ", ".join(f'"{row[1]}"' for row in _rows(bind, f'PRAGMA table_info("{table}")'))
    bind.exec_driver_sql(f'INSERT INTO "{NEW}{table}" ({columns}) SELECT {columns} FROM "{table}"')  # noqa: S608 - names from the schema


def _floor(bind: Connection, table: str) -> int:
    """The id to continue above: the largest present, or named in the audit log or by the transcript."""
    floors = [bind.exec_driver_sql(f'SELECT coalesce(max(id), 0) FROM "{table}"').scalar_one()]  # noqa: S608 - a name from TABLES
    prefix = AUDIT_SUBJECTS.get(table)
    if prefix is not None:
        named = bind.exec_driver_sql(
            "SELECT coalesce(max(CAST(substr(subject, ?) AS INTEGER)), 0) FROM audit_log"
            " WHERE subject GLOB ?",
            (len(prefix) + 2, f"{prefix}:[0-9]*"),
        )
        floors.append(named.scalar_one())
    if table == "outbox":
        floors.append(bind.exec_driver_sql("SELECT coalesce(max(outbox_id), 0) FROM transcript").scalar_one())
    return max(int(floor) for floor in floors)


def _rebuild(upgrade: bool) -> None:
    bind = op.get_bind()
    _check_before(bind)
    names = [name for name, _ in TABLES]
    shapes = {name: _shape(bind, name) for name in names}
    # indexes come back from their own SQL (partial ones with their WHERE); triggers and views of the whole
    # schema too: a rename re-reads them all, and the transcript's full-text triggers go with its old table
    objects = _rows(
        bind,
        "SELECT type, name, tbl_name, sql FROM sqlite_master"
        " WHERE type IN ('index', 'trigger', 'view') AND sql IS NOT NULL ORDER BY type, name",
    )
    indexes = [row for row in objects if row[0] == "index" and row[2] in names]
    others = [row for row in objects if row[0] != "index"]
    for kind, name, _table, _sql in others:
        bind.exec_driver_sql(f'DROP {str(kind).upper()} "{name}"')
    legacy = int(bind.exec_driver_sql("PRAGMA legacy_alter_table").scalar_one())
    bind.exec_driver_sql("PRAGMA legacy_alter_table = OFF")  # a rename rewrites the references to the table

    for name, autoincrement in TABLES:  # parents first: each copied row's links are checked on the copies
        _copy(bind, name, autoincrement, upgrade)
    for name in reversed(names):  # children first: when a table goes, nothing refers to it any more
        bind.exec_driver_sql(f'DROP TABLE "{name}"')
    for name in names:
        bind.exec_driver_sql(f'ALTER TABLE "{NEW}{name}" RENAME TO "{name}"')
    for *_names, sql in indexes + others:
        bind.exec_driver_sql(str(sql))
    bind.exec_driver_sql(f"PRAGMA legacy_alter_table = {legacy}")

    for name, autoincrement in TABLES:
        if _shape(bind, name) != shapes[name]:
            raise RebuildError(f"migration 0013: {name} changed in the rebuild")
        if autoincrement and ("AUTOINCREMENT" in _table_sql(bind, name)) != upgrade:
            raise RebuildError(f"migration 0013: {name} has the wrong primary key")
        if autoincrement and upgrade:  # the copy set it to the largest id copied; named ids count too
            bind.exec_driver_sql("DELETE FROM sqlite_sequence WHERE name = ?", (name,))
            bind.exec_driver_sql(
                "INSERT INTO sqlite_sequence (name, seq) VALUES (?, ?)", (name, _floor(bind, name))
            )
    again = _rows(
        bind,
        "SELECT type, name, tbl_name, sql FROM sqlite_master"
        " WHERE type IN ('index', 'trigger', 'view') AND sql IS NOT NULL ORDER BY type, name",
    )
    if again != objects:
        raise RebuildError("migration 0013: the indexes, triggers or views differ after the rebuild")
    if _rows(bind, "PRAGMA foreign_key_check"):
        raise RebuildError("migration 0013: links broken by the rebuild")


def upgrade() -> None:
    if op.get_bind().dialect.name == "sqlite":
        _rebuild(upgrade=True)


def downgrade() -> None:
    if op.get_bind().dialect.name == "sqlite":
        _rebuild(upgrade=False)
