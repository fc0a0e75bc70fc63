"""Anything but plain text gets a sensible answer: media, location, contact, edits, groups, blocking."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from bot import keys
from bot.db.models import Contact, ProcessedInbound
from tests.factories import count, handoffs, transcript
from tests.telegram_fake import (
    StartTelegram,
    TelegramEnv,
    chat,
    edit_of,
    fake_api,
    member_update,
    message_update,
    settled_outbox,
    start_telegram,
    text_update,
)

__all__ = ["fake_api", "start_telegram"]  # fixtures

PHOTO = [{"file_id": "ph1", "file_unique_id": "u1", "width": 90, "height": 90}]
MEDIA = {
    "photo": PHOTO,
    "voice": {"file_id": "v1", "file_unique_id": "u2", "duration": 3},
    "video_note": {"file_id": "vn", "file_unique_id": "u3", "length": 240, "duration": 2},
    "sticker": {
        "file_id": "s1",
        "file_unique_id": "u4",
        "type": "regular",
        "width": 512,
        "height": 512,
        "is_animated": False,
        "is_video": False,
    },
    "document": {"file_id": "d1", "file_unique_id": "u5", "file_name": "iesniegums.pdf"},
}


async def reply_text(env: TelegramEnv, chat_id: int, count: int = 1) -> str:
    replies = await env.api.wait_sent(chat_id, count=count)
    return str(replies[-1].params["text"])


async def test_media_of_every_kind_gets_the_cannot_read_answer(start_telegram: StartTelegram):
    env = await start_telegram()
    expected = env.app[keys.texts].render("media.unsupported", "lv")
    for n, (field, value) in enumerate(MEDIA.items(), start=1):
        assert await env.post(message_update(900 + n, **{field: value})) == 200
        assert await reply_text(env, 900 + n) == expected, field
    kinds = {e.kind for e in await transcript(env.app) if e.direction == "in"}
    assert kinds == {"media"}


async def test_a_photo_caption_is_answered_like_a_text_after_saying_the_photo_was_not_seen(
    start_telegram: StartTelegram,
):
    """Channels QA: "šī ir vēstule no cietuma, ko darīt?" under a photo got only "I cannot read photos"."""
    env = await start_telegram()
    assert await env.post(message_update(911, photo=PHOTO, caption="kā var satikt vīru?", lang="ru")) == 200
    note, answer = await env.api.wait_sent(911, count=2)
    assert note.params["text"] == env.app[keys.texts].render("media.caption", "lv")
    # nothing is downloaded: the note must not send a document to a coordinator who cannot see it either
    said = str(note.params["text"])
    assert "uzrakstiet to vārdiem" in said and "pielikumus neredz" in said
    assert str(answer.params["text"]).startswith(env.app[keys.texts].render("faq.visit_rules", "lv")[:40])
    entry = (await transcript(env.app))[0]
    assert (entry.kind, entry.text, entry.intent) == ("media", "kā var satikt vīru?", "visit_rules")


@pytest.mark.parametrize("field", ["photo", "voice"])
async def test_a_cry_for_help_in_a_caption_gets_the_emergency_numbers(start_telegram: StartTelegram, field):
    """Channels QA: "negribu vairs dzīvot" under a photo or a voice message got "I cannot read photos"."""
    env = await start_telegram()
    update = message_update(916, **{field: MEDIA[field]}, caption="negribu vairs dzīvot")
    assert await env.post(update) == 200
    first = str((await env.api.wait_sent(916))[0].params["text"])
    assert "112" in first and "116123" in first
    (request,) = await handoffs(env.app)
    assert (request.priority, request.reason) == (0, "crisis")  # a crisis: first in the queue


async def test_an_edit_into_a_cry_for_help_gets_the_emergency_numbers(start_telegram: StartTelegram):
    env = await start_telegram()
    assert await env.post(message_update(917, text="negribu vairs dzīvot", edited=True)) == 200
    first = str((await env.api.wait_sent(917))[0].params["text"])
    assert "112" in first and "116123" in first
    assert [(r.priority, r.reason) for r in await handoffs(env.app)] == [(0, "crisis")]


async def test_a_location_is_answered_and_not_stored(start_telegram: StartTelegram):
    env = await start_telegram()
    update = message_update(912, location={"latitude": 56.95, "longitude": 24.1})
    assert await env.post(update) == 200
    assert await reply_text(env, 912) == env.app[keys.texts].render("media.location", "lv")
    entry = (await transcript(env.app))[0]
    assert (entry.kind, entry.text) == ("location", "")


async def test_a_shared_own_number_is_kept_in_e164(start_telegram: StartTelegram):
    env = await start_telegram()
    contact = {"phone_number": "37120000001", "first_name": "Anna", "user_id": 913}
    assert await env.post(message_update(913, contact=contact)) == 200
    assert await reply_text(env, 913) == env.app[keys.texts].render("media.contact", "lv")
    entry = (await transcript(env.app))[0]
    assert (entry.kind, entry.text) == ("contact", "+37120000001")


@pytest.mark.parametrize("lang", ["lv", "ru", "en"])
async def test_someone_elses_contact_card_is_not_kept_and_the_reply_says_so(
    start_telegram: StartTelegram, lang
):
    env = await start_telegram()
    texts = env.app[keys.texts]
    contact = {"phone_number": "+37129999999", "first_name": "Jānis", "user_id": 555}
    assert await env.post(message_update(914, contact=contact, lang=lang)) == 200
    reply = await reply_text(env, 914)
    # not "a coordinator can use it": the number is not kept, so the person is told to write it instead
    assert reply == texts.render("media.contact_other", lang) != texts.render("media.contact", lang)
    entry = (await transcript(env.app))[0]
    assert (entry.kind, entry.text) == ("contact_other", "")


async def test_an_edit_of_a_message_the_bot_never_saw_is_explained_not_reprocessed(
    start_telegram: StartTelegram,
):
    """No transcript line carries the original's message_id (older, erased): "please send it again"."""
    env = await start_telegram()
    assert await env.post(message_update(915, text="kā var satikt vīru?", edited=True, lang="en")) == 200
    assert await reply_text(env, 915) == env.app[keys.texts].render("edited.note", "en")
    entry = (await transcript(env.app))[0]
    assert (entry.kind, entry.intent) == ("edited", None)


