"""A local fake Telegram Bot API (aiohttp) that speaks the real wire format, and fixtures around it.

`/bot{token}/{method}`, form or JSON parameters (nested values as JSON strings in forms, as PTB sends
them), `{"ok": true, "result": ...}` answers, errors as `{"ok": false, "error_code", "description",
"parameters": {"retry_after"}}`; scripted failures per method; getUpdates with offsets and long polls.
Test modules load the fixtures with `pytest_plugins = ("tests.telegram_fake",)`.
"""

from __future__ import annotations

import asyncio
import contextlib
import itertools
import json
import threading
import time
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
from aiohttp import web
from aiohttp.test_utils import TestClient

from bot.app import Overrides, create_app
from bot.channels.telegram import SECRET_HEADER, TelegramOptions, telegram_options
from bot.channels.telegram_sender import Limits
from bot.db.models import OutboxItem, OutboxStatus
from bot.settings import Settings
from nlu.parse import IntentScore, Parse
from nlu.rules import Rules
from tests.factories import outbox
from tests.fakes import FakeClassifier

TOKEN = "123456:TEST-TOKEN"
SECRET = "s3cret-for_tests"
PUBLIC_URL = "https://bot.example.invalid"
BOT_USER = {
    "id": 4242,
    "is_bot": True,
    "first_name": "Helpline",
    "username": "helpline_test_bot",
    "can_join_groups": True,
    "can_read_all_group_messages": False,
    "supports_inline_queries": False,
}
_JSON_FIELDS = {"reply_markup", "allowed_updates", "commands", "scope", "link_preview_options", "entities"}
_UPDATE_IDS = itertools.count(1000)
_ADMIN_RIGHTS = (
    "can_be_edited",
    "is_anonymous",
    "can_manage_chat",
    "can_delete_messages",
    "can_manage_video_chats",
    "can_restrict_members",
    "can_promote_members",
    "can_change_info",
    "can_invite_users",
    "can_post_stories",
    "can_edit_stories",
    "can_delete_stories",
)


@dataclass(frozen=True)
class Failure:
    status: int
    description: str
    retry_after: int | None = None

    @classmethod
    def too_many(cls, seconds: int = 1) -> Failure:
        return cls(429, f"Too Many Requests: retry after {seconds}", seconds)

    @classmethod
    def server_error(cls) -> Failure:
        return cls(500, "Internal Server Error")

    @classmethod
    def blocked(cls) -> Failure:
        return cls(403, "Forbidden: bot was blocked by the user")


@dataclass
class Call:
    method: str
    params: dict[str, Any]
    at: float
    status: int = 200

    @property
    def ok(self) -> bool:
        return self.status == 200


