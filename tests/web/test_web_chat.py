"""The local web chat and the health endpoints, through the real aiohttp app."""

from __future__ import annotations

import asyncio

from bot import keys
from bot.app import Overrides, create_app
from bot.channels.web import LONG_POLL_SECONDS, WebChatHub
from bot.settings import Settings
from tests.factories import transcript
from tests.fakes import FakeClassifier

USER = "tester-0001"


async def client_for(aiohttp_client, settings: Settings, clock):
    app = create_app(settings, Overrides(classifier=FakeClassifier(), clock=clock, migrate=True))
    return await aiohttp_client(app)


async def test_page_and_health(aiohttp_client, settings, clock):
    client = await client_for(aiohttp_client, settings, clock)
    page = await client.get("/")
    assert page.status == 200 and "chat.js" in await page.text()
    assert (await client.get("/healthz")).status == 200
    ready = await client.get("/readyz")
    assert ready.status == 200 and (await ready.json())["status"] == "ready"
    ui = await (await client.get("/api/chat/ui?lang=ru")).json()
    assert ui["lang"] == "ru" and ui["placeholder"]


async def test_a_message_gets_its_answer_with_buttons(aiohttp_client, settings, clock):
    client = await client_for(aiohttp_client, settings, clock)
    sent = await client.post(
        "/api/chat/messages", json={"user": USER, "text": "kā var satikt vīru?", "id": "a1"}
    )
    assert sent.status == 200 and (await sent.json())["replies"] == 1
    data = {"messages": []}
    for _ in range(50):  # the outbox worker runs in the background
        data = await (await client.get(f"/api/chat/replies?user={USER}&after=0")).json()
        if data["messages"]:
            break
        await asyncio.sleep(0.05)
    (answer,) = data["messages"]
    assert "48" in answer["text"]
    assert any(b["payload"] == "/visit_long" for b in answer["buttons"])
    again = await client.post(
        "/api/chat/messages", json={"user": USER, "text": "kā var satikt vīru?", "id": "a1"}
    )
    assert (await again.json())["duplicate"] is True


async def test_bad_input_gets_a_clear_answer(aiohttp_client, settings, clock):
    client = await client_for(aiohttp_client, settings, clock)
    assert (await client.post("/api/chat/messages", data=b"\xff\xfe not json")).status == 400
    assert (await client.post("/api/chat/messages", json={"user": "x", "text": "hi"})).status == 400
    assert (await client.post("/api/chat/messages", json={"user": USER, "text": ""})).status == 400
    long = await client.post("/api/chat/messages", json={"user": USER, "text": "ā" * 5000})
    assert long.status == 200  # 5,000 characters are fine
    emoji = await client.post("/api/chat/messages", json={"user": USER, "text": "😢😢 sveiki 🙏"})
    assert emoji.status == 200
    assert (await client.get("/api/chat/replies?user=../../etc")).status == 400
    too_long_id = {"user": USER, "text": "hi", "id": "x" * 200}
    assert (await client.post("/api/chat/messages", json=too_long_id)).status == 400


async def test_half_an_emoji_is_answered_and_kept_instead_of_failing_for_ever(
    aiohttp_client, settings, clock
):
    """QA s11: a lone surrogate ("\\ud83d", what JSON.stringify writes for half of an emoji in pasted text)
    could not be stored: 500, the apology failed too, and the page sent it again every 30 s as "offline"."""
    client = await client_for(aiohttp_client, settings, clock)
    body = '{"user": "USER", "text": "\\ud83d sveiki", "id": "s1"}'.replace("USER", USER)
    sent = await client.post("/api/chat/messages", data=body, headers={"Content-Type": "application/json"})
    assert sent.status == 200 and (await sent.json())["replies"] >= 1
    # a NUL, which PostgreSQL's text refuses, likewise
    body = '{"user": "USER", "text": "paldies\\u0000", "id": "s2"}'.replace("USER", USER)
    sent = await client.post("/api/chat/messages", data=body, headers={"Content-Type": "application/json"})
    assert sent.status == 200 and (await sent.json())["replies"] >= 1
    said = [e for e in await transcript(client.app) if e.direction == "in"]
    assert [(e.text, e.intent) for e in said] == [("\ufffd sveiki", "greet"), ("paldies\ufffd", "thanks")]


async def test_two_people_whose_pages_chose_the_same_message_id_are_both_answered(
    aiohttp_client, settings, clock
):
    client = await client_for(aiohttp_client, settings, clock)
    for user in (USER, "another-person-0001"):
        sent = await client.post(
            "/api/chat/messages", json={"user": user, "text": "kā var satikt vīru?", "id": "m1"}
        )
        assert (await sent.json()) == {"duplicate": False, "replies": 1}


async def test_a_reply_cursor_beyond_the_databases_range_is_a_bad_request(aiohttp_client, settings, clock):
    client = await client_for(aiohttp_client, settings, clock)
    answer = await client.get(f"/api/chat/replies?user={USER}&after=99999999999999999999")
    assert answer.status == 400 and "after" in await answer.text()


async def test_a_page_waiting_for_replies_gets_one_as_soon_as_it_is_sent(aiohttp_client, settings, clock):
    """Channels QA: a page long-polling for replies was woken when the outbox handed the reply over, read
    the table before the reply was marked sent, found nothing and waited the whole long poll (20 s)."""
    app = create_app(
        settings, Overrides(classifier=FakeClassifier(), clock=clock, migrate=True, run_outbox=False)
    )
    client = await aiohttp_client(app)
    waiting = asyncio.create_task(client.get(f"/api/chat/replies?user={USER}&after=0"))
    await asyncio.sleep(0.3)  # the page is waiting for a reply
    sent = await client.post("/api/chat/messages", json={"user": USER, "text": "kā var satikt vīru?"})
    assert sent.status == 200
    await app[keys.outbox].drain()
    (answer,) = (await (await asyncio.wait_for(waiting, 5)).json())["messages"]  # no second poll needed
    assert "48" in answer["text"]


async def test_a_reply_delivered_while_a_page_reads_the_table_still_wakes_it():
    """The page reads, finds nothing, then waits: a reply delivered in between must not be missed."""
    hub = WebChatHub()
    seen = hub.generation  # the page reads the table
    await hub.notify()  # meanwhile a reply is marked sent
    await asyncio.wait_for(hub.wait(LONG_POLL_SECONDS, since=seen), 1)  # returns at once


async def test_a_reply_of_several_messages_reaches_the_page_in_one_poll(aiohttp_client, settings, clock):
    """Phone QA: the answer and its menu (two messages of one turn, sent by the outbox one at a time) came in
    two polls; the page scrolled to the menu and a phone's screen lost the answer. The poll that finds the
    first waits for the rest of its turn."""
    app = create_app(
        settings, Overrides(classifier=FakeClassifier(), clock=clock, migrate=True, run_outbox=False)
    )
    client = await aiohttp_client(app)
    sent = await client.post("/api/chat/messages", json={"user": USER, "text": "Sveiki", "id": "g1"})
    assert (await sent.json())["replies"] == 2  # the greeting, then the menu
    assert await app[keys.outbox].drain_once() == 1  # the greeting is sent; the menu waits its turn
    poll = asyncio.create_task(client.get(f"/api/chat/replies?user={USER}&after=0"))
    await asyncio.wait({poll}, timeout=0.5)  # the page has found the greeting (and, before, went with it)
    await app[keys.outbox].drain()
    greeting, menu = (await (await asyncio.wait_for(poll, 5)).json())["messages"]
    assert greeting["text"].startswith("Sveiki") and not greeting["buttons"]
    assert menu["buttons"]
