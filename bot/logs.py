"""Logging setup: text for people, JSON for production. Never message bodies or phone numbers."""

from __future__ import annotations

import json
import logging
import sys
from datetime import UTC, datetime

_STANDARD = set(vars(logging.LogRecord("", 0, "", 0, "", (), None))) | {"message", "asctime"}


class JsonFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        entry: dict[str, object] = {
            "ts": datetime.fromtimestamp(record.created, UTC).isoformat(),
            "level": record.levelname,
            "logger": record.name,
            "pid": record.process,  # which worker (helpline run --workers N)
            "msg": record.getMessage(),
        }
        entry.update({k: v for k, v in vars(record).items() if k not in _STANDARD})
        if record.exc_info:
            entry["exc"] = self.formatException(record.exc_info)
        return json.dumps(entry, default=str, ensure_ascii=False)


def configure(level: str = "INFO", fmt: str = "text") -> None:
    handler = logging.StreamHandler(sys.stderr)
    if fmt == "json":
        handler.setFormatter(JsonFormatter())
    else:
        handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(level.upper())
    # libraries that would log request URLs (which hold bot tokens, Twilio's Account SID) or bodies; Twilio's
    # async client, the one the SMS channel uses, logs every request at INFO under a name of its own
    for noisy in (
        "httpx",
        "httpcore",
        "aiohttp.access",
        "twilio.http_client",
        "twilio.async_http_client",
        "telegram",
    ):
        logging.getLogger(noisy).setLevel(logging.WARNING)
    # database drivers log statements with their parameters (message bodies, numbers) at DEBUG
    for driver in ("aiosqlite", "asyncpg", "sqlalchemy.engine", "sqlalchemy.pool"):
        logging.getLogger(driver).setLevel(logging.WARNING)
