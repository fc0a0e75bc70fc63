"""The console in a real headless Chromium (Debian's /usr/bin/chromium driven by Playwright).

Log in, see a new waiting conversation appear without reloading, take it over, reply (the reply reaches
the fake channel), hand back; a second coordinator in another browser context cannot take it. The run
also saves the screenshots in docs/screenshots/ (demo content only, no real person).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from aiohttp.test_utils import TestServer

from bot.messages import Channel
from tests.e2e.console_browser import ANNA, ARGS, BEN, CHROMIUM, eventually, login, person, server, settings
from tests.fakes import FakeSender
from tests.web.console_support import conversation_of

playwright_api = pytest.importorskip("playwright.async_api")
SHOTS = Path(__file__).resolve().parents[2] / "docs" / "screenshots"
__all__ = ["server", "settings"]  # fixtures

pytestmark = pytest.mark.skipif(not CHROMIUM.exists(), reason="Debian's chromium is not installed")

REPLY = (
    "Labdien, esmu Anna, koordinatore. Paldies, ka uzrakstījāt – labi, ka to izdarījāt. "
    "Vai jūs šobrīd esat drošībā? Varat man rakstīt tik, cik vajag."
)


async def _seed(app: Any, clock: Any) -> int:
    """A morning's queue: two people already waiting; returns the conversation to be taken later."""
    await person(app, "Labdien! Kā var satikt vīru, ja viņu pārveda uz citu cietumu?", "demo-lv-1")
    await person(app, "Gribu runāt ar cilvēku, lūdzu", "demo-lv-1")
    clock.advance(minutes=6)
    await person(app, "/human_handoff", "+37100000002", Channel.SMS)
    clock.advance(minutes=3)
    return await person(app, "Как увидеть мужа?", "demo-ru-3")


async def test_coordinators_work_the_queue_live_in_a_real_browser(
    server: TestServer, clock: Any, sender: FakeSender
):
    app = server.app
    base = str(server.make_url("")).rstrip("/")
    await _seed(app, clock)
    async with playwright_api.async_playwright() as p:
        browser = await p.chromium.launch(executable_path=str(CHROMIUM), headless=True, args=ARGS)
        try:
            anna = await login(browser, base, ANNA)
            assert await anna.locator("#waiting tbody tr").count() == 2
            await anna.evaluate("window.stillTheSamePage = true")

            # a person in crisis writes: the row appears at the top without a reload, the title counts
            clock.advance(minutes=2)
            crisis = await person(app, "Vairs nevaru. Negribu dzīvot.", "demo-lv-4")
            first_row = anna.locator("#waiting tbody tr").first
            await first_row.locator("a", has_text=f"#{crisis}").wait_for(timeout=10_000)
            assert await first_row.get_attribute("class") == "crisis"
            assert await anna.evaluate("window.stillTheSamePage") is True
            assert (await anna.title()).startswith("(3) ")
            await anna.screenshot(path=str(SHOTS / "console-queue.png"))

            # Ben opens the same conversation in his own browser before Anna takes it
            ben = await login(browser, base, BEN)
            await ben.goto(f"{base}/console/conversations/{crisis}")
            await ben.wait_for_selector("#claim")

            await first_row.locator("button.claim").click()
            await anna.wait_for_url(f"{base}/console/conversations/{crisis}")
            assert "With you" in await anna.text_content("#owner-line")

            await ben.click("#claim")  # his page still offers it; the server says no
            await ben.wait_for_selector("#error")
            assert await ben.text_content("#error") == "Already taken by Anna."

            # the person's next words appear live on Anna's page
            await person(app, "Vīrs man vairs neatbild, un es nezinu, ko darīt.", "demo-lv-4")
            await anna.locator("#transcript .entry.in .text", has_text="nezinu, ko darīt").wait_for(
                timeout=10_000
            )

            # a reply goes out on the person's channel and its status turns to "sent"
            await anna.click("button.canned-reply >> nth=0")
            assert "koordinatoru komandas" in await anna.input_value("#reply")
            await anna.fill("#reply", REPLY)
            await anna.click("#send")
            await anna.wait_for_url(f"{base}/console/conversations/{crisis}")
            await eventually(
                lambda: any(m.text == REPLY and m.recipient_id == "demo-lv-4" for m in sender.sent)
            )
            await anna.locator("#transcript .entry.coordinator .status", has_text="sent").wait_for(
                timeout=10_000
            )
            await anna.fill(
                'textarea[name="text"] >> nth=-1', "Piezvanīt rīt no rīta, ja neatbild. Ieteikts 116123."
            )
            await anna.click("#add-note")
            await anna.wait_for_selector("#notes li >> text=Piezvanīt rīt")
            await anna.screenshot(path=str(SHOTS / "console-conversation.png"), full_page=True)

            # hand back to the bot: the person is told, and the bot answers again
            await anna.click("#handback")
            await anna.wait_for_url(f"{base}/console/conversations/{crisis}")
            assert "With the bot" in await anna.text_content("#owner-line")
            await eventually(lambda: any("Koordinators ir beidzis sarunu" in m.text for m in sender.sent))
            assert (await conversation_of(app, "demo-lv-4")).owner == "bot"
        finally:
            await browser.close()
