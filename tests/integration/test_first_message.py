"""The message many relatives open with, "my son is in prison, what do I do", through the real pipeline and NLU.

It used to get the release checklist (Latvian, Russian) or "I did not understand" (English), at the moment a
person most needs to know where to start.
"""

from __future__ import annotations

import pytest
from aiohttp import web

from bot import keys
from bot.messages import OutboundMessage
from nlu.embedded import EmbeddedClassifier
from tests.factories import inbound
from tests.fakes import FakeSender

pytestmark = pytest.mark.slow


async def say(app: web.Application, sender: FakeSender, text: str, user: str) -> list[OutboundMessage]:
    before = len(sender.sent)
    await app[keys.pipeline].handle(inbound(text, user=user))
    await app[keys.outbox].drain()
    return sender.sent[before:]


@pytest.mark.parametrize(
    ("text", "opening", "visits_button"),
    [
        ("mans dēls ir cietumā, ko darīt", "Žēl, ka jums tas jāpiedzīvo.", "Tikšanās"),
        ("virs aizturets ko tagad darit", "Žēl, ka jums tas jāpiedzīvo.", "Tikšanās"),
        ("мой сын в тюрьме, что делать", "Мне жаль, что вам приходится", "Свидания"),
        ("muzha posadili chto delat", "Мне жаль, что вам приходится", "Свидания"),
        ("my son is in prison what do i do", "I'm sorry you are going through this.", "Visits"),
        ("my husband was just arrested, what now?", "I'm sorry you are going through this.", "Visits"),
    ],
)
async def test_a_relative_who_has_just_ended_up_in_prison_gets_where_to_start(
    make_app, classifier: EmbeddedClassifier, sender: FakeSender, text: str, opening: str, visits_button: str
):
    app = await make_app(classifier=classifier)
    (answer,) = await say(app, sender, text, user="first-1")
    assert answer.text.startswith(opening)
    # where to ask where they are held, the crisis line, the remand minimums (all sourced, facts.md §0, §1, §6)
    assert "pasts@ievp.gov.lv" in answer.text and "116123" in answer.text and "80001801" in answer.text
    labels = [button.label for button in answer.buttons]
    assert labels[0] == visits_button and len(labels) == 5  # visits, money, psychologist, a person, menu


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("dēls cietumā, kā viņam nosūtīt naudu", "LV15TREL8190468041000"),
        ("mans vīrs ir cietumā, gribu viņu apciemot", "Tikšanās ir divu veidu"),
        ("ko darīt, kad vīru atbrīvos", "Ko nokārtot pirmajās dienās pēc atbrīvošanas"),
        ("сын в тюрьме, как перевести ему деньги", "LV15TREL8190468041000"),
    ],
)
async def test_a_situation_with_a_question_still_gets_the_answer_to_the_question(
    make_app, classifier: EmbeddedClassifier, sender: FakeSender, text: str, expected: str
):
    app = await make_app(classifier=classifier)
    (answer,) = await say(app, sender, text, user="first-2")
    assert expected in answer.text