async def test_a_typo_fixed_after_the_answer_gets_no_nagging_and_the_edit_is_kept(
    start_telegram: StartTelegram,
):
    """QA s11: "kā var satikt vīru?" answered, then fixed to "Kā var satikt vīru?", got "… nosūtiet to
    vēlreiz" (please send it again). The same question, already answered: nothing more is sent."""
    env = await start_telegram()
    original = text_update(930, "kā var satikt vīru?")
    assert await env.post(original) == 200
    answered = len(await settled_outbox(env.app))
    edit = edit_of(original, "Kā var satikt vīru?")
    assert await env.post(edit) == 200
    assert await env.post(edit) == 200  # Telegram's redelivery: the same update_id
    assert len(await settled_outbox(env.app)) == len(env.api.sent(930)) == answered
    person = [(e.kind, e.text, e.intent) for e in await transcript(env.app) if e.direction == "in"]
    assert person == [
        ("text", "kā var satikt vīru?", "visit_rules"),
        ("edited", "Kā var satikt vīru?", "visit_rules"),
    ]


async def test_an_edit_that_changes_the_question_gets_the_new_question_answered_once(
    start_telegram: StartTelegram,
):
    env = await start_telegram()
    texts = env.app[keys.texts]
    original = text_update(931, "sveiki")
    assert await env.post(original) == 200
    greeted = len(await settled_outbox(env.app))  # the greeting, and the menu after it
    edit = edit_of(original, "kā var satikt vīru?")
    assert await env.post(edit) == 200
    assert await env.post(edit) == 200  # redelivered: deduped by update_id
    answer = await reply_text(env, 931, count=greeted + 1)
    assert answer.startswith(texts.render("faq.visit_rules", "lv")[:40])
    assert (
        len(await settled_outbox(env.app)) == len(env.api.sent(931)) == greeted + 1
    )  # the new question's answer, once
    # a typo then fixed in the edit (a further edit of the same message) says nothing more
    assert await env.post(edit_of(original, "Kā var satikt vīru?")) == 200
    assert len(await settled_outbox(env.app)) == len(env.api.sent(931)) == greeted + 1


