"""TwilioSender against the local fake Twilio API: what is posted, and what each failure means."""

from __future__ import annotations

import io
import json
import socket
from collections.abc import AsyncIterator, Iterator

import pytest
from twilio.rest import Client

from bot.channels.base import RecipientGone, SendError
from bot.channels.sms_render import SmsRenderer
from bot.channels.sms_sender import RoutedAsyncHttpClient, TwilioSender
from bot.messages import Button, Channel, OutboundMessage
from flows.texts import Texts
from tests.log_capture import configured_logs
from tests.twilio_fake import ACCOUNT_SID, AUTH_TOKEN, FROM_NUMBER, PUBLIC_URL, FakeTwilio, SmsHarness

CALLBACK = PUBLIC_URL + "/webhooks/twilio/status"
RENDERER = SmsRenderer(Texts.load())


def _sender(client: Client, **kw: str) -> TwilioSender:
    kw.setdefault("from_number", FROM_NUMBER)
    return TwilioSender(client=client, renderer=RENDERER, status_callback=CALLBACK, **kw)


@pytest.fixture
async def http(fake: FakeTwilio) -> AsyncIterator[RoutedAsyncHttpClient]:
    client = RoutedAsyncHttpClient(fake.base_url)
    yield client
    await client.close()


def _message(
    text: str = "Labdien", buttons: tuple[Button, ...] = (), sms_text: str | None = None
) -> OutboundMessage:
    return OutboundMessage(1, Channel.SMS, "+37120000001", text, buttons, sms_text=sms_text)


async def test_send_posts_the_sms_text_with_numbered_buttons_and_returns_the_sid(fake: FakeTwilio, http):
    sender = _sender(Client(ACCOUNT_SID, AUTH_TOKEN, http_client=http))
    buttons = (Button("/visit_long", "Ilgstošā tikšanās"), Button("/help", "Izvēlne"))
    sid = await sender.send(_message("A long text for chat apps", buttons, sms_text="Īsi."))
    (sent,) = fake.sent
    assert sid == sent.sid and sid.startswith("SM") and len(sid) == 34
    assert sent.body == "Īsi.\n1 Ilgstošā tikšanās\n0 Izvēlne"
    assert (sent.to, sent.sender, sent.status_callback) == ("+37120000001", FROM_NUMBER, CALLBACK)


async def test_a_messaging_service_is_used_instead_of_a_number_when_configured(fake: FakeTwilio, http):
    sender = TwilioSender(
        client=Client(ACCOUNT_SID, AUTH_TOKEN, http_client=http),
        renderer=RENDERER,
        status_callback=CALLBACK,
        messaging_service_sid="MG" + "1" * 32,
    )
    await sender.send(_message())
    assert fake.sent[0].sender == "MG" + "1" * 32


async def test_plain_english_is_sent_as_gsm7(fake: FakeTwilio, http):
    sender = _sender(Client(ACCOUNT_SID, AUTH_TOKEN, http_client=http))
    await sender.send(_message("It’s free – call 116123 “any time”…"))
    assert fake.sent[0].body == 'It\'s free - call 116123 "any time"...'


@pytest.mark.parametrize(
    ("status", "code", "expected", "retryable"),
    [
        (400, 21211, SendError, False),  # invalid 'To' number
        (400, 21614, SendError, False),  # not a mobile number
        (400, 21610, RecipientGone, False),  # the person sent STOP to our number
        (400, 21408, SendError, False),  # region not enabled: a configuration problem
        (429, 20429, SendError, True),
        (500, None, SendError, True),
        (503, 20503, SendError, True),
        (400, 21602, SendError, False),  # others: not retryable
    ],
)
async def test_twilio_errors_become_send_errors(fake: FakeTwilio, http, status, code, expected, retryable):
    sender = _sender(Client(ACCOUNT_SID, AUTH_TOKEN, http_client=http))
    fake.fail_next(status, code)
    with pytest.raises(SendError) as caught:
        await sender.send(_message())
    assert type(caught.value) is expected and caught.value.retryable is retryable
    assert "+371" not in caught.value.reason  # no phone numbers in what ends up in logs and rows


async def test_a_wrong_auth_token_is_not_retried(fake: FakeTwilio, http):
    sender = _sender(Client(ACCOUNT_SID, "wrong-token", http_client=http))
    with pytest.raises(SendError) as caught:
        await sender.send(_message())
    assert caught.value.retryable is False and "401" in caught.value.reason


async def test_a_network_failure_is_retryable():
    with socket.socket() as free:
        free.bind(("127.0.0.1", 0))
        port = free.getsockname()[1]  # nothing listens here once the socket is closed
    http = RoutedAsyncHttpClient(f"http://127.0.0.1:{port}", timeout=2.0)
    try:
        sender = _sender(Client(ACCOUNT_SID, AUTH_TOKEN, http_client=http))
        with pytest.raises(SendError) as caught:
            await sender.send(_message())
        assert caught.value.retryable is True and caught.value.reason.startswith("network")
    finally:
        await http.close()


async def test_requests_are_routed_to_the_configured_host():
    client = RoutedAsyncHttpClient("http://127.0.0.1:9999/")
    try:
        routed = client.route(f"https://api.twilio.com/2010-04-01/Accounts/{ACCOUNT_SID}/Messages.json?x=1")
        assert routed == f"http://127.0.0.1:9999/2010-04-01/Accounts/{ACCOUNT_SID}/Messages.json?x=1"
    finally:
        await client.close()


def test_a_sender_needs_a_number_or_a_messaging_service():
    with pytest.raises(ValueError, match="Messaging Service"):
        TwilioSender(client=None, renderer=RENDERER, status_callback=CALLBACK)  # type: ignore[arg-type]


@pytest.fixture
def run_logs() -> Iterator[io.StringIO]:
    """Logging as `helpline run` sets it up (INFO, JSON), captured; restored afterwards."""
    with configured_logs("INFO") as out:
        yield out


async def test_twilios_client_logs_no_line_per_request(sms: SmsHarness, run_logs: io.StringIO):
    """Its INFO lines (11 per SMS, the Account SID in each URL) drowned the bot's own (QA #16)."""
    (reply,) = await sms.say("kā var satikt vīru?")
    assert "48 h" in reply
    lines = [json.loads(line) for line in run_logs.getvalue().splitlines()]
    assert any(line["msg"] == "sms queued at twilio" for line in lines)  # the capture works
    twilio = [line for line in lines if line["logger"].startswith("twilio")]
    assert twilio == []
    assert ACCOUNT_SID not in run_logs.getvalue()
