"""Jinja2 (autoescape always on) for the console's pages, and the security headers on every response."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import jinja2
from aiohttp import web
from aiohttp.typedefs import Handler

from bot import keys
from bot.console.auth import staff_key

TEMPLATES = Path(__file__).parent / "templates"
STATIC = Path(__file__).parent / "static"

# no inline script or style anywhere: console.js and console.css are the only code the page runs
CSP = (
    "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self'; connect-src 'self'; "
    "font-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'"
)
SECURITY_HEADERS = {
    "Content-Security-Policy": CSP,
    "X-Frame-Options": "DENY",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
    "Cross-Origin-Opener-Policy": "same-origin",
    "Permissions-Policy": "camera=(), microphone=(), geolocation=()",
}


def make_environment(zone: ZoneInfo) -> jinja2.Environment:
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(TEMPLATES),
        autoescape=True,  # every template, whatever its name
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )

    def local(moment: datetime | None, fmt: str = "%d.%m. %H:%M") -> str:
        return "" if moment is None else moment.astimezone(zone).strftime(fmt)

    env.filters["local"] = local
    return env


def render(
    request: web.Request, template: str, context: dict[str, Any], *, status: int = 200
) -> web.Response:
    env = request.config_dict[keys.console_templates]
    staff = request.get(staff_key)
    page = env.get_template(template).render(staff=staff, csrf=staff.csrf if staff else "", **context)
    return web.Response(text=page, content_type="text/html", charset="utf-8", status=status)


def add_security_headers(response: web.StreamResponse) -> None:
    for name, value in SECURITY_HEADERS.items():
        response.headers.setdefault(name, value)
    if response.content_type in ("text/html", "application/json"):
        response.headers.setdefault("Cache-Control", "no-store")


@web.middleware
async def headers_middleware(request: web.Request, handler: Handler) -> web.StreamResponse:
    try:
        response = await handler(request)
    except web.HTTPException as exc:
        add_security_headers(exc)
        raise
    if not response.prepared:  # a websocket has sent its headers already
        add_security_headers(response)
    return response
