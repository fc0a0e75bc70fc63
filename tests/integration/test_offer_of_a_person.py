"""The offer of a person after two misunderstandings in a row, answered yes or no as people type it, in
lv, ru and en, through the real pipeline and the trained NLU (QA, eighth pass)."""

from __future__ import annotations

import pytest
from aiohttp import web

from bot import keys
from bot.db.models import Owner
from nlu.embedded import EmbeddedClassifier
from tests.factories import conversations, inbound
from tests.fakes import FakeSender

pytestmark = pytest.mark.slow

OPENING = {"lv": "Labdien", "ru": "Привет", "en": "Hello"}
OFFER = {
    "lv": "Man joprojām nav skaidrs",
    "ru": "Мне всё ещё не ясно",
    "en": "I'm still not sure I understand you",
}
QUEUED = {
    "lv": "Koordinators jums atbildēs šeit pat.",
    "ru": "Координатор ответит вам прямо здесь.",
    "en": "A coordinator will answer you right here.",
}
DECLINED = {
    "lv": "Sapratu. Ja vēlaties, izvēlieties tēmu",
    "ru": "Понятно. Если хотите, выберите тему",
    "en": "Understood. If you like, choose a topic",
}


async def say(app: web.Application, sender: FakeSender, text: str) -> list[str]:
    before = len(sender.sent)
    await app[keys.pipeline].handle(inbound(text))
    await app[keys.outbox].drain()
    return [m.text for m in sender.sent[before:]]


async def offered(app: web.Application, sender: FakeSender, lang: str) -> None:
    """Open in `lang`, then two lines the bot cannot understand: the offer of a person."""
    await say(app, sender, OPENING[lang])
    await say(app, sender, "asdfgh")
    (offer,) = await say(app, sender, "qwerty")
    assert offer.startswith(OFFER[lang])


@pytest.mark.parametrize(
    ("lang", "yes"),
    [
        *(
            ("lv", y)
            for y in ["jā", "ja", "jaa", "Jā!", "jā, lūdzu", "ok", "labi", "vajag", "gribu", "nu gribu"]
        ),
        *(("ru", y) for y in ["да", "da", "nu da", "ну да", "ок", "давайте", "конечно", "хочу", "да, надо"]),
        *(("en", y) for y in ["yes", "yeah", "yep", "ok", "sure", "yes please", "sure, why not", "I want"]),
        ("lv", "да"),  # a yes on the other keyboard is still a yes, and the conversation stays Latvian
        ("ru", "jā"),
    ],
)
async def test_a_typed_yes_to_the_offer_puts_the_person_in_the_queue_in_their_language(
    make_app, classifier: EmbeddedClassifier, sender: FakeSender, lang: str, yes: str
):
    app = await make_app(classifier=classifier)
    await offered(app, sender, lang)
    # "gribu" got the crisis block, "vajag" the offer again, "хочу" a psychologist, "sure, why not" a no
    (queued,) = await say(app, sender, yes)
    assert queued.startswith(QUEUED[lang]), queued
    (conv,) = await conversations(app)
    assert conv.owner == Owner.WAITING and not conv.crisis


@pytest.mark.parametrize(
    ("lang", "no"),
    [
        *(("lv", n) for n in ["nē", "ne", "nee", "nē, paldies", "nē, nevajag", "nevajag"]),
        *(("ru", n) for n in ["нет", "net", "нет, спасибо", "нет, не надо", "не нужно"]),
        *(("en", n) for n in ["no", "nope", "no thanks", "no need", "nah"]),
        ("lv", "нет"),
        ("en", "nē"),
    ],
)
async def test_a_typed_no_to_the_offer_keeps_the_bot_in_their_language(
    make_app, classifier: EmbeddedClassifier, sender: FakeSender, lang: str, no: str
):
    app = await make_app(classifier=classifier)
    await offered(app, sender, lang)
    (declined,) = await say(app, sender, no)
    assert declined.startswith(DECLINED[lang]), declined
    (conv,) = await conversations(app)
    assert conv.owner == Owner.BOT


@pytest.mark.parametrize(
    ("lang", "sound"),
    [("lv", "hmm"), ("lv", "hm"), ("lv", "ēē"), ("ru", "ммм"), ("ru", "хм"), ("en", "mmm"), ("en", "hmmm")],
)
async def test_a_thinking_sound_at_the_offer_asks_again_with_the_buttons_and_queues_nobody(
    make_app, classifier: EmbeddedClassifier, sender: FakeSender, lang: str, sound: str
):
    """QA, ninth pass: "hmm" and "hm" were read as a yes (0.76) and the person put in the queue; "ēē" got
    the prisons' addresses. Unclear: the offer again, with its buttons, and the next "yes" still counts."""
    app = await make_app(classifier=classifier)
    await offered(app, sender, lang)
    before = len(sender.sent)
    await say(app, sender, sound)
    (again,) = sender.sent[before:]
    assert again.text.startswith(OFFER[lang]), again.text
    assert "/human_handoff" in [b.payload for b in again.buttons]
    (conv,) = await conversations(app)
    assert conv.owner == Owner.BOT
    (queued,) = await say(app, sender, {"lv": "jā", "ru": "да", "en": "yes"}[lang])
    assert queued.startswith(QUEUED[lang]), queued
