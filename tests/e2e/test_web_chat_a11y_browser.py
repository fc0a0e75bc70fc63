"""The web chat for a relative who cannot see the screen well, uses a screen reader or only a keyboard, or
holds a small phone: in a real headless Chromium (the server of tests/e2e/test_web_chat_browser.py).

A new reply is announced once (not the person's own words, not the whole history again) and in its own
language; the keyboard goes on from the text box after a reply button; a 320 px wide screen (or 400 %
zoom) scrolls only up and down, and buttons are big enough to hit.
"""

from __future__ import annotations

import asyncio
from typing import Any

import pytest
from aiohttp.test_utils import TestServer

from tests.e2e.a11y import SIDEWAYS_JS, SMALL_TARGETS_JS, low_contrast
from tests.e2e.console_browser import CHROMIUM, browser
from tests.e2e.test_web_chat_browser import server, settings

playwright_api = pytest.importorskip("playwright.async_api")
__all__ = ["browser", "server", "settings"]  # fixtures

pytestmark = pytest.mark.skipif(not CHROMIUM.exists(), reason="Debian's chromium is not installed")

# what a screen reader announces by itself: every live region on the page
LIVE = "[aria-live]:not([aria-live=off]), [role=log], [role=status], [role=alert]"


async def _chat(browser: Any, server: TestServer, **options: Any) -> Any:
    page = await (await browser.new_context(locale="lv-LV", **options)).new_page()
    await page.goto(f"http://127.0.0.1:{server.port}/")
    # the page's own words have come (the language buttons say which one is on): html's lang is in the
    # page as served, so waiting for it waited for nothing
    await page.locator("#langs button[aria-pressed=true]").wait_for(state="attached")
    return page


async def _say(page: Any, text: str, replies: int) -> None:
    await page.fill("#text", text)
    await page.press("#text", "Enter")
    await page.locator(".msg.bot").nth(replies - 1).wait_for(timeout=20_000)


# a message's own words, without the words only a screen reader hears ("Atbilde:")
OWN_WORDS = "el => [...el.childNodes].filter(n => n.nodeType === 3).map(n => n.textContent).join('').trim()"


async def _announced(page: Any) -> str:
    texts = await page.locator(LIVE).all_text_contents()
    return " ".join(texts)


async def test_a_new_reply_is_announced_once_and_in_its_own_language(server: TestServer, browser: Any):
    page = await _chat(browser, server)
    await _say(page, "Как увидеть мужа?", 1)  # Russian, on the Latvian page
    first = await page.locator(".msg.bot").first.evaluate(OWN_WORDS)
    heard = await _announced(page)
    assert first[:40] in heard
    assert "Как увидеть мужа?" not in heard  # their own words are not read back to them
    reply = page.locator(".msg.bot").first
    assert await reply.evaluate("el => el.closest('[lang]').lang") == "ru"
    assert await page.evaluate("document.documentElement.lang") == "lv"  # the page itself is Latvian

    await _say(page, "Sveiki", 2)
    heard = await _announced(page)
    assert first[:40] not in heard  # the earlier reply is not announced again
    second = page.locator(".msg.bot").nth(1)
    assert (await second.evaluate(OWN_WORDS))[:30] in heard
    assert await second.evaluate("el => el.closest('[lang]').lang") == "lv"


async def test_a_screen_reader_hears_who_wrote_each_message(server: TestServer, browser: Any):
    page = await _chat(browser, server)
    await _say(page, "kā var satikt vīru?", 1)
    log = await page.locator("#log").aria_snapshot()
    assert "Jūs rakstījāt: kā var satikt vīru?" in log
    assert "Atbilde: Tikšanās ir divu veidu" in log
    await page.click("#langs button[data-lang=en]")  # the page's words follow the language chosen
    await page.locator("html[lang=en]").wait_for(state="attached")
    assert "You wrote: kā var satikt vīru?" in await page.locator("#log").aria_snapshot()


