"""bot.console.numbers writes numbers as Babel (CLDR) does for the console's languages, without Babel.

Babel is only for scripts and tests (bot.console.i18n): a running worker must not import it, so the
formatter carries each language's two symbols itself, and this test holds them to CLDR's.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from babel.numbers import format_decimal

from bot.charts import bar_chart, hbar_chart
from bot.console.i18n import LANGUAGES
from bot.console.numbers import number

ROOT = Path(__file__).resolve().parents[2]
VALUES = (0, 1, 0.42, 0.425, 0.435, 0.5, 0.9999, 2.5, 33.3, 66.7, 66.66666, 100.0, 999, 1234, 1234.5,
          12345, 1000000.25, -3.5, 0.1 + 0.2)  # fmt: skip


@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize(("places", "pattern"), [(None, None), (1, "#,##0.0"), (2, "#,##0.00")])
def test_numbers_are_written_as_cldr_writes_them(language, places, pattern):
    for value in VALUES:
        expected = format_decimal(value, locale=language, **({"format": pattern} if pattern else {}))
        assert number(value, language, places) == expected, (value, language, places)


def test_latvian_and_russian_write_a_decimal_comma_and_group_with_a_no_break_space():
    assert number(66.7, "lv") == number(66.7, "ru") == "66,7"
    assert number(0.42, "lv", 2) == "0,42" and number(0.5, "en") == "0.5"
    assert number(12345.5, "lv") == "12\u00a0345,5" and number(12345.5, "en") == "12,345.5"
    assert number(-0.0004, "lv", 2) == "0,00"  # no "-0,00"


def test_the_charts_write_their_values_as_they_are_told():
    shown = bar_chart([("1.12.", 2.5), ("2.12.", 1.0)], title="t", number=lambda v: number(v, "lv"))
    assert ">2,5</text>" in shown and "1.12.: 2,5</title>" in shown and "2.5" not in shown
    bars = hbar_chart([("visit_long", 1.5)], title="t", number=lambda v: number(v, "ru"))
    assert ">1,5</text>" in bars


def test_a_running_console_does_not_import_babel():
    """Babel and its locale data cost memory in every worker; the console's pages need none of it."""
    code = (
        "import sys; from bot.app import create_app; import bot.console.render, bot.console.numbers,"
        " bot.console.operators, bot.console.views, bot.console.masks;"
        "print(sorted(m for m in sys.modules if m == 'babel' or m.startswith('babel.')))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True, cwd=ROOT)
    assert out.stdout.strip() == "[]"
