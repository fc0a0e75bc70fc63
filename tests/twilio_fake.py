"""A local fake of Twilio's REST API (Messages.json) and a signer for webhooks, for offline SMS tests.

It answers like Twilio: 201 with a Message resource ("SM…" sid, status "queued", num_segments), 401
for a wrong Basic auth, and scripted errors such as `400 {"code": 21211, ...}`, 429 or 500.
"""

from __future__ import annotations

import base64
import secrets
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from email.utils import format_datetime
from urllib.parse import urlencode

import smsutil
from aiohttp import web
from aiohttp.test_utils import TestClient
from pydantic import SecretStr
from twilio.request_validator import RequestValidator

from bot import keys
from bot.settings import Settings

ACCOUNT_SID = "AC" + "0123456789abcdef" * 2
AUTH_TOKEN = "test-auth-token-0123456789abcdef"
PUBLIC_URL = "https://helpline.example.lv"
FROM_NUMBER = "+37166000000"


@dataclass
class ScriptedError:
    status: int
    code: int | None = None
    message: str = "scripted failure"


@dataclass
class SentSms:
    sid: str
    to: str
    body: str
    sender: str  # From or MessagingServiceSid
    status_callback: str
    num_segments: int


@dataclass
class FakeTwilio:
    account_sid: str = ACCOUNT_SID
    auth_token: str = AUTH_TOKEN
    sent: list[SentSms] = field(default_factory=list)
    attempts: int = 0  # every POST to Messages.json, including the failed ones
    errors: list[ScriptedError] = field(default_factory=list)
    base_url: str = ""
    _runner: web.AppRunner | None = None

    def fail_next(self, status: int, code: int | None = None, message: str = "scripted failure") -> None:
        self.errors.append(ScriptedError(status, code, message))

    async def start(self) -> str:
        app = web.Application()
        app.router.add_post("/2010-04-01/Accounts/{sid}/Messages.json", self._create)
        self._runner = web.AppRunner(app)
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", 0)
        await site.start()
        port = self._runner.addresses[0][1]
        self.base_url = f"http://127.0.0.1:{port}"
        return self.base_url

    async def stop(self) -> None:
        if self._runner is not None:
            await self._runner.cleanup()

    def to(self, number: str) -> list[SentSms]:
        return [m for m in self.sent if m.to == number]

    def _authorised(self, request: web.Request) -> bool:
        expected = base64.b64encode(f"{self.account_sid}:{self.auth_token}".encode()).decode()
        return secrets.compare_digest(request.headers.get("Authorization", ""), f"Basic {expected}")

    async def _create(self, request: web.Request) -> web.Response:
        self.attempts += 1
        if request.match_info["sid"] != self.account_sid or not self._authorised(request):
            return _error(401, 20003, "Authenticate")
        if self.errors:
            scripted = self.errors.pop(0)
            return _error(scripted.status, scripted.code, scripted.message)
        form = await request.post()
        to, body = str(form.get("To", "")), str(form.get("Body", ""))
        sender = str(form.get("From") or form.get("MessagingServiceSid") or "")
        if not to or not body or not sender:
            return _error(400, 21602 if not body else 21604, "A required parameter is missing")
        sid = "SM" + secrets.token_hex(16)
        segments = len(smsutil.split(body).parts)
        self.sent.append(SentSms(sid, to, body, sender, str(form.get("StatusCallback", "")), segments))
        now = format_datetime(datetime.now(UTC))
        resource = {
            "account_sid": self.account_sid,
            "api_version": "2010-04-01",
            "body": body,
            "date_created": now,
            "date_sent": None,
            "date_updated": now,
            "direction": "outbound-api",
            "error_code": None,
            "error_message": None,
            "from": form.get("From"),
            "messaging_service_sid": form.get("MessagingServiceSid"),
            "num_media": "0",
            "num_segments": str(segments),
            "price": None,
            "price_unit": "USD",
            "sid": sid,
            "status": "queued",
            "subresource_uris": {
                "media": f"/2010-04-01/Accounts/{self.account_sid}/Messages/{sid}/Media.json"
            },
            "to": to,
            "uri": f"/2010-04-01/Accounts/{self.account_sid}/Messages/{sid}.json",
        }
        return web.json_response(resource, status=201)


