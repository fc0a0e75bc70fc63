"""The Telegram channel's pure parts: update mapping, reply context, splitting, phone numbers, languages."""

from __future__ import annotations

import pytest
from pydantic import SecretStr
from telegram import Update

from bot.channels.telegram import secret_matches
from bot.channels.telegram_sender import split_text, utf16_len
from bot.channels.telegram_updates import (
    CONTEXT_MAX,
    CallbackContext,
    e164,
    language_hint,
    plain_text,
    to_inbound,
)
from bot.messages import Channel, InboundKind
from tests.telegram_fake import (
    callback_update,
    edit_of,
    member_update,
    message_update,
    person,
    text_update,
)


def inbound(data: dict[str, object]):
    return to_inbound(Update.de_json(data, None))


def test_text_and_commands_are_text_with_the_update_id_as_dedupe_key():
    update = text_update(42, "/start", lang="ru", update_id=777)
    msg = inbound(update)
    assert msg is not None
    assert (msg.channel, msg.sender_id, msg.provider_message_id) == (Channel.TELEGRAM, "42", "777")
    assert (msg.kind, msg.text, msg.language_hint, msg.first_name) == (
        InboundKind.TEXT,
        "/start",
        "ru",
        "Anna",
    )
    assert msg.received_at is not None and msg.received_at.tzinfo is not None


def test_a_button_carries_its_data_label_and_what_the_sender_needs():
    update = callback_update(
        42, "/letters", buttons=[("Vēstules", "/letters"), ("Izvēlne", "/help")], message_id=9
    )
    msg = inbound(update)
    assert msg is not None
    assert (msg.kind, msg.payload, msg.text) == (InboundKind.BUTTON, "/letters", "Vēstules")
    context = CallbackContext.decode(msg.reply_context)
    assert context == CallbackContext(update["callback_query"]["id"], "42", 9, "Vēstules")


@pytest.mark.parametrize(
    ("content", "kind"),
    [
        ({"photo": [{"file_id": "a", "file_unique_id": "b", "width": 1, "height": 1}]}, InboundKind.MEDIA),
        ({"audio": {"file_id": "a", "file_unique_id": "b", "duration": 1}}, InboundKind.MEDIA),
        (
            {"video": {"file_id": "a", "file_unique_id": "b", "width": 1, "height": 1, "duration": 1}},
            InboundKind.MEDIA,
        ),
        (
            {"animation": {"file_id": "a", "file_unique_id": "b", "width": 1, "height": 1, "duration": 1}},
            InboundKind.MEDIA,
        ),
        ({"location": {"latitude": 56.9, "longitude": 24.1}}, InboundKind.LOCATION),
        (
            {"contact": {"phone_number": "+37120000001", "first_name": "A", "user_id": 42}},
            InboundKind.CONTACT,
        ),
        (
            {"contact": {"phone_number": "+37120000001", "first_name": "B", "user_id": 7}},
            InboundKind.CONTACT_OTHER,
        ),
    ],
)
def test_non_text_messages_get_their_kind(content, kind):
    msg = inbound(message_update(42, **content))
    assert msg is not None and msg.kind == kind


def test_a_contact_is_normalised_only_when_it_is_the_persons_own():
    own = inbound(
        message_update(42, contact={"phone_number": "371 2000 0001", "first_name": "A", "user_id": 42})
    )
    other = inbound(
        message_update(42, contact={"phone_number": "37120000001", "first_name": "B", "user_id": 7})
    )
    assert own is not None and (own.phone, own.text) == ("+37120000001", "+37120000001")
    assert other is not None and (other.phone, other.text) == (None, "")


def test_groups_edits_and_membership():
    group = inbound(text_update(-100, "hello", chat_type="group", from_id=5))
    assert group is not None and group.kind == InboundKind.UNSUPPORTED_CHAT
    assert (group.text, group.provider_message_id, group.first_name) == ("", "group:-100", None)
    edited = inbound(message_update(42, text="labots", edited=True))
    assert edited is not None and (edited.kind, edited.text) == (InboundKind.EDITED, "labots")
    # an edit names its original by message_id, under a new update_id (the dedupe key)
    original_update = text_update(42, "labot")
    original, edit = plain_text(original_update), inbound(edit_of(original_update, "labots"))
    assert original is not None and edit is not None and original.message_ref is not None
    assert edit.message_ref == original.message_ref == str(original_update["message"]["message_id"])
    assert edit.provider_message_id != original.provider_message_id
    blocked = inbound(member_update(42, "member", "kicked"))
    unblocked = inbound(member_update(42, "kicked", "member"))
    assert blocked is not None and blocked.kind == InboundKind.BLOCKED
    assert unblocked is not None and unblocked.kind == InboundKind.UNBLOCKED
    added = inbound(member_update(-100, "left", "administrator", chat_type="supergroup"))
    assert added is not None and added.provider_message_id == "group:-100"
    assert inbound(member_update(-100, "member", "left", chat_type="group")) is None
    post = {"message_id": 1, "date": 0, "chat": {"id": -100, "type": "channel", "title": "N"}, "text": "hi"}
    assert inbound({"update_id": 1, "channel_post": post}) is None


