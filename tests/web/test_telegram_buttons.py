"""Inline keyboards: a button press moves the flow, is acknowledged, and leaves the choice visible."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from bot import keys
from bot.channels.telegram_updates import CHOSEN
from bot.clock import ManualClock
from bot.db.models import ProcessedInbound
from tests.conftest import RIGA
from tests.factories import count, transcript
from tests.telegram_fake import (
    Call,
    StartTelegram,
    TelegramEnv,
    callback_update,
    fake_api,
    start_telegram,
    text_update,
)

__all__ = ["fake_api", "start_telegram"]  # fixtures


def buttons_of(call: Call) -> list[tuple[str, str]]:
    keyboard: list[list[dict[str, Any]]] = call.params["reply_markup"]["inline_keyboard"]
    return [(b["text"], b["callback_data"]) for row in keyboard for b in row]


async def menu_for(env: TelegramEnv, chat_id: int, lang: str = "lv") -> Call:
    assert await env.post(text_update(chat_id, "/start", lang=lang)) == 200
    _greet, menu = await env.api.wait_sent(chat_id, count=2)
    return menu


async def test_a_menu_button_moves_the_flow_and_is_acknowledged(start_telegram: StartTelegram):
    env = await start_telegram()
    menu = await menu_for(env, 601)
    buttons = buttons_of(menu)
    label, data = buttons[0]
    assert data == "/visit_rules"
    press = callback_update(601, data, buttons=buttons, message_id=77)
    assert await env.post(press) == 200
    *_, answer = await env.api.wait_sent(601, count=3)
    assert answer.params["text"] == env.app[keys.texts].render("faq.visit_rules", "lv")
    (ack,) = env.api.called("answerCallbackQuery")
    assert ack.params["callback_query_id"] == press["callback_query"]["id"]
    assert ack.at <= answer.at  # the spinner stops no later than the answer arrives
    (edit,) = env.api.called("editMessageReplyMarkup")
    assert edit.params["message_id"] == "77" and edit.params["chat_id"] == "601"
    assert edit.params["reply_markup"] == {
        "inline_keyboard": [[{"text": f"✓ {label}", "callback_data": CHOSEN}]]
    }
    pressed = [e for e in await transcript(env.app) if e.direction == "in"][-1]
    assert (pressed.kind, pressed.text, pressed.payload, pressed.intent) == (
        "button",
        label,
        data,
        "visit_rules",
    )


async def test_language_buttons_switch_the_language(start_telegram: StartTelegram):
    env = await start_telegram()
    assert await env.post(text_update(602, "/language")) == 200
    (ask,) = await env.api.wait_sent(602)
    buttons = buttons_of(ask)
    assert [d for _, d in buttons] == ["lang:lv", "lang:ru", "lang:en"]
    rows = ask.params["reply_markup"]["inline_keyboard"]
    assert [len(r) for r in rows] == [2, 1]  # short labels share a row
    assert await env.post(callback_update(602, "lang:ru", buttons=buttons)) == 200
    *_, changed, menu = await env.api.wait_sent(602, count=3)
    texts = env.app[keys.texts]
    assert changed.params["text"] == texts.render("language.changed", "ru")
    assert menu.params["text"] == texts.render("menu.main", "ru")


async def test_label_falls_back_to_the_data_when_the_keyboard_is_unknown(start_telegram: StartTelegram):
    env = await start_telegram()
    assert await env.post(callback_update(603, "/phone_calls", buttons=[])) == 200
    await env.api.wait_sent(603)
    (pressed, _reply) = await transcript(env.app)
    assert pressed.text == "/phone_calls" and pressed.intent == "phone_calls"
    (edit,) = env.api.called("editMessageReplyMarkup")
    assert edit.params["reply_markup"]["inline_keyboard"][0][0]["text"] == "✓ /phone_calls"


async def test_the_chosen_mark_is_inert(start_telegram: StartTelegram):
    env = await start_telegram()
    assert await env.post(callback_update(604, CHOSEN, buttons=[("✓ Visits", CHOSEN)])) == 200
    assert len(env.api.called("answerCallbackQuery")) == 1
    assert await count(env.app, ProcessedInbound) == 0
    assert env.api.sent() == []


async def test_a_press_that_needs_no_reply_is_still_answered(start_telegram: StartTelegram):
    clock = ManualClock(datetime(2026, 11, 23, 10, 0, tzinfo=RIGA))  # Monday, within working hours
    env = await start_telegram(clock=clock)
    assert await env.post(text_update(605, "/human")) == 200
    assert await env.post(text_update(605, "vēl jautājums")) == 200
    queued, still_waiting = await env.api.wait_sent(605, count=2)
    texts = env.app[keys.texts]
    assert (
        still_waiting.params["text"].split("\n")[0][:20]
        == texts.render("handoff.still_waiting", "lv", {"position": "1"}).split("\n")[0][:20]
    )
    press = callback_update(605, "/thanks", buttons=[("Paldies", "/thanks")])
    assert await env.post(press) == 200  # waiting for a person, just told where they stand: quiet
    (ack,) = env.api.called("answerCallbackQuery")
    assert ack.params["callback_query_id"] == press["callback_query"]["id"]
    await env.app[keys.outbox].drain()
    assert len(env.api.sent(605)) == 2


async def test_a_button_in_a_group_is_not_processed(start_telegram: StartTelegram):
    env = await start_telegram()
    press = callback_update(
        -100777, "/visit_rules", buttons=[("Visits", "/visit_rules")], chat_type="supergroup"
    )
    assert await env.post(press) == 200
    (reply,) = await env.api.wait_sent(-100777)
    assert reply.params["text"] == env.app[keys.texts].render("group.unsupported", "lv")
    assert env.api.called("editMessageReplyMarkup") == []
    assert len(env.api.called("answerCallbackQuery")) == 1
