"""The web chat page in a real headless Chromium: what a person sends is not lost when the server cannot
take it (the database away: 503) or when they reload the page meanwhile; it is sent again and answered once.

Uses the console's Playwright setup (tests/e2e/test_console_browser.py). The 503 is the server's own
answer while the database is away (tests/web/test_database_away.py); here the browser's request routing
gives it, so the page's behaviour is tested on the one backend browser tests use.
"""

from __future__ import annotations

import contextlib
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import aiohttp
import pytest
from aiohttp.test_utils import TestServer

from bot import keys
from bot.app import Overrides, create_app
from bot.settings import Settings
from tests.e2e.long_transactions import armed, watched
from tests.e2e.test_console_browser import ARGS, CHROMIUM
from tests.factories import transcript
from tests.fakes import FakeClassifier
from tests.web.console_support import ANNA, add_staff, login

playwright_api = pytest.importorskip("playwright.async_api")
pytestmark = pytest.mark.skipif(not CHROMIUM.exists(), reason="Debian's chromium is not installed")

MESSAGES = "**/api/chat/messages"
AWAY = {"status": 503, "content_type": "application/json", "body": '{"error": "the database is away"}'}


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    return Settings(data_dir=tmp_path / "data", database_url=f"sqlite+aiosqlite:///{tmp_path / 'e2e.db'}")


@pytest.fixture
async def server(settings: Settings, clock: Any) -> AsyncIterator[TestServer]:
    # the real web sender: replies reach the page through the outbox, as in production
    app = create_app(
        settings, Overrides(classifier=FakeClassifier(), clock=clock, run_outbox=True, migrate=True)
    )
    with armed():
        async with TestServer(app, host="127.0.0.1") as srv:
            with watched(app[keys.engine]):
                yield srv


async def _said(server: TestServer) -> list[str]:
    return [e.text for e in await transcript(server.app) if e.direction == "in"]


@contextlib.asynccontextmanager
async def _sent_while_away(server: TestServer, text: str, route: Any) -> AsyncIterator[Any]:
    """The chat page, its message requests answered by `route`; the person has typed `text`, pressed Enter
    and been told it has not gone yet."""
    async with playwright_api.async_playwright() as p:
        browser = await p.chromium.launch(executable_path=str(CHROMIUM), headless=True, args=ARGS)
        try:
            page = await (await browser.new_context(locale="lv-LV")).new_page()
            await page.route(MESSAGES, route)
            await page.goto(f"http://127.0.0.1:{server.port}/")
            await page.fill("#text", text)
            await page.press("#text", "Enter")
            await page.locator("#status").wait_for(state="visible")
            yield page
        finally:
            await browser.close()


async def test_a_message_the_server_could_not_take_is_sent_again_and_answered_once(server: TestServer):
    refused: list[str] = []

    async def away_twice(route: Any) -> None:
        if len(refused) < 2:
            refused.append(route.request.post_data)
            await route.fulfill(**AWAY)
        else:
            await route.continue_()

    async with _sent_while_away(server, "kā var satikt vīru?", away_twice) as page:
        await page.locator(".msg.bot", has_text="Tikšan").first.wait_for(timeout=20_000)
        await page.locator("#status").wait_for(state="hidden")
    assert len(refused) == 2 and refused[0] == refused[1]  # the same message, the same id, sent again
    assert await _said(server) == ["kā var satikt vīru?"]  # taken once


async def test_a_message_not_yet_taken_is_still_sent_after_a_reload(server: TestServer):
    async def away(route: Any) -> None:
        await route.fulfill(**AWAY)

    async with _sent_while_away(server, "Sveiki", away) as page:
        await page.unroute(MESSAGES)  # the server is back; the person reloads meanwhile
        await page.reload()
        await page.locator(".msg.me", has_text="Sveiki").wait_for()  # still shown as theirs
        await page.locator(".msg.bot").first.wait_for(timeout=20_000)
    assert await _said(server) == ["Sveiki"]


async def test_a_coordinators_reply_is_marked_as_a_coordinators_on_the_page(server: TestServer):
    """Channels QA: taken over in the console, the coordinator's reply looked exactly like the bot's."""
    app = server.app
    await add_staff(app, ANNA, "coordinator", "Anna")
    label = app[keys.texts].render("console.label", "lv")
    async with playwright_api.async_playwright() as p:
        browser = await p.chromium.launch(executable_path=str(CHROMIUM), headless=True, args=ARGS)
        try:
            page = await (await browser.new_context(locale="lv-LV")).new_page()
            await page.goto(f"http://127.0.0.1:{server.port}/")
            await page.fill("#text", "gribu runāt ar cilvēku")
            await page.press("#text", "Enter")
            await page.locator(".msg.bot").first.wait_for(timeout=20_000)
            (conversation,) = {e.conversation_id for e in await transcript(app)}
            jar = aiohttp.CookieJar(unsafe=True)  # the console's cookies, on 127.0.0.1
            base = str(server.make_url("/"))
            async with aiohttp.ClientSession(base_url=base, cookie_jar=jar) as coordinator:
                csrf = await login(coordinator, ANNA)
                path = f"/console/conversations/{conversation}"
                assert (await coordinator.post(f"{path}/claim", data={"csrf": csrf})).status == 200
                reply = {"csrf": csrf, "text": "Labdien! Esmu no koordinatoru komandas."}
                assert (await coordinator.post(f"{path}/reply", data=reply)).status == 200
            theirs = page.locator(".msg.coordinator")
            await theirs.wait_for(timeout=20_000)
            assert await theirs.locator(".who").text_content() == label
            assert (await theirs.text_content() or "").endswith("Labdien! Esmu no koordinatoru komandas.")
            bot = page.locator(".msg.bot:not(.coordinator)").first
            assert await bot.locator(".who").count() == 0
            background = "el => getComputedStyle(el).backgroundColor"
            assert await theirs.evaluate(background) != await bot.evaluate(background)
        finally:
            await browser.close()