@dataclass
class FakeBotApi:
    token: str = TOKEN
    calls: list[Call] = field(default_factory=list)
    failures: dict[str, list[Failure]] = field(default_factory=dict)  # the next calls of a method fail
    failures_at: dict[tuple[str, int], Failure] = field(default_factory=dict)  # the n-th call (from 1) fails
    updates: list[dict[str, Any]] = field(default_factory=list)  # served by getUpdates
    webhook: dict[str, Any] = field(default_factory=dict)
    commands: dict[str, list[dict[str, str]]] = field(default_factory=dict)  # language_code -> commands
    blocked_chats: set[int] = field(default_factory=set)
    base_url: str = ""
    _runner: web.AppRunner | None = None
    _message_ids: Iterator[int] = field(default_factory=lambda: itertools.count(500))
    _changed: asyncio.Condition | None = None

    async def start(self) -> str:
        app = web.Application()
        app.router.add_route("*", "/bot{token}/{method}", self._handle)
        self._runner = web.AppRunner(app, access_log=None, handler_cancellation=True)
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", 0)
        await site.start()
        port = self._runner.addresses[0][1]
        self.base_url = f"http://127.0.0.1:{port}/bot"
        return self.base_url

    async def stop(self) -> None:
        if self._runner is not None:
            await self._runner.cleanup()

    # scripting and inspection -------------------------------------------------------------------

    def fail(self, method: str, *failures: Failure) -> None:
        self.failures.setdefault(method, []).extend(failures)

    def fail_call(self, method: str, number: int, failure: Failure) -> None:
        """The `number`-th call of `method` (counting from 1, failed calls included) fails."""
        self.failures_at[(method, number)] = failure

    async def push(self, *updates: dict[str, Any]) -> None:
        self.updates.extend(updates)
        await self._notify()

    def called(self, method: str, *, ok: bool | None = None) -> list[Call]:
        return [c for c in self.calls if c.method == method and (ok is None or c.ok == ok)]

    def sent(self, chat_id: int | None = None) -> list[Call]:
        """Messages that Telegram accepted (sendMessage answered 200)."""
        return [
            c
            for c in self.called("sendMessage", ok=True)
            if chat_id is None or int(c.params["chat_id"]) == chat_id
        ]

    async def wait_for(self, check: Callable[[], object], timeout: float = 5.0) -> None:
        async with self._condition():
            await asyncio.wait_for(self._condition().wait_for(check), timeout)

    async def wait_sent(self, chat_id: int, count: int = 1, timeout: float = 5.0) -> list[Call]:
        await self.wait_for(lambda: len(self.sent(chat_id)) >= count, timeout)
        return self.sent(chat_id)

    # the API ---------------------------------------------------------------------------------------

    def _condition(self) -> asyncio.Condition:
        if self._changed is None:
            self._changed = asyncio.Condition()
        return self._changed

    async def _notify(self) -> None:
        async with self._condition():
            self._condition().notify_all()

    async def _handle(self, request: web.Request) -> web.Response:
        method = request.match_info["method"]
        if request.match_info["token"] != self.token:
            return _error(401, "Unauthorized")
        params = await _params(request)
        call = Call(method, params, time.monotonic())
        self.calls.append(call)
        try:
            scripted = self.failures.get(method)
            failure = self.failures_at.pop((method, len(self.called(method))), None)
            if scripted or failure:
                failure = failure or scripted.pop(0)
                call.status = failure.status
                return _error(failure.status, failure.description, failure.retry_after)
            response = await self._answer(method, params)
            call.status = response.status
            return response
        finally:
            await self._notify()

    async def _answer(self, method: str, params: dict[str, Any]) -> web.Response:
        handlers: dict[str, Callable[[dict[str, Any]], Awaitable[web.Response]]] = {
            "getMe": self._get_me,
            "sendMessage": self._send_message,
            "getUpdates": self._get_updates,
            "setWebhook": self._set_webhook,
            "deleteWebhook": self._delete_webhook,
            "getWebhookInfo": self._webhook_info,
            "setMyCommands": self._set_commands,
            "editMessageReplyMarkup": self._edit_markup,
        }
        if method in handlers:
            return await handlers[method](params)
        if method in ("answerCallbackQuery", "sendChatAction", "leaveChat"):
            return _ok(True)
        return _error(404, "Not Found")

    async def _get_me(self, params: dict[str, Any]) -> web.Response:
        return _ok(BOT_USER)

    async def _send_message(self, params: dict[str, Any]) -> web.Response:
        chat_id = int(params["chat_id"])
        text = str(params.get("text", ""))
        if chat_id in self.blocked_chats:
            return _error(403, "Forbidden: bot was blocked by the user")
        if not text.strip():
            return _error(400, "Bad Request: message text is empty")
        if len(text.encode("utf-16-le")) // 2 > 4096:
            return _error(400, "Bad Request: message is too long")
        markup = params.get("reply_markup") or {}
        for row in markup.get("inline_keyboard", []):
            for button in row:
                if len(button.get("callback_data", "").encode()) > 64:
                    return _error(400, "Bad Request: BUTTON_DATA_INVALID")
        message: dict[str, Any] = {
            "message_id": next(self._message_ids),
            "date": int(time.time()),
            "chat": {"id": chat_id, "type": "private" if chat_id > 0 else "group"},
            "from": BOT_USER,
            "text": text,
        }
        if markup:
            message["reply_markup"] = markup
        return _ok(message)

    async def _get_updates(self, params: dict[str, Any]) -> web.Response:
        if self.webhook.get("url"):
            return _error(
                409,
                "Conflict: can't use getUpdates method while webhook is active; "
                "use deleteWebhook to delete the webhook first",
            )
        offset = int(params.get("offset") or 0)
        self.updates = [u for u in self.updates if u["update_id"] >= offset]  # confirmed ones are gone
        if not self.updates:
            with contextlib.suppress(TimeoutError):
                async with self._condition():
                    await asyncio.wait_for(
                        self._condition().wait_for(lambda: bool(self.updates)),
                        float(params.get("timeout") or 0),
                    )
        limit = int(params.get("limit") or 100)
        return _ok(self.updates[:limit])

    async def _set_webhook(self, params: dict[str, Any]) -> web.Response:
        if not str(params.get("url", "")).startswith("https://"):
            return _error(400, "Bad Request: bad webhook: An HTTPS URL must be provided for webhook")
        self.webhook = params
        return _ok(True)

    async def _delete_webhook(self, params: dict[str, Any]) -> web.Response:
        self.webhook = {}
        if str(params.get("drop_pending_updates", "")).lower() == "true":
            self.updates.clear()
        return _ok(True)

    async def _webhook_info(self, params: dict[str, Any]) -> web.Response:
        info: dict[str, Any] = {
            "url": self.webhook.get("url", ""),
            "has_custom_certificate": False,
            "pending_update_count": len(self.updates),
        }
        if self.webhook.get("allowed_updates"):
            info["allowed_updates"] = self.webhook["allowed_updates"]
        return _ok(info)

    async def _set_commands(self, params: dict[str, Any]) -> web.Response:
        self.commands[str(params.get("language_code", ""))] = params["commands"]
        return _ok(True)

    async def _edit_markup(self, params: dict[str, Any]) -> web.Response:
        return _ok(
            {
                "message_id": int(params["message_id"]),
                "date": int(time.time()),
                "chat": {"id": int(params["chat_id"]), "type": "private"},
                "from": BOT_USER,
                "text": "…",
                "reply_markup": params.get("reply_markup") or {},
            }
        )


