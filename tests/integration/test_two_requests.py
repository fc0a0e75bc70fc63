"""Two requests in one message, one of them a psychologist (journeys QA, s11).

"my husband is in prison and i want to see a psychologist and also how do i send him money" got only the
money answer, with no way to the booking; "man vajag psihologu un vel gribu zinat par pabalstiem" started the
booking and the benefits were never mentioned. Both must be acknowledged; single requests stay as they were.
"""

from __future__ import annotations

import pytest

from bot.channels.sms_render import SmsRenderer
from bot.channels.sms_segments import count_segments
from bot.messages import Channel, OutboundMessage
from flows.texts import Texts
from nlu.embedded import EmbeddedClassifier
from tests.factories import replies_to
from tests.fakes import FakeSender
from tests.integration.booking_setup import Terminal

pytestmark = pytest.mark.slow

say = replies_to  # one message in, what the person is sent


def labels(answers: list[OutboundMessage]) -> list[str]:
    return [b.label for a in answers for b in a.buttons]


@pytest.mark.parametrize(
    ("text", "topic", "book", "modes"),
    [
        (
            "my husband is in prison and i want to see a psychologist and also how do i send him money",
            "LV15TREL8190468041000",
            "Book a psychologist",
            "How would you prefer to talk to the psychologist?",
        ),
        (
            "хочу к психологу и ещё как передать посылку",
            "LV15TREL8190468041000",
            "Записаться к психологу",
            "Как вам удобнее поговорить с психологом?",
        ),
        (
            "vīrs ir cietumā, man vajag psihologu un kā aizsūtīt naudu?",
            "LV15TREL8190468041000",
            "Pieteikties pie psihologa",
            "Kā jums būtu ērtāk runāt ar psihologu?",
        ),
    ],
)
async def test_a_question_with_a_psychologist_wished_for_offers_the_booking_first(
    make_app, classifier: EmbeddedClassifier, text: str, topic: str, book: str, modes: str
):
    """The question is answered, and its first button starts the booking: "1" asks how they want to talk."""
    app = await make_app(classifier=classifier)
    chat = Terminal(app, "two-book-1")
    answer = await chat.say(text)
    assert topic in answer and f"1. {book}" in answer
    assert modes in await chat.say("1")


async def test_by_sms_the_answer_then_the_booking_s_first_question(
    make_app, classifier: EmbeddedClassifier, sender: FakeSender
):
    app = await make_app(classifier=classifier, senders={Channel.SMS: sender})
    text = "my husband is in prison and i want to see a psychologist and also how do i send him money"
    answers = await say(app, sender, text, user="+37120000011", channel=Channel.SMS)
    renderer = SmsRenderer(Texts.load())
    bodies = [renderer.render(a) for a in answers]
    assert all(count_segments(body).segments <= 2 for body in bodies), bodies
    # the money answer fills its two segments: a "Book a session" number under it was dropped
    assert len(bodies) == 2 and "LV15TREL8190468041000" in bodies[0], bodies
    assert "How would you prefer to talk?" in bodies[1] and "\n1 Video" in bodies[1], bodies
    chosen = await say(app, sender, "2", user="+37120000011", channel=Channel.SMS)
    assert "By phone" in renderer.render(chosen[0]), chosen


@pytest.mark.parametrize(
    ("text", "topic", "modes"),
    [
        ("man vajag psihologu un vel gribu zinat par pabalstiem", "sociālo dienestu", "Videozvans"),
        ("мне нужен психолог и ещё хочу узнать про пособия", "социальной службы", "Видеозвонок"),
        ("хочу записаться к психологу и когда можно на свидание", "Свидания бывают двух", "Видеозвонок"),
        ("I'd like to book a psychologist and also what benefits can I get", "social service", "Video call"),
    ],
)
async def test_a_booking_with_a_question_beside_it_answers_the_question_first(
    make_app, classifier: EmbeddedClassifier, sender: FakeSender, text: str, topic: str, modes: str
):
    """The topic's answer, on its own and without buttons, then the booking's first question with its
    choices; "2" is still the second mode, not a topic."""
    app = await make_app(classifier=classifier)
    answers = await say(app, sender, text, user="two-book-2")
    assert len(answers) == 2
    assert topic in answers[0].text and not answers[0].buttons
    assert modes in labels(answers[1:])
    chosen = await say(app, sender, "2", user="two-book-2")
    assert any(phone in chosen[0].text for phone in ("Pa tālruni.", "По телефону.", "By phone."))


@pytest.mark.parametrize(
    "text",
    [
        "Gribu pieteikties pie psihologa",
        "Хочу записаться к психологу",
        "I want to book a psychologist",
    ],
)
async def test_a_booking_alone_starts_as_before(
    make_app, classifier: EmbeddedClassifier, sender: FakeSender, text: str
):
    app = await make_app(classifier=classifier)
    answers = await say(app, sender, text, user="one-book-1")
    assert len(answers) == 1 and len(answers[0].buttons) == 3  # the modes, nothing before them


@pytest.mark.parametrize(
    ("text", "first"),
    [
        ("kā aizsūtīt paku dēlam", "Vēstules"),
        ("how do I send money to my son in prison", "Letters"),
    ],
)
async def test_a_question_without_a_psychologist_wished_keeps_its_buttons(
    make_app, classifier: EmbeddedClassifier, sender: FakeSender, text: str, first: str
):
    app = await make_app(classifier=classifier)
    shown = labels(await say(app, sender, text, user="one-q-1"))
    assert (
        shown[0] == first and "Book a psychologist" not in shown and "Pieteikties pie psihologa" not in shown
    )


async def test_by_sms_a_booking_with_a_question_beside_it_fits_too(
    make_app, classifier: EmbeddedClassifier, sender: FakeSender
):
    app = await make_app(classifier=classifier, senders={Channel.SMS: sender})
    text = "man vajag psihologu un vel gribu zinat par pabalstiem"
    answers = await say(app, sender, text, user="+37120000012", channel=Channel.SMS)
    renderer = SmsRenderer(Texts.load())
    bodies = [renderer.render(a) for a in answers]
    assert len(bodies) == 2 and all(count_segments(body).segments <= 2 for body in bodies), bodies
    assert "soci" in bodies[0].casefold() and "\n1 " in bodies[1] and "\n1 " not in bodies[0], bodies
