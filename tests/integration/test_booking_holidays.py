"""Easter, Midsummer and "after the holidays" said at a booking's days, through the terminal channel, the real
NLU and store.

Calendar QA: "pēc svētkiem" typed in January, "pēc Lieldienām", "на Пасху", "after Easter" were "I did not
understand" and the days again; "Jāņos" was taken for a goodbye, and the booking was gone. The days of those
stretches come from the `holidays` package (Easter 2027 is 28 March), offered inside the booking window, or
the day booking opens to when they are beyond it.
"""

from __future__ import annotations

from datetime import datetime

import pytest

from bot.clock import ManualClock
from nlu.embedded import EmbeddedClassifier
from tests.conftest import RIGA
from tests.integration.booking_setup import Terminal

pytestmark = pytest.mark.slow


@pytest.fixture
def clock() -> ManualClock:
    return ManualClock(datetime(2026, 12, 7, 14, 0, tzinfo=RIGA))  # Monday; bookable until 4 January


@pytest.mark.parametrize(
    ("opening", "holiday", "said"),
    [
        ("Gribu pieteikties pie psihologa", "pēc Lieldienām", "var izvēlēties dienas līdz 4.01. (ieskaitot)"),
        ("Gribu pieteikties pie psihologa", "Jāņos", "var izvēlēties dienas līdz 4.01. (ieskaitot)"),
        ("Хочу записаться к психологу", "на Пасху", "можно выбрать дни по 4.01 включительно"),
        ("I want to book a psychologist", "after Easter", "days up to 4.01 can be chosen now"),
        ("I want to book a psychologist", "midsummer", "days up to 4.01 can be chosen now"),
    ],
)
async def test_easter_and_midsummer_in_december_say_how_far_booking_is_open(
    make_app, classifier: EmbeddedClassifier, opening: str, holiday: str, said: str
):
    app = await make_app(classifier=classifier)
    chat = Terminal(app, "spring-planner")
    await chat.say(opening)
    await chat.say("1")  # video
    answer = await chat.say(holiday)
    assert said in answer
    assert "1. " in answer  # the nearest open days, the booking still open


@pytest.mark.parametrize(
    ("opening", "holiday", "stretch", "offered", "not_offered"),
    [
        (
            "Gribu pieteikties pie psihologa",
            "pēc Lieldienām",
            "No 30.03. līdz 7.04. brīvs laiks",
            "Ot 30.03.",
            "Pr 29.03.",
        ),
        (
            "Хочу записаться к психологу",
            "на Пасху",
            "с 26.03 по 29.03 свободного времени нет",  # only Saturday is open, with no Russian speaker
            "Ср 31.03",
            "Пт 26.03",
        ),
        (
            "I want to book a psychologist",
            "after Easter",
            "From 30.03 to 7.04 there is free time",
            "Tue 30.03",
            "Mon 29.03",
        ),
    ],
)
async def test_easter_inside_the_window_offers_its_open_days(
    make_app,
    classifier: EmbeddedClassifier,
    clock: ManualClock,
    opening: str,
    holiday: str,
    stretch: str,
    offered: str,
    not_offered: str,
):
    clock.advance(days=93)  # Wednesday 10 March 2027: bookable until 7 April
    app = await make_app(classifier=classifier)
    chat = Terminal(app, "easter-person")
    await chat.say(opening)
    await chat.say("1")  # video
    answer = await chat.say(holiday)
    assert stretch in answer and offered in answer
    assert not_offered not in answer  # Good Friday and Easter Monday are public holidays


@pytest.mark.parametrize(
    ("opening", "after", "stretch", "offered"),
    [
        ("Gribu pieteikties pie psihologa", "pēc svētkiem", "No 4.01. līdz 10.01. brīvs laiks", "Ot 5.01."),
        ("Хочу записаться к психологу", "после праздников", "С 4.01 по 10.01 свободное время", "Ср 6.01"),
    ],
)
async def test_after_the_holidays_typed_in_january_is_after_the_winter_ones(
    make_app,
    classifier: EmbeddedClassifier,
    clock: ManualClock,
    opening: str,
    after: str,
    stretch: str,
    offered: str,
):
    clock.advance(days=28)  # Monday 4 January 2027
    app = await make_app(classifier=classifier)
    chat = Terminal(app, "january-person")
    await chat.say(opening)
    await chat.say("1")  # video
    answer = await chat.say(after)
    assert stretch in answer and offered in answer


@pytest.mark.parametrize(
    ("opening", "weekend", "said", "offered"),
    [
        (
            "Gribu pieteikties pie psihologa",
            "nedēļas nogalē",
            "No 12.12. līdz 13.12. brīvs laiks",
            "Se 12.12.",
        ),
        (
            "Gribu pieteikties pie psihologa",
            "nākamajā nedēļas nogalē",
            "No 19.12. līdz 20.12. brīvs laiks",
            "Se 19.12.",
        ),
        ("Хочу записаться к психологу", "на выходных", "с 12.12 по 13.12 свободного времени нет", "1. "),
        (
            "I want to book a psychologist",
            "this weekend",
            "From 12.12 to 13.12 there is free time",
            "Sat 12.12",
        ),
    ],
)
async def test_the_weekend_at_the_days_offers_saturday_and_sunday(
    make_app, classifier: EmbeddedClassifier, opening: str, weekend: str, said: str, offered: str
):
    # calendar QA: "nedēļas nogalē", "на выходных", "this weekend" were "I did not understand", and
    # "nākamajā nedēļas nogalē" the whole of next week
    app = await make_app(classifier=classifier)
    chat = Terminal(app, "weekend-person")
    await chat.say(opening)
    await chat.say("1")  # video
    answer = await chat.say(weekend)
    assert said in answer and offered in answer


@pytest.mark.parametrize(
    ("opening", "holiday", "said"),
    [
        (
            "Gribu pieteikties pie psihologa",
            "Ziemassvētkos",
            "no 24.12. līdz 26.12. ir svētku dienas, un konsultāciju tajās nav.",
        ),
        (
            "Хочу записаться к психологу",
            "на Новый год",
            "с 31.12 по 1.01 — праздничные дни, консультаций нет.",
        ),
        (
            "I want to book a psychologist",
            "at Christmas",
            "24.12 to 26.12 are public holidays, with no sessions.",
        ),
    ],
)
async def test_christmas_or_new_year_itself_is_said_to_be_closed_with_the_nearest_days(
    make_app, classifier: EmbeddedClassifier, opening: str, holiday: str, said: str
):
    # calendar QA: "Ziemassvētkos", "на Новый год", "at Christmas" were "I did not understand"
    app = await make_app(classifier=classifier)
    chat = Terminal(app, "christmas-person")
    await chat.say(opening)
    await chat.say("1")  # video
    answer = await chat.say(holiday)
    assert said in answer and "1. " in answer
