"""GET /console/ws: live "something changed" events for signed-in staff, same-origin pages only."""

from __future__ import annotations

import asyncio
import contextlib
from urllib.parse import urlsplit

from aiohttp import web

from bot import keys
from bot.console.auth import Staff, session_alive, staff_key
from bot.console.hub import ConsoleEvent

REVALIDATE_SECONDS = 60.0  # a logged-out or expired session loses its socket within this
HEARTBEAT_SECONDS = 30.0
CLOSE_SESSION_ENDED = 4401


def allowed_origin(request: web.Request) -> str:
    """HELPLINE_PUBLIC_URL's origin when set, else the origin the request itself came to."""
    public = request.config_dict[keys.settings].public_url
    if public:
        parts = urlsplit(public)
        return f"{parts.scheme}://{parts.netloc}".lower()
    return f"{request.scheme}://{request.host}".lower()


async def console_ws(request: web.Request) -> web.WebSocketResponse:
    staff = request[staff_key]  # the auth middleware refused anyone without a session (401)
    origin = request.headers.get("Origin", "").lower()
    if not origin or origin != allowed_origin(request):
        # another site's page must not ride on the coordinator's cookie (cross-site websocket hijacking)
        raise web.HTTPForbidden(text="cross-origin websocket refused")
    ws = web.WebSocketResponse(heartbeat=HEARTBEAT_SECONDS, max_msg_size=4096)
    await ws.prepare(request)
    hub = request.config_dict[keys.console_hub]
    with hub.subscribe() as queue:
        forward = asyncio.create_task(_forward(request, ws, queue, staff))
        try:
            async for _message in ws:
                pass  # the page only listens; anything it sends is ignored
        finally:
            forward.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await forward
    return ws


async def _forward(
    request: web.Request, ws: web.WebSocketResponse, queue: asyncio.Queue[ConsoleEvent], staff: Staff
) -> None:
    loop = asyncio.get_running_loop()
    checked = loop.time()
    while not ws.closed:
        try:
            event: ConsoleEvent | None = await asyncio.wait_for(queue.get(), REVALIDATE_SECONDS)
        except TimeoutError:
            event = None
        if loop.time() - checked >= REVALIDATE_SECONDS or event is None:
            checked = loop.time()
            if not await session_alive(request, staff):
                await ws.close(code=CLOSE_SESSION_ENDED, message=b"session ended")
                return
        if event is not None and not ws.closed:
            await ws.send_json(event.as_json())
