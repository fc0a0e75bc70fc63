"""POST /webhooks/twilio through the real app: signatures, E.164, dedupe, replies via the fake Twilio API."""

from __future__ import annotations

from sqlalchemy import select

from bot import keys
from bot.app import Overrides, create_app
from bot.channels.sms_segments import count_segments
from bot.db.models import Contact, OutboxItem, ProcessedInbound, TranscriptEntry
from bot.settings import Settings
from tests.factories import count, outbox, transcript
from tests.fakes import FakeClassifier
from tests.twilio_fake import PUBLIC_URL, SmsHarness, form_body, inbound_form, signed

PERSON = "+37120000001"


async def _stored(sms: SmsHarness) -> tuple[int, int, int, int]:
    app = sms.app
    return (
        await count(app, ProcessedInbound),
        await count(app, TranscriptEntry),
        await count(app, OutboxItem),
        await count(app, Contact),
    )


async def test_a_signed_sms_gets_its_reply_from_the_twilio_api_in_two_segments(sms: SmsHarness):
    assert await sms.sms("Sveiki") == 200
    assert sms.fake.sent == []  # the webhook only queues; the outbox sends
    sent = await sms.deliver()
    assert [m.to for m in sent] == [PERSON, PERSON]  # greeting, then the numbered menu
    greeting, menu = sent
    assert greeting.body.startswith("Sveiki!") and "konfidenciāl" in greeting.body and "STOP" in greeting.body
    assert menu.body.splitlines()[1:3] == ["1 Tikšanās", "2 Zvani"]
    assert all(count_segments(m.body).segments <= 2 and m.num_segments <= 2 for m in sent)
    assert sent[0].status_callback == PUBLIC_URL + "/webhooks/twilio/status"
    assert sent[0].sender == "+37166000000"
    rows = await outbox(sms.app)
    assert [r.provider_message_id for r in rows] == [m.sid for m in sent] and {r.status for r in rows} == {
        "sent"
    }


async def test_the_reply_is_in_the_senders_language(sms: SmsHarness):
    (answer,) = await sms.say("как увидеть сына?", "+37120000002")
    assert "Краткосрочное свидание" in answer and "0 Меню" in answer
    assert count_segments(answer).segments <= 2


async def test_a_missing_or_forged_signature_gets_403_and_nothing_is_stored(sms: SmsHarness):
    form = inbound_form("Sveiki", PERSON, "SMfixed")
    forged = [
        {},  # no signature at all
        {"X-Twilio-Signature": "Zm9yZ2VkIHNpZ25hdHVyZQ=="},
        signed("/webhooks/twilio", inbound_form("Sveiki", PERSON, "SMother")),  # a signature of other content
        signed("/webhooks/twilio", form, token="not-our-token"),
        signed("/webhooks/twilio/status", form),  # signed for another URL
    ]
    for signature in forged:
        headers = {"Content-Type": "application/x-www-form-urlencoded", **signature}
        response = await sms.client.post("/webhooks/twilio", data=form_body(form), headers=headers)
        assert response.status == 403, signature
    assert await _stored(sms) == (0, 0, 0, 0)


async def test_the_signature_is_checked_against_the_public_url_not_the_one_seen_behind_the_proxy(
    sms: SmsHarness,
):
    form = inbound_form("Sveiki", PERSON)
    internal = str(sms.client.make_url("/webhooks/twilio"))  # what request.url looks like here
    bad = signed("/webhooks/twilio", form, public_url=internal.removesuffix("/webhooks/twilio"))
    assert (await sms.client.post("/webhooks/twilio", data=form_body(form), headers=bad)).status == 403
    good = signed("/webhooks/twilio", form)
    response = await sms.client.post("/webhooks/twilio", data=form_body(form), headers=good)
    assert response.status == 200 and response.content_type == "text/xml"


async def test_the_same_message_sid_twice_gets_one_reply(sms: SmsHarness):
    assert await sms.sms("kā var satikt vīru?", sid="SM" + "d" * 32) == 200
    assert await sms.sms("kā var satikt vīru?", sid="SM" + "d" * 32) == 200  # Twilio retried the webhook
    assert len(await sms.deliver()) == 1
    assert [e.direction for e in await transcript(sms.app)] == ["in", "out"]


async def test_the_sender_is_stored_in_e164(sms: SmsHarness):
    for raw in ("+371 20 000 001", "0037120000001", "20000001", "+37120000001"):
        assert await sms.sms("Sveiki", sender=raw) == 200
    async with sms.app[keys.sessionmaker]() as session:
        (contact,) = (await session.execute(select(Contact))).scalars()  # one person, however written
    assert contact.channel == "sms" and contact.external_id == PERSON


async def test_a_sender_that_is_not_a_phone_number_is_ignored(sms: SmsHarness):
    assert await sms.sms("Sveiki", sender="whatsapp:+37120000001") == 200
    assert await sms.sms("Sveiki", sender="TELE2") == 200
    assert await _stored(sms) == (0, 0, 0, 0)


async def test_numbers_pick_options_and_zero_is_the_menu(sms: SmsHarness):
    await sms.say("Sveiki")
    (letters,) = await sms.say("3")  # 3 = Vēstules in the main menu
    assert letters.startswith("Vēstules var sūtīt") and letters.endswith("0 Izvēlne")
    (menu,) = await sms.say("0")  # the menu alone: the help line before it cost two more segments
    assert menu.startswith("Atsūtiet numuru:") and "10 Cilvēks" in menu
    (queued,) = await sms.say("10")
    assert "Koordinators atbildēs šeit" in queued and queued.endswith("1 Iziet no rindas")
    (withdrawn,) = await sms.say("1")
    assert "vairs neesat rindā" in withdrawn


async def test_a_picture_without_words_gets_the_media_answer(sms: SmsHarness):
    form = inbound_form("", PERSON, NumMedia="1", MediaUrl0="https://api.twilio.com/media/ME1")
    response = await sms.client.post(
        "/webhooks/twilio", data=form_body(form), headers=signed("/webhooks/twilio", form)
    )
    assert response.status == 200
    (answer,) = await sms.deliver()
    assert "nevaru izlasīt attēlus" in answer.body


async def test_without_twilio_settings_there_is_no_sms_webhook(aiohttp_client, settings: Settings, clock):
    app = create_app(
        settings, Overrides(classifier=FakeClassifier(), clock=clock, migrate=True, run_outbox=False)
    )
    client = await aiohttp_client(app)
    form = inbound_form("Sveiki", PERSON)
    response = await client.post(
        "/webhooks/twilio", data=form_body(form), headers=signed("/webhooks/twilio", form)
    )
    assert response.status in (403, 404, 405)
    assert await count(app, ProcessedInbound) == 0


async def test_a_message_in_a_broken_encoding_is_read_as_it_was_written(sms: SmsHarness):
    """Channels QA: "Свидания" arrived as "Ð¡Ð²Ð¸Ð´Ð°Ð½Ð¸Ñ\\x8f" (UTF-8 read as Latin-1) and started
    a booking."""
    written = "как увидеть мужа?"
    broken = written.encode("utf-8").decode("latin-1")
    (reply,) = await sms.say(broken)
    assert reply.startswith(sms.app[keys.texts].render("faq.visit_rules", "ru", sms=True)[:30])
    entry = next(e for e in await transcript(sms.app) if e.direction == "in")
    assert entry.text == written  # the coordinator reads it too