def _without(update: dict[str, object], key: str) -> dict[str, object]:
    message = dict(update["message"])  # type: ignore[call-overload]
    del message[key]
    return {**update, "message": message}


def test_plain_text_is_read_without_ptb_exactly_as_ptb_and_to_inbound_read_it():
    """The webhook reads a plain text from the JSON (PTB's parse was 5% of a busy worker); whatever it reads
    must be what to_inbound makes of PTB's Update, and everything else must be left to them."""
    plain = [
        text_update(42, "kā var satikt vīru cietumā?"),
        text_update(42, "/start"),  # with its bot_command entity
        text_update(43, "Можно передать посылку? 🙏", lang="ru"),
        text_update(44, "when can I visit", lang="en-GB"),
        text_update(45, "sveiki", lang=None),
        text_update(46, "ā" * 5000),
        text_update(47, "labdien", lang="de"),
    ]
    for update in plain:
        fast = plain_text(update)
        assert fast is not None and fast == inbound(update)
        assert fast.received_at is not None and fast.received_at.tzinfo is not None
    forwarded = text_update(42, "pārsūtīts")
    forwarded["message"]["forward_origin"] = {"type": "user", "date": 0, "sender_user": person(7)}
    reply = text_update(42, "jā")
    reply["message"]["reply_to_message"] = {"message_id": 1, "date": 0, "chat": reply["message"]["chat"]}
    nameless = text_update(42, "sveiki")
    nameless["message"]["from"] = {"is_bot": False, "first_name": "Anna"}  # no id: PTB cannot read it
    others = [
        message_update(42, text="labots", edited=True),
        text_update(-100, "hello", chat_type="group", from_id=5),
        callback_update(42, "/visits", buttons=[("Apmeklējumi", "/visits")]),
        member_update(42, "member", "kicked"),
        message_update(42, photo=[{"file_id": "p", "file_unique_id": "u", "width": 1, "height": 1}]),
        message_update(42, location={"latitude": 56.9, "longitude": 24.1}),
        message_update(42, contact={"phone_number": "37120000001", "first_name": "A", "user_id": 42}),
        forwarded,
        reply,
        _without(text_update(42, "sveiki"), "from"),
        nameless,
        {"update_id": 1, "channel_post": {"message_id": 1, "date": 0, "chat": {"id": -1, "type": "channel"}}},
    ]
    assert [plain_text(update) for update in others] == [None] * len(others)


def test_reply_context_survives_separators_and_fits_the_column():
    context = CallbackContext("1234567890123456789", "-1001234567890", 123456, "a|b" + "ā" * 200)
    encoded = context.encode()
    assert len(encoded) <= CONTEXT_MAX
    decoded = CallbackContext.decode(encoded)
    assert decoded is not None and decoded.label.startswith("a|b") and decoded.message_id == 123456
    assert CallbackContext.decode(None) is None and CallbackContext.decode("garbage") is None


def test_split_keeps_short_text_whole_and_cuts_long_text_at_boundaries():
    assert split_text("Sveiki") == ["Sveiki"]
    lines = "\n".join(f"Rinda {n}: " + "x" * 90 for n in range(60))  # ~6000 characters, no blank lines
    parts = split_text(lines)
    assert all(len(p) <= 4096 for p in parts) and "\n".join(parts) == lines
    words = " ".join(["vārds"] * 1500)
    parts = split_text(words)
    assert all(len(p) <= 4096 for p in parts) and " ".join(parts) == words
    solid = "x" * 9000
    assert [len(p) for p in split_text(solid)] == [4096, 4096, 808]


def test_split_counts_utf16_units_like_telegram():
    emoji = "😀" * 3000  # 6000 UTF-16 units
    parts = split_text(emoji)
    assert all(utf16_len(p) <= 4096 for p in parts) and "".join(parts) == emoji


def test_phone_numbers_and_language_codes():
    assert e164("37120000001") == "+37120000001"
    assert e164("20000001") == "+37120000001"  # a local Latvian number
    assert e164("+44 7911 123456") == "+447911123456"
    assert e164("123") is None and e164(None) is None
    assert [language_hint(c) for c in ("ru", "en-GB", "LV", "de", None, "")] == [
        "ru",
        "en",
        "lv",
        None,
        None,
        None,
    ]


def test_the_secret_check_fails_closed():
    secret = SecretStr("abc")
    assert secret_matches(secret, "abc")
    assert (
        not secret_matches(secret, "abd")
        and not secret_matches(secret, None)
        and not secret_matches(secret, "")
    )
    assert not secret_matches(None, "abc") and not secret_matches(SecretStr(""), "")
    assert not secret_matches(secret, "ābc")  # non-ASCII does not raise
