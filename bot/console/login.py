"""GET/POST /console/login and POST /console/logout.

Nobody is signed in yet on the login page, so it speaks the language it was asked in (?lang=, kept by
the form) or this browser's last one (a cookie), else Latvian; after sign-in the account's language rules,
and the cookie is set to it for the next login page.
"""

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
from bot.console.i18n import LANGUAGE_COOKIE, N_, known, login_language
from bot.console.render import render, translations

LOGIN_FORM_SECONDS = 3600
LANGUAGE_COOKIE_SECONDS = 365 * 24 * 3600


async def login_page(
    request: web.Request, *, error: str | None = None, status: int = 200, language: str | None = None
) -> web.Response:
    """The form; after a failed attempt, `error` is an English msgid shown in the page's language."""
    if error is None and await load_staff(request) is not None:
        raise web.HTTPSeeOther("/console/")
    language = language or login_language(request)
    shown = translations(request, language).gettext(error) if error else None
    token = secrets.token_urlsafe(32)
    response = render(
        request,
        "login.html",
        {"page": "login", "login_token": token, "error": shown},
        status=status,
        language=language,
    )
    set_cookie(request, response, LOGIN_COOKIE, token, LOGIN_FORM_SECONDS)
    if known(request.query.get("lang")):  # chosen on this page: the next login page too
        set_cookie(request, response, LANGUAGE_COOKIE, language, LANGUAGE_COOKIE_SECONDS)
    return response


async def login_post(request: web.Request) -> web.StreamResponse:
    form = await request.post()
    sent = form.get("csrf")
    if not isinstance(sent, str) or not same(sent, request.cookies.get(LOGIN_COOKIE, "")):
        raise web.HTTPForbidden(text="missing or wrong CSRF token; reload the login page")
    language = known(form.get("lang")) or login_language(request)
    email, password = form.get("email"), form.get("password")
    if not isinstance(email, str) or not isinstance(password, str) or not email or not password:
        return await login_page(
            request, error=N_("Enter your email and password."), status=400, language=language
        )
    result = await attempt_login(request, email, password[:1024])
    if result.throttled:
        return await login_page(
            request,
            error=N_("Too many failed attempts. Try again in 15 minutes."),
            status=429,
            language=language,
        )
    if result.token is None:
        return await login_page(request, error=N_("Wrong email or password."), status=401, language=language)
    response = web.HTTPSeeOther("/console/")
    set_cookie(request, response, COOKIE, result.token, int(SESSION_MAX.total_seconds()))
    if result.language is not None:  # the account's own language, for this browser's next login page
        set_cookie(request, response, LANGUAGE_COOKIE, result.language, LANGUAGE_COOKIE_SECONDS)
    response.del_cookie(LOGIN_COOKIE, path=COOKIE_PATH)
    raise response


async def logout(request: web.Request) -> web.StreamResponse:
    await end_session(request, request[staff_key])
    response = web.HTTPSeeOther("/console/login")
    response.del_cookie(COOKIE, path=COOKIE_PATH)
    raise response