async def _params(request: web.Request) -> dict[str, Any]:
    if request.content_type == "application/json":
        body = await request.json()
        # one shape whatever the encoding, as the Bot API reads them alike: scalars as a form carries
        # them ("77", "true"), objects and lists as objects
        return {key: _as_form_value(value) for key, value in body.items()} if isinstance(body, dict) else {}
    form = await request.post() if request.body_exists else {}
    params: dict[str, Any] = {}
    for key, value in {**request.query, **form}.items():
        text = str(value)
        params[key] = json.loads(text) if key in _JSON_FIELDS and text[:1] in "[{" else text
    return params


def _as_form_value(value: Any) -> Any:
    if isinstance(value, dict | list):
        return value
    return json.dumps(value) if isinstance(value, bool) else str(value)


def _ok(result: object) -> web.Response:
    return web.json_response({"ok": True, "result": result})


def _error(status: int, description: str, retry_after: int | None = None) -> web.Response:
    body: dict[str, Any] = {"ok": False, "error_code": status, "description": description}
    if retry_after is not None:
        body["parameters"] = {"retry_after": retry_after}
    return web.json_response(body, status=status)


@contextlib.contextmanager
def served_in_thread(api: FakeBotApi) -> Iterator[str]:
    """The fake on its own loop and thread, for code that runs `asyncio.run` itself (the CLI)."""
    loop = asyncio.new_event_loop()
    thread = threading.Thread(target=loop.run_forever, daemon=True)
    thread.start()
    try:
        yield asyncio.run_coroutine_threadsafe(api.start(), loop).result(5)
    finally:
        asyncio.run_coroutine_threadsafe(api.stop(), loop).result(5)
        loop.call_soon_threadsafe(loop.stop)
        thread.join(5)
        loop.close()


