"""A coordinator's words reach the person marked as a coordinator's, on every channel.

Channels QA: once a coordinator took a conversation over, their replies looked exactly like the bot's in the
web chat, on Telegram and by SMS; a frightened relative could not tell that a person now wrote. Each test
goes through the real console (login, take over, reply) and the channel's real delivery: the fake Twilio
API, the fake Telegram Bot API, and the web chat's own reply API. The label is the text files' word for a
coordinator in the conversation's language, never the coordinator's name.
"""

from __future__ import annotations

import asyncio
from typing import Any

import aiohttp
from aiohttp.test_utils import TestClient

from bot import keys
from bot.app import Overrides, create_app
from bot.channels.sms_segments import MAX_SEGMENTS, count_segments
from bot.settings import Settings
from tests.fakes import FakeClassifier
from tests.telegram_fake import StartTelegram, fake_api, start_telegram, text_update
from tests.twilio_fake import SmsHarness
from tests.web.console_support import ANNA, add_staff, conversation_of, login

__all__ = ["fake_api", "start_telegram"]  # fixtures

LABEL_KEY = "console.label"
PERSON = "+37120000071"
HELLO = "Labdien! Esmu no koordinatoru komandas. Ar ko varu palīdzēt?"
SHORT = "Paldies!"  # the label costs no segment here: it goes on every message that can carry it free
# one UCS-2 segment (70) on its own, two with the label: the label is left off unless it must be there
ONE_SEGMENT = "Jā, varat atsūtīt arī fotogrāfijas vai dokumentus, ja jums tā ērtāk."
# two segments (134) on its own, three with the label
TWO_SEGMENTS = (
    "Tikšanos var pieteikt portālā Latvija.lv vai pašā iestādē; ņemiet līdzi pasi vai ID karti. "
    "Ja vajag, es palīdzēšu to izdarīt."
)


class Coordinator:
    """Anna in her own browser on the console. The SMS and Telegram apps have an https public URL, so the
    console's cookies are Secure: the browser treats the test server as the secure origin it stands for."""

    def __init__(self, client: TestClient[Any, Any]) -> None:
        base = str(client.server.make_url("/")).rstrip("/")
        jar = aiohttp.CookieJar(unsafe=True, treat_as_secure_origin=[base])
        self.app = client.app
        self.browser = aiohttp.ClientSession(base_url=base, cookie_jar=jar)
        self.csrf = ""

    async def __aenter__(self) -> Coordinator:
        self.csrf = await login(self.browser, ANNA)
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.browser.close()

    async def take_over(self, user: str) -> int:
        conversation = await conversation_of(self.app, user)
        path = f"/console/conversations/{conversation.id}/claim"
        assert (await self.browser.post(path, data={"csrf": self.csrf})).status == 200
        return conversation.id

    async def reply(self, cid: int, text: str) -> None:
        path = f"/console/conversations/{cid}/reply"
        sent = await self.browser.post(path, data={"csrf": self.csrf, "text": text})
        assert sent.status == 200, await sent.text()

    async def hand_back(self, cid: int) -> None:
        path = f"/console/conversations/{cid}/handback"
        assert (await self.browser.post(path, data={"csrf": self.csrf, "flow": ""})).status == 200


def _label(app: Any, lang: str) -> str:
    return str(app[keys.texts].render(LABEL_KEY, lang))


async def test_by_sms_the_first_coordinator_reply_after_a_take_over_says_a_coordinator_writes(
    sms: SmsHarness, clock
):
    await add_staff(sms.app, ANNA, "coordinator", "Anna")
    await sms.say("gribu runāt ar cilvēku", PERSON)
    label = _label(sms.app, "lv")
    assert label and "Anna" not in label
    async with Coordinator(sms.client) as anna:
        cid = await anna.take_over(PERSON)
        await anna.reply(cid, HELLO)
        joined, hello = [m.body for m in await sms.deliver()]
        assert joined == sms.app[keys.texts].render("console.joined", "lv")  # the helpline's own line
        assert hello == f"{label}:\n{HELLO}"

        # later: the label goes where it costs nothing, and is left off where it would cost a segment
        await anna.reply(cid, SHORT)
        await anna.reply(cid, ONE_SEGMENT)
        short, one = [m.body for m in await sms.deliver()]
        assert short == f"{label}:\n{SHORT}"
        assert one == ONE_SEGMENT and count_segments(one).segments == 1

        # taken over again after a hand-back: the first reply carries the label again, within two segments
        await anna.hand_back(cid)
        clock.advance(minutes=5)
        await sms.say("vēl viens jautājums, gribu cilvēku", PERSON)
        cid = await anna.take_over(PERSON)
        await anna.reply(cid, ONE_SEGMENT)
        *_, again = [m.body for m in await sms.deliver()]
        assert again == f"{label}:\n{ONE_SEGMENT}"
    # the person's SMS all fit in two segments: the replies, "a coordinator reads" and the hand-back
    assert [m.body for m in sms.fake.sent if m.num_segments > MAX_SEGMENTS] == []
    assert not any("Anna" in m.body for m in sms.fake.sent)


