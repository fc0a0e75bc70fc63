"""Logging set up as `helpline run` does it (JSON), captured in memory and put back afterwards."""

from __future__ import annotations

import io
import logging
from collections.abc import Iterator
from contextlib import contextmanager

from bot import logs


@contextmanager
def configured_logs(level: str) -> Iterator[io.StringIO]:
    root = logging.getLogger()
    handlers, old_level = root.handlers[:], root.level
    libraries = {name: logging.getLogger(name).level for name in logging.root.manager.loggerDict}
    logs.configure(level, "json")
    out = io.StringIO()
    handler = root.handlers[0]
    assert isinstance(handler, logging.StreamHandler)
    handler.setStream(out)
    try:
        yield out
    finally:
        root.handlers[:] = handlers
        root.setLevel(old_level)
        for name, old in libraries.items():
            logging.getLogger(name).setLevel(old)
