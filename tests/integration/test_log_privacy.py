"""Logs carry ids and kinds, never what people wrote, their phone numbers or their names."""

from __future__ import annotations

import io
from collections.abc import Iterator

import pytest

from bot import keys
from bot.channels.base import SendError
from bot.clock import ManualClock
from bot.messages import Channel, InboundMessage
from tests.fakes import FakeSender
from tests.log_capture import configured_logs

PHONE = "+37129876543"
NAME = "Zelmīra"
BODY = f"Mans vīrs ir Olainē, lūdzu zvaniet uz {PHONE}, tas ir Skaidrītes numurs"
SECRETS = (PHONE, PHONE.removeprefix("+371"), NAME, "Olainē", "Skaidrītes", "zvaniet")


@pytest.fixture
def json_logs() -> Iterator[io.StringIO]:
    """Production logging (JSON) at DEBUG, the most talkative level an operator can choose."""
    with configured_logs("DEBUG") as out:
        yield out


def sms(text: str, provider_id: str) -> InboundMessage:
    return InboundMessage(
        channel=Channel.SMS, sender_id=PHONE, provider_message_id=provider_id, text=text, first_name=NAME
    )


async def test_a_turn_with_a_phone_number_and_a_name_logs_neither(
    make_app, clock: ManualClock, json_logs: io.StringIO
):
    sender = FakeSender()
    app = await make_app(senders={Channel.SMS: sender})
    pipeline, outbox = app[keys.pipeline], app[keys.outbox]
    await pipeline.handle(sms(BODY, "SM-1"))
    await outbox.drain()
    await pipeline.handle(sms("boom " + BODY, "SM-2"))  # a failing turn: its traceback is logged too
    sender.failures.append(SendError("temporary", retryable=True))  # and a failed send, retried
    await outbox.drain()
    clock.advance(seconds=5)
    await outbox.drain()
    assert len(sender.sent) == 2, "the answer and the apology were delivered"
    logged = json_logs.getvalue()
    assert '"msg": "turn failed"' in logged  # logged, as JSON, so the check below means something
    leaked = [word for word in SECRETS if word in logged]
    assert leaked == [], logged
