"""A person who cannot come to their session says so in their own words, often as the answer to a reminder.

The 24 h reminder says "Ja nevarat piedalīties, uzrakstiet šeit" / "Если не можете, напишите здесь" / "If you
cannot make it, write here". Its natural answers were not understood (bookings QA): "nevarēšu piedalīties"
got "I did not understand", "nevaru atnākt" a kind word about hard feelings, "I can't attend" the crisis
lines and a priority hand-off, and "I cannot come" a new time to choose with no way to cancel.
"""

from __future__ import annotations

from datetime import datetime

import pytest
from aiohttp import web

from bot import keys
from bot.clock import ManualClock
from tests.integration.booking_setup import RIGA, Terminal, at_the_days

pytestmark = pytest.mark.slow

BOOK = {
    "lv": "Gribu pieteikties pie psihologa",
    "ru": "Хочу записаться к психологу",
    "en": "Book a psychologist",
}
# Monday 23 November 2026, 10:00: Thursday 26th at 9:00 by video is Olga's (she speaks lv, ru and en)
THURSDAY_9 = {"lv": "ceturtdien 9:00", "ru": "в четверг в 9", "en": "Thursday 9am"}
BOOKED = {"lv": "Konsultācija ir pieteikta", "ru": "Вы записаны", "en": "Your session is booked"}
REALLY_CANCEL = {"lv": "Vai tiešām atcelt", "ru": "Точно отменить", "en": "cancel this session?"}
ONLY_A_COORDINATOR = {"lv": "vairs nevar atcelt", "ru": "отменить", "en": "coordinator"}
CRISIS_LINE = "116123"


async def _booked(app: web.Application, lang: str) -> Terminal:
    chat = await at_the_days(app, f"cannot-come-{lang}-{id(app)}", BOOK[lang])
    assert "Olga Primer" in await chat.say(THURSDAY_9[lang])
    assert BOOKED[lang] in await chat.say("1")  # yes, book
    return chat


@pytest.mark.parametrize(
    ("lang", "typed"),
    [
        ("lv", "nevarēšu piedalīties"),
        ("lv", "nevaru atnākt"),
        ("lv", "diemžēl netikšu uz konsultāciju"),
        ("ru", "не смогу присутствовать"),
        ("en", "I can't attend"),
        ("en", "I cannot come"),
    ],
)
async def test_cannot_come_before_the_cut_off_asks_to_cancel(app: web.Application, lang, typed):
    chat = await _booked(app, lang)
    answer = await chat.say(typed)
    assert REALLY_CANCEL[lang] in answer and CRISIS_LINE not in answer


@pytest.mark.parametrize(
    ("lang", "typed"),
    [("lv", "nevarēšu piedalīties"), ("ru", "к сожалению, не смогу"), ("en", "I can't attend")],
)
async def test_cannot_come_after_the_reminder_is_for_a_coordinator_not_a_crisis(
    app: web.Application, clock: ManualClock, lang, typed
):
    """At the 24 h reminder the cut-off has passed: a coordinator can still cancel, and the button says so."""
    chat = await _booked(app, lang)
    clock.current = datetime(2026, 11, 25, 9, 0, tzinfo=RIGA)
    assert await chat.app[keys.reminders].drain_once() == 1
    await chat.app[keys.outbox].drain()
    answer = await chat.say(typed)
    assert ONLY_A_COORDINATOR[lang] in answer and "24" in answer and CRISIS_LINE not in answer


@pytest.mark.parametrize(
    ("lang", "typed", "dropped"),
    [
        ("lv", "atcelt", "nekas netika pieteikts"),
        ("lv", "es nevarēšu", "nekas netika pieteikts"),
        ("ru", "отменить", "записывать не будем"),
        ("en", "cancel", "nothing was booked"),
    ],
)
async def test_cancel_at_the_confirmation_is_a_no_to_the_booking(app: web.Application, lang, typed, dropped):
    """Not "you have no session booked", as if something had gone wrong: the booking being made is dropped."""
    chat = await at_the_days(app, f"cancel-at-confirm-{lang}", BOOK[lang])
    await chat.say(THURSDAY_9[lang])
    assert dropped in await chat.say(typed)
