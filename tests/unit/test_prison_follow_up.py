"""A message that only names a prison around the topic just answered is a follow-up on that topic.

"a ja viņš bija Valmierā?", "а если его перевели в Олайне?", "and if he is moved to Olaine?": the words
'bija', 'перевели', 'to' were not among the words around a name, so the message went to the model ('Labi.
Pastāstiet, ar ko varu palīdzēt') instead of the topic there (facts audit 2).
"""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest

from flows.followup import prison_only
from flows.state import UserTurn
from nlu.entities import EntityExtractor
from nlu.parse import Parse

NOW = datetime(2026, 12, 7, 12, tzinfo=ZoneInfo("Europe/Riga"))


@pytest.fixture(scope="module")
def extractor() -> EntityExtractor:
    return EntityExtractor.load()


def turn(extractor: EntityExtractor, text: str) -> UserTurn:
    entities = tuple(e for e in extractor.extract(text, NOW) if e.entity == "prison")
    return UserTurn(text=text, parse=Parse(text, "prison_contacts", 0.9, entities=entities))


@pytest.mark.parametrize(
    ("text", "prison"),
    [
        ("a ja viņš ir Olainē?", "Olaines cietums"),
        ("a ja viņš bija Valmierā?", "Valmieras cietums"),
        ("bet ja viņu pārveda uz Jelgavu?", "Jelgavas cietums"),
        ("а если его перевели в Олайне?", "Olaines cietums"),
        ("а если он был в Елгаве?", "Jelgavas cietums"),
        ("and if he is moved to Olaine?", "Olaines cietums"),
        ("what if he will be in Jelgava?", "Jelgavas cietums"),
    ],
)
def test_only_a_prison_around_the_words_of_a_follow_up(extractor: EntityExtractor, text: str, prison: str):
    named = prison_only(turn(extractor, text))
    assert named is not None and named.value == prison


@pytest.mark.parametrize("text", ["kā nosūtīt paku uz Olaini?", "как передать посылку в Олайне?"])
def test_a_question_of_its_own_is_not_a_follow_up(extractor: EntityExtractor, text: str):
    assert prison_only(turn(extractor, text)) is None
