"""Saying which day does not suit, at the booking's day question, through the real NLU and booking store.

"labāk ne rīt, bet ceturtdien" was read by the model as a crisis (0.57) and got the crisis block, the
violence advice and a place at the head of the coordinators' queue; "не могу завтра, лучше в пятницу" too.
"""

from __future__ import annotations

import pytest
from aiohttp import web
from sqlalchemy import select

from bot import keys
from bot.db.models import Conversation
from tests.integration.booking_setup import Terminal, at_the_days

pytestmark = pytest.mark.slow


async def _confirming_the_second_days_first_time(app: web.Application, opening: str) -> Terminal:
    """At "Apstiprināt …?" for the first time of the second day shown (video)."""
    chat = await at_the_days(app, "confirming-person", opening)
    await chat.say("2")  # the second day
    await chat.say("1")  # its first time
    return chat


@pytest.mark.parametrize(
    ("opening", "refusal", "day_offered"),
    [
        ("Gribu pieteikties pie psihologa", "labāk ne rīt, bet ceturtdien", "ceturtdiena, 26. novembris"),
        ("Хочу записаться к психологу", "не могу завтра, лучше в пятницу", "пятница, 27 ноября"),
        ("I want to book a psychologist", "not tomorrow, thursday please", "Thursday 26 November"),
    ],
)
async def test_the_day_that_does_not_suit_is_not_a_crisis_and_the_other_day_is_offered(
    app: web.Application, opening: str, refusal: str, day_offered: str
):
    chat = await at_the_days(app, "day-person", opening)  # Monday 23 November 2026, 10:00
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
    app: web.Application, opening: str, day: str, hour: str, confirmed: str
):
    # QA, fifth pass: "piektdien", then "plkst. 10", confirmed Tuesday 10:00 (tomorrow), inside the 24 h
    # within which the person can no longer move it themselves
    chat = await at_the_days(app, "hour-person", opening)  # Monday 23 November 2026, 10:00
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
    app: web.Application, opening: str, refusal: str, asked_again: str
):
    # QA, fifth pass: "rīt nevaru" answered "you have no session booked" and the booking was gone (then
    # "sorry, I did not understand"); "man neder rīt" booked tomorrow
    chat = await at_the_days(app, "refusing-person", opening)
    answer = await chat.say(refusal)
    assert asked_again in answer
    assert "Datums:" not in answer and "Дата:" not in answer  # no day taken, tomorrow least of all


async def test_no_while_choosing_a_new_time_keeps_the_session(app: web.Application):
    # QA, fifth pass: "нет, оставьте как есть" at the days of a move asked again, and again
    chat = await at_the_days(app, "keeping-person", "Хочу записаться к психологу")
    await chat.say("в пятницу в 10")
    await chat.say("да")
    await chat.say("перенести")
    kept = await chat.say("нет, оставьте всё как есть")
    assert "пятница, 27 ноября" in kept and "10:00" in kept


# QA, eighth pass: dates and hours typed as people type them, through the real NLU and the demo
# psychologists (Monday 23 November 2026, 10:00; video: Tuesday 24 to Monday 30 are the six days shown)


@pytest.mark.parametrize(
    ("opening", "typed", "answer"),
    [
        # a number larger than the list: the day of the month ("no such number" before)
        ("Gribu pieteikties pie psihologa", "30", "Datums: pirmdiena, 30. novembris. Izvēlieties laiku"),
        ("Хочу записаться к психологу", "30-го", "Дата: понедельник, 30 ноября. Выберите время"),
        ("I want to book a psychologist", "the 30th", "Monday 30 November. Choose a time"),
        # not on offer: said so, with the nearest days
        (
            "Хочу записаться к психологу",
            "28",
            "К сожалению, в этот день (суббота, 28 ноября) свободного времени нет. Ближайшие дни",
        ),
        ("I want to book a psychologist", "29", "Sorry, there is no free time on Sunday 29 November."),
        # a number on the list is the list's: "3" is the third day shown, though 3 December is on offer
        ("Gribu pieteikties pie psihologa", "3", "Datums: ceturtdiena, 26. novembris. Izvēlieties laiku"),
    ],
)
async def test_a_day_of_the_month_typed_at_the_days(
    app: web.Application, opening: str, typed: str, answer: str
):
    chat = await at_the_days(app, "day-of-month-person", opening)
    reply = await chat.say(typed)
    assert answer in reply
    assert "no such number" not in reply and "нет в списке" not in reply