async def test_by_sms_a_first_reply_the_label_would_take_past_two_segments_passes_it_to_the_next(
    sms: SmsHarness,
):
    await add_staff(sms.app, ANNA, "coordinator", "Anna")
    await sms.say("gribu runāt ar cilvēku", PERSON)
    label = _label(sms.app, "lv")
    assert count_segments(TWO_SEGMENTS).segments == 2
    assert count_segments(f"{label}:\n{TWO_SEGMENTS}").segments == 3
    async with Coordinator(sms.client) as anna:
        cid = await anna.take_over(PERSON)
        await anna.reply(cid, TWO_SEGMENTS)
        await anna.reply(cid, ONE_SEGMENT)
    _joined, long, next_one = [m.body for m in await sms.deliver()]
    assert long == TWO_SEGMENTS  # two segments, as the coordinator wrote it
    assert next_one == f"{label}:\n{ONE_SEGMENT}"  # the first that can carry it within two segments


async def test_on_telegram_every_coordinator_reply_says_a_coordinator_writes(start_telegram: StartTelegram):
    env = await start_telegram()
    await add_staff(env.app, ANNA, "coordinator", "Anna")
    chat = 761
    assert await env.post(text_update(chat, "gribu runāt ar cilvēku")) == 200
    before = len(await env.api.wait_sent(chat))
    async with Coordinator(env.client) as anna:
        cid = await anna.take_over(str(chat))
        await anna.reply(cid, HELLO)
        await anna.reply(cid, SHORT)
    sent = await env.api.wait_sent(chat, count=before + 3)
    joined, hello, short = (call.params["text"] for call in sent[before:])
    label = _label(env.app, "lv")
    assert joined == env.app[keys.texts].render("console.joined", "lv")
    assert (hello, short) == (f"{label}:\n{HELLO}", f"{label}:\n{SHORT}")
    assert not any("Anna" in call.params["text"] for call in sent)


async def _replies(client: TestClient[Any, Any], user: str, count: int) -> list[dict[str, Any]]:
    messages: list[dict[str, Any]] = []
    for _ in range(100):  # the outbox worker runs in the background
        messages = (await (await client.get(f"/api/chat/replies?user={user}&after=0")).json())["messages"]
        if len(messages) >= count:
            return messages
        await asyncio.sleep(0.05)
    raise AssertionError(f"fewer than {count} replies: {messages}")


async def test_in_the_web_chat_a_coordinator_reply_carries_the_label_in_the_conversations_language(
    aiohttp_client, settings: Settings, clock
):
    classifier = FakeClassifier({"человек": "human_handoff"})
    app = create_app(settings, Overrides(classifier=classifier, clock=clock, migrate=True))
    client = await aiohttp_client(app)
    await add_staff(app, ANNA, "coordinator", "Anna")
    user = "web-person-0001"
    sent = await client.post("/api/chat/messages", json={"user": user, "text": "позовите человека"})
    assert sent.status == 200
    bot_said = await _replies(client, user, 1)
    words = "Здравствуйте! Я координатор, чем могу помочь?"
    async with Coordinator(client) as anna:
        await anna.reply(await anna.take_over(user), words)
    messages = await _replies(client, user, len(bot_said) + 2)
    # the bot's words and the helpline's "a coordinator reads your conversation" carry no label
    assert [m["label"] for m in messages[:-1]] == [None] * (len(messages) - 1)
    mine = messages[-1]
    assert mine["label"] == _label(app, "ru") == "Координатор"
    assert mine["text"] == words  # the label is not part of the words
