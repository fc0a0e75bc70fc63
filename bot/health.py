"""GET /healthz (the process is alive) and GET /readyz (database reachable, schema current)."""

from __future__ import annotations

from aiohttp import web

from bot import keys
from bot.db.schema_version import is_current


async def healthz(request: web.Request) -> web.Response:
    return web.json_response({"status": "ok"})


async def readyz(request: web.Request) -> web.Response:
    try:
        current = await is_current(request.app[keys.engine])  # a query: it also shows the database answers
    except Exception:
        return web.json_response({"status": "database unreachable"}, status=503)
    if not current:
        return web.json_response({"status": "migrations pending"}, status=503)
    return web.json_response({"status": "ready"})


def setup_health(app: web.Application) -> None:
    app.router.add_get("/healthz", healthz)
    app.router.add_get("/readyz", readyz)
