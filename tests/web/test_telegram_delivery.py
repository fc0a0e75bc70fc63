"""Delivery via the outbox: 429 and 5xx are retried and arrive once; a blocked bot stops; limits; typing."""

from __future__ import annotations

from sqlalchemy import select

from bot import keys
from bot.channels.telegram import TelegramOptions
from bot.channels.telegram_sender import Limits
from bot.db.models import Contact, OutboxStatus
from tests.telegram_fake import (
    FAST,
    Failure,
    RulesThenKeywords,
    StartTelegram,
    fake_api,
    settled_outbox,
    start_telegram,
    text_update,
)

__all__ = ["fake_api", "start_telegram"]  # fixtures


async def contact_blocked(env_app: object, chat_id: int) -> bool:
    async with env_app[keys.sessionmaker]() as session:  # type: ignore[index]
        found = await session.execute(select(Contact.blocked).where(Contact.external_id == str(chat_id)))
        return bool(found.scalar_one())


async def test_two_429_in_a_row_delay_the_reply_but_it_arrives_once(start_telegram: StartTelegram):
    env = await start_telegram()
    env.api.fail("sendMessage", Failure.too_many(1), Failure.too_many(1))
    assert await env.post(text_update(701, "kā var satikt vīru?")) == 200
    (reply,) = await env.api.wait_sent(701, timeout=10)
    attempts = env.api.called("sendMessage")
    assert [c.status for c in attempts] == [429, 429, 200]
    assert reply.at - attempts[0].at >= 1.9  # waited retry_after twice
    (row,) = await settled_outbox(env.app)
    assert row.status == OutboxStatus.SENT and row.provider_message_id
    assert len(env.api.sent(701)) == 1


async def test_a_server_error_is_retried_and_the_reply_arrives_once(start_telegram: StartTelegram):
    env = await start_telegram()
    env.api.fail("sendMessage", Failure.server_error())
    assert await env.post(text_update(702, "kā var satikt vīru?")) == 200
    await env.api.wait_sent(702, timeout=10)
    assert [c.status for c in env.api.called("sendMessage")] == [500, 200]
    (row,) = await settled_outbox(env.app)
    assert row.status == OutboxStatus.SENT and row.attempts == 2


async def test_a_blocked_bot_marks_the_contact_and_sends_nothing_more(start_telegram: StartTelegram):
    env = await start_telegram()
    env.api.blocked_chats.add(703)
    assert await env.post(text_update(703, "/start")) == 200  # two replies: greeting and menu
    await env.api.wait_for(lambda: len(env.api.called("sendMessage")) >= 1)
    statuses = [r.status for r in await settled_outbox(env.app)]
    assert [c.status for c in env.api.called("sendMessage")] == [403]  # the menu was never tried
    assert await contact_blocked(env.app, 703)
    assert statuses == [OutboxStatus.DEAD, OutboxStatus.CANCELLED]


async def test_replies_to_one_chat_are_a_second_apart(start_telegram: StartTelegram):
    options = TelegramOptions(limits=Limits(per_chat_interval=1.0), poll_timeout=1.0)
    env = await start_telegram(options=options)
    assert await env.post(text_update(704, "/start")) == 200
    assert await env.post(text_update(705, "/start")) == 200
    first, second = await env.api.wait_sent(704, count=2)
    third, fourth = await env.api.wait_sent(705, count=2)
    assert second.at - first.at >= 0.95 and fourth.at - third.at >= 0.95


async def test_a_slow_turn_shows_typing(start_telegram: StartTelegram):
    options = TelegramOptions(limits=FAST.limits, typing_after=0.05)
    env = await start_telegram(options=options, classifier=RulesThenKeywords(delay=0.3))
    assert await env.post(text_update(706, "kā var satikt vīru?")) == 200
    (typing,) = env.api.called("sendChatAction")
    assert typing.params == {"chat_id": "706", "action": "typing"}
    await env.api.wait_sent(706)
    assert typing.at < env.api.sent(706)[0].at


async def test_a_quick_turn_shows_no_typing(start_telegram: StartTelegram):
    env = await start_telegram(options=TelegramOptions(limits=FAST.limits, typing_after=3.0))
    assert await env.post(text_update(707, "kā var satikt vīru?")) == 200
    await env.api.wait_sent(707)
    assert env.api.called("sendChatAction") == []
