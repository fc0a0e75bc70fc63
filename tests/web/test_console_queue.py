"""The queue: crisis first, live over the websocket, one owner at a time, alerts without content."""

from __future__ import annotations

import asyncio

import pytest
from sqlalchemy import select

from bot import keys
from bot.db.models import Author, OutboxItem, Owner
from bot.messages import Channel
from tests.factories import conversations, handoffs, outbox, replies_to
from tests.web.console_support import (
    add_staff,
    audit_actions,
    console_app,
    conversation_of,
    login,
    says,
    second_browser,
)

ANNA, BEN = "anna@helpline.example", "ben@helpline.example"


@pytest.fixture
async def client(aiohttp_client, settings, clock, sender):
    app = console_app(settings, clock, sender)
    client = await aiohttp_client(app)
    await add_staff(app, ANNA, "coordinator", "Anna")
    await add_staff(app, BEN, "coordinator", "Ben")
    return client


def _origin(client) -> dict[str, str]:
    return {"Origin": str(client.make_url("")).rstrip("/")}


async def test_a_crisis_jumps_to_the_top_of_the_queue(client, clock):
    await login(client, ANNA)
    await says(client.app, "/human_handoff", user="first")
    clock.advance(minutes=5)
    await says(client.app, "/human_handoff", user="second")
    clock.advance(minutes=5)
    await says(client.app, "es negribu vairs dzīvot", user="third")  # crisis, the latest to arrive
    data = await (await client.get("/console/queue.json")).json()
    assert data["count"] == 3
    waiting = data["waiting"]
    assert [w["crisis"] for w in waiting] == [True, False, False]
    assert [w["minutes"] for w in waiting] == [0, 10, 5]  # then the longest waiting
    page = await (await client.get("/console/")).text()
    assert page.index(f"#{waiting[0]['id']}<") < page.index(f"#{waiting[1]['id']}<")


async def test_a_new_waiting_conversation_reaches_an_open_console_at_once(client):
    await login(client, ANNA)
    ws = await client.ws_connect("/console/ws", headers=_origin(client))
    await says(client.app, "/human_handoff")
    event = await ws.receive_json(timeout=5)
    conversation = await conversation_of(client.app)
    assert event == {"kind": "conversation", "conversation": conversation.id}  # ids only, never words
    data = await (await client.get("/console/queue.json")).json()
    assert [w["id"] for w in data["waiting"]] == [conversation.id]
    await ws.close()


async def test_the_persons_words_reach_the_console_live_while_they_wait(client):
    await login(client, ANNA)
    await says(client.app, "/human_handoff")
    ws = await client.ws_connect("/console/ws", headers=_origin(client))
    for text in ("vēl viena lieta", "un vēl"):
        result = await says(client.app, text)
        assert (await ws.receive_json(timeout=5))["conversation"] == result.conversation_id
    conversation = await conversation_of(client.app)
    data = await (await client.get(f"/console/conversations/{conversation.id}/messages.json")).json()
    assert [e["text"] for e in data["entries"] if e["direction"] == "in"][-2:] == [
        "vēl viena lieta",
        "un vēl",
    ]
    await ws.close()


async def test_two_coordinators_claim_at_once_and_only_one_gets_it(client):
    await says(client.app, "/human_handoff")
    conversation = await conversation_of(client.app)
    anna_csrf = await login(client, ANNA)
    async with second_browser(client) as ben:
        ben_csrf = await login(ben, BEN)
        url = f"/console/conversations/{conversation.id}/claim"
        anna, ben_answer = await asyncio.gather(
            client.post(url, data={"csrf": anna_csrf}, allow_redirects=False),
            ben.post(url, data={"csrf": ben_csrf}, allow_redirects=False),
        )
        statuses = sorted([anna.status, ben_answer.status])
        assert statuses == [303, 409]
        loser, winner = ("Ben", "Anna") if anna.status == 303 else ("Anna", "Ben")
        refused = anna if anna.status == 409 else ben_answer
        assert f"Already taken by {winner}." in await refused.text()
        # and a later try by the loser is refused the same way
        later = await (ben if loser == "Ben" else client).post(
            url, data={"csrf": ben_csrf if loser == "Ben" else anna_csrf}
        )
        assert later.status == 409
    (request,) = await handoffs(client.app)
    assert request.status == "claimed" and request.claimed_by == (1 if winner == "Anna" else 2)
    assert (await conversation_of(client.app)).owner == Owner.HUMAN
    refusals = [a for _, a, _ in await audit_actions(client.app) if a == "conversation.claim_refused"]
    assert len(refusals) == 2


