"""SMS over Twilio: signed webhooks in (messages and delivery reports), TwilioSender out through the outbox.

`setup_sms(app)` mounts `POST /webhooks/twilio` and `POST /webhooks/twilio/status` and owns the Twilio
HTTP client's lifetime. Twilio's form never goes past this module: it becomes an InboundMessage. An SMS that
finds the database away is kept on disk and handled when it is back (bot/inbound_spool.py).
"""

from __future__ import annotations

import logging
import re
from collections.abc import AsyncIterator
from typing import Any

import phonenumbers
from aiohttp import web
from multidict import MultiDict, MultiDictProxy
from twilio.request_validator import (  # type: ignore[import-untyped]
    SIGNATURE_HEADER,
    SIGNATURE_SETTINGS_HEADER,
    RequestValidator,
    get_signature_algorithm,
)
from twilio.rest import Client  # type: ignore[import-untyped]
from twilio.twiml.messaging_response import MessagingResponse  # type: ignore[import-untyped]

from bot import keys
from bot.channels.sms_help import reply_help
from bot.channels.sms_keywords import Keyword, match_keyword
from bot.channels.sms_render import SmsRenderer, indiscreet
from bot.channels.sms_sender import RoutedAsyncHttpClient, TwilioSender
from bot.channels.sms_status import record_status
from bot.channels.sms_stop_hint import reply_stop_hint, wants_stop_hint
from bot.db.errors import database_unavailable
from bot.inbound_spool import InboundSpool
from bot.messages import Channel, InboundKind, InboundMessage
from bot.settings import Settings
from flows.texts import Texts

log = logging.getLogger(__name__)

WEBHOOK_PATH = "/webhooks/twilio"
STATUS_PATH = "/webhooks/twilio/status"
DEFAULT_REGION = "LV"
_PHONE = re.compile(r"\+?[0-9][0-9 ()./-]{6,24}")
_KEYWORD_KINDS = {Keyword.OPT_OUT: InboundKind.OPT_OUT, Keyword.OPT_IN: InboundKind.OPT_IN}


def setup_sms(app: web.Application) -> None:
    """Routes, and at start-up a TwilioSender for Channel.SMS (unless a test put its own there).

    Also the spool that keeps an SMS while the database is away (bot/inbound_spool.py): Twilio would not
    deliver it again. Its replay task is started by the composition root, after the pipeline exists.
    """
    app.router.add_post(WEBHOOK_PATH, inbound_sms)
    app.router.add_post(STATUS_PATH, delivery_report)
    app.cleanup_ctx.append(twilio_context)

    async def handle(msg: InboundMessage) -> None:
        await process(app, msg)

    metrics = app[keys.metrics]
    app[keys.inbound_spool] = InboundSpool(
        app[keys.settings].effective_spool_dir / "sms",
        handle,
        on_kept=lambda: metrics.error("inbound_spooled"),
    )


async def twilio_context(app: web.Application) -> AsyncIterator[None]:
    settings = app[keys.settings]
    if settings.helpline_name and indiscreet(settings.helpline_name):
        log.warning("HELPLINE_HELPLINE_NAME is not neutral: SMS previews show it on lock screens")
    http = RoutedAsyncHttpClient(settings.twilio_api_base_url)  # needs the running loop: built here
    try:
        client = Client(settings.twilio_account_sid, _token(settings), http_client=http)
        sender = TwilioSender(
            client=client,
            renderer=SmsRenderer(Texts.load()),
            status_callback=settings.public_url + STATUS_PATH,
            from_number=settings.twilio_from_number,
            messaging_service_sid=settings.twilio_messaging_service_sid,
        )
        app[keys.senders].setdefault(Channel.SMS, sender)
        yield
    finally:
        await http.close()


def _token(settings: Settings) -> str:
    return settings.twilio_auth_token.get_secret_value() if settings.twilio_auth_token else ""


def _form(raw: MultiDictProxy[Any]) -> MultiDict[str]:
    """Twilio posts plain form fields; anything else (an upload) is not part of a signature we accept."""
    fields: MultiDict[str] = MultiDict()
    for name, value in raw.items():
        if isinstance(value, str):
            fields.add(name, value)
    return fields


async def _signed_form(request: web.Request) -> MultiDict[str] | None:
    """The form when X-Twilio-Signature matches it; None otherwise (the caller answers 403)."""
    settings = request.app[keys.settings]
    signature = request.headers.get(SIGNATURE_HEADER, "")
    token = _token(settings)
    if not signature or not token or not settings.public_url:
        return None
    form = _form(await request.post())
    # Twilio signs the public URL it called, not the one we see behind a proxy (request.url)
    url = settings.public_url + request.rel_url.raw_path_qs
    algorithm = get_signature_algorithm(request.headers.get(SIGNATURE_SETTINGS_HEADER))
    return form if RequestValidator(token).validate(url, form, signature, algorithm) else None


