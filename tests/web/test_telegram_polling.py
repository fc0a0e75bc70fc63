"""Long polling (no HELPLINE_PUBLIC_URL): the same answers as the webhook, nothing lost on failures."""

from __future__ import annotations

from sqlalchemy import text

from bot import keys
from bot.db.models import ProcessedInbound
from tests.factories import transcript
from tests.telegram_fake import Failure, StartTelegram, callback_update, fake_api, start_telegram, text_update

__all__ = ["fake_api", "start_telegram"]  # fixtures


async def test_polling_answers_like_the_webhook(start_telegram: StartTelegram):
    env = await start_telegram(public_url="", TELEGRAM_WEBHOOK_SECRET=None)
    update = text_update(1001, "Здравствуйте, как увидеть мужа?", lang="ru")
    await env.api.push(update)
    (reply,) = await env.api.wait_sent(1001)
    assert reply.params["text"] == env.app[keys.texts].render("faq.visit_rules", "ru")
    methods = [c.method for c in env.api.calls]
    assert "setWebhook" not in methods
    assert methods.index("deleteWebhook") < methods.index("getUpdates")
    await env.api.wait_for(
        lambda: any(
            c.params.get("offset") == str(update["update_id"] + 1) for c in env.api.called("getUpdates")
        )
    )
    first_poll = env.api.called("getUpdates")[0].params
    assert first_poll["allowed_updates"] == ["message", "edited_message", "callback_query", "my_chat_member"]
    assert first_poll["timeout"] == "1"


async def test_polling_removes_a_leftover_webhook_and_survives_errors(
    start_telegram: StartTelegram, fake_api
):
    fake_api.webhook = {"url": "https://old.example.invalid/webhooks/telegram"}  # an earlier deployment's
    fake_api.fail(
        "getUpdates", Failure.server_error(), Failure(409, "Conflict: terminated by other getUpdates")
    )
    env = await start_telegram(public_url="", TELEGRAM_WEBHOOK_SECRET=None)
    await env.api.push(callback_update(1002, "/letters", buttons=[("Letters", "/letters")], lang="en"))
    (reply,) = await env.api.wait_sent(1002)
    assert reply.params["text"] == env.app[keys.texts].render("faq.letters", "en")
    assert env.api.webhook == {}
    assert [c.status for c in env.api.called("getUpdates")][:3] == [500, 409, 200]
    assert env.api.called("answerCallbackQuery")


async def test_an_update_is_not_lost_while_the_database_is_down(start_telegram: StartTelegram):
    env = await start_telegram(public_url="", TELEGRAM_WEBHOOK_SECRET=None)
    async with env.app[keys.engine].begin() as conn:
        await conn.execute(text("DROP TABLE processed_inbound"))
    update = text_update(1003, "kā var satikt vīru?")
    await env.api.push(update)
    await env.api.wait_for(lambda: len(env.api.called("getUpdates")) >= 3)  # fetched, failed, fetched again
    assert env.api.sent() == []
    assert all(c.params.get("offset") != str(update["update_id"] + 1) for c in env.api.called("getUpdates"))
    async with env.app[keys.engine].begin() as conn:
        await conn.run_sync(ProcessedInbound.__table__.create)
    (reply,) = await env.api.wait_sent(1003)
    # the answer, or the apology when the database came back between the turn and its fallback
    texts = env.app[keys.texts]
    assert reply.params["text"] in (
        texts.render("faq.visit_rules", "lv"),
        texts.render("error.apology", "lv"),
    )
    inbound = [e.text for e in await transcript(env.app) if e.direction == "in"]
    assert inbound == ["kā var satikt vīru?"]


async def test_shutdown_confirms_what_was_handled_and_stops(start_telegram: StartTelegram):
    env = await start_telegram(public_url="", TELEGRAM_WEBHOOK_SECRET=None)
    update = text_update(1004, "kā var satikt vīru?")
    await env.api.push(update)
    await env.api.wait_sent(1004)
    await env.client.close()  # runs on_shutdown and the clean-ups
    last = env.api.called("getUpdates")[-1].params
    assert last["offset"] == str(update["update_id"] + 1) and last["timeout"] == "0"
    calls = len(env.api.calls)
    await env.api.push(text_update(1005, "Sveiki"))
    assert len(env.api.calls) == calls  # nothing polls any more
