"""Hard news from or about the family while he is inside (QA, tenth pass): what the relative is sent.

"nomira viņa mamma, vai viņu izlaidīs uz bērēm" got the legal-aid answer (JPA, divorce, complaints), "his mum
is dying can he come home to see her" the children's visits answer, "умерла его мать как ему сказать" "I did
not understand". They need the short leave's conditions as the source gives them (SIK 49.2, may be outdated),
that he asks the prison head in writing, where the prison's contacts are and how the news can reach him.
"""

from __future__ import annotations

import pytest
from aiohttp import web

from tests.factories import handoffs, replies_to
from tests.fakes import FakeSender

pytestmark = pytest.mark.slow

say = replies_to  # one message in, what the person is sent
# per language: how the answer opens, whom he asks (the prison head), the button to a person
SAID = {
    "lv": ("Ļoti žēl", "cietuma priekšniekam", "Runāt ar cilvēku"),
    "ru": ("Очень жаль", "начальника тюрьмы", "Поговорить с человеком"),
    "en": ("I'm so sorry", "prison head", "Talk to a person"),
}


@pytest.mark.parametrize(
    ("text", "lang"),
    [
        ("nomira viņa mamma, vai viņu izlaidīs uz bērēm", "lv"),
        ("vina tevs nomira ka lai vinam pasaku", "lv"),
        ("у него умер отец, отпустят ли на похороны", "ru"),
        ("умерла его мать как ему сказать", "ru"),
        ("his mum is dying can he come home to see her", "en"),
        ("how do i tell him his grandma passed away", "en"),
    ],
)
async def test_a_death_or_grave_illness_gets_the_short_leave_and_how_to_tell_him(
    app: web.Application,
    sender: FakeSender,
    text: str,
    lang: str,
):
    opening, head, coordinator = SAID[lang]
    (answer,) = await say(app, sender, text, user="hard-news-1")
    assert answer.text.startswith(opening)
    assert head in answer.text and "5" in answer.text and "49.2" in answer.text  # the leave, as sourced
    assert "ievp.gov.lv" in answer.text  # where the prison's contacts are
    assert "112" in answer.text and "116123" in answer.text
    assert coordinator in [b.label for b in answer.buttons]  # a person on offer
    assert await handoffs(app) == []  # grief, not a crisis


@pytest.mark.parametrize(
    "text",
    [
        "mana mamma nomira un es negribu dzīvot",
        "у него умер отец и я не хочу жить",
        "his dad died and i want to die too",
        "he said since his mum died he wants to kill himself",
    ],
)
async def test_a_death_beside_crisis_wording_is_still_a_crisis(
    app: web.Application, sender: FakeSender, text: str
):
    first, *_ = await say(app, sender, text, user="hard-news-crisis-1")
    assert "112" in first.text and "116123" in first.text
    (request,) = await handoffs(app)
    assert request.priority == 0  # first in line


@pytest.mark.parametrize(
    "text",
    [
        "viņu cietumā sit",
        "dels saka ka cietuma vinu apdraud citi",
        "его там избивают",
        "сыну угрожают другие заключенные",
        "he says other inmates threaten him",
        "my son is being beaten in prison",
    ],
)
async def test_others_beating_or_threatening_him_inside_get_the_prison_complaints_and_the_ombudsman(
    app: web.Application, sender: FakeSender, text: str
):
    """ "viņu cietumā sit" got the visits answer and "dels saka ka cietuma vinu apdraud citi" the children's;
    "его там избивают" the numbers with nothing about the prison."""
    said = " ".join(a.text for a in await say(app, sender, text, user="harmed-inside-1"))
    assert "112" in said and "116123" in said  # the numbers first, as for any crisis
    assert "pasts@ievp.gov.lv" in said and "67686768" in said  # complaints: IeVP; the Ombudsman
    assert "116006" not in said  # the victims' line is the advice for a relative threatened herself
    (request,) = await handoffs(app)
    assert request.priority == 0  # a coordinator, first in line


async def test_a_threat_to_the_writer_from_prison_is_still_the_violence_advice(
    app: web.Application, sender: FakeSender
):
    said = " ".join(a.text for a in await say(app, sender, "он мне угрожает из тюрьмы", user="threat-2"))
    assert "110" in said and "116006" in said and "67686768" not in said


@pytest.mark.parametrize(
    ("text", "social_service", "visits"),
    [
        ("nav naudas aizbraukt pie vīra", "sociālo dienestu", "Tikšanās ir divu veidu"),
        ("i cant afford the trip to visit him", "social service", "There are two kinds of visit"),
    ],
)
async def test_no_money_for_the_trip_gets_the_social_service_not_the_visits_answer(
    app: web.Application, sender: FakeSender, text: str, social_service: str, visits: str
):
    """Families of prisoners have no special package: they ask their municipal social service like anyone
    (facts §11). Both got the whole visits answer."""
    (answer,) = await say(app, sender, text, user="trip-1")
    assert social_service in answer.text and visits not in answer.text
