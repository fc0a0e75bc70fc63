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
from nlu.embedded import EmbeddedClassifier
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


@pytest.mark.parametrize(
    ("opening", "friday_at_11", "booked_day"),
    [
        ("Gribu pieteikties pie psihologa", "nākamajā piektdienā 11:00", "piektdiena, 18. decembris"),
        ("Gribu pieteikties pie psihologa", "nākampiektdien plkst. 11", "piektdiena, 18. decembris"),
        ("Хочу записаться к психологу", "в следующую пятницу в 11:00", "пятница, 18 декабря"),
        ("I want to book a psychologist", "next Friday at 11am", "Friday 18 December"),
    ],
)
async def test_next_friday_with_an_hour_keeps_the_hour_once_the_friday_is_picked(
    make_app, classifier: EmbeddedClassifier, opening: str, friday_at_11: str, booked_day: str
):
    """Calendar QA: "next Friday at 3pm" asked which Friday, and then showed that day's times as if no hour
    had been said; the hour typed is the one to confirm (or to say is not free), not to ask for again."""
    app = await make_app(classifier=classifier)
    chat = Terminal(app, "friday-hour")
    await chat.say(opening)
    await chat.say("1")  # video
    answer = await chat.say(friday_at_11)
    assert "11:00" in answer  # the buttons say the hour goes with the day
    confirm = await chat.say("2")  # next week's
    assert booked_day in confirm and "11:00" in confirm
    assert "12:00" not in confirm  # no list of that day's times: the hour asked for is confirmed


@pytest.mark.parametrize(
    ("opening", "friday_at_3", "not_free"),
    [
        (
            "Gribu pieteikties pie psihologa",
            "nākamajā piektdienā 15:00",
            "(piektdiena, 18. decembris, plkst. 15:00) brīva laika nav",
        ),
        (
            "Gribu pieteikties pie psihologa",
            "nākampiektdien pulksten trijos",
            "(piektdiena, 18. decembris, plkst. 15:00) brīva laika nav",
        ),
        (
            "Хочу записаться к психологу",
            "в следующую пятницу в три часа",
            "(пятница, 18 декабря, 15:00) свободных мест нет",
        ),
        (
            "Хочу записаться к психологу",
            "в следующую пятницу в 15:00",
            "(пятница, 18 декабря, 15:00) свободных мест нет",
        ),
        ("I want to book a psychologist", "next Friday at 3pm", "(Friday 18 December, 15:00) is not free"),
    ],
)
async def test_next_friday_at_an_hour_that_is_not_free_says_so_with_the_nearest_times(
    make_app, classifier: EmbeddedClassifier, opening: str, friday_at_3: str, not_free: str
):
    app = await make_app(classifier=classifier)
    chat = Terminal(app, "friday-three")
    await chat.say(opening)
    await chat.say("1")  # video
    await chat.say(friday_at_3)
    nearest = await chat.say("2")  # next week's: the psychologists work until 13:00 on Fridays
    assert not_free in nearest
    assert "\n1. " in nearest and "15:00\n" not in nearest  # the nearest free times, as buttons


async def test_next_friday_with_an_hour_in_the_first_message_keeps_it_after_the_mode(
    make_app, classifier: EmbeddedClassifier
):
    app = await make_app(classifier=classifier)
    chat = Terminal(app, "friday-hour-first")
    await chat.say("Gribu pieteikties pie psihologa nākamajā piektdienā 11:00")
    answer = await chat.say("1")  # video
    assert "Pk 11.12. 11:00" in answer and "Pk 18.12. 11:00" in answer
    confirm = await chat.say("1")  # this week's
    assert "piektdiena, 11. decembris" in confirm and "11:00" in confirm and "12:00" not in confirm


@pytest.mark.parametrize(
    ("opening", "friday_at_11", "answer", "booked_day"),
    [
        (
            "Gribu pieteikties pie psihologa",
            "nākamajā piektdienā 11:00",
            "nākamās nedēļas",
            "piektdiena, 18. decembris",
        ),
        (
            "Gribu pieteikties pie psihologa",
            "nākamajā piektdienā 11:00",
            "nākamo",
            "piektdiena, 18. decembris",
        ),
        ("Gribu pieteikties pie psihologa", "nākamajā piektdienā 11:00", "18.", "piektdiena, 18. decembris"),
        (
            "Gribu pieteikties pie psihologa",
            "nākamajā piektdienā 11:00",
            "šīs nedēļas",
            "piektdiena, 11. decembris",
        ),
        (
            "Gribu pieteikties pie psihologa",
            "nākamajā piektdienā 11:00",
            "18. decembrī",
            "piektdiena, 18. decembris",
        ),
        ("Хочу записаться к психологу", "в следующую пятницу в 11", "на следующей", "пятница, 18 декабря"),
        ("Хочу записаться к психологу", "в следующую пятницу в 11", "на этой неделе", "пятница, 11 декабря"),
        ("I want to book a psychologist", "next Friday at 11am", "next week's", "Friday 18 December"),
    ],
)
async def test_which_friday_answered_in_words_keeps_the_hour(
    make_app, classifier: EmbeddedClassifier, opening: str, friday_at_11: str, answer: str, booked_day: str
):
    """Calendar QA: "nākamās nedēļas" typed to "this week's or next week's?" showed all of next week's days,
    and "18." that day's times: the hour said, and the Friday, were both lost."""
    app = await make_app(classifier=classifier)
    chat = Terminal(app, "friday-words")
    await chat.say(opening)
    await chat.say("1")  # video
    await chat.say(friday_at_11)
    reply = await chat.say(answer)
    assert booked_day in reply and "11:00" in reply
    assert "12:00" not in reply  # not that day's times to pick from again: the hour said is kept
