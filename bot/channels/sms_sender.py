"""TwilioSender: one outbox row -> one Twilio message over twilio's async HTTP client; errors -> SendError."""

from __future__ import annotations

import base64
import logging
from typing import Any
from urllib.parse import urlsplit, urlunsplit

import aiohttp
from twilio.base.exceptions import TwilioException  # type: ignore[import-untyped]
from twilio.http.async_http_client import AsyncTwilioHttpClient  # type: ignore[import-untyped]
from twilio.rest import Client  # type: ignore[import-untyped]

from bot.channels.base import RecipientGone, SendError
from bot.channels.sms_render import SmsRenderer
from bot.channels.sms_segments import count_segments
from bot.messages import OutboundMessage

log = logging.getLogger(__name__)

TWILIO_API = "https://api.twilio.com"
REQUEST_TIMEOUT = 15.0  # seconds; twilio's async client sets none, and a hung send would hold its lease

UNSUBSCRIBED = 21610  # the person sent STOP to our number: Twilio refuses to send until they send START
PERMANENT = {
    21211: "invalid 'To' number",
    21408: "sending to this region is not enabled",
    21612: "the 'To' number cannot be reached from this sender",
    21614: "the 'To' number cannot receive SMS",
    21617: "the text is longer than 1600 characters",
}


class RoutedAsyncHttpClient(AsyncTwilioHttpClient):  # type: ignore[misc]
    """Twilio's async client with the API host swapped (tests, staging) and a real request timeout.

    It also sends the Basic credentials as a header itself, which avoids aiohttp's deprecated `auth=`.
    Construct it inside the running loop: it opens an aiohttp session at once.
    """

    def __init__(self, base_url: str = TWILIO_API, timeout: float = REQUEST_TIMEOUT) -> None:
        super().__init__(timeout=timeout)
        self.base = urlsplit(base_url.rstrip("/"))

    def route(self, url: str) -> str:
        parts = urlsplit(url)
        return urlunsplit((self.base.scheme, self.base.netloc, parts.path, parts.query, parts.fragment))

    async def request(
        self,
        method: str,
        url: str,
        params: dict[str, object] | None = None,
        data: dict[str, object] | None = None,
        headers: dict[str, str] | None = None,
        auth: tuple[str, str] | None = None,
        timeout: float | None = None,  # noqa: ASYNC109 - twilio calls us with this signature
        allow_redirects: bool = False,
    ) -> Any:
        headers = dict(headers or {})
        if auth is not None:
            token = base64.b64encode(f"{auth[0]}:{auth[1]}".encode()).decode("ascii")
            headers["Authorization"] = f"Basic {token}"
        return await super().request(
            method,
            self.route(url),
            params=params,
            data=data,
            headers=headers,
            auth=None,
            timeout=timeout if timeout is not None else self.timeout,
            allow_redirects=allow_redirects,
        )


def classify(exc: TwilioException) -> SendError:
    """Map a Twilio API error to what the outbox should do with the row."""
    status = int(getattr(exc, "status", 0) or 0)
    code = getattr(exc, "code", None)
    if code == UNSUBSCRIBED:
        return RecipientGone(f"twilio {code}: recipient unsubscribed")
    if code in PERMANENT:
        return SendError(f"twilio {code}: {PERMANENT[code]}", retryable=False)
    if status == 429 or status >= 500:
        return SendError(f"twilio http {status} (code {code})", retryable=True)
    return SendError(f"twilio http {status} (code {code})", retryable=False)


class TwilioSender:
    def __init__(
        self,
        *,
        client: Client,
        renderer: SmsRenderer,
        status_callback: str,
        from_number: str = "",
        messaging_service_sid: str = "",
    ) -> None:
        if not (from_number or messaging_service_sid):
            raise ValueError("a sender number or a Messaging Service SID is needed")
        self.client = client
        self.renderer = renderer
        self.status_callback = status_callback
        # a Messaging Service picks the sender from its pool; otherwise our one number sends
        self.sender: dict[str, str] = (
            {"messaging_service_sid": messaging_service_sid}
            if messaging_service_sid
            else {"from_": from_number}
        )

    async def send(self, message: OutboundMessage) -> str:
        body = self.renderer.render(message)
        try:
            created = await self.client.messages.create_async(
                to=message.recipient_id, body=body, status_callback=self.status_callback, **self.sender
            )
        except TwilioException as exc:
            raise classify(exc) from exc
        except (aiohttp.ClientError, TimeoutError) as exc:
            raise SendError(f"network: {type(exc).__name__}", retryable=True) from exc
        sid = str(created.sid)
        # never the body or the number: the outbox id and the size are enough to follow a message
        log.info(
            "sms queued at twilio",
            extra={"outbox_id": message.outbox_id, "sid": sid, "segments": count_segments(body).segments},
        )
        return sid
