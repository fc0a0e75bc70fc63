"""What reaching a topic and being welcomed cost by SMS: each segment costs the helpline money and fills a
push-button phone.

Channels QA: the welcome took two SMS of two segments each (lv, ru); every "0" sent the help line before the
menu, so a topic reached through "0" cost six segments. Through the real webhook, pipeline, outbox and
TwilioSender, counted as carriers count (the fake Twilio API's `num_segments`, from smsutil).
"""

from __future__ import annotations

import re

import pytest

from bot.channels.sms_segments import MAX_SEGMENTS
from flows import faq
from nlu.parse import IntentScore, Parse
from nlu.rules import Rules
from tests.fakes import FakeClassifier
from tests.twilio_fake import SentSms, SmsFactory, SmsHarness

FIRST = {"lv": "Sveiki", "ru": "Здравствуйте", "en": "Hello"}
MENU_WORD = {"lv": "izvēlne", "ru": "меню", "en": "menu"}
NUMBER = {"lv": "+37120000101", "ru": "+37120000102", "en": "+37120000103"}
_LINE = re.compile(r"^(\d{1,2}) ", re.MULTILINE)


class RulesFirst:
    """The real rules (menu words, commands) before FakeClassifier's keywords, as the embedded NLU does."""

    def __init__(self) -> None:
        self.rules = Rules.load()
        self.fake = FakeClassifier({**FakeClassifier().keywords, "здравствуйте": "greet"})

    async def parse(self, text: str) -> Parse:
        guess = await self.fake.parse(text)
        match = self.rules.match(text)
        if match is None:
            return guess
        score = (IntentScore(match.intent, 1.0),)
        return Parse(text, match.intent, 1.0, score, guess.language, match.entities)


@pytest.fixture
async def sms(make_sms: SmsFactory) -> SmsHarness:
    return await make_sms(classifier=RulesFirst())


async def _say(sms: SmsHarness, lang: str, text: str) -> list[SentSms]:
    assert await sms.sms(text, NUMBER[lang]) == 200
    return await sms.deliver()


def _main_menu(body: str) -> bool:
    return [int(n) for n in _LINE.findall(body)] == list(range(1, len(faq.MAIN_MENU) + 1))


@pytest.mark.parametrize("lang", ["lv", "ru", "en"])
async def test_zero_and_the_menu_word_send_the_menu_alone(sms: SmsHarness, lang: str):
    await _say(sms, lang, FIRST[lang])
    for asked in ("0", MENU_WORD[lang]):
        (menu,) = await _say(sms, lang, asked)  # one SMS: no help line before it
        assert _main_menu(menu.body) and menu.num_segments <= MAX_SEGMENTS, (asked, menu.body)
    (topic,) = await _say(sms, lang, "2")
    assert topic.num_segments <= MAX_SEGMENTS


async def test_asking_for_help_in_words_still_gets_the_help_line(sms: SmsHarness):
    await _say(sms, "lv", FIRST["lv"])
    help_line, menu = await _say(sms, "lv", "/help")  # "ko tu proti?", "kā tas strādā?"
    assert "STOP" in help_line.body and _main_menu(menu.body)


@pytest.mark.parametrize(("lang", "most"), [("lv", 3), ("ru", 3), ("en", 2)])
async def test_the_welcome_costs_one_segment_before_the_menu_and_says_how_to_stop(
    sms: SmsHarness, lang: str, most: int
):
    welcome, menu = await _say(sms, lang, FIRST[lang])
    assert welcome.num_segments == 1 and "STOP" in welcome.body, welcome.body
    assert _main_menu(menu.body)
    assert welcome.num_segments + menu.num_segments <= most