async def test_the_keyboard_goes_on_from_the_text_box_after_a_reply_button(server: TestServer, browser: Any):
    page = await _chat(browser, server)
    await _say(page, "kā var satikt vīru?", 1)
    assert await page.evaluate("document.activeElement.id") == "text"
    await page.keyboard.press("Shift+Tab")  # from the box back to the reply's last button
    focused = await page.evaluate_handle("document.activeElement")
    assert await focused.evaluate("el => !!el.closest('.choices')")
    assert await focused.evaluate("el => getComputedStyle(el).outlineStyle") != "none"  # focus is visible
    await page.keyboard.press("Enter")
    # the menu comes as two messages, the buttons with the second; the outbox sends them one at a time and a
    # poll waits a few seconds at most for the rest of a turn (bot/channels/web.py), so they can still come
    # apart: with only the first shown, Shift+Tab went back to the earlier reply's buttons
    await page.locator(".msg.bot").nth(1).wait_for(timeout=20_000)
    await page.locator("#log > .msg.bot:last-child .choices").wait_for(timeout=20_000)
    # the focus is back in the text box, the new reply's buttons one Shift+Tab away
    assert await page.evaluate("document.activeElement.id") == "text"
    await page.keyboard.press("Shift+Tab")
    assert await page.evaluate("!!document.activeElement.closest('.msg.bot:last-child .choices')")


async def test_the_chat_fits_a_small_phone_with_big_enough_buttons(server: TestServer, browser: Any):
    page = await _chat(browser, server, viewport={"width": 320, "height": 640})
    await _say(page, "kā var satikt vīru?", 1)
    assert await page.evaluate(SIDEWAYS_JS) == 0
    # only the conversation scrolls; the page itself (header, text box) stays put
    assert await page.evaluate("document.documentElement.scrollHeight <= innerHeight")
    assert await page.evaluate(SMALL_TARGETS_JS, "button, textarea") == []
    sizes = await page.locator(".choices button").evaluate_all(
        "els => els.map(el => parseFloat(getComputedStyle(el).fontSize))"
    )
    assert min(sizes) >= 16  # the reply buttons in the page's own print size, not the browser's 13 px
    assert await low_contrast(page) == []
    # the language buttons say which language they are, in that language, and which one is on
    ru = page.locator("#langs button[data-lang=ru]")
    assert await ru.get_attribute("lang") == "ru"
    assert "русский" in (await ru.get_attribute("aria-label") or "")
    assert await page.locator("#langs button[data-lang=lv]").get_attribute("aria-pressed") == "true"


# sent at once, or sent before the page's own words have come (a slow network; a fast typist): either way
# the screen reader hears the notice itself, not "…" in its place
@pytest.mark.parametrize("words_late", [False, True])
async def test_a_screen_reader_is_told_once_when_the_message_has_not_gone(
    server: TestServer, browser: Any, words_late: bool
):
    page = await (await browser.new_context(locale="lv-LV")).new_page()
    came = asyncio.Event()  # the page's words come once the server has first said no

    async def away(route: Any) -> None:
        await route.fulfill(status=503, body="{}")
        came.set()

    async def words(route: Any) -> None:
        if words_late:
            await came.wait()
        await route.continue_()

    await page.route("**/api/chat/messages", away)
    await page.route("**/api/chat/ui?*", words)
    await page.goto(f"http://127.0.0.1:{server.port}/")
    await page.fill("#text", "Sveiki")
    await page.press("#text", "Enter")
    await page.locator("#status").wait_for(state="visible")
    await page.wait_for_timeout(2_500)  # a retry or two
    offline = await page.text_content("#status")
    assert offline and offline != "…"
    assert (await _announced(page)).count(offline) == 1


# a long reply (visits: types, how to apply, sources) on a phone, and on a laptop zoomed to 400 %
@pytest.mark.parametrize("viewport", [{"width": 320, "height": 640}, {"width": 320, "height": 256}])
async def test_a_long_reply_is_shown_from_its_first_line(server: TestServer, browser: Any, viewport: Any):
    page = await _chat(browser, server, viewport=viewport)
    await _say(page, "kā var satikt vīru?", 1)
    await page.wait_for_timeout(200)
    reply = page.locator(".msg.bot").first
    top = await reply.evaluate("el => el.getBoundingClientRect().top")
    log_top = await page.locator("#log").evaluate("el => Math.max(el.getBoundingClientRect().top, 0)")
    assert log_top - 1 <= top < viewport["height"] / 2  # its first line is on the screen
    assert await page.evaluate(SIDEWAYS_JS) == 0
    # zoomed in, the conversation gets the screen, not a sliver between the header and the text box
    box = await reply.evaluate("el => { const r = el.getBoundingClientRect(); return [r.top, r.bottom]; }")
    assert min(box[1], viewport["height"]) - max(box[0], 0) > viewport["height"] * 0.6
