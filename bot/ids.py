"""Ids and cursors taken from a URL: whole numbers the database can hold (BIGINT), or nothing.

Python's int has no upper bound but the database's ids do; a bigger number in a path or a query
must be answered as "no such thing" (404) or "bad request" (400), never reach the driver (an
OverflowError there was a 500).
"""

from __future__ import annotations

from aiohttp import web

BIGINT_MAX = 2**63 - 1  # PostgreSQL BIGINT and SQLite INTEGER alike


def parse_id(text: str | None) -> int | None:
    """A non-negative id or cursor within BIGINT, from its decimal text; None for anything else."""
    if text is None or not text.isascii() or not text.isdigit() or len(text) > 19:
        return None
    value = int(text)
    return value if value <= BIGINT_MAX else None


def path_id(request: web.Request, name: str = "id") -> int:
    """The id in a route's path; one beyond the database's range is a 404 like any unknown id."""
    found = parse_id(request.match_info[name])
    if found is None:
        raise web.HTTPNotFound(text="no such thing")
    return found


def query_id(request: web.Request, name: str, default: int | None = None) -> int | None:
    """An id or cursor in the query string (`after`, `before`); absent or empty is `default`, bad is a 400."""
    text = request.query.get(name, "")
    if not text:
        return default
    found = parse_id(text)
    if found is None:
        raise web.HTTPBadRequest(text=f"{name} must be a whole number from 0 to {BIGINT_MAX}")
    return found
