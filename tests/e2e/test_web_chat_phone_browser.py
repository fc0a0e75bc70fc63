"""The web chat on a phone (about 360 x 640), as a frightened relative uses it: in a real headless Chromium.

A turn's reply is often several messages (the answer, then a menu of buttons). The answer's first line must
stay on the screen when the menu comes: scrolled to the bottom, the menu pushed the answer above the screen
and the person saw only buttons.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest
from aiohttp.test_utils import TestServer

from bot import keys
from bot.app import Overrides, create_app
from bot.settings import Settings
from tests.e2e.a11y import SIDEWAYS_JS, low_contrast
from tests.e2e.console_browser import ARGS, CHROMIUM, browser
from tests.e2e.long_transactions import armed, watched
from tests.factories import outbox, transcript
from tests.fakes import FakeClassifier

playwright_api = pytest.importorskip("playwright.async_api")
__all__ = ["browser"]  # fixtures

pytestmark = pytest.mark.skipif(not CHROMIUM.exists(), reason="Debian's chromium is not installed")

PHONE = {"width": 360, "height": 640}
# a message's own words, without the words only a screen reader hears ("Atbilde:")
OWN_WORDS = "el => [...el.childNodes].filter(n => n.nodeType === 3).map(n => n.textContent).join('').trim()"


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    return Settings(data_dir=tmp_path / "data", database_url=f"sqlite+aiosqlite:///{tmp_path / 'e2e.db'}")


@pytest.fixture
async def server(settings: Settings, clock: Any) -> AsyncIterator[TestServer]:
    """The real web sender and outbox (replies reach the page as in production); "ko jūs varat" asks what
    the bot can do: an answer of several lines, then the menu as a second message."""
    classifier = FakeClassifier()
    classifier.keywords["ko jūs varat"] = "help"
    app = create_app(settings, Overrides(classifier=classifier, clock=clock, run_outbox=True, migrate=True))
    with armed():
        async with TestServer(app, host="127.0.0.1") as srv:
            with watched(app[keys.engine]):
                yield srv


async def _phone(browser: Any, server: TestServer) -> Any:
    context = await browser.new_context(locale="lv-LV", viewport=PHONE, is_mobile=True, has_touch=True)
    page = await context.new_page()
    await page.goto(f"http://127.0.0.1:{server.port}/")
    await page.locator("#langs button[aria-pressed=true]").wait_for(state="attached")
    return page


# where a message's first line is, and where the conversation is seen (the log's box, within the screen)
FIRST_LINE_JS = """
el => {
  const range = document.createRange();
  const text = [...el.childNodes].find(n => n.nodeType === 3);
  range.setStart(text, 0);
  range.setEnd(text, 1);
  const line = range.getBoundingClientRect();
  const log = document.getElementById('log').getBoundingClientRect();
  const from = Math.max(log.top, 0), to = Math.min(log.bottom, innerHeight);
  return {top: line.top, bottom: line.bottom, from: from, to: to};
}
"""


async def test_the_answer_stays_in_view_when_its_menu_comes_after_it(server: TestServer, browser: Any):
    page = await _phone(browser, server)
    await page.fill("#text", "Ko jūs varat pastāstīt?")
    await page.press("#text", "Enter")
    # the answer, then the menu with its buttons as the newest message
    await page.locator("#log > .msg.bot:last-child .choices").wait_for(timeout=20_000)
    answer = page.locator(".msg.bot").first
    assert await answer.locator(".choices").count() == 0  # the answer and the menu are two messages
    seen = await answer.evaluate(FIRST_LINE_JS)
    assert seen["from"] - 1 <= seen["top"] and seen["bottom"] <= seen["to"] + 1, seen


async def _said(server: TestServer) -> list[str]:
    return [e.text for e in await transcript(server.app) if e.direction == "in"]


async def _ask(page: Any, text: str, replies: int) -> None:
    await page.fill("#text", text)
    await page.press("#text", "Enter")
    await page.locator(".msg.bot").nth(replies - 1).wait_for(timeout=20_000)


async def test_a_double_tap_sends_once(server: TestServer, browser: Any):
    """A shaky finger taps twice: on Send, and on a reply's button (which sent the choice twice, and the long
    answer came twice)."""
    page = await _phone(browser, server)
    await page.fill("#text", "kā var satikt vīru?")
    await page.tap("#send")
    await page.tap("#send")
    await page.locator(".msg.bot").first.wait_for(timeout=20_000)
    button = page.locator(".msg.bot .choices button").first
    choice = (await button.text_content()) or ""
    await button.tap()
    await button.tap()
    assert await page.locator(".msg.me").all_text_contents() == [
        "Jūs rakstījāt: kā var satikt vīru?",
        f"Jūs rakstījāt: {choice}",
    ]
    await page.locator(".msg.bot").nth(1).wait_for(timeout=20_000)
    assert await _said(server) == ["kā var satikt vīru?", choice]
    # another choice from the same menu goes as usual
    other = page.locator(".msg.bot").first.locator(".choices button").nth(1)
    second = (await other.text_content()) or ""
    await other.tap()
    await page.locator(".msg.bot").nth(2).wait_for(timeout=20_000)
    assert await _said(server) == ["kā var satikt vīru?", choice, second]


async def test_a_reload_keeps_the_conversation_and_repeats_nothing(server: TestServer, browser: Any):
    """A phone drops a tab the person left (to ring the prison, say) and loads it again when they come back:
    the conversation was gone, an empty page in its place."""
    page = await _phone(browser, server)
    await _ask(page, "kā var satikt vīru?", 1)
    answer = await page.locator(".msg.bot").first.text_content()
    await page.reload()
    await page.locator("#langs button[aria-pressed=true]").wait_for(state="attached")
    assert await page.locator(".msg.me").all_text_contents() == ["Jūs rakstījāt: kā var satikt vīru?"]
    assert await page.locator(".msg.bot").all_text_contents() == [answer]
    assert await page.locator(".msg.bot .choices button").count() > 0  # its buttons still work
    assert await page.text_content("#announce") == ""  # what was said is not read out again
    seen = await page.locator(".msg.bot").first.evaluate(FIRST_LINE_JS)  # and the answer from its first line
    assert seen["from"] - 1 <= seen["top"] and seen["bottom"] <= seen["to"] + 1, seen
    await _ask(page, "Sveiki", 2)  # the conversation goes on, with no reply twice
    await page.locator("#log > .msg.bot:last-child .choices").wait_for(timeout=20_000)
    texts = await page.locator(".msg.bot").all_text_contents()
    assert texts[0] == answer and len(texts) == len(await outbox(server.app))  # each reply shown once


async def test_the_chat_opened_again_shows_only_what_is_new(server: TestServer, browser: Any):
    """The person closed the tab and taps the chat's link again later: every earlier reply came again,
    without their questions, and a screen reader read them all out. A reply that came meanwhile (here the
    bot's, as a coordinator's would) is what they came back for: it is shown."""
    page = await _phone(browser, server)
    await _ask(page, "kā var satikt vīru?", 1)
    old = (await page.locator(".msg.bot").first.evaluate(OWN_WORDS))[:40]
    user = await page.evaluate("localStorage.getItem('helpline-user')")
    await page.close()
    said = await page.context.request.post(
        f"http://127.0.0.1:{server.port}/api/chat/messages", data={"user": user, "text": "Sveiki", "id": "m2"}
    )
    assert said.ok
    again = await page.context.new_page()
    await again.goto(f"http://127.0.0.1:{server.port}/")
    await again.locator("#log > .msg.bot:last-child .choices").wait_for(timeout=20_000)  # greeting, menu
    shown = " ".join(await again.locator(".msg.bot").all_text_contents())
    assert "Sveiki" in shown and old not in shown
    assert old not in (await again.text_content("#announce") or "")


async def test_the_chat_works_over_plain_http(server: TestServer):
    """Opened at a plain http:// address that is not this machine's (a LAN address, a proxy without TLS),
    the page stopped at its first line (crypto.randomUUID is only for secure pages): nothing could be sent.
    The browser's resolver maps a made-up name to the test server, so the page is not a secure one."""
    args = [*ARGS, "--host-resolver-rules=MAP chat.example 127.0.0.1"]
    async with playwright_api.async_playwright() as p:
        chromium = await p.chromium.launch(executable_path=str(CHROMIUM), headless=True, args=args)
        try:
            context = await chromium.new_context(
                locale="lv-LV", viewport=PHONE, is_mobile=True, has_touch=True
            )
            page = await context.new_page()
            await page.goto(f"http://chat.example:{server.port}/")
            assert not await page.evaluate("isSecureContext")
            await _ask(page, "kā var satikt vīru?", 1)
            assert await _said(server) == ["kā var satikt vīru?"]
        finally:
            await chromium.close()