@pytest.mark.parametrize(
    ("opening", "typed", "answer", "nearest"),
    [
        # Tuesday 24: 09:00 to 14:00; Wednesday 25 for Russian speakers: 12:00 to 17:00
        (
            "Gribu pieteikties pie psihologa",
            "8",
            "Šajā dienā plkst. 08:00 brīva laika nav.",
            "Ot 24.11. 09:00",
        ),
        (
            "Хочу записаться к психологу",
            "10",
            "В этот день в 10:00 свободного времени нет.",
            "Ср 25.11 12:00",
        ),
        (
            "Хочу записаться к психологу",
            "в 10",
            "В этот день в 10:00 свободного времени нет.",
            "Ср 25.11 12:00",
        ),
        ("I want to book a psychologist", "16", "16:00 is not free that day.", "Tue 24.11 14:00"),
        ("I want to book a psychologist", "at 4", "16:00 is not free that day.", "Tue 24.11 14:00"),
    ],
)
async def test_an_hour_not_offered_typed_at_the_times(
    app: web.Application, opening: str, typed: str, answer: str, nearest: str
):
    chat = await at_the_days(app, "hour-not-offered-person", opening)
    await chat.say("1")  # the first day
    reply = await chat.say(typed)
    assert answer in reply and nearest in reply


@pytest.mark.parametrize(
    ("opening", "typed", "answer", "first_day"),
    [
        (
            "Gribu pieteikties pie psihologa",
            "nākamnedēļ",
            "Nedēļā no 30.11. līdz 6.12. brīvs laiks ir šajās dienās:",
            "Datums: pirmdiena, 30. novembris",
        ),
        (
            "Gribu pieteikties pie psihologa",
            "nākamajā nedēļā",
            "Nedēļā no 30.11. līdz 6.12. brīvs laiks ir šajās dienās:",
            "Datums: pirmdiena, 30. novembris",
        ),
        (
            "Хочу записаться к психологу",
            "через неделю",
            "На неделе с 30.11 по 6.12 свободное время есть в эти дни:",
            "Дата: понедельник, 30 ноября",
        ),
        (
            "Хочу записаться к психологу",
            "на следующей неделе",
            "На неделе с 30.11 по 6.12 свободное время есть в эти дни:",
            "Дата: понедельник, 30 ноября",
        ),
        (
            "I want to book a psychologist",
            "next week",
            "In the week from 30.11 to 6.12 there is free time on these days:",
            "Monday 30 November",
        ),
    ],
)
async def test_next_week_offers_that_weeks_days(
    app: web.Application, opening: str, typed: str, answer: str, first_day: str
):
    chat = await at_the_days(app, "next-week-person", opening)
    reply = await chat.say(typed)
    assert answer in reply
    assert "24.11" not in reply  # this week's days are not among them
    assert first_day in await chat.say("1")


@pytest.mark.parametrize(
    ("opening", "typed"),
    [
        ("Gribu pieteikties pie psihologa", "nākamnedēļ nogalināšos"),
        ("Gribu pieteikties pie psihologa", "pirmdien es nogalināšos"),
        ("Gribu pieteikties pie psihologa", "nakamnedel gribu nogalinaties"),
        ("Хочу записаться к психологу", "на следующей неделе уйду из жизни"),
        ("Хочу записаться к психологу", "на следующей неделе я умру"),
        ("Gribu pieteikties pie psihologa", "nākamnedēļ es nomiršu"),
        ("I want to book a psychologist", "the 15th is my last day alive"),
        ("I want to book a psychologist", "next week is my last night on earth"),
    ],
)
async def test_a_crisis_said_with_a_day_or_a_week_at_the_days_gets_the_crisis_reply(
    app: web.Application, opening: str, typed: str
):
    # QA, eighth pass: "next week I'll kill myself" at the days got next week's days, "on Monday I'll kill
    # myself" Monday's times: the model read the day and not the rest, and no crisis phrase had these words
    chat = await at_the_days(app, "crisis-with-a-date-person", opening)
    reply = await chat.say(typed)
    assert "112" in reply and "116123" in reply
    assert "Datums:" not in reply and "Дата:" not in reply and "30.11" not in reply
    async with app[keys.sessionmaker]() as session:
        (crisis,) = (await session.execute(select(Conversation.crisis))).scalars()
    assert crisis