def e164(raw: str, region: str = DEFAULT_REGION) -> str | None:
    """A sender number in E.164 ("+37120000000"), or None when it is not a phone number."""
    if not _PHONE.fullmatch(raw.strip()):  # "whatsapp:+371…", an alphanumeric sender, a short code
        return None
    try:
        number = phonenumbers.parse(raw, region)
    except phonenumbers.NumberParseException:
        return None
    if not phonenumbers.is_possible_number(number):
        return None
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


def has_media(form: MultiDict[str]) -> bool:
    """Whether the message came as an MMS with attachments (a picture, a card, a recording).

    Only the count is read. The attachments are never downloaded, and MediaUrlN / MediaContentTypeN are
    neither kept nor logged: what a relative photographs (a letter from the prison, a court decision, an
    ID) is the most personal thing they could send, we cannot read it, and the URL itself names the
    account and the message, so leads back to the person (minimal data). The person is
    asked to write it in words instead; the coordinator sees that something was attached (kind "media")."""
    count = form.get("NumMedia", "0").strip()
    return count.isdigit() and int(count) > 0


def to_inbound(form: MultiDict[str], request: web.Request) -> InboundMessage | None:
    """Twilio's inbound-message form as our InboundMessage; None for what is not an SMS from a phone.

    A picture with words is MEDIA too, with the words as its text: they are answered, after a note that
    the picture was not seen (QA s11: it was read as plain text and the picture dropped without a word)."""
    sid = form.get("MessageSid") or form.get("SmsSid") or ""
    sender = e164(form.get("From", ""))
    if not sid or sender is None:
        return None
    body = form.get("Body", "")
    found = match_keyword(body)
    kind = InboundKind.TEXT
    if found is not None and found.keyword in _KEYWORD_KINDS:
        kind = _KEYWORD_KINDS[found.keyword]
    elif has_media(form):
        kind = InboundKind.MEDIA
    return InboundMessage(
        channel=Channel.SMS,
        sender_id=sender,
        provider_message_id=sid,
        text=body,
        kind=kind,
        language_hint=found.language if found else None,
        received_at=request.app[keys.clock](),
    )


def _twiml() -> web.Response:
    """An empty answer: the replies leave through the outbox, not in this response."""
    return web.Response(text=str(MessagingResponse()), content_type="text/xml")


async def inbound_sms(request: web.Request) -> web.Response:
    form = await _signed_form(request)
    if form is None:
        return web.Response(status=403, text="forbidden")
    msg = to_inbound(form, request)
    if msg is None:
        log.info("twilio webhook without an SMS from a phone number; ignored")
        return _twiml()
    spool = request.app[keys.inbound_spool]
    if spool.waiting():
        # messages kept while the database was away go first: this one queues behind them
        await spool.keep(msg)
        return _twiml()
    try:
        await process(request.app, msg)
    except Exception as exc:
        if not database_unavailable(exc):
            raise
        await spool.keep(msg)
        log.warning("sms: the database is away; the message is kept on disk until it is back")
    return _twiml()


async def process(app: web.Application, msg: InboundMessage) -> None:
    """One SMS, from the webhook or from the spool: HELP and a request in words to stop messaging are
    answered by their own rules, the rest by a turn.

    Raises when the database is away (the caller keeps the message)."""
    found = match_keyword(msg.text)
    if found is not None and found.keyword is Keyword.HELP:
        await reply_help(app, msg)
        return
    lang = wants_stop_hint(app, msg) if found is None else None
    if lang is not None and await reply_stop_hint(app, msg, lang):
        return  # "nesūtiet man vairs ziņas": how to stop, not a topic (bot/channels/sms_stop_hint.py)
    await app[keys.pipeline].handle(msg)


async def delivery_report(request: web.Request) -> web.Response:
    form = await _signed_form(request)
    if form is None:
        return web.Response(status=403, text="forbidden")
    sid = form.get("MessageSid") or form.get("SmsSid") or ""
    status = (form.get("MessageStatus") or form.get("SmsStatus") or "").lower()
    if not sid or not status:
        return web.Response(status=400, text="MessageSid and MessageStatus are required")
    app = request.app
    outcome = await record_status(
        app[keys.sessionmaker],
        sid=sid,
        status=status,
        error_code=form.get("ErrorCode", "").strip(),
        now=app[keys.clock](),
        max_attempts=app[keys.settings].outbox_max_attempts,
    )
    log.info("sms delivery report", extra={"sid": sid, "status": status, "outcome": str(outcome)})
    return web.Response(status=204)
