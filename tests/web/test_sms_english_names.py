"""An English SMS that names a Latvian place or person stays GSM-7: the name is written without marks.

"address of the Riga Central prison" by SMS got "… see its page at ievp.gov.lv – Riga Central Prison (Rīgas
Centrālcietums)." in UCS-2, three segments for one sentence; the Cēsis institution's name made it 182
characters and three segments too (QA, SMS pass). The English texts themselves already write Latvian names
plainly ("Palidzibas iela 3", "Liepaja"); a name put into them was not.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest

from bot.channels.sms_segments import MAX_SEGMENTS, Encoding, count_segments
from flows.texts import Texts
from nlu.entities import EntityExtractor
from nlu.parse import Parse
from tests.fakes import FakeClassifier
from tests.twilio_fake import SmsFactory

NOW = datetime(2026, 12, 7, 12, tzinfo=ZoneInfo("Europe/Riga"))


class ContactsClassifier:
    """A question about an address is prison_contacts, with the real `prison` entity (nlu/prisons.yml)."""

    def __init__(self) -> None:
        self.fake = FakeClassifier({"address": "prison_contacts", "adrese": "prison_contacts"})
        self.entities = EntityExtractor.load()

    async def parse(self, text: str) -> Parse:
        parsed = await self.fake.parse(text)
        prisons = tuple(e for e in self.entities.extract(text, NOW) if e.entity == "prison")
        return replace(parsed, entities=prisons)


@pytest.mark.parametrize(
    ("asked", "named"),
    [
        ("what is the address of the Riga Central prison", "Riga Central Prison (Rigas Centralcietums)"),
        ("the address of the Cesis juvenile institution", "(Cesu Audzinasanas iestade nepilngadigajiem)"),
    ],
)
async def test_an_english_sms_naming_a_latvian_prison_is_gsm7(make_sms: SmsFactory, asked: str, named: str):
    sms = await make_sms(classifier=ContactsClassifier())
    bodies = await sms.say(asked)
    assert named in bodies[0], bodies[0]
    for body in bodies:
        counted = count_segments(body)
        assert counted.encoding is Encoding.GSM7 and counted.segments <= MAX_SEGMENTS, body


def test_latvian_and_russian_sms_keep_the_names_as_they_are_written():
    texts = Texts.load()
    name = {"prison": "Rīgas Centrālcietums"}
    assert "Rīgas Centrālcietums" in texts.render("contacts.not_known", "lv", name, sms=True)
    assert "Rīgas Centrālcietums" in texts.render("contacts.not_known", "en", name)  # the chat keeps them
    assert "Rigas Centralcietums" in texts.render("contacts.not_known", "en", name, sms=True)
