"""Saying which day does not suit, at the booking's day question, through the real NLU and booking store.

"labāk ne rīt, bet ceturtdien" was read by the model as a crisis (0.57) and got the crisis block, the
violence advice and a place at the head of the coordinators' queue; "не могу завтра, лучше в пятницу" too.
"""

from __future__ import annotations

import pytest
from sqlalchemy import select

from bot import keys
from bot.db.models import Conversation
from nlu.embedded import EmbeddedClassifier
from tests.integration.test_booking_chat import Terminal

pytestmark = pytest.mark.slow


@pytest.mark.parametrize(
    ("opening", "refusal", "day_offered"),
    [
        ("Gribu pieteikties pie psihologa", "labāk ne rīt, bet ceturtdien", "ceturtdiena, 26. novembris"),
        ("Хочу записаться к психологу", "не могу завтра, лучше в пятницу", "пятница, 27 ноября"),
        ("I want to book a psychologist", "not tomorrow, thursday please", "Thursday 26 November"),
    ],
)
async def test_the_day_that_does_not_suit_is_not_a_crisis_and_the_other_day_is_offered(
    make_app, classifier: EmbeddedClassifier, opening: str, refusal: str, day_offered: str
):
    app = await make_app(classifier=classifier)  # Monday 23 November 2026, 10:00
    chat = Terminal(app, "day-person")
    await chat.say(opening)
    await chat.say("1")  # video
    answer = await chat.say(refusal)
    assert "112" not in answer and "116123" not in answer
    assert day_offered in answer
    async with app[keys.sessionmaker]() as session:
        (crisis,) = (await session.execute(select(Conversation.crisis))).scalars()
    assert not crisis


@pytest.mark.parametrize(
    ("opening", "day", "hour", "confirmed"),
    [
        ("Gribu pieteikties pie psihologa", "piektdien", "plkst. 10", "Datums: piektdiena, 27. novembris"),
        ("Хочу записаться к психологу", "в пятницу", "в 10 утра", "Дата: пятница, 27 ноября"),
    ],
)
async def test_an_hour_typed_after_the_day_is_that_days_hour(
    make_app, classifier: EmbeddedClassifier, opening: str, day: str, hour: str, confirmed: str
):
    # QA, fifth pass: "piektdien", then "plkst. 10", confirmed Tuesday 10:00 (tomorrow), inside the 24 h
    # within which the person can no longer move it themselves
    app = await make_app(classifier=classifier)  # Monday 23 November 2026, 10:00
    chat = Terminal(app, "hour-person")
    await chat.say(opening)
    await chat.say("1")  # video
    await chat.say(day)
    confirm = await chat.say(hour)
    assert confirmed in confirm and "10:00" in confirm
