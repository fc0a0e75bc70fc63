"""The reply language follows the script a person switches to, through the real pipeline and NLU.

People open with "Labdien" or an emoji and then write what they came for in their own language;
the answer, a crisis answer above all, must be in the language they now write.
"""

from __future__ import annotations

import pytest
from aiohttp import web

from bot import keys
from flows.state import ConversationState
from nlu.embedded import EmbeddedClassifier
from tests.factories import conversations, inbound
from tests.fakes import FakeSender

pytestmark = pytest.mark.slow


async def say(app: web.Application, sender: FakeSender, text: str) -> list[str]:
    """One message from the same person; the texts the bot sent back."""
    before = len(sender.sent)
    await app[keys.pipeline].handle(inbound(text))
    await app[keys.outbox].drain()
    return [m.text for m in sender.sent[before:]]


async def test_a_russian_crisis_message_after_a_latvian_greeting_is_answered_in_russian(
    make_app, classifier: EmbeddedClassifier, sender: FakeSender
):
    app = await make_app(classifier=classifier)
    assert "Sveiki!" in (await say(app, sender, "Labdien"))[0]
    numbers = (await say(app, sender, "я больше не могу, хочу умереть"))[0]
    assert "Если чья-то жизнь в опасности, звоните 112" in numbers and "116123" in numbers
    (conv,) = await conversations(app)
    assert conv.crisis and ConversationState.from_json(conv.state).lang == "ru"


async def test_a_person_waiting_for_a_coordinator_is_answered_in_the_language_they_now_write(
    make_app, classifier: EmbeddedClassifier, sender: FakeSender
):
    app = await make_app(classifier=classifier)
    await say(app, sender, "Labdien")
    (queued,) = await say(app, sender, "gribu runāt ar cilvēku")
    assert "rindā" in queued
    (waiting,) = await say(app, sender, "а сколько ещё ждать?")
    assert "Вы по-прежнему в очереди" in waiting


async def test_a_latvian_question_about_writing_in_russian_stays_in_latvian(
    make_app, classifier: EmbeddedClassifier, sender: FakeSender
):
    app = await make_app(classifier=classifier)
    await say(app, sender, "Labdien")
    (answer,) = await say(app, sender, "vai vēstules drīkst rakstīt krieviski?")
    assert "Ieslodzītais var sūtīt un saņemt vēstules" in answer


async def test_latin_letters_without_diacritics_keep_the_language_a_person_chose(
    make_app, classifier: EmbeddedClassifier, sender: FakeSender
):
    app = await make_app(classifier=classifier)
    await say(app, sender, "Здравствуйте")
    (answer,) = await say(app, sender, "kak pisat pisma v tyurmu?")
    assert "Заключённый может отправлять и получать письма" in answer


@pytest.mark.parametrize(
    ("text", "advice"),
    [
        ("mans dēls cietumā grib sev kaut ko nodarīt", "dežūrdaļa"),  # tell the prison's duty office
        ("vīrs mani sit, baidos", "110"),  # the police, and the victims' line
    ],
)
async def test_a_crisis_about_a_prisoner_or_violence_gets_what_to_do_right_after_the_numbers(
    make_app, classifier: EmbeddedClassifier, sender: FakeSender, text: str, advice: str
):
    app = await make_app(classifier=classifier)
    numbers, what_to_do, _queued = await say(app, sender, text)
    assert "112" in numbers and "116123" in numbers
    assert advice in what_to_do


@pytest.mark.parametrize(
    "words", ["negribu vairs gaidīt", "не хочу больше ждать", "I don't want to wait anymore"]
)
async def test_impatience_in_the_queue_gets_where_they_stand_not_the_crisis_block(
    make_app, classifier: EmbeddedClassifier, sender: FakeSender, words: str
):
    app = await make_app(classifier=classifier)
    await say(app, sender, "gribu runāt ar cilvēku")
    replies = await say(app, sender, words)
    assert replies and not any("116123" in reply for reply in replies)  # the queue status, not a crisis
    (conv,) = await conversations(app)
    assert not conv.crisis


async def test_someone_put_in_the_queue_by_a_crisis_word_can_still_get_the_account_number(
    make_app, classifier: EmbeddedClassifier, sender: FakeSender
):
    app = await make_app(classifier=classifier)
    await say(app, sender, "steidzami vajag palīdzību ar naudas pārskaitījumu")  # may read as a crisis
    replies = await say(app, sender, "kāds ir konta numurs?")
    assert any("LV15TREL8190468041000" in reply for reply in replies)  # the IeVP account, sourced


async def test_one_latin_word_after_a_greeting_keeps_the_greetings_language(
    make_app, classifier: EmbeddedClassifier, sender: FakeSender
):
    app = await make_app(classifier=classifier)
    await say(app, sender, "hello")
    (answer,) = await say(app, sender, "parcel")  # the language model alone reads it as Latvian
    assert answer.startswith("Parcels and items handed in")
    (letters,) = await say(app, sender, "ka var nosutit vestuli uz cietumu?")  # a sentence still decides
    assert letters.startswith("Ieslodzītais var sūtīt un saņemt vēstules")
