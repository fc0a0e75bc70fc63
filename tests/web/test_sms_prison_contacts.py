"""By SMS, a question about one prison whose contacts we have gets that prison, not only the general block.

In chat faq.prison_contacts names Jelgava (address, duty office, due to close), the new Liepāja prison and
Brasa (closed), and the flow does not add "we could not check this prison" for them. Its SMS, two segments,
had room for the administration's address only: "Jelgavas cietuma adrese" by SMS got nothing about Jelgava,
and in Latvian and Russian "Liepājas cietuma adrese" nothing about the old prison being closed (QA facts
audit).
"""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest

from bot.channels.sms_render import indiscreet
from bot.channels.sms_segments import MAX_SEGMENTS, count_segments
from nlu.entities import EntityExtractor
from nlu.parse import Parse
from tests.fakes import FakeClassifier
from tests.twilio_fake import SmsFactory

NOW = datetime(2026, 12, 7, 12, tzinfo=ZoneInfo("Europe/Riga"))


class ContactsClassifier:
    """A question about an address is prison_contacts, with the real `prison` entity (nlu/prisons.yml)."""

    def __init__(self) -> None:
        self.fake = FakeClassifier(
            {"adrese": "prison_contacts", "адрес": "prison_contacts", "address": "prison_contacts"}
        )
        self.entities = EntityExtractor.load()

    async def parse(self, text: str) -> Parse:
        parsed = await self.fake.parse(text)
        prisons = tuple(e for e in self.entities.extract(text, NOW) if e.entity == "prison")
        return replace(parsed, entities=prisons)  # the fake's language reading (`clear_language`) kept


@pytest.mark.parametrize(
    ("asked", "expected"),
    [
        # Jelgava: the address and the duty office, and that it was to close (facts.md §9, prisons.csv)
        ("Jelgavas cietuma adrese", ("Palīdzības iela 3", "+371 63024619", "slēgt")),
        ("адрес Елгавской тюрьмы", ("Palīdzības iela 3", "+371 63024619", "Закрыть планировали")),
        ("what is the address of Jelgava prison", ("Palidzibas iela 3", "+371 63024619", "due to close")),
        # Liepāja: the new prison's address, and that the old one is closed
        ("Liepājas cietuma adrese", ("Alsungas iela 29", "vecais slēgts")),
        ("адрес Лиепайской тюрьмы", ("Alsungas iela 29", "старая закрыта")),
        ("what is the address of Liepaja prison", ("Alsungas iela 29", "the old one is closed")),
        # Brasa: closed since 2019
        ("Brasas cietuma adrese", ("2019", "nebrauciet")),
        ("адрес тюрьмы Браса", ("2019", "Не ездите")),
        ("what is the address of the Brasa prison", ("2019", "Do not go")),
    ],
)
async def test_an_sms_about_one_prison_gets_what_we_know_of_that_prison(
    make_sms: SmsFactory, asked: str, expected: tuple[str, ...]
):
    sms = await make_sms(classifier=ContactsClassifier())
    bodies = await sms.say(asked, "+37120000009")
    said = "\n".join(bodies)
    assert [part for part in expected if part not in said] == [], said
    assert "Stabu iela 89" in bodies[-1]  # the general block still comes, last, with the numbered topics
    for body in bodies:
        assert count_segments(body).segments <= MAX_SEGMENTS, body
        assert indiscreet(body) is None, body
