"""What a coordinator sees change by itself, in a real headless Chromium (Debian's, driven by Playwright).

A crisis written under a coordinator raises the flag and scrolls into view; live messages show Riga time
in a browser set to UTC; the queue's minutes count on; a new crisis shows in the header on a conversation
page; a reply is sent once however often Send is clicked; a conversation closed by someone else locks the
reply box and keeps the text; the header fits a phone; background fetches say they are background.
"""

from __future__ import annotations

import asyncio
from typing import Any

import pytest
from aiohttp.test_utils import TestServer

from tests.e2e.console_browser import (
    ADAM,
    ANNA,
    BEN,
    CHROMIUM,
    browser,
    eventually,
    login,
    person,
    server,
    settings,
)
from tests.fakes import FakeSender

playwright_api = pytest.importorskip("playwright.async_api")
__all__ = ["browser", "server", "settings"]  # fixtures

pytestmark = pytest.mark.skipif(not CHROMIUM.exists(), reason="Debian's chromium is not installed")

AT_BOTTOM = "() => { const t = document.getElementById('transcript');"
AT_BOTTOM += " return t.scrollHeight - t.scrollTop - t.clientHeight < 5; }"


def _base(server: TestServer) -> str:
    return str(server.make_url("")).rstrip("/")


async def _take_over(page: Any, base: str, conversation: int) -> None:
    await page.goto(f"{base}/console/conversations/{conversation}")
    await page.click("#claim")
    await page.wait_for_selector("#reply")
    await page.wait_for_selector("#live.on")


async def test_a_crisis_under_the_coordinator_shows_at_once_and_the_transcript_follows(
    server: TestServer, browser: Any, clock: Any
):
    app, base = server.app, _base(server)
    user = "lv-anna-0001"
    for question in ["Labdien!", "Kā var satikt vīru?", "Cik ilgi var palikt?", "Vai var atnest pakas?"] * 2:
        conversation = await person(app, question, user)
    anna = await login(browser, base, ANNA, timezone_id="UTC")  # Riga is UTC+2 in November
    await _take_over(anna, base, conversation)
    assert await anna.locator("#crisis-tag").count() == 0
    overflows = "(() => { const t = document.getElementById('transcript');"
    overflows += " return t.scrollHeight > t.clientHeight + 100; })()"
    assert await anna.evaluate(overflows), "the transcript should be long enough to scroll"
    assert await anna.evaluate(AT_BOTTOM)

    clock.advance(minutes=7)  # 10:07 in Riga, 08:07 in the browser's own zone
    await person(app, "es vairs negribu dzīvot, viss ir bezjēdzīgi", user)
    crisis_entry = anna.locator("#transcript .entry.in", has_text="negribu dzīvot")
    await crisis_entry.wait_for(timeout=10_000)
    await anna.locator("#crisis-tag").wait_for(timeout=5_000)
    assert await anna.text_content("#crisis-tag") == "CRISIS"
    assert await anna.is_visible("#crisis-alert")
    assert await anna.locator("#crisis-alert").get_attribute("role") == "alert"
    await anna.wait_for_function(AT_BOTTOM, timeout=2_000)  # the new message is scrolled into view
    # live entries show Riga time, exactly as the server renders it, not the browser's UTC
    assert await crisis_entry.locator("time").text_content() == "23.11. 10:07"

    # scrolled up to read the history, she is pointed to what is new instead of being pulled down
    await anna.evaluate("document.getElementById('transcript').scrollTop = 0")
    await person(app, "Vīrs man vairs neatbild.", user)
    await anna.locator("#transcript .entry.in", has_text="vairs neatbild").wait_for(timeout=10_000)
    assert await anna.is_visible("#new-messages")
    assert not await anna.evaluate(AT_BOTTOM)
    await anna.click("#new-messages")
    assert await anna.evaluate(AT_BOTTOM)
    assert not await anna.is_visible("#new-messages")

    await anna.reload()  # and the server renders the same time for the same message
    time = anna.locator("#transcript .entry.in", has_text="negribu dzīvot").locator("time")
    assert await time.text_content() == "23.11. 10:07"


async def test_waiting_minutes_count_on_without_any_new_message(server: TestServer, browser: Any):
    app, base = server.app, _base(server)
    await person(app, "/human_handoff", "waits-1")
    anna = await login(browser, base, ANNA, fake_clock=True)
    await anna.clock.run_for(1000)  # the refresh that follows the websocket's opening, then quiet
    await anna.wait_for_load_state("networkidle")
    minutes = anna.locator("#waiting tbody tr td.minutes").first
    assert await minutes.text_content() == "0 min"
    await anna.clock.fast_forward("01:05")
    await anna.locator("#waiting td.minutes", has_text="1 min").wait_for(timeout=2_000)
    await anna.clock.fast_forward("03:00")
    await anna.locator("#waiting td.minutes", has_text="4 min").wait_for(timeout=2_000)


async def test_a_new_crisis_shows_in_the_header_while_inside_a_conversation(server: TestServer, browser: Any):
    app, base = server.app, _base(server)
    mine = await person(app, "/human_handoff", "mine-1")
    anna = await login(browser, base, ANNA)
    await _take_over(anna, base, mine)

    await person(app, "/human_handoff", "plain-1")  # an ordinary request: the count only
    await anna.locator("#badge", has_text="1").wait_for(timeout=10_000)
    assert not await anna.is_visible("#crisis-badge")
    assert "CRISIS" not in await anna.title()

    await person(app, "Vairs nevaru. Negribu dzīvot.", "crisis-1")
    await anna.locator("#crisis-badge").wait_for(timeout=10_000)
    assert await anna.text_content("#crisis-badge") == "CRISIS"
    assert await anna.text_content("#badge") == "2"
    assert (await anna.title()).startswith("(2) CRISIS · ")