def _error(status: int, code: int | None, message: str) -> web.Response:
    payload: dict[str, object] = {"message": message, "status": status}
    if code is not None:
        payload |= {"code": code, "more_info": f"https://www.twilio.com/docs/errors/{code}"}
    return web.json_response(payload, status=status)


def signed(
    path: str, params: Mapping[str, str], token: str = AUTH_TOKEN, public_url: str = PUBLIC_URL
) -> dict[str, str]:
    """Headers for a webhook POST, signed like Twilio signs it: over the public URL and the form."""
    signature = RequestValidator(token).compute_signature(public_url + path, dict(params))
    return {"Content-Type": "application/x-www-form-urlencoded", "X-Twilio-Signature": signature}


def form_body(params: Mapping[str, str]) -> str:
    return urlencode(dict(params))


def inbound_form(body: str, sender: str, sid: str | None = None, **extra: str) -> dict[str, str]:
    """The fields Twilio posts for an incoming SMS."""
    sid = sid or "SM" + secrets.token_hex(16)
    return {
        "ToCountry": "LV",
        "SmsMessageSid": sid,
        "NumMedia": "0",
        "SmsSid": sid,
        "SmsStatus": "received",
        "Body": body,
        "To": FROM_NUMBER,
        "NumSegments": "1",
        "MessageSid": sid,
        "AccountSid": ACCOUNT_SID,
        "From": sender,
        "ApiVersion": "2010-04-01",
        **extra,
    }


def sms_settings(base: Settings, api_base_url: str, **overrides: object) -> Settings:
    """The test settings with the SMS channel configured against the fake API."""
    update: dict[str, object] = {
        "public_url": PUBLIC_URL,
        "twilio_account_sid": ACCOUNT_SID,
        "twilio_auth_token": SecretStr(AUTH_TOKEN),
        "twilio_from_number": FROM_NUMBER,
        "twilio_api_base_url": api_base_url,
        **overrides,
    }
    return base.model_copy(update=update)


class SmsHarness:
    """The real app behind aiohttp's test client, with signed webhooks and a manual outbox."""

    def __init__(self, client: TestClient[web.Request, web.Application], fake: FakeTwilio) -> None:
        self.client = client
        self.fake = fake
        self.app = client.app
        assert self.app is not None

    async def sms(self, body: str, sender: str = "+37120000001", sid: str | None = None, **extra: str) -> int:
        """Post one signed inbound SMS; returns the HTTP status."""
        form = inbound_form(body, sender, sid, **extra)
        response = await self.client.post(
            "/webhooks/twilio", data=form_body(form), headers=signed("/webhooks/twilio", form)
        )
        if response.status == 200:
            assert response.content_type == "text/xml"
            assert "<Response />" in await response.text() or "<Response/>" in await response.text()
        return response.status

    async def report(self, sid: str, status: str, error_code: str = "") -> int:
        form = {"MessageSid": sid, "MessageStatus": status, "AccountSid": ACCOUNT_SID, "To": "+37120000001"}
        if error_code:
            form["ErrorCode"] = error_code
        path = "/webhooks/twilio/status"
        response = await self.client.post(path, data=form_body(form), headers=signed(path, form))
        return response.status

    async def deliver(self) -> list[SentSms]:
        """Run the outbox until nothing is due; returns what reached the fake API in this call."""
        before = len(self.fake.sent)
        assert self.app is not None
        await self.app[keys.outbox].drain()
        return self.fake.sent[before:]

    async def say(self, body: str, sender: str = "+37120000001") -> list[str]:
        """Send one SMS and return the bodies of the replies it got."""
        assert await self.sms(body, sender) == 200
        return [m.body for m in await self.deliver()]


SmsFactory = Callable[..., Awaitable[SmsHarness]]  # tests/web/conftest.py: make_sms(classifier=…, **settings)
