"""An operator in a real headless Chromium (Debian's /usr/bin/chromium): search → relabel → export.

Uses the console's Playwright setup (tests/e2e/test_console_browser.py): the same launch arguments,
login form and fake channels. The exported file is the Rasa NLU YAML the console's button downloads.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
import yaml
from aiohttp.test_utils import TestServer

from bot import keys
from bot.settings import Settings
from tests.e2e.long_transactions import armed, watched
from tests.e2e.test_console_browser import ARGS, CHROMIUM
from tests.fakes import FakeClassifier, FakeSender
from tests.ops_data import Msg, conversation
from tests.web.console_support import PASSWORD, add_staff, console_app

playwright_api = pytest.importorskip("playwright.async_api")
pytestmark = pytest.mark.skipif(not CHROMIUM.exists(), reason="Debian's chromium is not installed")

OLGA = "olga@helpline.example"
WRONG = "Vai es varu atnest vīram paku ar drēbēm? Mans tālrunis 26123456"


@pytest.fixture
def settings(tmp_path: Path) -> Settings:  # one backend is enough for a browser test
    return Settings(data_dir=tmp_path / "data", database_url=f"sqlite+aiosqlite:///{tmp_path / 'ops.db'}")


@pytest.fixture
async def server(settings: Settings, clock: Any, sender: FakeSender) -> AsyncIterator[TestServer]:
    app = console_app(settings, clock, sender, classifier=FakeClassifier())
    with armed():
        async with TestServer(app, host="127.0.0.1") as srv:
            with watched(app[keys.engine]):
                await add_staff(app, OLGA, "operator", "Olga")
                now = clock()
                async with app[keys.sessionmaker]() as session, session.begin():
                    await conversation(
                    session,
                    [Msg(WRONG, intent="visit_rules", confidence=0.38, language="lv"),
                     Msg("Īsā tikšanās notiek…", direction="out", after=timedelta(seconds=2))],
                    at=now - timedelta(hours=3), user="demo-lv-1",
                )  # fmt: skip
                    await conversation(
                    session,
                    [Msg("Kā pieteikt garo tikšanos?", intent="visit_long", confidence=0.93, language="lv")],
                    at=now - timedelta(hours=2), user="demo-lv-2",
                )  # fmt: skip
                yield srv


async def test_an_operator_searches_relabels_and_exports_in_a_real_browser(
    server: TestServer, tmp_path: Path
) -> None:
    base = str(server.make_url("")).rstrip("/")
    async with playwright_api.async_playwright() as p:
        browser = await p.chromium.launch(executable_path=str(CHROMIUM), headless=True, args=ARGS)
        try:
            context = await browser.new_context(
                viewport={"width": 1280, "height": 860}, accept_downloads=True
            )
            page = await context.new_page()
            await page.goto(f"{base}/console/login")
            await page.fill('input[name="email"]', OLGA)
            await page.fill('input[name="password"]', PASSWORD)
            await page.click('button[type="submit"]')
            await page.wait_for_url(f"{base}/console/")

            # search: low-confidence messages about a parcel; the number is masked for an operator
            await page.goto(f"{base}/console/ops/search")
            await page.fill('input[name="q"]', "paku")
            await page.check('input[name="low"]')
            await page.click("#search-button")
            await page.wait_for_url("**/console/ops/search?*q=paku*")
            rows = page.locator("#hits tbody tr.hit")
            assert await rows.count() == 1
            text = await rows.first.locator("td.text").text_content()
            assert text is not None and "⟨phone⟩" in text and "26123456" not in text

            # relabel: the classifier said visit_rules; it is a question about parcels
            await rows.first.locator('select[name="intent"]').select_option("parcels_money")
            await rows.first.locator("form.review button").click()
            await page.wait_for_url("**/console/ops/search?*#entry-*")
            assert await page.locator("#hits .reviewed", has_text="parcels_money").count() == 1

            # export: the button downloads the reviewed messages as Rasa NLU YAML, masked
            async with page.expect_download() as waiting:
                await page.click("#export-reviewed")
            download = await waiting.value
            saved = tmp_path / "exported.yml"
            await download.save_as(str(saved))
        finally:
            await browser.close()
    body = saved.read_text(encoding="utf-8")
    data = yaml.safe_load(body)
    assert "26123456" not in body
    [item] = data["nlu"]
    assert item["intent"] == "parcels_money"
    assert "paku" in item["examples"] and "⟨phone⟩" in item["examples"]