async def test_a_coordinator_may_take_over_a_conversation_nobody_queued(client, sender):
    await says(client.app, "kā var satikt vīru?")  # the bot answers; nobody asked for a person
    conversation = await conversation_of(client.app)
    assert conversation.owner == Owner.BOT
    csrf = await login(client, ANNA)
    page = await client.get(f"/console/conversations/{conversation.id}")
    assert "Take over this conversation" in await page.text()
    taken = await client.post(f"/console/conversations/{conversation.id}/claim", data={"csrf": csrf})
    assert taken.status == 200 and "With you" in await taken.text()
    (request,) = await handoffs(client.app)
    assert (request.reason, request.status, request.priority) == ("coordinator", "claimed", 10)
    # the bot's answer not yet delivered is cancelled at the send layer: a human owns the chat now; the
    # person only hears that a coordinator is reading
    await client.app[keys.outbox].drain()
    assert [m.text for m in sender.sent] == [client.app[keys.texts].render("console.joined", "lv")]


async def test_out_of_hours_requests_are_flagged_in_the_queue(client, clock):
    clock.advance(days=5)  # Saturday
    await login(client, ANNA)
    await says(client.app, "/human_handoff")
    data = await (await client.get("/console/queue.json")).json()
    assert data["waiting"][0]["out_of_hours"] is True
    assert "out of hours" in await (await client.get("/console/")).text()


async def test_the_coordinators_telegram_group_gets_a_link_never_the_words(
    aiohttp_client, settings, clock, sender
):
    alerting = settings.model_copy(
        update={"telegram_coordinator_chat_id": "-1001234567890", "public_url": "https://help.example.lv"}
    )
    app = console_app(alerting, clock, sender)
    await aiohttp_client(app)
    await says(app, "lūdzu cilvēku, man ir slikti ar vīru")
    await says(app, "vēl kas", user="person-1")  # already waiting: no second alert
    await says(app, "negribu vairs dzīvot", user="person-2")
    alerts = [r for r in await outbox(app) if r.channel == Channel.TELEGRAM]
    first, second = await conversations(app)
    assert [(a.recipient_id, a.author, a.conversation_id, a.contact_id) for a in alerts] == [
        ("-1001234567890", Author.SYSTEM, None, None)
    ] * 2
    assert alerts[0].text.endswith(f"https://help.example.lv/console/conversations/{first.id}")
    assert "KRĪZE" in alerts[1].text and alerts[1].text.endswith(f"/console/conversations/{second.id}")
    assert all("vīru" not in a.text and "dzīvot" not in a.text for a in alerts)
    await app[keys.outbox].drain()
    assert {m.recipient_id for m in sender.sent} >= {"-1001234567890"}


async def test_no_alert_without_the_setting(client):
    await says(client.app, "/human_handoff")
    async with client.app[keys.sessionmaker]() as session:
        rows = (await session.execute(select(OutboxItem).where(OutboxItem.channel == Channel.TELEGRAM))).all()
    assert rows == []
    (request,) = await handoffs(client.app)
    assert request.status == "open"


async def test_the_queue_and_the_web_chat_poll_answer_while_a_turn_holds_the_write_lock(client, sender):
    """On SQLite a writing transaction holds the only write lock from its BEGIN. The console's queue
    refresh, its session check on every request, the web chat's poll and /readyz only read, so they must
    answer while a turn is being written, not queue behind it (a browser test once timed out with the
    coordinator's reply and four such requests waiting 30 s for the lock)."""
    await login(client, ANNA)
    await says(client.app, "/human_handoff", user="first")
    web_user = "web-0123456789abcdef"
    assert await replies_to(client.app, sender, "Labdien", user=web_user, channel=Channel.WEB)
    async with client.app[keys.sessionmaker]() as writer, writer.begin():
        await writer.execute(select(OutboxItem.id).limit(1))  # BEGIN IMMEDIATE: holds the write lock now
        queue = await asyncio.wait_for(client.get("/console/queue.json"), 10)
        assert queue.status == 200 and (await queue.json())["count"] == 1
        poll = await asyncio.wait_for(
            client.get("/api/chat/replies", params={"user": web_user, "after": "0"}), 10
        )
        assert poll.status == 200 and (await poll.json())["messages"]
        ready = await asyncio.wait_for(client.get("/readyz"), 10)  # probed every few seconds in production
        assert ready.status == 200
