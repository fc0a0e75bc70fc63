"""The local web chat at `/`: a page posts messages; replies are read back from the outbox rows."""

from __future__ import annotations

import asyncio
import contextlib
import re
import uuid

from aiohttp import web
from sqlalchemy import select

from bot import keys
from bot.db.errors import database_unavailable
from bot.db.models import Contact, OutboxItem, OutboxStatus, waiting
from bot.ids import query_id
from bot.messages import Channel, InboundKind, InboundMessage, OutboundMessage

_USER_ID = re.compile(r"^[A-Za-z0-9_-]{8,64}$")
_MESSAGE_ID = re.compile(r"^[A-Za-z0-9_-]{1,63}$")  # with the user id, within processed_inbound's 128
MAX_BODY = 16_000
LONG_POLL_SECONDS = 20.0
# how long a poll waits for the rest of a turn's reply once its first message is there (the outbox sends a
# conversation's messages one at a time; a reply still not complete after this goes out in parts, as before)
TURN_SECONDS = 5.0
REPLIES_LIMIT = 50


class WebChatHub:
    """Wakes long-polling pages when a reply for them is delivered (in this process).

    `generation` counts the wake-ups: a page that read the table at generation g and then waits with
    `since=g` returns at once if a reply was delivered while it was reading, instead of missing that wake-up
    and waiting the whole long poll."""

    def __init__(self) -> None:
        self._changed = asyncio.Condition()
        self.generation = 0

    async def notify(self) -> None:
        async with self._changed:
            self.generation += 1
            self._changed.notify_all()

    async def wait(self, seconds: float, since: int | None = None) -> None:
        async with self._changed:
            if since is not None and since != self.generation:
                return
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._changed.wait(), seconds)


class WebSender:
    """Delivery for the web chat is the row itself becoming 'sent'; the page reads it back.

    The pages are woken once the row is marked sent (OutboxWorker's `delivered`, WebChatHub.notify), not
    from here: woken now, a page looked before the mark, found nothing and waited a whole long poll
    (20 s) for a reply that was already there."""

    async def send(self, message: OutboundMessage) -> str:
        return f"web-{message.outbox_id}"


def _user(request: web.Request, value: object) -> str:
    if not isinstance(value, str) or not _USER_ID.match(value):
        raise web.HTTPBadRequest(text="bad user id")
    return value


async def post_message(request: web.Request) -> web.Response:
    try:
        body = await request.json()
    except ValueError:
        raise web.HTTPBadRequest(text="expected JSON") from None
    if not isinstance(body, dict):
        raise web.HTTPBadRequest(text="expected a JSON object")
    user = _user(request, body.get("user"))
    text = body.get("text")
    payload = body.get("payload")
    if not isinstance(text, str) or not text.strip() or len(text) > MAX_BODY:
        raise web.HTTPBadRequest(text="text must be 1 to 16000 characters")
    message_id = body.get("id")
    if message_id is None or message_id == "":
        message_id = uuid.uuid4().hex
    elif not isinstance(message_id, str) or not _MESSAGE_ID.match(message_id):
        raise web.HTTPBadRequest(text="id must be 1 to 63 letters, digits, '-' or '_'")
    msg = InboundMessage(
        channel=Channel.WEB,
        sender_id=user,
        # the page makes the id; dedupe is per person, so two people's pages can never collide or
        # silence each other with a chosen id (both said "m1": the second was dropped as a duplicate)
        provider_message_id=f"{user}:{message_id}",
        text=text,
        kind=InboundKind.BUTTON if isinstance(payload, str) and payload else InboundKind.TEXT,
        payload=payload if isinstance(payload, str) and payload else None,
        language_hint=request.headers.get("Accept-Language", "")[:2].lower() or None,
    )
    try:
        result = await request.app[keys.pipeline].handle(msg)
    except Exception as exc:
        if not database_unavailable(exc):
            raise
        # the page keeps the message and sends it again with the same id (handled once)
        return web.json_response({"error": "the database is away; send again"}, status=503)
    return web.json_response({"duplicate": result.duplicate, "replies": result.replies})


