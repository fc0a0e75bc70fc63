"""Shared steps for the console's browser tests: Debian's Chromium, logging in, a person writing."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest
from aiohttp.test_utils import TestServer

from bot import keys
from bot.messages import Channel
from bot.settings import Settings
from tests.e2e.long_transactions import armed, watched
from tests.factories import inbound
from tests.fakes import FakeClassifier, FakeSender
from tests.web.console_support import PASSWORD, add_staff, console_app

CHROMIUM = Path("/usr/bin/chromium")
ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]

ANNA, BEN, ADAM = "anna@helpline.example", "ben@helpline.example", "adam@helpline.example"


@pytest.fixture
async def browser() -> AsyncIterator[Any]:
    """Debian's Chromium, headless, for one test (the test files skip when Playwright is missing)."""
    from playwright.async_api import async_playwright  # only once a browser test runs

    async with async_playwright() as p:
        chromium = await p.chromium.launch(executable_path=str(CHROMIUM), headless=True, args=ARGS)
        try:
            yield chromium
        finally:
            await chromium.close()


@pytest.fixture
def settings(tmp_path: Path) -> Settings:  # one backend is enough for a browser test
    return Settings(data_dir=tmp_path / "data", database_url=f"sqlite+aiosqlite:///{tmp_path / 'e2e.db'}")


@pytest.fixture
async def server(settings: Settings, clock: Any, sender: FakeSender) -> AsyncIterator[TestServer]:
    """The console with its outbox running, two coordinators (Anna, Ben) and an admin (Adam)."""
    app = console_app(settings, clock, sender, run_outbox=True, classifier=FakeClassifier())
    with armed():
        async with TestServer(app, host="127.0.0.1") as srv:
            with watched(app[keys.engine]):
                await add_staff(app, ANNA, "coordinator", "Anna")
                await add_staff(app, BEN, "coordinator", "Ben")
                await add_staff(app, ADAM, "admin", "Adam")
                yield srv


async def person(app: Any, text: str, user: str, channel: Channel = Channel.TELEGRAM) -> int:
    result = await app[keys.pipeline].handle(inbound(text, user=user, channel=channel))
    assert result.conversation_id is not None
    return result.conversation_id


async def login(browser: Any, base: str, email: str, **context: Any) -> Any:
    """A new browser context logged in as `email`, on the queue page with the websocket open."""
    options: dict[str, Any] = {"viewport": {"width": 1280, "height": 860}, "locale": "lv-LV", **context}
    fake_clock = options.pop("fake_clock", False)
    ctx = await browser.new_context(**options)
    if fake_clock:  # the page's own clock, to move on at will (Playwright's clock control)
        await ctx.clock.install()
    page = await ctx.new_page()
    await page.goto(f"{base}/console/login")
    await page.fill('input[name="email"]', email)
    await page.fill('input[name="password"]', PASSWORD)
    await page.click('button[type="submit"]')
    await page.wait_for_url(f"{base}/console/")
    await page.wait_for_selector("#live.on")  # the websocket is open
    return page


async def eventually(check: Any, timeout: float = 10.0) -> None:
    for _ in range(int(timeout / 0.1)):
        if check():
            return
        await asyncio.sleep(0.1)
    raise AssertionError("condition not met in time")
