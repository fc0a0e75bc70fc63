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


@pytest.mark.parametrize(
    ("opening", "refusal", "asked_again"),
    [
        ("Gribu pieteikties pie psihologa", "rīt nevaru", "Labi, izvēlieties citu dienu."),
        ("Gribu pieteikties pie psihologa", "man neder rīt", "Labi, izvēlieties citu dienu."),
        ("Хочу записаться к психологу", "завтра не могу", "Хорошо, выберите другой день."),
    ],
)
async def test_only_a_day_that_does_not_suit_keeps_the_booking_and_asks_for_the_day(
    make_app, classifier: EmbeddedClassifier, opening: str, refusal: str, asked_again: str
):
    # QA, fifth pass: "rīt nevaru" answered "you have no session booked" and the booking was gone (then
    # "sorry, I did not understand"); "man neder rīt" booked tomorrow
    app = await make_app(classifier=classifier)
    chat = Terminal(app, "refusing-person")
    await chat.say(opening)
    await chat.say("1")  # video
    answer = await chat.say(refusal)
    assert asked_again in answer
    assert "Datums:" not in answer and "Дата:" not in answer  # no day taken, tomorrow least of all


async def test_no_while_choosing_a_new_time_keeps_the_session(make_app, classifier: EmbeddedClassifier):
    # QA, fifth pass: "нет, оставьте как есть" at the days of a move asked again, and again
    app = await make_app(classifier=classifier)
    chat = Terminal(app, "keeping-person")
    await chat.say("Хочу записаться к психологу")
    await chat.say("1")
    await chat.say("в пятницу в 10")
    await chat.say("да")
    await chat.say("перенести")
    kept = await chat.say("нет, оставьте всё как есть")
    assert "пятница, 27 ноября" in kept and "10:00" in kept