async def get_replies(request: web.Request) -> web.Response:
    user = _user(request, request.query.get("user"))
    after = query_id(request, "after", 0) or 0
    hub = request.app[keys.web_hub]
    for attempt in range(2):
        seen = hub.generation
        rows = await _sent_after(request, user, after)
        if rows or attempt:
            break
        await hub.wait(LONG_POLL_SECONDS, since=seen)
    rows = await _with_rest_of_turn(request, user, after, rows)
    return web.json_response(
        {
            "messages": [
                {
                    "id": r.id,
                    "text": r.text,
                    "buttons": [{"payload": p, "label": lb} for p, lb in r.buttons or []],
                    # "Координатор" over a coordinator's words (the page marks them), None for the bot
                    "label": r.label,
                    # the page marks the reply with it (lang=), for screen readers and translation
                    "lang": lang,
                }
                for r, lang in rows
            ]
        }
    )


async def _with_rest_of_turn(
    request: web.Request, user: str, after: int, rows: list[tuple[OutboxItem, str | None]]
) -> list[tuple[OutboxItem, str | None]]:
    """`rows`, and the rest of the turn their last one belongs to, once the outbox has sent it.

    A turn's reply is often several messages (the answer, then a menu of buttons), and the outbox sends them
    one at a time: the page got them in separate polls and, on a phone, scrolled to the menu, which pushed
    the answer itself above the screen; the person saw only buttons. Given together, the page shows the
    reply from its first line when it is taller than the screen (chat.js `reveal`) and announces it once.
    Done here rather than in the page, because only the server knows which messages are one turn's: they
    are written in one statement (bot.store.write_turns), with the same `created_at`, to the same person.
    Waits at most TURN_SECONDS: a message stuck in the outbox (retried later) must not hold back the rest.
    """
    hub = request.app[keys.web_hub]
    loop = asyncio.get_running_loop()
    deadline = loop.time() + TURN_SECONDS
    while rows and len(rows) < REPLIES_LIMIT:
        seen = hub.generation  # before reading: a message sent meanwhile wakes the wait below at once
        if not await _turn_unsent(request, user, rows[-1][0]):
            break
        left = deadline - loop.time()
        if left <= 0:
            break
        await hub.wait(left, since=seen)
        rows = await _sent_after(request, user, after)
    return rows


async def _turn_unsent(request: web.Request, user: str, last: OutboxItem) -> bool:
    """Whether a later message of `last`'s turn is still waiting in the outbox."""
    async with request.app[keys.reader]() as session:
        query = (
            select(OutboxItem.id)
            .where(
                OutboxItem.channel == Channel.WEB,
                OutboxItem.recipient_id == user,
                waiting(OutboxItem),
                OutboxItem.id > last.id,
                OutboxItem.created_at == last.created_at,
            )
            .limit(1)
        )
        return (await session.execute(query)).first() is not None


async def _sent_after(request: web.Request, user: str, after: int) -> list[tuple[OutboxItem, str | None]]:
    """The replies sent after `after`, each with the person's language: written with the reply in the same
    transaction (bot.store.write_turns), it is the reply's language when the page reads it moments later."""
    async with request.app[keys.reader]() as session:
        query = (
            select(OutboxItem, Contact.language)
            .outerjoin(Contact, Contact.id == OutboxItem.contact_id)
            .where(
                OutboxItem.channel == Channel.WEB,
                OutboxItem.recipient_id == user,
                OutboxItem.status == OutboxStatus.SENT,
                OutboxItem.id > after,
            )
            .order_by(OutboxItem.id)
            .limit(REPLIES_LIMIT)
        )
        return [(item, lang) for item, lang in await session.execute(query)]


async def index(request: web.Request) -> web.FileResponse:
    return web.FileResponse(request.app[keys.static_dir] / "chat.html")


async def ui_texts(request: web.Request) -> web.Response:
    """The page's own few words, from the same text files as every reply."""
    lang = request.query.get("lang", "lv")
    texts = request.app[keys.texts]
    lang = lang if lang in texts.languages else "lv"
    keys_shown = ("title", "placeholder", "send", "offline", "you", "reply")
    words = {k: texts.render(f"webchat.{k}", lang) for k in keys_shown}
    return web.json_response({"lang": lang, **words})


def setup_web_chat(app: web.Application) -> None:
    app.router.add_get("/", index)
    app.router.add_get("/api/chat/ui", ui_texts)
    app.router.add_post("/api/chat/messages", post_message)
    app.router.add_get("/api/chat/replies", get_replies)
