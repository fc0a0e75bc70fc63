"""By SMS a question about a parcel gets what we know of parcels too, not only the bank account.

The SMS of faq.parcels_money had room for the money transfer only: "kā aizsūtīt paku?", "как отправить
посылку?" and "how do I send the parcel?" got the account and nothing about parcels, though the chat
answer starts with them (ask the prison first: facts.md §8). The payee is written exactly in every
language, though its Latvian letters make the English SMS UCS-2: banks check the payee's name against the
account's, and a near match warns the payer or holds the payment (facts audit 2).
"""

from __future__ import annotations

import pytest

from bot.channels.sms_render import indiscreet
from bot.channels.sms_segments import MAX_SEGMENTS, Encoding, count_segments
from tests.fakes import FakeClassifier
from tests.twilio_fake import SmsFactory

ASKED = {"paku": "parcels_money", "посылку": "parcels_money", "parcel": "parcels_money"}


@pytest.mark.parametrize(
    ("asked", "parcels", "encoding"),
    [
        ("kā aizsūtīt paku?", "Pakas: jautājiet cietumā.", Encoding.UCS2),
        ("как отправить посылку?", "Посылки: спросите в тюрьме.", Encoding.UCS2),
        ("how do I send the parcel?", "Parcels: ask the prison.", Encoding.UCS2),
    ],
)
async def test_a_parcel_question_by_sms_is_told_about_parcels_and_the_account(
    make_sms: SmsFactory, asked: str, parcels: str, encoding: Encoding
):
    sms = await make_sms(classifier=FakeClassifier(ASKED))
    (reply,) = await sms.say(asked)
    assert parcels in reply, reply
    assert "LV15TREL8190468041000" in reply and "TRELLV22" in reply
    assert "Ieslodzījuma vietu pārvalde" in reply, reply
    counted = count_segments(reply)
    assert counted.encoding is encoding, reply
    assert counted.segments <= MAX_SEGMENTS and indiscreet(reply) is None, reply
