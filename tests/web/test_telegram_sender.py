"""TelegramSender against the fake Bot API: splitting, keyboards, limits, and errors mapped for the outbox."""

from __future__ import annotations

import asyncio
import itertools
import time
from collections.abc import AsyncIterator

import pytest
from telegram import CopyTextButton, InlineKeyboardButton, InlineKeyboardMarkup, LinkPreviewOptions

from bot.channels.base import RecipientGone, SendError
from bot.channels.telegram_bot import HelplineBot
from bot.channels.telegram_request import AiohttpRequest
from bot.channels.telegram_sender import Limits, TelegramSender, keyboard
from bot.channels.telegram_updates import CallbackContext
from bot.messages import Button, Channel, OutboundMessage
from tests.telegram_fake import TOKEN, Failure, FakeBotApi, fake_api

__all__ = ["fake_api"]  # fixture
NO_WAIT = Limits(per_chat_interval=0.0)


@pytest.fixture
async def bot(fake_api: FakeBotApi) -> AsyncIterator[HelplineBot]:
    # generous timeouts: these tests measure our limits, not a busy machine's HTTP latency
    request = AiohttpRequest(read_timeout=30, write_timeout=30, connect_timeout=30, pool_timeout=30)
    async with HelplineBot(TOKEN, base_url=fake_api.base_url, request=request) as bot:
        yield bot


def outbound(
    text: str,
    *,
    chat: str = "801",
    buttons: tuple[Button, ...] = (),
    context: str | None = None,
    outbox_id: int = 1,
) -> OutboundMessage:
    return OutboundMessage(
        outbox_id=outbox_id,
        channel=Channel.TELEGRAM,
        recipient_id=chat,
        text=text,
        buttons=buttons,
        reply_context=context,
    )


def long_text() -> str:
    paragraph = "Ilgstošās tikšanās notiek atsevišķā telpā līdz divām diennaktīm. " * 4
    return "\n\n".join(f"{n}. {paragraph.strip()}" for n in range(20))


async def test_a_5000_character_text_is_split_at_paragraphs_with_buttons_on_the_last_part(fake_api, bot):
    text = long_text()
    assert len(text) > 5000
    sender = TelegramSender(bot, NO_WAIT)
    provider_id = await sender.send(outbound(text, buttons=(Button("/help", "Izvēlne"),)))
    parts = fake_api.sent(801)
    assert len(parts) == 2
    assert all(len(p.params["text"]) <= 4096 for p in parts)
    assert "\n\n".join(p.params["text"] for p in parts) == text  # cut exactly at a paragraph break
    assert "reply_markup" not in parts[0].params
    assert parts[1].params["reply_markup"]["inline_keyboard"] == [
        [{"text": "Izvēlne", "callback_data": "/help"}]
    ]
    assert provider_id == "501"  # the fake numbers its messages from 500: the last part's id


async def test_a_retried_split_message_does_not_repeat_the_parts_already_sent(fake_api, bot):
    sender = TelegramSender(bot, NO_WAIT)
    message = outbound(long_text())
    fake_api.fail_call("sendMessage", 2, Failure.too_many(1))  # the first part passes, the second meets a 429
    with pytest.raises(SendError) as caught:
        await sender.send(message)
    assert caught.value.retryable and caught.value.retry_after == 1.0
    assert len(fake_api.sent(801)) == 1
    await sender.send(message)  # the outbox's retry
    texts = [c.params["text"] for c in fake_api.sent(801)]
    assert len(texts) == 2 and texts[0] != texts[1]


async def test_429_becomes_a_retryable_error_with_telegrams_delay(fake_api, bot):
    fake_api.fail("sendMessage", Failure.too_many(3))
    with pytest.raises(SendError) as caught:
        await TelegramSender(bot, NO_WAIT).send(outbound("Sveiki"))
    assert caught.value.retryable and caught.value.retry_after == 3.0


@pytest.mark.filterwarnings("ignore::telegram.warnings.PTBDeprecationWarning")  # PTB's own, on int periods
async def test_429_delay_is_read_without_ptb_timedelta_too(fake_api, bot, monkeypatch):
    monkeypatch.delenv("PTB_TIMEDELTA")
    fake_api.fail("sendMessage", Failure.too_many(2))
    with pytest.raises(SendError) as caught:
        await TelegramSender(bot, NO_WAIT).send(outbound("Sveiki"))
    assert caught.value.retryable and caught.value.retry_after == 2.0