async def test_send_goes_once_and_only_background_fetches_say_so(
    server: TestServer, browser: Any, sender: FakeSender
):
    app, base = server.app, _base(server)
    conversation = await person(app, "/human_handoff", "double-1")
    anna = await login(browser, base, ANNA)
    await _take_over(anna, base, conversation)
    requests: list[Any] = []

    def seen(request: Any) -> None:  # a bound list.append cannot be a Playwright handler
        requests.append(request)

    anna.on("request", seen)
    posts: list[str] = []

    async def slow(route: Any) -> None:  # a slow network: the first send is still on its way
        posts.append(route.request.url)
        await asyncio.sleep(1.0)
        await route.continue_()

    await anna.route("**/reply", slow)
    await anna.fill("#reply", "Labdien, esmu Anna.")
    # a double click: the second one, before the page has changed, must not send the text again
    double_click = """() => new Promise(function (done) {
      const send = document.getElementById("send");
      send.click();
      send.click();
      window.setTimeout(function () { done(send.disabled); }, 50);
    })"""
    assert await anna.evaluate(double_click) is True  # and Send is greyed out while it goes
    await anna.locator("#transcript .entry.coordinator", has_text="esmu Anna").wait_for(timeout=10_000)
    await anna.wait_for_selector("#live.on")
    await person(app, "Paldies!", "double-1")  # a websocket event: the page fetches in the background
    await anna.locator("#transcript .entry.in", has_text="Paldies!").wait_for(timeout=10_000)
    await eventually(lambda: sum(m.text == "Labdien, esmu Anna." for m in sender.sent) == 1)
    assert len(posts) == 1

    background = [r for r in requests if r.url.split("?")[0].endswith((".json",))]
    assert {r.url.split("?")[0].rsplit("/", 1)[-1] for r in background} == {"queue.json", "messages.json"}
    assert all(r.headers.get("x-console-background") == "1" for r in background)
    yours = [r for r in requests if r.is_navigation_request()]
    assert yours and all("x-console-background" not in r.headers for r in yours)


async def test_a_conversation_closed_by_an_admin_locks_the_reply_and_keeps_the_text(
    server: TestServer, browser: Any
):
    app, base = server.app, _base(server)
    conversation = await person(app, "/human_handoff", "closed-1")
    anna = await login(browser, base, ANNA)
    await _take_over(anna, base, conversation)
    assert "Only staff see these" in await anna.text_content(".notes")
    draft = "Es jums piezvanīšu rīt no rīta, vai tas der?"
    await anna.fill("#reply", draft)

    adam = await login(browser, base, ADAM)
    await adam.goto(f"{base}/console/conversations/{conversation}")
    await adam.select_option('select[name="outcome"]', "resolved")
    await adam.click("#close")
    await adam.wait_for_url(f"{base}/console/")  # a closed conversation leaves for the queue

    await anna.locator("#reply-locked").wait_for(timeout=10_000)
    assert "closed" in await anna.text_content("#reply-locked")
    assert (await anna.text_content("#owner-line")).strip() == "Closed"
    assert await anna.is_disabled("#send")
    assert await anna.input_value("#reply") == draft
    assert await anna.is_disabled("#close")


async def test_a_note_added_by_a_colleague_shows_on_an_open_page_without_a_reload(
    server: TestServer, browser: Any
):
    """Notes did not update live: Ben, with the conversation open, saw Anna's note only after a reload."""
    app, base = server.app, _base(server)
    conversation = await person(app, "/human_handoff", "notes-1")
    anna = await login(browser, base, ANNA, timezone_id="UTC")
    await _take_over(anna, base, conversation)
    ben = await login(browser, base, BEN, timezone_id="UTC")
    await ben.goto(f"{base}/console/conversations/{conversation}")
    await ben.wait_for_selector("#live.on")
    assert "No notes yet." in await ben.text_content("#notes")
    await anna.fill('form[action$="/note"] textarea', "Zvanīt rīt uz +371 26123456, vīrs ir Olainē")
    await anna.click("#add-note")
    note = ben.locator("#notes li[data-note]")
    await note.wait_for(timeout=10_000)
    shown = " ".join((await note.inner_text()).split())
    assert shown.startswith("Anna · ") and "Zvanīt rīt uz ⟨phone⟩, vīrs ir Olainē" in shown  # masked for Ben
    assert "26123456" not in await ben.content() and "No notes yet." not in await ben.text_content("#notes")
    assert await ben.evaluate("document.querySelectorAll('#notes li').length") == 1
    await ben.reload()  # the page as the server writes it says the same (Riga time, in a UTC browser)
    assert " ".join((await ben.locator("#notes li[data-note]").inner_text()).split()) == shown


async def test_the_header_fits_a_phone_screen(server: TestServer, browser: Any):
    app, base = server.app, _base(server)
    await person(app, "/human_handoff", "phone-1")
    anna = await login(browser, base, ANNA, viewport={"width": 400, "height": 800})
    fits = """() => {
      const header = document.querySelector("header.top").getBoundingClientRect();
      const inside = Array.from(document.querySelectorAll("header.top > *")).every(function (node) {
        const box = node.getBoundingClientRect();
        return box.right <= header.right + 0.5 && box.bottom <= header.bottom + 0.5;
      });
      return inside && document.documentElement.scrollWidth <= window.innerWidth;
    }"""
    assert await anna.evaluate(fits)
    await anna.goto(f"{base}/console/callbacks")
    assert await anna.evaluate(fits)
