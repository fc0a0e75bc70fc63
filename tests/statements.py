"""The SQL statements the application sends while a test watches, picked by a piece of their text.

Tests that pin a query plan (EXPLAIN of what really ran) or act at the moment a statement runs use this
instead of each registering SQLAlchemy's cursor event by hand.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

from sqlalchemy import event
from sqlalchemy.ext.asyncio import AsyncEngine


@contextmanager
def statements(
    engine: AsyncEngine, containing: str, each: Callable[[str], None] | None = None
) -> Iterator[list[tuple[str, Any]]]:
    """Collect (statement, parameters) of every statement containing `containing` while the block runs;
    `each` is called with each one as it is sent (before its result comes back)."""
    seen: list[tuple[str, Any]] = []

    def capture(
        _conn: Any, _cursor: Any, statement: str, parameters: Any, _context: Any, _many: bool
    ) -> None:
        if containing in statement:
            seen.append((statement, parameters))
            if each is not None:
                each(statement)

    event.listen(engine.sync_engine, "before_cursor_execute", capture)
    try:
        yield seen
    finally:
        event.remove(engine.sync_engine, "before_cursor_execute", capture)