async def test_send_text_makes_the_request_send_message_makes_and_reads_the_new_id(fake_api, bot):
    """send_text skips building a Message from the answer; what goes to Telegram must stay PTB's own request
    (a PTB upgrade that changed it would show here)."""
    markup = keyboard((Button("/yes", "Jā"), Button("/help", "Izvēlne")))
    quiet = LinkPreviewOptions(is_disabled=True)
    sent = await bot.send_message(
        chat_id=801, text="Sveiki 👋", reply_markup=markup, link_preview_options=quiet
    )
    message_id = await bot.send_text(801, "Sveiki 👋", reply_markup=markup, link_preview_options=quiet)
    again = await bot.send_text(801, "Sveiki 👋", reply_markup=markup, link_preview_options=quiet)
    first, second, third = fake_api.sent(801)
    assert second.params == first.params
    assert third.params == first.params  # the keyboard's dict, made by the first send_text, sent again
    assert (message_id, again) == (sent.message_id + 1, sent.message_id + 2)  # the fake numbers in order


async def test_keyboards_that_ptb_calls_equal_but_differ_are_sent_as_they_are(fake_api, bot):
    """PTB's equality of buttons ignores `copy_text`: a keyboard remembered by equality would send the first
    number to copy in place of the second."""

    def copy_button(number: str) -> InlineKeyboardMarkup:
        return InlineKeyboardMarkup(
            [[InlineKeyboardButton("Kopēt numuru", copy_text=CopyTextButton(number))]]
        )

    emergency, crisis_line = copy_button("112"), copy_button("116123")
    assert emergency == crisis_line
    await bot.send_text(802, "Neatliekamā palīdzība", reply_markup=emergency)
    await bot.send_text(802, "Krīzes tālrunis", reply_markup=crisis_line)
    copied = [
        c.params["reply_markup"]["inline_keyboard"][0][0]["copy_text"]["text"] for c in fake_api.sent(802)
    ]
    assert copied == ["112", "116123"]


async def test_errors_are_mapped_for_the_outbox(fake_api, bot):
    sender = TelegramSender(bot, NO_WAIT)
    fake_api.fail(
        "sendMessage", Failure.server_error(), Failure.blocked(), Failure(400, "Bad Request: chat not found")
    )
    with pytest.raises(SendError) as server:
        await sender.send(outbound("a", outbox_id=1))
    with pytest.raises(RecipientGone) as gone:
        await sender.send(outbound("b", outbox_id=2))
    with pytest.raises(SendError) as bad:
        await sender.send(outbound("c", outbox_id=3))
    assert server.value.retryable and server.value.retry_after is None
    assert not gone.value.retryable
    assert not bad.value.retryable and "chat not found" in bad.value.reason.lower()
    assert TOKEN not in server.value.reason + gone.value.reason + bad.value.reason


async def test_acknowledging_a_button_may_fail_without_failing_the_reply(fake_api, bot):
    fake_api.fail(
        "answerCallbackQuery", Failure(400, "Bad Request: query is too old and response timeout expired")
    )
    fake_api.fail("editMessageReplyMarkup", Failure.server_error())
    context = CallbackContext("cbq-1", "801", 77, "Tikšanās").encode()
    provider_id = await TelegramSender(bot, NO_WAIT).send(outbound("Atbilde", context=context))
    assert provider_id and len(fake_api.sent(801)) == 1
    order = [c.method for c in fake_api.calls]
    assert order == ["getMe", "answerCallbackQuery", "editMessageReplyMarkup", "sendMessage"]


async def test_long_payloads_are_left_out_and_short_labels_share_a_row(fake_api, bot):
    buttons = (
        Button("/yes", "Jā"),
        Button("/no", "Nē"),
        Button("/" + "x" * 64, "Too long"),
        Button("/visit_rules", "Tikšanās ar ieslodzīto un to noteikumi"),
        Button("/help", "Izvēlne"),
    )
    await TelegramSender(bot, NO_WAIT).send(outbound("Izvēlieties", buttons=buttons))
    (call,) = fake_api.sent(801)
    rows = [[b["callback_data"] for b in row] for row in call.params["reply_markup"]["inline_keyboard"]]
    assert rows == [["/yes", "/no"], ["/visit_rules"], ["/help"]]


async def test_the_overall_rate_is_limited(fake_api, bot):
    sender = TelegramSender(bot, Limits(per_second=5.0, per_chat_interval=0.0))
    started = time.monotonic()
    await asyncio.gather(
        *(sender.send(outbound("Sveiki", chat=str(900 + n), outbox_id=n)) for n in range(10))
    )
    elapsed = time.monotonic() - started
    assert len(fake_api.sent()) == 10
    assert elapsed >= 0.9  # 5 at once, then 5 a second


async def test_one_chat_gets_at_most_one_message_a_second(fake_api, bot):
    sender = TelegramSender(bot, Limits(per_chat_interval=0.5))
    other = sender.send(outbound("citam", chat="802", outbox_id=9))
    await asyncio.gather(*(sender.send(outbound(f"ziņa {n}", outbox_id=n)) for n in range(3)), other)
    times = [c.at for c in fake_api.sent(801)]
    assert fake_api.sent(802)[0].at < times[1]  # another chat is not held back
    gaps = [b - a for a, b in itertools.pairwise(times)]
    assert len(gaps) == 2 and min(gaps) >= 0.49  # measured where Telegram receives them