# updates as Telegram sends them ------------------------------------------------------------------


def next_update_id() -> int:
    return next(_UPDATE_IDS)


def person(chat_id: int, lang: str | None = "lv", first_name: str = "Anna") -> dict[str, Any]:
    user: dict[str, Any] = {"id": chat_id, "is_bot": False, "first_name": first_name}
    if lang:
        user["language_code"] = lang
    return user


def chat(chat_id: int, kind: str = "private") -> dict[str, Any]:
    if kind == "private":
        return {"id": chat_id, "type": "private", "first_name": "Anna"}
    return {"id": chat_id, "type": kind, "title": "Family group"}


def message_update(
    chat_id: int,
    *,
    lang: str | None = "lv",
    chat_type: str = "private",
    edited: bool = False,
    from_id: int | None = None,
    update_id: int | None = None,
    **content: Any,
) -> dict[str, Any]:
    """A message update; `content` holds Telegram's fields (text=..., photo=[...], location={...})."""
    message: dict[str, Any] = {
        "message_id": next_update_id(),
        "date": int(time.time()),
        "chat": chat(chat_id, chat_type),
        "from": person(from_id or chat_id, lang),
        **content,
    }
    text = content.get("text")
    if isinstance(text, str) and text.startswith("/"):
        message["entities"] = [{"type": "bot_command", "offset": 0, "length": len(text.split()[0])}]
    if edited:
        message["edit_date"] = int(time.time())
    return {"update_id": update_id or next_update_id(), "edited_message" if edited else "message": message}


def edit_of(update: dict[str, Any], text: str, *, update_id: int | None = None) -> dict[str, Any]:
    """Telegram's update for an edit of `update`'s message: the same message_id, a new update_id."""
    message = {**update["message"], "text": text, "edit_date": int(time.time())}
    return {"update_id": update_id or next_update_id(), "edited_message": message}


def text_update(chat_id: int, text: str, **kw: Any) -> dict[str, Any]:
    return message_update(chat_id, text=text, **kw)


def callback_update(
    chat_id: int,
    data: str,
    *,
    buttons: list[tuple[str, str]] | None = None,
    message_id: int = 77,
    lang: str | None = "lv",
    chat_type: str = "private",
) -> dict[str, Any]:
    """A button press on a message of ours that carried `buttons` as (label, callback_data)."""
    markup = {"inline_keyboard": [[{"text": label, "callback_data": d}] for label, d in buttons or []]}
    update_id = next_update_id()
    return {
        "update_id": update_id,
        "callback_query": {
            "id": f"cbq-{update_id}",
            "from": person(chat_id, lang),
            "chat_instance": "ci-1",
            "data": data,
            "message": {
                "message_id": message_id,
                "date": int(time.time()),
                "chat": chat(chat_id, chat_type),
                "from": BOT_USER,
                "text": "Choose a topic",
                "reply_markup": markup,
            },
        },
    }


def member_update(chat_id: int, old: str, new: str, chat_type: str = "private") -> dict[str, Any]:
    """my_chat_member: the bot's own membership in a chat changed (blocked: "kicked")."""

    def member(status: str) -> dict[str, Any]:
        found: dict[str, Any] = {"status": status, "user": BOT_USER}
        if status == "kicked":
            found["until_date"] = 0
        if status == "administrator":
            found.update(dict.fromkeys(_ADMIN_RIGHTS, False))
        return found

    return {
        "update_id": next_update_id(),
        "my_chat_member": {
            "chat": chat(chat_id, chat_type),
            "from": person(chat_id),
            "date": int(time.time()),
            "old_chat_member": member(old),
            "new_chat_member": member(new),
        },
    }


