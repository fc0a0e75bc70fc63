"""Names and follow-ups after an answer, as relatives write them (QA s9 follow-ups).

Russian and English replies named the prison in Latvian («Olaines cietums» inside Russian text); "а если он в
Олайне?" after the parcels answer got only the general contacts note; "and?" was read as hard feelings.
"""

from __future__ import annotations

import pytest
from aiohttp import web

from bot import keys
from bot.messages import Channel, OutboundMessage
from nlu.embedded import EmbeddedClassifier
from tests.factories import inbound
from tests.fakes import FakeSender

pytestmark = pytest.mark.slow


async def say(
    app: web.Application, sender: FakeSender, text: str, user: str, channel: Channel = Channel.CLI
) -> list[OutboundMessage]:
    before = len(sender.sent)
    await app[keys.pipeline].handle(inbound(text, user=user, channel=channel))
    await app[keys.outbox].drain()
    return sender.sent[before:]


def said(answers: list[OutboundMessage]) -> str:
    return "\n".join(a.text + "\n" + " | ".join(b.label for b in a.buttons) for a in answers)


@pytest.mark.parametrize(
    ("text", "name", "not_alone"),
    [
        ("адрес Олайнской тюрьмы", "Олайнская тюрьма (Olaines cietums):", "«Olaines cietums»"),
        ("телефон Даугавгривской тюрьмы", "Даугавгривская тюрьма (Daugavgrīvas cietums):", "«Daugavgrīvas"),
        ("address of olaine prison", "Olaine Prison (Olaines cietums)", "“Olaines cietums”"),
        ("Valmieras cietuma adrese", "„Valmieras cietums”", "Valmiera Prison"),
    ],
)
async def test_the_prison_is_named_in_the_language_of_the_reply(
    make_app, classifier: EmbeddedClassifier, sender: FakeSender, text: str, name: str, not_alone: str
):
    app = await make_app(classifier=classifier)
    reply = said(await say(app, sender, text, user="names-1"))
    assert name in reply and not_alone not in reply


async def test_by_sms_too(make_app, classifier: EmbeddedClassifier, sender: FakeSender):
    app = await make_app(classifier=classifier, senders={Channel.SMS: sender})
    reply = said(await say(app, sender, "адрес Олайнской тюрьмы", user="+37120000001", channel=Channel.SMS))
    assert "Олайнская тюрьма (Olaines cietums)" in reply
