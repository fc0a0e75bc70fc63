"""'Next Friday' said early in the week, at a booking, through the terminal channel, the real NLU and store.

Calendar QA, on Monday 7 December: "nākamajā piektdienā", "в следующую пятницу", "next Friday" and
"nākampiektdien" gave this week's Friday (11 December) without a word, while many people mean next week's
(18 December). Both days are now offered by name and date to pick from; "šajā piektdienā", "в эту пятницу"
and "this Friday" stay this week's.
"""

from __future__ import annotations

import pytest
from aiohttp import web

from bot.clock import ManualClock
from tests.integration.booking_setup import DECEMBER_7, Terminal, at_the_days

pytestmark = pytest.mark.slow


@pytest.fixture
def clock() -> ManualClock:
    return ManualClock(DECEMBER_7)


@pytest.mark.parametrize(
    ("opening", "friday", "both"),
    [
        (
            "Gribu pieteikties pie psihologa",
            "nākamajā piektdienā",
            ("šīs nedēļas dienu (piektdiena, 11. decembris)", "nākamās nedēļas (piektdiena, 18. decembris)"),
        ),
        (
            "Gribu pieteikties pie psihologa",
            "nākampiektdien",
            ("šīs nedēļas dienu (piektdiena, 11. decembris)", "nākamās nedēļas (piektdiena, 18. decembris)"),
        ),
        (
            "Хочу записаться к психологу",
            "в следующую пятницу",
            ("на этой неделе (пятница, 11 декабря)", "на следующей (пятница, 18 декабря)"),
        ),
        (
            "I want to book a psychologist",
            "next Friday",
            ("this week's (Friday 11 December)", "next week's (Friday 18 December)"),
        ),
    ],
)
async def test_next_friday_said_on_monday_offers_both_fridays_by_date(
    app: web.Application, opening: str, friday: str, both: tuple[str, str]
):
    chat = await at_the_days(app, "friday-person", opening)
    answer = await chat.say(friday)
    assert both[0] in answer and both[1] in answer
    times = await chat.say("2")  # next week's
    assert "18. decembris" in times or "18 декабря" in times or "18 December" in times
    assert "11. decembris" not in times and "11 декабря" not in times and "11 December" not in times


async def test_next_friday_in_the_first_message_asks_after_the_mode(app: web.Application):
    chat = Terminal(app, "friday-first")
    await chat.say("Gribu pieteikties pie psihologa nākamajā piektdienā")
    answer = await chat.say("1")  # video
    assert "(piektdiena, 11. decembris)" in answer and "(piektdiena, 18. decembris)" in answer


@pytest.mark.parametrize(
    ("opening", "friday", "day"),
    [
        ("Gribu pieteikties pie psihologa", "šajā piektdienā", "piektdiena, 11. decembris"),
        ("Хочу записаться к психологу", "в эту пятницу", "пятница, 11 декабря"),
        ("I want to book a psychologist", "this Friday", "Friday 11 December"),
    ],
)
async def test_this_friday_is_this_weeks(app: web.Application, opening: str, friday: str, day: str):
    chat = await at_the_days(app, "this-friday", opening)
    answer = await chat.say(friday)
    assert day in answer and "18" not in answer.split(day)[0]
