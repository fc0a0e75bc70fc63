"""A Latvian coordinator's console in a real headless Chromium: what console.js writes by itself is Latvian.

The server renders the pages in the staff member's language (tests/web/test_console_language.py); the live
parts (a new row in the queue, the crisis badge and tab title, the owner line and the locked reply box)
are written by console.js from the words the page gives it, and the switch in the header changes them.
"""

from __future__ import annotations

from typing import Any

import pytest
from aiohttp.test_utils import TestServer

from tests.e2e.console_browser import ADAM, CHROMIUM, browser, login, person, server, settings
from tests.web.console_support import add_staff

playwright_api = pytest.importorskip("playwright.async_api")
__all__ = ["browser", "server", "settings"]  # fixtures

pytestmark = pytest.mark.skipif(not CHROMIUM.exists(), reason="Debian's chromium is not installed")

LIENE = "liene@helpline.example"


async def test_the_live_console_speaks_latvian_and_the_switch_changes_it(server: TestServer, browser: Any):
    app, base = server.app, str(server.make_url("")).rstrip("/")
    await add_staff(app, LIENE, "coordinator", "Liene", language=None)  # a new account: Latvian
    liene = await login(browser, base, LIENE)
    assert await liene.text_content("h1") == "Gaida koordinatoru"

    conversation = await person(app, "Vairs nevaru. Negribu dzīvot.", "crisis-lv-1")
    row = liene.locator(f'#waiting tr[data-id="{conversation}"]')
    await row.wait_for(timeout=10_000)  # added by console.js, not by the server
    assert await row.locator(".tag.crisis").text_content() == "KRĪZE"
    assert await row.locator("button.claim").text_content() == "Pārņemt"
    assert await row.locator("a.button").text_content() == "Atvērt"
    assert await row.locator("td.minutes").text_content() == "0 min"
    assert await liene.text_content("#crisis-badge") == "KRĪZE"
    assert (await liene.title()).startswith("(1) KRĪZE · Rinda · ")

    await row.locator("button.claim").click()
    await liene.wait_for_selector("#reply")
    await liene.wait_for_selector("#live.on")
    assert (await liene.text_content("#owner-line")).strip() == "Sarunu vadāt jūs"
    draft = "Es jums piezvanīšu pēc brīža."
    await liene.fill("#reply", draft)

    adam = await login(browser, base, ADAM)  # an admin closes it from elsewhere (his console in English)
    await adam.goto(f"{base}/console/conversations/{conversation}")
    await adam.select_option('select[name="outcome"]', "resolved")
    await adam.click("#close")
    await adam.wait_for_url(f"{base}/console/")

    await liene.locator("#reply-locked").wait_for(timeout=10_000)
    assert await liene.text_content("#reply-locked") == (
        "Šī saruna ir slēgta. Jūsu teksts netika nosūtīts; tas paliek zemāk, lai jūs to varētu nokopēt."
    )
    assert (await liene.text_content("#owner-line")).strip() == "Slēgta"
    assert await liene.input_value("#reply") == draft

    # the switch in the header: the same page again, in English, and English it stays
    await liene.click('#language-switch button[value="en"]')
    await liene.wait_for_url(f"{base}/console/conversations/{conversation}")
    assert (await liene.text_content("#owner-line")).strip() == "Closed"
    assert await liene.get_attribute("html", "lang") == "en"
    await liene.goto(f"{base}/console/")
    assert await liene.text_content("h1") == "Waiting for a coordinator"


# every element of the header on one line: their vertical middles agree (a wrapped header has two rows)
ONE_LINE = """() => {
  const kids = Array.from(document.querySelector("header.top").children)
    .filter((e) => e.getClientRects().length);
  const middles = kids.map((e) => { const r = e.getBoundingClientRect(); return (r.top + r.bottom) / 2; });
  const oneRow = Math.max(...middles) - Math.min(...middles) < 6;
  return oneRow && document.documentElement.scrollWidth <= innerWidth;
}"""
FITS = """() => {
  const header = document.querySelector("header.top").getBoundingClientRect();
  return Array.from(document.querySelectorAll("header.top > *")).every((node) => {
    const box = node.getBoundingClientRect();
    return box.right <= header.right + 0.5 && box.bottom <= header.bottom + 0.5;
  }) && document.documentElement.scrollWidth <= innerWidth;
}"""


async def test_the_header_is_one_line_at_1280_px_in_every_language(server: TestServer, browser: Any):
    """An admin's header is the longest (the audit link); with both badges showing ("Rinda 12 KRĪZE 2"),
    it stays one line at 1280 px in Latvian, Russian and English (Latvian and Russian wrapped), and fits a
    phone. The switch keeps the page it was used on, with its query."""
    app, base = server.app, str(server.make_url("")).rstrip("/")
    await add_staff(app, LIENE, "admin", "Liene", language=None)
    for n in range(12):
        await person(app, "/human_handoff", f"waiting-{n:04}")
    for n in range(2):
        await person(app, "Vairs nevaru. Negribu dzīvot.", f"crisis-{n:04}")
    liene = await login(browser, base, LIENE, viewport={"width": 1280, "height": 800})
    await liene.goto(f"{base}/console/ops/analytics?days=7")
    for language, crisis in (("lv", "KRĪZE 2"), ("ru", "КРИЗИС 2"), ("en", "CRISIS 2")):
        if await liene.get_attribute("html", "lang") != language:
            await liene.click(f'#language-switch button[value="{language}"]')
        await liene.wait_for_url(f"{base}/console/ops/analytics?days=7")  # the same page, in the new words
        await liene.wait_for_selector("#crisis-badge:not([hidden])")
        assert await liene.text_content("#crisis-badge") == crisis
        assert await liene.text_content("#badge") == "14"
        assert await liene.evaluate(ONE_LINE), language
    await liene.goto(f"{base}/console/ops/audit?action=staff.language")
    assert await liene.locator("#audit-log tbody tr").count() == 2  # lv → ru → en, each switch audited

    phone = await login(browser, base, LIENE, viewport={"width": 360, "height": 740})
    for language in ("ru", "lv"):
        await phone.click(f'#language-switch button[value="{language}"]')
        await phone.wait_for_url(f"{base}/console/")
        await phone.wait_for_selector("#crisis-badge:not([hidden])")
        assert await phone.evaluate(FITS), language


async def test_a_live_entry_is_written_as_russian_writes_times(server: TestServer, browser: Any, clock: Any):
    """console.js writes a new line's time like the server: "23.11 10:07" in Russian, no dot after the
    month (the Latvian page has one: "23.11. 10:07")."""
    app, base = server.app, str(server.make_url("")).rstrip("/")
    await add_staff(app, "boris@helpline.example", "coordinator", "Boris", language="ru")
    conversation = await person(app, "/human_handoff", "ru-person-1")
    boris = await login(browser, base, "boris@helpline.example", timezone_id="UTC")
    await boris.goto(f"{base}/console/conversations/{conversation}")
    await boris.click("#claim")
    await boris.wait_for_selector("#reply")
    await boris.wait_for_selector("#live.on")
    assert await boris.locator("#transcript time").first.text_content() == "23.11 10:00"  # the server's
    clock.advance(minutes=7)
    await person(app, "Мне очень плохо", "ru-person-1")
    entry = boris.locator("#transcript .entry.in", has_text="Мне очень плохо")
    await entry.wait_for(timeout=10_000)
    assert await entry.locator("time").text_content() == "23.11 10:07"