async def test_an_edit_of_a_question_the_bot_did_not_understand_is_answered(start_telegram: StartTelegram):
    env = await start_telegram()
    texts = env.app[keys.texts]
    original = text_update(932, "kā var sateikt vīru?")  # a typo the bot does not understand
    assert await env.post(original) == 200
    before = len(await settled_outbox(env.app))
    assert await env.post(edit_of(original, "kā var satikt vīru?")) == 200
    answer = await reply_text(env, 932, count=before + 1)
    assert answer.startswith(texts.render("faq.visit_rules", "lv")[:40])
    assert texts.render("edited.note", "lv") not in [str(c.params["text"]) for c in env.api.sent(932)]


async def test_a_cry_for_help_edited_into_an_answered_message_gets_the_emergency_numbers(
    start_telegram: StartTelegram,
):
    env = await start_telegram()
    original = text_update(933, "kā var satikt vīru?")
    assert await env.post(original) == 200
    before = len(await settled_outbox(env.app))
    assert await env.post(edit_of(original, "negribu vairs dzīvot")) == 200
    crisis = str((await env.api.wait_sent(933, count=before + 1))[before].params["text"])
    assert "112" in crisis and "116123" in crisis
    assert [(r.priority, r.reason) for r in await handoffs(env.app)] == [(0, "crisis")]


@pytest.mark.parametrize("chat_type", ["group", "supergroup"])
async def test_a_group_gets_one_explanation_and_its_talk_is_not_kept(
    start_telegram: StartTelegram, chat_type
):
    env = await start_telegram()
    group = -100916
    assert await env.post(member_update(group, "left", "member", chat_type=chat_type)) == 200  # bot added
    for n, words in enumerate(("/start", "mans brālis ir cietumā", "/help")):
        update = message_update(group, text=words, chat_type=chat_type, from_id=700 + n)
        assert await env.post(update) == 200
    explained = await reply_text(env, group)
    assert explained == env.app[keys.texts].render("group.unsupported", "lv")
    # nothing said in a group is read, so a cry for help there gets no answer: the one explanation carries
    # the numbers (channels QA)
    assert "116123" in explained and "112" in explained
    await env.app[keys.outbox].drain()
    assert len(env.api.sent(group)) == 1  # once, not once per message
    assert [e.text for e in await transcript(env.app) if e.direction == "in"] == [""]
    assert await count(env.app, ProcessedInbound) == 1


async def test_a_channel_that_makes_the_bot_an_admin_gets_nothing_posted_and_nothing_is_kept(
    start_telegram: StartTelegram,
):
    """QA s11: the group explanation was posted into the channel, for every subscriber to read."""
    env = await start_telegram()
    channel = -1001917
    assert await env.post(member_update(channel, "left", "administrator", chat_type="channel")) == 200
    post = {
        "update_id": 99917,
        "channel_post": {"message_id": 5, "date": 0, "chat": chat(channel, "channel"), "text": "Sveiki"},
    }
    assert await env.post(post) == 200
    await env.app[keys.outbox].drain()
    assert env.api.sent(channel) == []
    assert (await count(env.app, ProcessedInbound), await count(env.app, Contact)) == (0, 0)


async def test_blocking_and_unblocking_the_bot_is_recorded_silently(start_telegram: StartTelegram):
    env = await start_telegram()

    async def blocked() -> bool:
        async with env.app[keys.sessionmaker]() as session:
            found = await session.execute(select(Contact.blocked).where(Contact.external_id == "917"))
            return bool(found.scalar_one())

    assert await env.post(text_update(917, "Sveiki")) == 200
    await env.api.wait_sent(917, count=2)  # greeting and menu
    assert await env.post(member_update(917, "member", "kicked")) == 200
    assert await blocked()
    assert await env.post(member_update(917, "kicked", "member")) == 200
    assert not await blocked()
    await env.app[keys.outbox].drain()
    assert len(env.api.sent(917)) == 2  # no reply to either change


async def test_service_messages_are_ignored(start_telegram: StartTelegram):
    env = await start_telegram()
    update = message_update(
        918, pinned_message={"message_id": 1, "date": 0, "chat": {"id": 918, "type": "private"}}
    )
    assert await env.post(update) == 200
    assert await count(env.app, ProcessedInbound) == 0
