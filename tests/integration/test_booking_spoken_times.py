"""Hours said in words at a booking's times, through the terminal channel, the real NLU and booking store.

Calendar QA: "pusdivos" and "полвторого" (half past one: Latvian and Russian name the half of the NEXT hour)
were no time at all: "Atvainojiet, nesapratu" and the same times again.
"""

from __future__ import annotations

import pytest
from aiohttp import web

from tests.integration.booking_setup import at_the_days

pytestmark = pytest.mark.slow


@pytest.mark.parametrize(
    ("opening", "half_past_one", "not_free"),
    [
        ("Gribu pieteikties pie psihologa", "pusdivos", "Šajā dienā plkst. 13:30 brīva laika nav"),
        ("Gribu pieteikties pie psihologa", "ap pusdiviem", "Šajā dienā plkst. 13:30 brīva laika nav"),
        ("Хочу записаться к психологу", "полвторого", "В этот день в 13:30 свободного времени нет"),
        ("Хочу записаться к психологу", "в половине второго", "В этот день в 13:30 свободного времени нет"),
    ],
)
async def test_half_past_one_in_words_is_13_30_of_the_day_on_screen(
    app: web.Application, opening: str, half_past_one: str, not_free: str
):
    chat = await at_the_days(app, "half-past-person", opening)  # Monday 23 November 2026, 10:00
    await chat.say("1")  # the first day offered; its sessions start on the hour
    answer = await chat.say(half_past_one)
    assert not_free in answer  # understood: 13:30 is not a session start, the nearest are offered
    assert "13:00" in answer and "14:00" in answer


@pytest.mark.parametrize(
    ("opening", "hour", "understood"),
    [
        ("Gribu pieteikties pie psihologa", "15.00", "plkst. 15:00"),
        ("Хочу записаться к психологу", "15.00", "15:00"),
        ("Gribu pieteikties pie psihologa", "14.30", "plkst. 14:30"),
    ],
)
async def test_an_hour_with_a_dot_at_the_days_is_the_hour_as_with_a_colon(
    app: web.Application, opening: str, hour: str, understood: str
):
    # calendar QA: "15:00" at the days was read, "15.00" (as Latvians and Russians often write it) was
    # "Atvainojiet, nesapratu"; a dotted number whose second part is no month can only be a time
    chat = await at_the_days(app, "dotted-hour-person", opening)  # Monday 23 November 2026, 10:00
    answer = await chat.say(hour)
    assert understood in answer
    assert "nesapratu" not in answer and "не понял" not in answer
