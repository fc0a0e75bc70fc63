"""The aiohttp transport under PTB's Bot: answers, stalls and refusals as PTB's own transport reports them."""

from __future__ import annotations

import asyncio
import socket
from collections.abc import AsyncIterator
from typing import Any

import pytest
from aiohttp import web
from telegram import Bot, InlineKeyboardButton, InlineKeyboardMarkup, LinkPreviewOptions
from telegram.error import NetworkError, TimedOut

from bot.channels.telegram_request import AiohttpRequest

TOKEN = "123456:TEST-TOKEN"


def message(chat_id: int) -> dict[str, Any]:
    return {"message_id": 7, "date": 1_700_000_000, "chat": {"id": chat_id, "type": "private"}}


@pytest.fixture
async def server() -> AsyncIterator[tuple[str, list[dict[str, Any]]]]:
    """A Bot API stand-in that records what arrived: JSON, form fields, or multipart with a file."""
    seen: list[dict[str, Any]] = []

    async def method(request: web.Request) -> web.Response:
        name = request.match_info["method"]
        if name == "stall":
            await asyncio.sleep(2)  # well past the client's read timeout
        fields: dict[str, Any] = {"method": name, "content_type": request.content_type}
        if request.content_type == "multipart/form-data":
            async for part in await request.multipart():
                fields[part.name or "?"] = (part.filename, await part.read())  # type: ignore[union-attr]
        elif request.content_type == "application/json":
            fields.update(await request.json())
        else:
            fields.update(await request.post())
        seen.append(fields)
        if name == "getMe":  # Bot's initialisation asks who it is
            me = {"id": 123456, "is_bot": True, "first_name": "Helpline", "username": "helpline_bot"}
            return web.json_response({"ok": True, "result": me})
        chat = fields.get("chat_id", "1")
        chat = chat[1].decode() if isinstance(chat, tuple) else chat
        return web.json_response({"ok": True, "result": message(int(chat))})

    app = web.Application()
    app.router.add_post(f"/bot{TOKEN}/{{method}}", method)
    runner = web.AppRunner(app)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    port = site._server.sockets[0].getsockname()[1]  # type: ignore[union-attr]
    yield f"http://127.0.0.1:{port}/bot", seen
    await runner.cleanup()


async def test_a_message_goes_out_as_json_and_the_answer_is_parsed(
    server: tuple[str, list[dict[str, Any]]],
) -> None:
    base, seen = server
    markup = InlineKeyboardMarkup([[InlineKeyboardButton("Jā", callback_data="yes")]])
    async with Bot(TOKEN, base_url=base, request=AiohttpRequest()) as bot:
        sent = await bot.send_message(
            chat_id=801,
            text="Sveiki! Kā varu palīdzēt? 🌿",
            reply_markup=markup,
            link_preview_options=LinkPreviewOptions(is_disabled=True),
        )
    assert sent.message_id == 7 and sent.chat.id == 801
    assert seen[-1]["method"] == "sendMessage"
    assert seen[-1]["content_type"] == "application/json"
    assert seen[-1]["chat_id"] == 801
    assert seen[-1]["text"] == "Sveiki! Kā varu palīdzēt? 🌿"
    # objects travel as JSON objects, as the Bot API documents for application/json
    assert seen[-1]["reply_markup"] == {"inline_keyboard": [[{"text": "Jā", "callback_data": "yes"}]]}
    assert seen[-1]["link_preview_options"] == {"is_disabled": True}


async def test_a_file_goes_out_as_multipart(server: tuple[str, list[dict[str, Any]]]) -> None:
    base, seen = server
    async with Bot(TOKEN, base_url=base, request=AiohttpRequest()) as bot:
        await bot.send_document(chat_id=801, document=b"BEGIN:VCALENDAR", filename="session.ics")
    assert seen[-1]["content_type"] == "multipart/form-data"
    assert seen[-1]["chat_id"] == (None, b"801")
    assert seen[-1]["document"] == ("session.ics", b"BEGIN:VCALENDAR")


async def test_a_server_that_does_not_answer_is_a_timeout(server: tuple[str, list[dict[str, Any]]]) -> None:
    base, _ = server
    async with Bot(TOKEN, base_url=base, request=AiohttpRequest(read_timeout=0.3)) as bot:
        with pytest.raises(TimedOut):
            await bot.do_api_request("stall")


async def test_a_refused_connection_is_a_network_error() -> None:
    with socket.socket() as probe:  # a port nobody listens on
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    request = AiohttpRequest()
    await request.initialize()
    try:
        with pytest.raises(NetworkError) as raised:
            await request.post(f"http://127.0.0.1:{port}/bot{TOKEN}/sendMessage", None)
    finally:
        await request.shutdown()
    assert not isinstance(raised.value, TimedOut)


async def test_it_must_be_initialised_and_can_be_shut_down_twice() -> None:
    request = AiohttpRequest()
    with pytest.raises(RuntimeError):
        await request.do_request("http://127.0.0.1:9/", "POST")
    await request.initialize()
    await request.shutdown()
    await request.shutdown()
