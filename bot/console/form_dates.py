"""Date fields of the operators' forms, read as local days (search filters, the audit log)."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

from aiohttp import web

from bot import keys


def local_day(value: str, request: web.Request, *, days_after: int = 0) -> datetime | None:
    """A YYYY-MM-DD field as the local midnight starting that day (or `days_after` days later).

    Local, not UTC: an operator asking for "the 5th" means the 5th as lived in Riga.
    """
    if not value:
        return None
    try:
        day = date.fromisoformat(value) + timedelta(days=days_after)
    except ValueError:
        raise web.HTTPBadRequest(text="dates are YYYY-MM-DD") from None
    return datetime.combine(day, time.min, request.config_dict[keys.settings].zone)
