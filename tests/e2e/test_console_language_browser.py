"""A Latvian coordinator's console in a real headless Chromium: what console.js writes by itself is Latvian.

The server renders the pages in the staff member's language (tests/web/test_console_language.py); the live
parts (a new row in the queue, the crisis badge and tab title, the owner line and the locked reply box)
are written by console.js from the words the page gives it, and the switch in the header changes them.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import pytest
from aiohttp.test_utils import TestServer

from tests.e2e.console_browser import ADAM, ARGS, CHROMIUM, login, person, server, settings
from tests.web.console_support import add_staff

playwright_api = pytest.importorskip("playwright.async_api")
__all__ = ["server", "settings"]  # fixtures

pytestmark = pytest.mark.skipif(not CHROMIUM.exists(), reason="Debian's chromium is not installed")

LIENE = "liene@helpline.example"


@pytest.fixture
async def browser() -> AsyncIterator[Any]:
    async with playwright_api.async_playwright() as p:
        chromium = await p.chromium.launch(executable_path=str(CHROMIUM), headless=True, args=ARGS)
        try:
            yield chromium
        finally:
            await chromium.close()


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