@pytest.mark.parametrize(
    ("opening", "hour", "confirmed"),
    [
        # video, the second day shown: Wednesday 25 (lv, 12:00 to 17:00), Thursday 26 (ru, 09:00 to 12:00)
        (
            "Gribu pieteikties pie psihologa",
            "labāk 13:00",
            ("Datums: trešdiena, 25. novembris", "Laiks: 13:00"),
        ),
        ("Хочу записаться к психологу", "лучше в 11:00", ("Дата: четверг, 26 ноября", "Время: 11:00")),
    ],
)
async def test_an_hour_typed_at_the_confirmation_is_that_hour_of_the_day_being_confirmed(
    app: web.Application, opening: str, hour: str, confirmed: tuple[str, str]
):
    # QA, eighth pass: at the confirmation of Wednesday 12:00, "labāk 13:00" got "no free time on Monday
    # 23 November at 13:00" (the NLU's day for an hour alone: today or tomorrow), and in the chat a free
    # hour tomorrow was put up for confirming instead of the day the person had chosen
    chat = await _confirming_the_second_days_first_time(app, opening)
    reply = await chat.say(hour)
    assert all(part in reply for part in confirmed), reply


@pytest.mark.parametrize(
    ("opening", "hour", "confirmed"),
    [
        # video, the second day shown: Wednesday 25 (lv, 12:00 to 17:00), Thursday 26 (ru and en, from 09:00)
        (
            "Gribu pieteikties pie psihologa",
            "labāk ap 13",
            ("Datums: trešdiena, 25. novembris", "Laiks: 13:00"),
        ),
        ("Хочу записаться к психологу", "лучше около 10", ("Дата: четверг, 26 ноября", "Время: 10:00")),
        ("Хочу записаться к психологу", "а может около 11?", ("Дата: четверг, 26 ноября", "Время: 11:00")),
        ("I want to book a psychologist", "better around 10", ("Date: Thursday 26 November", "Time: 10:00")),
    ],
)
async def test_about_an_hour_typed_at_the_confirmation_is_that_hour_of_the_day_being_confirmed(
    app: web.Application, opening: str, hour: str, confirmed: tuple[str, str]
):
    # QA, ninth pass: "labāk 10:00" was that hour of the day being confirmed, but "labāk ap 10", "лучше
    # около 10", "better around 10" were no time at all (the NLU reads "ap 10" alone as an hour, not after
    # another word), and the booking started over with "how would you like to talk?"
    chat = await _confirming_the_second_days_first_time(app, opening)
    reply = await chat.say(hour)
    assert all(part in reply for part in confirmed), reply


@pytest.mark.parametrize(
    ("opening", "hour", "confirmed"),
    [
        # video, the second day shown: Wednesday 25 (lv, 12:00 to 17:00), Thursday 26 (ru and en, from 09:00)
        ("Gribu pieteikties pie psihologa", "a ja 13?", ("Datums: trešdiena, 25. novembris", "Laiks: 13:00")),
        ("Gribu pieteikties pie psihologa", "varbūt 14?", ("trešdiena, 25. novembris", "Laiks: 14:00")),
        ("Хочу записаться к психологу", "а в 11?", ("Дата: четверг, 26 ноября", "Время: 11:00")),
        ("I want to book a psychologist", "how about 11?", ("Date: Thursday 26 November", "Time: 11:00")),
        # the model read "kā būtu ar …" as a crisis (0.60-0.90: "kā būtu, ja manis nebūtu"), so the person
        # choosing an hour got 112 and 116123 and a priority hand-off instead
        ("Gribu pieteikties pie psihologa", "kā būtu ar 15?", ("trešdiena, 25. novembris", "Laiks: 15:00")),
        ("Хочу записаться к психологу", "как насчёт 12?", ("Дата: четверг, 26 ноября", "Время: 12:00")),
    ],
)
async def test_another_hour_asked_at_the_confirmation_is_that_hour_of_the_day_being_confirmed(
    app: web.Application, opening: str, hour: str, confirmed: tuple[str, str]
):
    # QA, tenth pass: at "Apstiprināt … piektdien 10:00?", "a ja 11?", "how about 11?", "а в 11?", "varbūt
    # 11?" were read as other questions ("how about 11?" as one about children), "a ja 11?" as a yes that
    # booked the time on screen
    chat = await _confirming_the_second_days_first_time(app, opening)
    reply = await chat.say(hour)
    assert all(part in reply for part in confirmed), reply
