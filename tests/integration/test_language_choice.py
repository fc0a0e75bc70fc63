"""Which language a conversation is answered in, through the real pipeline and trained NLU (QA, eighth pass).

A line that says nothing of a language (typing noise, "ok", an emoji, a number) keeps the conversation's
language; a message clearly in another language, diacritics or not, moves it; greetings followed by a
farewell are a goodbye in every language.
"""

from __future__ import annotations

import re

import pytest
from aiohttp import web

from bot import keys
from flows.state import ConversationState
from nlu.embedded import EmbeddedClassifier
from tests.factories import conversations, inbound
from tests.fakes import FakeSender

pytestmark = pytest.mark.slow


def latvian(reply: str) -> bool:
    """Latvian letters and no Cyrillic: every Latvian reply has some ("nesapratu", "lūdzu", "tēmu")."""
    return re.search("[āēīūšžčģķļņ]", reply) is not None and re.search("[а-яё]", reply) is None


async def say(app: web.Application, sender: FakeSender, text: str) -> list[str]:
    """One message from the same person; the texts the bot sent back."""
    before = len(sender.sent)
    await app[keys.pipeline].handle(inbound(text))
    await app[keys.outbox].drain()
    return [m.text for m in sender.sent[before:]]


async def language(app: web.Application) -> str | None:
    (conv,) = await conversations(app)
    return ConversationState.from_json(conv.state).lang


@pytest.mark.parametrize("noise", ["asdfgh", "????", "ok", "hmm", "🙂", "123", "ыыыы", "ааааа", "lol lol"])
async def test_a_line_of_no_clear_language_keeps_the_conversations_language(
    make_app, classifier: EmbeddedClassifier, sender: FakeSender, noise: str
):
    app = await make_app(classifier=classifier)
    await say(app, sender, "Labdien")
    replies = await say(app, sender, noise)  # "ыыыы" was answered in Russian, "lol lol" in English
    assert replies and all(latvian(reply) for reply in replies), replies
    assert await language(app) == "lv"


@pytest.mark.parametrize("noise", ["asdfgh", "no", "hmm"])
async def test_a_first_line_of_no_clear_language_is_answered_in_latvian(
    make_app, classifier: EmbeddedClassifier, sender: FakeSender, noise: str
):
    app = await make_app(classifier=classifier)
    await say(app, sender, noise)  # "asdfgh" and "hmm" were answered in English, "no" in Russian
    assert await language(app) == "lv"


@pytest.mark.parametrize(
    ("first", "then", "reply"),
    [
        ("Привет, как записаться на свидание?", "Labdien!", "Sveiki! Es esmu"),
        ("Привет, как записаться на свидание?", "labdien", "Sveiki! Es esmu"),
        ("Привет, как записаться на свидание?", "paldies", "Lūdzu!"),
        ("Привет, как записаться на свидание?", "ka pieteikt tiksanos", "Tikšanās ir divu veidu"),
        ("Hello, how can I visit my son?", "labdien, ka pieteikt tiksanos", "Tikšanās ir divu veidu"),
        # Russian in Latin letters is Russian: answered in Cyrillic, which such a person reads
        ("Labdien, kā var pieteikt tikšanos?", "privet", "Здравствуйте!"),
        ("Labdien, kā var pieteikt tikšanos?", "spasibo", "Пожалуйста!"),
        ("Привет, как записаться на свидание?", "Hello, how can I visit my son in prison?", "There are two"),
        ("Labdien, kā var pieteikt tikšanos?", "Hello, how can I send a letter to my son?", "A prisoner may"),
    ],
)
async def test_a_message_clearly_in_another_language_is_answered_in_it(
    make_app, classifier: EmbeddedClassifier, sender: FakeSender, first: str, then: str, reply: str
):
    app = await make_app(classifier=classifier)
    await say(app, sender, first)
    answers = await say(app, sender, then)
    assert answers[0].startswith(reply), answers[0]


@pytest.mark.parametrize(
    ("text", "goodbye"),
    [
        ("Привет, пока", "Спасибо, что написали."),  # was the welcome, while "Hi, bye" was the goodbye
        ("privet, poka", "Спасибо, что написали."),
        ("Sveiki, atā", "Paldies, ka uzrakstījāt."),
        ("Čau, atā!", "Paldies, ka uzrakstījāt."),
        ("Hi, bye", "Thank you for writing."),
        ("Hello, see you", "Thank you for writing."),
    ],
)
async def test_a_greeting_then_a_farewell_is_a_goodbye_in_every_language(
    make_app, classifier: EmbeddedClassifier, sender: FakeSender, text: str, goodbye: str
):
    app = await make_app(classifier=classifier)
    (answer,) = await say(app, sender, text)
    assert answer.startswith(goodbye)
