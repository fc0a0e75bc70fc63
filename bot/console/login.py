"""GET/POST /console/login and POST /console/logout."""

from __future__ import annotations

import secrets

from aiohttp import web

from bot.console.auth import (
    COOKIE,
    COOKIE_PATH,
    LOGIN_COOKIE,
    SESSION_MAX,
    attempt_login,
    end_session,
    load_staff,
    same,
    set_cookie,
    staff_key,
)
from bot.console.render import render

LOGIN_FORM_SECONDS = 3600


async def login_page(request: web.Request, *, error: str | None = None, status: int = 200) -> web.Response:
    if error is None and await load_staff(request) is not None:
        raise web.HTTPSeeOther("/console/")
    token = secrets.token_urlsafe(32)
    response = render(
        request, "login.html", {"page": "login", "login_token": token, "error": error}, status=status
    )
    set_cookie(request, response, LOGIN_COOKIE, token, LOGIN_FORM_SECONDS)
    return response


async def login_post(request: web.Request) -> web.StreamResponse:
    form = await request.post()
    sent = form.get("csrf")
    if not isinstance(sent, str) or not same(sent, request.cookies.get(LOGIN_COOKIE, "")):
        raise web.HTTPForbidden(text="missing or wrong CSRF token; reload the login page")
    email, password = form.get("email"), form.get("password")
    if not isinstance(email, str) or not isinstance(password, str) or not email or not password:
        return await login_page(request, error="Enter your email and password.", status=400)
    result = await attempt_login(request, email, password[:1024])
    if result.throttled:
        return await login_page(
            request, error="Too many failed attempts. Try again in 15 minutes.", status=429
        )
    if result.token is None:
        return await login_page(request, error="Wrong email or password.", status=401)
    response = web.HTTPSeeOther("/console/")
    set_cookie(request, response, COOKIE, result.token, int(SESSION_MAX.total_seconds()))
    response.del_cookie(LOGIN_COOKIE, path=COOKIE_PATH)
    raise response


async def logout(request: web.Request) -> web.StreamResponse:
    await end_session(request, request[staff_key])
    response = web.HTTPSeeOther("/console/login")
    response.del_cookie(COOKIE, path=COOKIE_PATH)
    raise response
