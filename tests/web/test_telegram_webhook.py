"""Webhook mode: registration at start, the secret header, one reply per update, 503 when the DB is down."""

from __future__ import annotations

from sqlalchemy import select, text

from bot import keys
from bot.db.models import Contact, ProcessedInbound, TranscriptEntry
from tests.factories import count, transcript
from tests.telegram_fake import PUBLIC_URL, SECRET, StartTelegram, fake_api, start_telegram, text_update

__all__ = ["fake_api", "start_telegram"]  # fixtures


async def test_start_registers_the_webhook_with_the_secret_and_the_commands(start_telegram: StartTelegram):
    env = await start_telegram()
    api = env.api
    assert [c.method for c in api.calls][:1] == ["getMe"]
    webhook = api.webhook
    assert webhook["url"] == f"{PUBLIC_URL}/webhooks/telegram"
    assert webhook["secret_token"] == SECRET
    assert webhook["allowed_updates"] == ["message", "edited_message", "callback_query", "my_chat_member"]
    assert not api.called("getUpdates")  # webhook mode never polls
    assert set(api.commands) == {"", "lv", "ru", "en"}
    names = [c["command"] for c in api.commands["ru"]]
    assert names == ["start", "help", "language", "human", "mybooking", "delete_my_data"]
    texts = env.app[keys.texts]
    assert api.commands["ru"][3]["description"] == texts.render("telegram.command.human", "ru")
    assert api.commands[""] == api.commands["lv"]


async def test_an_update_with_the_secret_gets_a_reply_in_the_persons_language(start_telegram: StartTelegram):
    env = await start_telegram()
    status = await env.post(text_update(501, "Здравствуйте, как увидеть мужа?", lang="ru"))
    assert status == 200
    (reply,) = await env.api.wait_sent(501)
    expected = env.app[keys.texts].render("faq.visit_rules", "ru")
    assert reply.params["text"] == expected
    assert "parse_mode" not in reply.params  # plain text: nothing user-supplied can break formatting
    keyboard = reply.params["reply_markup"]["inline_keyboard"]
    payloads = [b["callback_data"] for row in keyboard for b in row]
    assert payloads[0] == "/visit_long" and "/help" in payloads
    (entry, _out) = await transcript(env.app)
    assert entry.intent == "visit_rules" and entry.language == "ru"


async def test_start_command_greets_in_the_telegram_language(start_telegram: StartTelegram):
    env = await start_telegram()
    assert await env.post(text_update(502, "/start", lang="en")) == 200
    greet, menu = await env.api.wait_sent(502, count=2)
    texts = env.app[keys.texts]
    assert greet.params["text"] == texts.render("greet", "en")
    assert menu.params["text"] == texts.render("menu.main", "en")
    labels = [b["text"] for row in menu.params["reply_markup"]["inline_keyboard"] for b in row]
    assert labels[0] == texts.render("button.visit_rules", "en")


async def test_missing_or_wrong_secret_is_refused_and_nothing_is_stored(start_telegram: StartTelegram):
    env = await start_telegram()
    update = text_update(503, "Sveiki")
    assert await env.post(update, secret=None) == 403
    assert await env.post(update, secret="wrong") == 403
    assert await env.post(update, secret=SECRET + "x") == 403
    assert await env.post(update, secret="") == 403
    assert await count(env.app, ProcessedInbound) == 0
    assert await count(env.app, TranscriptEntry) == 0
    assert await count(env.app, Contact) == 0
    assert env.api.sent() == []


async def test_without_a_configured_secret_every_request_is_refused(start_telegram: StartTelegram):
    # polling mode has no secret; the route still exists and must fail closed
    env = await start_telegram(public_url="", TELEGRAM_WEBHOOK_SECRET=None)
    assert await env.post(text_update(504, "Sveiki"), secret="") == 403
    assert await env.post(text_update(504, "Sveiki"), secret="None") == 403
    assert await count(env.app, ProcessedInbound) == 0


async def test_the_same_update_twice_gets_one_reply(start_telegram: StartTelegram):
    env = await start_telegram()
    update = text_update(505, "kā var satikt vīru?")
    assert await env.post(update) == 200
    assert await env.post(update) == 200  # Telegram's retry
    await env.api.wait_sent(505)
    await env.app[keys.outbox].drain()
    assert len(env.api.sent(505)) == 1
    assert await count(env.app, ProcessedInbound) == 1
    rows = [e for e in await transcript(env.app) if e.direction == "in"]
    assert len(rows) == 1


async def test_not_json_or_not_an_update_is_a_bad_request(start_telegram: StartTelegram):
    env = await start_telegram()
    headers = {"X-Telegram-Bot-Api-Secret-Token": SECRET}
    response = await env.client.post("/webhooks/telegram", data=b"{not json", headers=headers)
    assert response.status == 400
    response = await env.client.post("/webhooks/telegram", json=[1, 2], headers=headers)
    assert response.status == 400
    assert await count(env.app, ProcessedInbound) == 0


async def test_an_update_type_we_do_not_handle_is_acknowledged_and_ignored(start_telegram: StartTelegram):
    env = await start_telegram()
    update = {
        "update_id": 9001,
        "inline_query": {
            "id": "iq",
            "from": {"id": 5, "is_bot": False, "first_name": "A"},
            "query": "x",
            "offset": "",
        },
    }
    assert await env.post(update) == 200
    assert await count(env.app, ProcessedInbound) == 0


async def test_database_down_answers_503_so_telegram_retries(start_telegram: StartTelegram):
    env = await start_telegram()
    async with env.app[keys.engine].begin() as conn:
        await conn.execute(text("DROP TABLE processed_inbound"))
    assert await env.post(text_update(506, "Sveiki")) == 503
    async with env.app[keys.sessionmaker]() as session:
        assert (await session.execute(select(TranscriptEntry))).first() is None
    assert env.api.sent() == []
