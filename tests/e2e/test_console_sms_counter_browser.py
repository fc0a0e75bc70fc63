"""The reply box's SMS counter in a real headless Chromium: static/sms.js counts as the server sends.

Coordinators pay per segment. sms.js repeats in the browser what bot.channels.sms_segments, sms_render and
bot.console.label do on the server (GSM-7 160/153 with extension characters costing two, UCS-2 70/67, the
look-alike swap, the coordinator label where the server adds it); these tests run both on the same texts,
including the boundaries, and check that the number shown before Send is the number of segments sent.
"""

from __future__ import annotations

from typing import Any

import pytest
from aiohttp.test_utils import TestServer

from bot import keys
from bot.channels.sms_render import SmsRenderer, shows_label
from bot.channels.sms_segments import _LOOKALIKES as LOOKALIKES
from bot.channels.sms_segments import GSM7_BASIC, GSM7_EXTENSION, MAX_SEGMENTS, count_segments, gsm_friendly
from bot.console.sms_counter import PLURAL_SAMPLES
from bot.messages import Channel, labelled
from tests.e2e.console_browser import CHROMIUM, browser, eventually, login, person, server, settings
from tests.fakes import FakeSender
from tests.web.console_support import add_staff

playwright_api = pytest.importorskip("playwright.async_api")
__all__ = ["browser", "server", "settings"]  # fixtures

pytestmark = pytest.mark.skipif(not CHROMIUM.exists(), reason="Debian's chromium is not installed")

ILZE = "ilze@helpline.example"
LATVIAN = "Labdien! Tikšanos var pieteikt portālā Latvija.lv vai pašā iestādē."
TEXTS = [
    "Hello", "  Labdien  \n", "a" * 160, "a" * 161, "a" * 306, "a" * 307,  # GSM-7 at its boundaries
    "€" * 80, "€" * 81, "a" * 152 + "€", "a" * 152 + "€" * 76, "a" * 152 + "€" * 77,  # € costs two
    "Cena 5 € [ID] ~ {ok}", LATVIAN, "ā" * 70, "ā" * 71, "ā" * 134, "ā" * 135,  # one ā: UCS-2 70/67
    "Здравствуйте! Как можно передать посылку?", "Здравствуйте" * 11, "Ж" * 67 + "\n" + "Ж" * 67,
    "Hello – “quoted” … ok", "Labdien – jā", "a" * 158 + "…",  # look-alikes made plain only if GSM-7 follows
    "😀" * 35, "😀" * 36, "a" * 66 + "😀" + "a" * 4,  # a character beyond U+FFFF is a surrogate pair
    "\u001c hi \u0085", "\ufeffhi", "   ",  # Python's strip, not JavaScript's trim
]  # fmt: skip
LABELS = ["Koordinators", "Координатор", "Coordinator"]


def _base(server: TestServer) -> str:
    return str(server.make_url("")).rstrip("/")


def _server_body(text: str, label: str, owed: bool) -> str:
    """What console/actions.reply and the SMS renderer send: label.coordinator_label's rule, then render."""
    shown = label if shows_label(label, text, owed=owed) else None
    return gsm_friendly(labelled(text.strip(), shown))


async def _sms_page(server: TestServer, browser: Any) -> tuple[Any, int]:
    app, base = server.app, _base(server)
    await add_staff(app, ILZE, "coordinator", "Ilze", language="lv")
    conversation = await person(app, "/human_handoff", "+37120000091", channel=Channel.SMS)
    ilze = await login(browser, base, ILZE)
    await ilze.goto(f"{base}/console/conversations/{conversation}")
    await ilze.click("#claim")
    await ilze.wait_for_selector("#sms-count")
    return ilze, conversation


