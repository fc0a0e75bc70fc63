"""The console for a coordinator on a long shift at the keyboard, with a screen reader or poor sight, or on
a phone: in a real headless Chromium (the setup of tests/e2e/console_browser.py).

A skip link first on the page; the live-updates pill says its state in words, not only in green or grey;
text passes WCAG AA contrast (4.5:1) and header controls are 24 px targets; the person's words are marked
with their language in a console of another language and new ones are announced; a 320 px wide phone
scrolls only up and down.
"""

from __future__ import annotations

from typing import Any

import pytest
from aiohttp.test_utils import TestServer

from tests.e2e.a11y import SIDEWAYS_JS, SMALL_TARGETS_JS, low_contrast
from tests.e2e.console_browser import ANNA, CHROMIUM, browser, login, person, server, settings
from tests.web.console_support import add_staff

playwright_api = pytest.importorskip("playwright.async_api")
expect = playwright_api.expect
SETTLED = 15_000  # ms: a page that comes back from the server, on a busy 2-core CI machine
__all__ = ["browser", "server", "settings"]  # fixtures

pytestmark = pytest.mark.skipif(not CHROMIUM.exists(), reason="Debian's chromium is not installed")

LIENE = "liene@helpline.example"


async def test_the_queue_from_the_keyboard_with_its_state_in_words(server: TestServer, browser: Any):
    app, base = server.app, str(server.make_url("")).rstrip("/")
    await add_staff(app, LIENE, "coordinator", "Liene", language=None)  # Latvian
    await person(app, "Vairs nevaru. Negribu dzīvot.", "crisis-lv-1")
    page = await login(browser, base, LIENE)

    # the first Tab reaches a skip link past the header; Enter lands in the main content
    await page.keyboard.press("Tab")
    skip = page.locator(":focus")
    assert await skip.text_content() == "Pāriet uz galveno saturu"
    assert await skip.is_visible()
    await page.keyboard.press("Enter")
    assert await page.evaluate("document.activeElement.tagName") == "MAIN"
    await page.keyboard.press("Tab")  # and the next Tab is the first link of the queue, not the header
    assert await page.evaluate("!!document.activeElement.closest('main')")

    # live or not is said in words, as well as by its colour
    assert await page.text_content("#live.on") == "tiešsaistē"
    served = await (await page.request.get(f"{base}/console/")).text()
    assert '<span id="live" class="live off" title="Atjauninājumi reāllaikā">bezsaistē</span>' in served

    assert await low_contrast(page) == []
    assert await page.evaluate(SMALL_TARGETS_JS, ".top a, .top button") == []
    # every column of the queue has a name a screen reader can say ("blank" before)
    headers = await page.locator("#waiting th").all_text_contents()
    assert headers[0] == "Atzīmes" and headers[-1] == "Darbības" and all(h.strip() for h in headers)


async def test_the_persons_words_are_marked_with_their_language_and_new_ones_announced(
    server: TestServer, browser: Any
):
    app, base = server.app, str(server.make_url("")).rstrip("/")
    conversation = await person(app, "Vairs nevaru. Negribu dzīvot.", "crisis-lv-2")
    page = await login(browser, base, ANNA)  # an English console
    await page.goto(f"{base}/console/conversations/{conversation}")
    await page.click("#claim")
    await page.wait_for_url(f"{base}/console/conversations/{conversation}")
    assert await page.evaluate("document.documentElement.lang") == "en"

    langs = await page.locator("#transcript .text").evaluate_all(
        "els => els.map(el => el.closest('[lang]').lang)"
    )
    assert langs and set(langs) == {"lv"}  # the person's and the bot's words, both Latvian
    assert await page.get_attribute("#reply", "lang") == "lv"  # spell-checked and read as Latvian
    assert await page.get_by_role("textbox", name="Internal notes").count() == 1  # not its placeholder

    await person(app, "Vīrs man vairs neatbild.", "crisis-lv-2")
    line = page.locator("#transcript .entry.in .text", has_text="neatbild")
    await line.wait_for(timeout=10_000)
    assert await line.evaluate("el => el.closest('[lang]').lang") == "lv"
    live = await line.evaluate("el => el.closest('[aria-live]')?.getAttribute('aria-live')")
    assert live == "polite"  # a screen reader reads it as it arrives
    assert await low_contrast(page) == []


async def test_a_conversation_fits_a_phone_without_sideways_scrolling(server: TestServer, browser: Any):
    app, base = server.app, str(server.make_url("")).rstrip("/")
    conversation = await person(app, "Gribu runāt ar cilvēku", "phone-lv-1")
    page = await login(browser, base, ANNA, viewport={"width": 320, "height": 640})
    await page.goto(f"{base}/console/conversations/{conversation}")
    await page.click("#claim")
    await page.wait_for_url(f"{base}/console/conversations/{conversation}")
    await page.locator("select[name=flow]").wait_for()
    assert await page.evaluate(SIDEWAYS_JS) == 0
    await page.goto(f"{base}/console/")  # the queue's wide tables scroll inside themselves
    assert await page.evaluate(SIDEWAYS_JS) == 0


async def test_a_queue_update_keeps_the_keyboards_place(server: TestServer, browser: Any, clock: Any):
    """The rows are rebuilt on each update: focus on a row's "Take over" fell back to the top of the page
    whenever anyone anywhere wrote, and a keyboard user had to Tab through the header again."""
    app, base = server.app, str(server.make_url("")).rstrip("/")
    first = await person(app, "Gribu runāt ar cilvēku", "queue-lv-1")
    page = await login(browser, base, ANNA)
    claim = page.locator(f'#waiting tr[data-id="{first}"] button.claim')
    await claim.focus()
    clock.advance(minutes=1)
    second = await person(app, "Gribu runāt ar cilvēku", "queue-lv-2")
    await page.locator(f'#waiting tr[data-id="{second}"]').wait_for(timeout=10_000)  # the table is rebuilt
    await expect(claim).to_be_focused()  # the same row's button (the rows are new ones), not the page's top
    place = "el => [el.closest('tr')?.dataset.id, el.className]"
    assert await page.evaluate(f"({place})(document.activeElement)") == [str(first), "primary claim"]


async def test_after_sending_a_reply_the_keyboard_is_back_in_the_reply_box(server: TestServer, browser: Any):
    """The page comes back from the server after each reply; the focus was at its top, and a coordinator on
    the keyboard Tabbed through the header and the transcript to write the next line."""
    app, base = server.app, str(server.make_url("")).rstrip("/")
    conversation = await person(app, "Gribu runāt ar cilvēku", "keys-lv-1")
    page = await login(browser, base, ANNA)
    await page.goto(f"{base}/console/conversations/{conversation}")
    # A key press does not wait for the page it sends to load (a click does), and the focus is put back by
    # console.js, which runs only once the new page is parsed: the expectations wait for that page, so
    # the old one (its #send, or its transcript updated live before it goes) is never the one checked.
    reply = page.locator("#reply")
    await page.focus("#claim")
    await page.keyboard.press("Enter")
    await expect(reply).to_be_focused(timeout=SETTLED)  # taken over: write
    await page.keyboard.type("Labdien! Esmu koordinatore.")
    await page.keyboard.press("Tab")
    await expect(page.locator("#send")).to_be_focused()
    await page.keyboard.press("Enter")
    await page.locator("#transcript .entry.coordinator").wait_for(timeout=SETTLED)
    await expect(reply).to_be_focused(timeout=SETTLED)
    await expect(reply).to_have_value("")
