"""Worried, ashamed, angry or exhausted, not in crisis (QA, tenth pass): what such a relative is sent.

"viņš nezvana jau nedēļu" got the general calls answer and "I haven't heard from him in 10 days" "I did not
understand"; "все знают и смотрят на меня" (shame) the crisis block and a crisis hand-off; "jūs visi esat
vienādi" the visits answer. Crisis wording in the same kind of message still gets the crisis reply.
"""

from __future__ import annotations

import pytest
from aiohttp import web

from bot import keys
from tests.factories import handoffs, replies_to
from tests.fakes import FakeSender

pytestmark = pytest.mark.slow

say = replies_to  # one message in, what the person is sent


@pytest.mark.parametrize(
    ("text", "opening", "coordinator"),
    [
        ("viņš nezvana jau nedēļu", "Saprotu, cik satraucoši", "Runāt ar cilvēku"),
        ("он не звонит уже неделю", "Понимаю, как тревожно", "Поговорить с человеком"),
        ("I haven't heard from him in 10 days", "I understand how worrying", "Talk to a person"),
    ],
)
async def test_no_news_from_him_gets_what_to_do_and_whom_to_ask(
    app: web.Application, sender: FakeSender, text: str, opening: str, coordinator: str
):
    (answer,) = await say(app, sender, text, user="no-news-1")
    assert answer.text.startswith(opening)
    assert "pasts@ievp.gov.lv" in answer.text and "ievp.gov.lv" in answer.text  # whom to ask
    assert "112" in answer.text  # if they fear he may harm himself
    assert coordinator in [b.label for b in answer.buttons]  # a person on offer
    assert await handoffs(app) == []  # worried, not a crisis


@pytest.mark.parametrize(
    "text",
    [
        "все знают и смотрят на меня",
        "man kauns iet uz veikalu visi skatās",
        "i cant talk to him anymore he just shouts at me",
    ],
)
async def test_shame_and_a_hard_relationship_get_a_kind_word_not_the_crisis_block(
    app: web.Application, sender: FakeSender, text: str
):
    texts = " ".join(a.text for a in await say(app, sender, text, user="shame-1"))
    assert await handoffs(app) == []  # no crisis hand-off
    assert "116123" in texts  # the line is on offer, in the kind word, not as an alarm
    for lang in ("lv", "ru", "en"):
        assert not texts.startswith(app[keys.texts].render("crisis.immediate", lang)[:30])


@pytest.mark.parametrize(
    "text", ["viņš man raksta ka grib šķirties", "он хочет развестись со мной из тюрьмы"]
)
async def test_a_divorce_from_prison_is_legal_aid_not_a_crisis(
    app: web.Application, sender: FakeSender, text: str
):
    said = " ".join(a.text for a in await say(app, sender, text, user="divorce-1"))
    assert "80001801" in said  # the Legal Aid Administration: divorce is among the cases it covers
    assert await handoffs(app) == []


@pytest.mark.parametrize(
    ("text", "heard"),
    [
        ("jūs visi esat vienādi", "Man ļoti žēl, ka līdz šim jums nepalīdzējām"),
        ("вы все одинаковые никто не помогает", "Мне очень жаль, что до сих пор мы вам не помогли"),
        ("you people never help", "I'm very sorry we haven't been able to help you so far"),
    ],
)
async def test_anger_at_the_helpline_gets_a_person_and_is_heard_first(
    app: web.Application, sender: FakeSender, text: str, heard: str
):
    """The person, as asked; before the queue's reply, a word that the anger was heard: the queue's or the
    after-hours reply alone ("the coordinators are not working now") read as a brush-off."""
    first, *rest = await say(app, sender, text, user="angry-1")
    assert first.text.startswith(heard) and rest, [a.text for a in (first, *rest)]
    (request,) = await handoffs(app)
    assert (request.reason, request.priority) == ("asked", 10)


@pytest.mark.parametrize(
    "text",
    [
        "vins nezvana jau nedelu un es vairs nevaru izturēt",
        "он не звонит неделю я больше не хочу жить",
        "i am so ashamed i want to end it",
        "man ir tik kauns, labāk nebūtu dzimusi",
    ],
)
async def test_crisis_wording_in_a_worried_message_still_gets_the_numbers(
    app: web.Application, sender: FakeSender, text: str
):
    first, *_ = await say(app, sender, text, user="crisis-1")
    assert "112" in first.text and "116123" in first.text
    (request,) = await handoffs(app)
    assert request.priority == 0  # first in line


async def test_a_threat_from_prison_gets_the_police_and_the_victims_line(
    app: web.Application, sender: FakeSender
):
    said = " ".join(a.text for a in await say(app, sender, "viņš man draud no cietuma", user="threat-1"))
    assert "112" in said and "110" in said and "116006" in said