async def test_the_counter_counts_as_the_server_does(server: TestServer, browser: Any):
    page, _ = await _sms_page(server, browser)
    basic, extension = await page.evaluate("[HelplineSms.GSM7_BASIC, HelplineSms.GSM7_EXTENSION]")
    assert (set(basic), len(basic), set(extension)) == (GSM7_BASIC, len(GSM7_BASIC), GSM7_EXTENSION)
    assert await page.evaluate("HelplineSms.LOOKALIKES") == {chr(k): v for k, v in LOOKALIKES.items()}
    cases = [[text, label, owed] for text in TEXTS for label in LABELS for owed in (True, False)]
    found = await page.evaluate(
        """(cases) => cases.map(([text, label, owed]) => {
             const c = HelplineSms.count(text);
             return [c.encoding, c.units, c.segments, c.characters, HelplineSms.gsmFriendly(text),
                     HelplineSms.strip(text), HelplineSms.body(text, label, owed, 2)];
           })""",
        cases,
    )
    for (text, label, owed), got in zip(cases, found, strict=True):
        count = count_segments(text)
        expected = [str(count.encoding), count.units, count.segments, count.characters, gsm_friendly(text),
                     text.strip(), _server_body(text, label, owed)]  # fmt: skip
        assert got == expected, (text, label, owed)


async def test_the_counter_speaks_the_coordinators_language_with_its_plurals(
    server: TestServer, browser: Any
):
    page, _ = await _sms_page(server, browser)
    catalogs = server.app[keys.console_catalogs]
    numbers = list(range(0, 250)) + [1001, 1011, 1021, 4000]
    for language, samples in PLURAL_SAMPLES.items():
        tr = catalogs.get(language)
        for singular, plural in (("%(n)s character", "%(n)s characters"), ("%(n)s SMS", "%(n)s SMS")):
            forms = [tr.ngettext(singular, plural, n) for n in samples]
            shown = await page.evaluate(
                "([forms, language, numbers]) => numbers.map((n) => HelplineSms.plural(forms, language, n))",
                [forms, language, numbers],
            )
            assert shown == [tr.ngettext(singular, plural, n) % {"n": n} for n in numbers], (
                language,
                singular,
            )


async def test_the_counter_follows_the_typing_and_says_what_the_sent_sms_costs(
    server: TestServer, browser: Any, sender: FakeSender
):
    page, conversation = await _sms_page(server, browser)
    counter = page.locator("#sms-count")
    assert await counter.text_content() == "0 rakstzīmes, 0 īsziņas"
    await page.fill("#reply", "a" * 150)  # one segment alone; the owed "Koordinators:\n" makes it 164: two
    assert await counter.text_content() == "150 rakstzīmes, 2 īsziņas"
    await page.fill("#reply", "ā" * 21)  # UCS-2; 21 ends in 1: the singular
    assert await counter.text_content() == "21 rakstzīme, 1 īsziņa"
    await page.fill("#reply", LATVIAN * 3)  # 201 UCS-2 characters: 3 parts of 67; the label would add a 4th
    assert len(LATVIAN) * 3 == 201 and await counter.text_content() == "201 rakstzīme, 3 īsziņas"
    assert "over" in (await counter.get_attribute("class") or "")  # past the two segments aimed at
    await page.click("button.canned-reply >> nth=0")  # a canned reply is counted too
    canned = await page.input_value("#reply")
    shown = await counter.text_content()
    assert shown and shown.startswith(f"{len(canned)} rakstzīm")
    typed = "Labdien! Jā, pakas var sūtīt arī pa pastu; rakstiet, ja vajag adresi."
    await page.fill("#reply", typed)
    shown = await counter.text_content()
    before = len(sender.sent)
    await page.click("#send")
    await eventually(lambda: len(sender.sent) > before)
    renderer = SmsRenderer(server.app[keys.texts])
    sms = renderer.render(sender.sent[-1])
    assert sender.sent[-1].label == "Koordinators" and sms.startswith("Koordinators:\n")
    segments = count_segments(sms).segments
    assert shown == f"{len(typed)} rakstzīmes, {segments} {'īsziņa' if segments == 1 else 'īsziņas'}"
    assert count_segments(sms).segments <= MAX_SEGMENTS
