"""Telling "the database went away" (restart, failover, network) from every other failure."""

from __future__ import annotations

from sqlalchemy.exc import DBAPIError

# SQLSTATE classes: 08 connection exception, 57 operator intervention (admin shutdown, cannot connect now)
_UNAVAILABLE_CLASSES = ("08", "57")


def database_unavailable(exc: BaseException) -> bool:
    """True when the error (or one it was raised from) means the connection or the server was lost."""
    seen: set[int] = set()
    current: BaseException | None = exc
    while current is not None and id(current) not in seen:
        seen.add(id(current))
        if isinstance(current, ConnectionError | TimeoutError):
            return True
        if isinstance(current, DBAPIError):
            if current.connection_invalidated:
                return True
            code = str(getattr(current.orig, "pgcode", "") or getattr(current.orig, "sqlstate", "") or "")
            if code[:2] in _UNAVAILABLE_CLASSES or "connection is closed" in str(current.orig):
                return True
        current = current.__cause__ or current.__context__
    return False
