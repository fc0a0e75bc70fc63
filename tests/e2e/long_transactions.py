"""Names the code that held SQLite's write lock too long, when a browser test times out on it.

Every SQLite transaction here is BEGIN IMMEDIATE, so one left open stops every writer. A CI run once
failed with "database is locked" after the 30 s busy timeout (the console's session check and the
outbox's claim both waited), and the holder could not be found again. The stack that opened each
transaction is kept while it is open; a thread (the event loop may be the thing that is stuck) logs any
transaction open for longer than LIMIT, so a failing test's captured log says who held the lock.
"""

from __future__ import annotations

import logging
import threading
import time
import traceback
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import greenlet
from sqlalchemy import Engine, Pool, event
from sqlalchemy.ext.asyncio import AsyncEngine

LIMIT = 10.0
LINES = 25  # the innermost frames
log = logging.getLogger("tests.long_transactions")


def _where() -> str:
    """The awaiting coroutines' stack. SQLAlchemy runs this hook in a child greenlet whose own frames
    are SQLAlchemy's; the code that asked for the transaction is suspended in the parent greenlet."""
    parent = greenlet.getcurrent().parent
    frame = parent.gr_frame if parent is not None else None
    return "".join(traceback.format_stack(frame, limit=LINES))


# what each watched engine has open: connection id -> (since, stack)
_OPEN: dict[Engine, dict[int, tuple[float, str]]] = {}
# every pooled connection checked out while a watch runs: id -> (since, stack). A lock holder whose BEGIN
# was not seen (begun before the watch, or outside SQLAlchemy's transaction events) is still checked out.
_CHECKED_OUT: dict[int, tuple[float, str]] = {}
_ARMED = [0]  # checkouts are recorded only inside armed(): the stack costs time that other tests need not pay


def _began(conn: Any) -> None:
    opened = _OPEN.get(conn.engine)
    if opened is not None:
        opened[id(conn)] = (time.monotonic(), _where())


def _ended(conn: Any) -> None:
    opened = _OPEN.get(conn.engine)
    if opened is not None:
        opened.pop(id(conn), None)


# Listened for once, on every engine, when this module is imported (before any test's app runs), never
# per watch: adding or removing a hook while a transaction of the running app waits in BEGIN IMMEDIATE
# (its outbox, its reminders) broke that transaction, as SQLAlchemy was going through the hooks.
def _checked_out(dbapi_conn: Any, _record: Any, _proxy: Any) -> None:
    if _ARMED[0]:
        _CHECKED_OUT[id(dbapi_conn)] = (time.monotonic(), _where())


def _checked_in(dbapi_conn: Any, _record: Any) -> None:
    _CHECKED_OUT.pop(id(dbapi_conn), None)


for _name, _hook in (("begin", _began), ("commit", _ended), ("rollback", _ended)):
    event.listen(Engine, _name, _hook)
event.listen(Pool, "checkout", _checked_out)
event.listen(Pool, "checkin", _checked_in)


def _report_checkouts(now: float, limit: float, reported: set[tuple[int, float]]) -> None:
    """Every connection out of the pool for longer than `limit`: the holder is among them even when its
    transaction was never seen beginning (those above are only the ones that began while watched)."""
    for key, (since, stack) in list(_CHECKED_OUT.items()):
        if now - since > limit and (-key, since) not in reported:
            reported.add((-key, since))
            log.warning("a connection out of the pool for %.0f s was taken here:\n%s", now - since, stack)


@contextmanager
def armed() -> Iterator[None]:
    """Record checkouts from now on: around the app's start, before its engine exists to be watched, so
    that a connection its background tasks take at start-up is known too."""
    _ARMED[0] += 1
    try:
        yield
    finally:
        _ARMED[0] -= 1
        if not _ARMED[0]:
            _CHECKED_OUT.clear()


@contextmanager
def watched(engine: AsyncEngine, limit: float = LIMIT) -> Iterator[None]:
    sync = engine.sync_engine
    opened = _OPEN.setdefault(sync, {})
    reported: set[tuple[int, float]] = set()
    done = threading.Event()

    def watch() -> None:
        while not done.wait(min(1.0, limit / 4)):
            now = time.monotonic()
            for key, (since, stack) in list(opened.items()):
                if now - since > limit and (key, since) not in reported:
                    reported.add((key, since))
                    log.warning("a transaction open for %.0f s began here:\n%s", now - since, stack)
                    _report_checkouts(now, limit, reported)

    watcher = threading.Thread(target=watch, name="long-transactions", daemon=True)
    watcher.start()
    try:
        yield
    finally:
        done.set()
        watcher.join()
        _OPEN.pop(sync, None)
