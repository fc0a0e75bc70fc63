"""Operators' date filters mean days as lived in Riga, and a malformed date is a clear 400."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from aiohttp import web
from aiohttp.test_utils import make_mocked_request

from bot import keys
from bot.console.form_dates import local_day
from bot.settings import Settings


def request() -> web.Request:
    app = web.Application()
    app[keys.settings] = Settings()
    return make_mocked_request("GET", "/ops/search", app=app)


def test_a_day_starts_at_midnight_in_riga_in_winter_and_in_summer() -> None:
    assert local_day("2026-12-05", request()) == datetime(2026, 12, 4, 22, tzinfo=UTC)
    assert local_day("2026-07-05", request()) == datetime(2026, 7, 4, 21, tzinfo=UTC)


def test_until_includes_its_day_across_the_clock_change() -> None:
    # 25 Oct 2026 has 25 hours in Riga: "until the 25th" ends at midnight starting the 26th, local time
    assert local_day("2026-10-25", request(), days_after=1) == datetime(2026, 10, 25, 22, tzinfo=UTC)


def test_an_empty_field_is_no_filter_and_a_bad_one_is_refused() -> None:
    assert local_day("", request()) is None
    with pytest.raises(web.HTTPBadRequest):
        local_day("05.12.2026", request())