async def test_the_language_chosen_stays_over_a_reload(server: TestServer, browser: Any):
    """A Russian-speaking mother on a Latvian phone presses RU; the phone reloads the page later: its own
    words (title, the text box's hint, the buttons' names) went back to Latvian."""
    page = await _phone(browser, server)
    await page.tap("#langs button[data-lang=ru]")
    await page.locator(".msg.bot").first.wait_for(timeout=20_000)
    placeholder = await page.get_attribute("#text", "placeholder")
    await page.reload()
    await page.locator("#langs button[aria-pressed=true]").wait_for(state="attached")
    assert await page.get_attribute("#langs button[aria-pressed=true]", "data-lang") == "ru"
    assert await page.evaluate("document.documentElement.lang") == "ru"
    assert await page.get_attribute("#text", "placeholder") == placeholder


async def test_the_crisis_numbers_can_be_tapped_to_ring(server: TestServer, browser: Any):
    """In the worst moment on a phone, 112 and 116123 were plain text: to ring, the person had to copy the
    number out of the bubble by hand."""
    page = await _phone(browser, server)
    await _ask(page, "es negribu vairs dzīvot", 1)
    reply = page.locator(".msg.bot").first
    links = await reply.locator("a").evaluate_all("els => els.map(a => [a.textContent, a.href])")
    assert ["112", "tel:112"] in links and ["116123", "tel:116123"] in links
    assert "zvaniet 112" in (await reply.text_content() or "")  # the words read as before
    assert await page.evaluate(SIDEWAYS_JS) == 0
    assert await low_contrast(page) == []
    await page.fill("#text", "mans numurs ir 112")  # the person's own words are not made links
    await page.press("#text", "Enter")
    assert await page.locator(".msg.me a").count() == 0


async def test_the_text_box_grows_with_a_long_message(server: TestServer, browser: Any):
    """A long message typed on a phone showed in two lines: the person saw only its end as they wrote."""
    page = await _phone(browser, server)
    box = page.locator("#text")
    empty = await box.evaluate("el => el.offsetHeight")
    story = "Mans dēls ir cietumā jau otro mēnesi, un es nezinu, ko darīt. " * 4
    await box.fill(story)
    size = await box.evaluate("el => [el.offsetHeight, el.scrollHeight, el.clientHeight]")
    assert size[0] > empty * 2 and size[1] <= size[2] + 1  # all of it is seen
    await box.fill(story * 10)  # a very long one: the box scrolls, the conversation keeps most of the screen
    assert await box.evaluate("el => el.offsetHeight") <= PHONE["height"] / 3 + 1
    await page.press("#text", "Enter")
    assert await box.evaluate("el => el.offsetHeight") == empty