# the app under test ------------------------------------------------------------------------------


class RulesThenKeywords:
    """The real command and button rules (nlu/rules.yml), then FakeClassifier's keywords."""

    def __init__(self, keywords: dict[str, str] | None = None, delay: float = 0.0) -> None:
        self.rules = Rules.load()
        self.fake = FakeClassifier(keywords)
        self.delay = delay

    async def parse(self, text: str) -> Parse:
        if self.delay:
            await asyncio.sleep(self.delay)
        match = self.rules.match(text) if text.startswith("/") else None
        if match is not None:
            return Parse(text, match.intent, 1.0, (IntentScore(match.intent, 1.0),), None, match.entities)
        return await self.fake.parse(text)


FAST = TelegramOptions(
    limits=Limits(per_second=30.0, per_chat_interval=0.0),
    typing_after=0.5,
    poll_timeout=1.0,
    poll_backoff=0.05,
    poll_backoff_max=0.2,
)


async def settled_outbox(app: web.Application, timeout: float = 5.0) -> list[OutboxItem]:
    """The outbox rows once none is pending or being sent (delivery is recorded after the API answered)."""
    deadline = asyncio.get_running_loop().time() + timeout
    while True:
        rows = await outbox(app)
        if all(r.status not in (OutboxStatus.PENDING, OutboxStatus.SENDING) for r in rows):
            return rows
        if asyncio.get_running_loop().time() > deadline:
            raise TimeoutError([r.status for r in rows])
        await asyncio.sleep(0.02)


@dataclass
class TelegramEnv:
    api: FakeBotApi
    app: web.Application
    client: TestClient[Any, Any]
    settings: Settings

    async def post(self, update: dict[str, Any], secret: str | None = SECRET) -> int:
        headers = {SECRET_HEADER: secret} if secret is not None else {}
        response = await self.client.post("/webhooks/telegram", json=update, headers=headers)
        return response.status


StartTelegram = Callable[..., Awaitable[TelegramEnv]]


@pytest.fixture
async def fake_api(monkeypatch: pytest.MonkeyPatch) -> AsyncIterator[FakeBotApi]:
    # PTB 22 warns on int time periods unless opted into timedelta ones (scripts/test.sh and deploy set it)
    monkeypatch.setenv("PTB_TIMEDELTA", "1")
    api = FakeBotApi()
    await api.start()
    yield api
    await api.stop()


def telegram_settings(db_url: str, data_dir: Path, base_url: str, **kw: Any) -> Settings:
    values: dict[str, Any] = {
        "data_dir": data_dir,
        "database_url": db_url,
        "public_url": PUBLIC_URL,
        "TELEGRAM_BOT_TOKEN": TOKEN,
        "TELEGRAM_WEBHOOK_SECRET": SECRET,
        "TELEGRAM_API_BASE_URL": base_url,
    }
    values.update(kw)
    return Settings(**values)


@pytest.fixture
async def start_telegram(
    fake_api: FakeBotApi,
    db_url: str,
    tmp_path: Path,
    aiohttp_client: Callable[..., Awaitable[TestClient[Any, Any]]],
) -> StartTelegram:
    """Start the real app (webhook mode unless public_url=""), talking to the fake Bot API.

    The argument order is the set-up order: the app (aiohttp_client) stops first, before its
    database and the fake Bot API go away.
    """

    async def start(
        *, classifier: object = None, options: TelegramOptions = FAST, clock: object = None, **settings: Any
    ) -> TelegramEnv:
        config = telegram_settings(db_url, tmp_path / "data", fake_api.base_url, **settings)
        overrides = Overrides(classifier=classifier or RulesThenKeywords(), clock=clock, migrate=True)  # type: ignore[arg-type]
        app = create_app(config, overrides)
        app[telegram_options] = options
        client = await aiohttp_client(app)
        return TelegramEnv(fake_api, app, client, config)

    return start
