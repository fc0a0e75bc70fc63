"""A booking left open while the clock goes on, through the terminal channel and the real booking store.

Calendar QA: a "jā" typed days after the confirmation, to a time that had meanwhile passed, or a few hours
later, to a time now nearer than the booking lead (12 h), was answered "Atvainojiet, šo laiku tikko aizņēma
kāds cits" (someone else has just taken this time). Nobody had: time had gone on.
"""

from __future__ import annotations

import pytest

from bot.clock import ManualClock
from tests.fakes import FakeClassifier
from tests.integration.booking_setup import Terminal, at_the_days

KEYWORDS = {
    "psihologa": "book_counselling",
    "психологу": "book_counselling",
    "psychologist": "book_counselling",
}
YES = {"jā": "affirm", "да": "affirm", "yes": "affirm"}

# (opening, yes, the first time offered, what "taken" says, what a passed time says, what a too near one says)
LANGUAGES = [
    ("Gribu pieteikties pie psihologa", "jā", "otrdiena, 24. novembris", "aizņēma", "jau ir pagājis", "12 h"),
    ("Хочу записаться к психологу", "да", "среда, 25 ноября", "занял", "уже прошло", "за 12 ч"),
    (
        "I want to book a psychologist",
        "yes",
        "Tuesday 24 November",
        "taken this time",
        "already passed",
        "12 h",
    ),
]
# Tuesday 24 November 09:00 (Edgars, lv and en) and Wednesday 25 November 12:00 (Anna, lv and ru) are the
# first times of the demo psychologists who speak the language; 8 h and 11 h before them
TOO_NEAR = {"otrdiena, 24. novembris": 15, "среда, 25 ноября": 39, "Tuesday 24 November": 15}


async def _at_the_confirmation(make_app, opening: str, day: str) -> Terminal:  # type: ignore[no-untyped-def]
    app = await make_app(classifier=FakeClassifier({**KEYWORDS, **YES}))  # Monday 23 November 2026, 10:00
    chat = await at_the_days(app, "slow-person", opening)
    await chat.say("1")  # the first day
    confirm = await chat.say("1")  # its first time
    assert day in confirm
    return chat


@pytest.mark.parametrize(("opening", "yes", "day", "taken", "passed", "_"), LANGUAGES)
async def test_a_yes_after_the_time_has_passed_says_it_has_passed_not_that_someone_took_it(
    make_app, clock: ManualClock, opening: str, yes: str, day: str, taken: str, passed: str, _: str
):
    chat = await _at_the_confirmation(make_app, opening, day)
    clock.advance(days=3)  # back on Thursday: the time on Tuesday or Wednesday is gone
    answer = await chat.say(yes)
    assert taken not in answer
    assert passed in answer
    assert "1. " in answer  # the nearest free times, to pick from


@pytest.mark.parametrize(("opening", "yes", "day", "taken", "_", "too_near"), LANGUAGES)
async def test_a_yes_when_the_time_is_too_near_to_book_says_so_not_that_someone_took_it(
    make_app, clock: ManualClock, opening: str, yes: str, day: str, taken: str, _: str, too_near: str
):
    chat = await _at_the_confirmation(make_app, opening, day)
    clock.advance(hours=TOO_NEAR[day])  # the time is nearer than the 12 h lead, not yet passed
    answer = await chat.say(yes)
    assert taken not in answer
    assert too_near in answer


@pytest.mark.parametrize(
    ("opening", "hello", "greeted", "go_on"),
    [
        ("Gribu pieteikties pie psihologa", "labdien", "Sveiki! Jūsu pieteikšanās", "Turpināt pieteikšanos"),
        ("Хочу записаться к психологу", "здравствуйте", "Здравствуйте! Ваша запись", "Продолжить запись"),
        ("I want to book a psychologist", "hello", "Hello! Your booking", "Continue booking"),
    ],
)
async def test_a_greeting_days_later_at_the_times_is_greeted_and_goes_on_from_today(
    make_app, clock: ManualClock, opening: str, hello: str, greeted: str, go_on: str
):
    app = await make_app(classifier=FakeClassifier({**KEYWORDS, **YES, hello: "greet"}))
    chat = await at_the_days(app, "returning-person", opening)
    await chat.say("1")  # the first day's times are on screen
    clock.advance(days=3)  # back on Thursday 26 November
    answer = await chat.say(hello)
    assert greeted in answer and go_on in answer  # it was "Sorry, I did not understand"
    days = await chat.say("1")  # go on
    # the days from today, not "no free time on that day" about a day gone by
    assert "24.11" not in days and "25.11" not in days and "1. " in days


async def test_a_greeting_days_later_at_the_confirmation_is_no_request_for_yes_or_no(
    make_app, clock: ManualClock
):
    opening, day = LANGUAGES[0][0], LANGUAGES[0][2]
    app = await make_app(classifier=FakeClassifier({**KEYWORDS, **YES, "labdien": "greet"}))
    chat = await at_the_days(app, "returning-person", opening)
    await chat.say("1")
    assert day in await chat.say("1")
    clock.advance(days=3)
    answer = await chat.say("labdien")
    assert "Sveiki! Jūsu pieteikšanās" in answer and "atbildiet „jā” vai „nē”" not in answer
    assert "jau ir pagājis" in await chat.say("1")  # go on: the time has gone by meanwhile
