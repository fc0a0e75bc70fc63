"""A month, or a part of it, said at a booking's days, through the terminal channel, the real NLU and store.

Calendar QA, on Monday 7 December: "janvāra sākumā" at the days was read as a wish for the menu (help, 0.99:
"sākums" is the start page), the menu came up and the booking was gone; "janvārī", "в начале января" and
"early January" were "I did not understand" or a question about legal help.
"""

from __future__ import annotations

import pytest
from aiohttp import web

from bot.clock import ManualClock
from tests.integration.booking_setup import DECEMBER_7, at_the_days

pytestmark = pytest.mark.slow


@pytest.fixture
def clock() -> ManualClock:
    return ManualClock(DECEMBER_7)


@pytest.mark.parametrize(
    ("opening", "month", "stretch", "offered"),
    [
        ("Gribu pieteikties pie psihologa", "janvāra sākumā", "No 1.01. līdz 10.01. brīvs laiks", "Se 2.01."),
        ("Gribu pieteikties pie psihologa", "janvārī", "No 1.01. līdz 31.01. brīvs laiks", "Pr 4.01."),
        ("Хочу записаться к психологу", "в начале января", "С 1.01 по 10.01 свободное время", "Пн 4.01"),
        (
            "I want to book a psychologist",
            "early January",
            "From 1.01 to 10.01 there is free time",
            "Sat 2.01",
        ),
    ],
)
async def test_a_month_at_the_days_offers_its_days_and_keeps_the_booking(
    app: web.Application, opening: str, month: str, stretch: str, offered: str
):
    chat = await at_the_days(app, "month-person", opening)
    answer = await chat.say(month)
    assert stretch in answer and offered in answer
    assert "1.01" not in answer.split(stretch)[1]  # 1 January is a public holiday: not offered
    confirm = await chat.say("1")  # the first of its days: still booking
    assert "2. janvāris" in confirm or "4 января" in confirm or "2 January" in confirm


async def test_the_end_of_december_offers_no_public_holiday(app: web.Application):
    chat = await at_the_days(app, "december-person", "Gribu pieteikties pie psihologa")
    answer = await chat.say("decembra beigās")
    assert "No 21.12. līdz 31.12. brīvs laiks" in answer
    assert "Pr 28.12." in answer
    for holiday in ("Ce 24.12.", "Pk 25.12.", "Se 26.12.", "Ce 31.12."):  # Christmas, New Year's Eve
        assert holiday not in answer


@pytest.mark.parametrize(
    ("opening", "holiday", "said", "not_said"),
    [
        (
            "Gribu pieteikties pie psihologa",
            "24.12",
            "(ceturtdiena, 24. decembris) ir svētku diena",
            "brīva laika nav",
        ),
        (
            "Хочу записаться к психологу",
            "25 декабря",
            "(пятница, 25 декабря) — праздничный",
            "свободного времени нет",
        ),
        (
            "I want to book a psychologist",
            "31 December",
            "(Thursday 31 December) is a public holiday",
            "no free time",
        ),
    ],
)
async def test_a_public_holiday_asked_for_is_said_to_be_one_not_full(
    app: web.Application, opening: str, holiday: str, said: str, not_said: str
):
    # calendar QA: Christmas and New Year's Eve were "there is no free time on that day" (by SMS "that day is
    # full"), as if every time had been taken
    chat = await at_the_days(app, "holiday-person", opening)
    answer = await chat.say(holiday)
    assert said in answer and not_said not in answer
    assert "1. " in answer  # the nearest days with free times


@pytest.mark.parametrize(
    ("opening", "later", "said"),
    [
        ("Gribu pieteikties pie psihologa", "15. janvārī", "var izvēlēties dienas līdz 4.01. (ieskaitot)"),
        (
            "Gribu pieteikties pie psihologa",
            "15. janvārī plkst. 10",
            "var izvēlēties dienas līdz 4.01. (ieskaitot)",
        ),
        ("Хочу записаться к психологу", "в середине января", "можно выбрать дни по 4.01 включительно"),
        ("I want to book a psychologist", "20 January", "days up to 4.01 can be chosen now"),
    ],
)
async def test_a_day_beyond_the_booking_horizon_is_not_yet_open_neither_full_nor_offered(
    app: web.Application, opening: str, later: str, said: str
):
    # calendar QA on 7 December (sessions are offered 28 days ahead, to 4 January): "15. janvārī" had its
    # times offered and booked, "15. janvārī plkst. 10" was "no free time here at the moment" and the
    # booking was gone, "в середине января" and "20 January" were "no free time" as if all were taken
    chat = await at_the_days(app, "early-planner", opening)
    answer = await chat.say(later)
    assert said in answer
    assert "janvāris" not in answer and "января" not in answer and "January" not in answer
    assert "1. " in answer  # the nearest open days


@pytest.mark.parametrize(
    ("opening", "holidays", "stretch", "offered"),
    [
        (
            "Gribu pieteikties pie psihologa",
            "pirms Ziemassvētkiem",
            "No 7.12. līdz 23.12. brīvs laiks",
            "Ot 8.12.",
        ),
        ("Gribu pieteikties pie psihologa", "pēc Jaunā gada", "No 2.01. līdz 10.01. brīvs laiks", "Se 2.01."),
        ("Хочу записаться к психологу", "между праздниками", "С 27.12 по 30.12 свободное время", "Пн 28.12"),
        ("Хочу записаться к психологу", "после Нового года", "С 2.01 по 10.01 свободное время", "Пн 4.01"),
        (
            "I want to book a psychologist",
            "before Christmas",
            "From 7.12 to 23.12 there is free time",
            "Tue 8.12",
        ),
        (
            "I want to book a psychologist",
            "after New Year",
            "From 2.01 to 10.01 there is free time",
            "Sat 2.01",
        ),
    ],
)
async def test_the_holidays_said_at_the_days_offer_the_days_of_that_stretch(
    app: web.Application, opening: str, holidays: str, stretch: str, offered: str
):
    # calendar QA: "pirms Ziemassvētkiem" was "I did not understand" and the days again, "между праздниками"
    # the answer about family days with the booking put aside
    chat = await at_the_days(app, "holidays-person", opening)
    answer = await chat.say(holidays)
    assert stretch in answer and offered in answer
    for closed in ("24.12", "25.12", "26.12", "31.12", "1.01"):  # public holidays are not offered
        assert closed not in answer.split(stretch)[1]
    for beyond in ("5.01", "6.01", "7.01", "8.01", "9.01"):  # the booking window ends on 4 January
        assert beyond not in answer.split(stretch)[1]
