"""The console fails closed: login, throttling, sessions, CSRF, the websocket's Origin, security headers."""

from __future__ import annotations

import hashlib

import pytest
from aiohttp import WSServerHandshakeError
from sqlalchemy import func, select

from bot import keys
from bot.console.auth import COOKIE, LOGIN_COOKIE
from bot.db.models import ConsoleSession, LoginFailure
from tests.factories import inbound
from tests.web.console_support import PASSWORD, add_staff, audit_actions, console_app, csrf_of, login

ANNA = "anna@helpline.example"


@pytest.fixture
async def client(aiohttp_client, settings, clock, sender):
    app = console_app(settings, clock, sender)
    client = await aiohttp_client(app)
    await add_staff(app, ANNA, "coordinator", "Anna")
    return client


async def _try(client, email: str, password: str):
    # the login page in English (it is Latvian unless asked): these tests read the English wording
    page = await client.get("/console/login?lang=en")
    return await client.post(
        "/console/login",
        data={"csrf": csrf_of(await page.text()), "email": email, "password": password},
        allow_redirects=False,
    )


async def test_login_sets_a_hardened_cookie_and_only_a_hash_of_the_token_is_stored(client):
    answer = await _try(client, ANNA, PASSWORD)
    assert answer.status == 303 and answer.headers["Location"] == "/console/"
    cookie = next(c for c in answer.headers.getall("Set-Cookie") if c.startswith(f"{COOKIE}="))
    assert "HttpOnly" in cookie and "SameSite=Strict" in cookie and "Path=/console" in cookie
    assert "Secure" not in cookie  # http://127.0.0.1 in tests; see the https case below
    token = cookie.split(";")[0].split("=", 1)[1]
    async with client.app[keys.sessionmaker]() as session:
        stored = (await session.execute(select(ConsoleSession))).scalar_one()
    assert stored.token_hash == hashlib.sha256(token.encode()).hexdigest() and token not in stored.token_hash
    assert (await client.get("/console/")).status == 200
    assert ("staff:1", "login.ok", None) in await audit_actions(client.app)


async def test_the_cookie_is_secure_when_the_public_url_is_https(aiohttp_client, settings, clock, sender):
    app = console_app(settings.model_copy(update={"public_url": "https://help.example.lv"}), clock, sender)
    client = await aiohttp_client(app)
    await add_staff(app, ANNA)
    page = await client.get("/console/login")
    login_cookie = page.cookies[LOGIN_COOKIE]
    assert login_cookie["secure"] and login_cookie["httponly"] and login_cookie["samesite"] == "Strict"
    # the test client speaks http, so it would not send a Secure cookie back by itself
    answer = await client.post(
        "/console/login",
        data={"csrf": csrf_of(await page.text()), "email": ANNA, "password": PASSWORD},
        cookies={LOGIN_COOKIE: login_cookie.value},
        allow_redirects=False,
    )
    assert answer.status == 303 and answer.cookies[COOKIE]["secure"]


async def test_a_wrong_password_and_an_unknown_email_get_the_same_answer(client):
    wrong = await _try(client, ANNA, "not the password at all")
    unknown = await _try(client, "nobody@helpline.example", PASSWORD)
    assert wrong.status == unknown.status == 401
    assert (
        "Wrong email or password." in await wrong.text()
        and "Wrong email or password." in await unknown.text()
    )
    assert (await client.get("/console/", allow_redirects=False)).status == 303
    actions = [a for _, a, _ in await audit_actions(client.app)]
    assert actions.count("login.failed") == 2


async def test_five_failures_for_one_email_lock_it_for_fifteen_minutes(client, clock):
    for _ in range(5):
        assert (await _try(client, ANNA, "wrong password!!")).status == 401
    locked = await _try(client, ANNA, PASSWORD)  # even the right password
    assert locked.status == 429 and "Too many failed attempts" in await locked.text()
    assert "login.throttled" in [a for _, a, _ in await audit_actions(client.app)]
    clock.advance(minutes=16)
    assert (await _try(client, ANNA, PASSWORD)).status == 303


async def test_twenty_failures_from_one_address_lock_that_address(client, clock):
    async with client.app[keys.sessionmaker]() as session, session.begin():  # 19 earlier guesses
        session.add_all(
            LoginFailure(email=f"guess{n}@x.example", ip="127.0.0.1", created_at=clock()) for n in range(19)
        )
    assert (await _try(client, "guess19@x.example", "wrong password!!")).status == 401
    assert (await _try(client, ANNA, PASSWORD)).status == 429  # a different email, the same address
    async with client.app[keys.sessionmaker]() as session:
        assert await session.scalar(select(func.count()).select_from(LoginFailure)) == 20


@pytest.mark.parametrize(
    "path",
    ["/console/", "/console/conversations/1", "/console/callbacks", "/console/audit", "/console/nowhere"],
)
async def test_every_page_sends_the_anonymous_to_the_login(client, path):
    answer = await client.get(path, allow_redirects=False)
    assert answer.status == 303 and answer.headers["Location"] == "/console/login"


async def test_data_actions_and_the_websocket_refuse_the_anonymous(client):
    assert (await client.get("/console/queue.json")).status == 401
    assert (await client.get("/console/conversations/1/messages.json")).status == 401
    for action in ("claim", "reply", "note", "handback", "close"):
        assert (await client.post(f"/console/conversations/1/{action}", data={"text": "x"})).status == 401
    with pytest.raises(WSServerHandshakeError) as refused:
        await client.ws_connect("/console/ws", headers={"Origin": str(client.make_url("")).rstrip("/")})
    assert refused.value.status == 401


async def test_a_post_without_the_csrf_token_is_forbidden(client):
    csrf = await login(client, ANNA)
    assert (await client.post("/console/conversations/1/note", data={"text": "x"})).status == 403
    bad = await client.post("/console/conversations/1/note", data={"text": "x", "csrf": csrf[:-2] + "xx"})
    assert bad.status == 403
    assert (await client.post("/console/logout")).status == 403
    # the login form has its own token (there is no session yet)
    assert (await client.post("/console/login", data={"email": ANNA, "password": PASSWORD})).status == 403


async def test_a_websocket_from_another_origin_is_refused(client):
    await login(client, ANNA)
    for origin in ("https://evil.example", "null", ""):
        with pytest.raises(WSServerHandshakeError) as refused:
            await client.ws_connect("/console/ws", headers={"Origin": origin} if origin else {})
        assert refused.value.status == 403
    own = str(client.make_url("")).rstrip("/")
    ws = await client.ws_connect("/console/ws", headers={"Origin": own})
    await ws.close()


async def test_pages_carry_a_strict_content_security_policy(client):
    for path in ("/console/login", "/console/static/console.js"):
        answer = await client.get(path)
        assert answer.status == 200
        assert answer.headers["X-Frame-Options"] == "DENY"
        csp = answer.headers["Content-Security-Policy"]
        assert "script-src 'self'" in csp and "unsafe-inline" not in csp and "frame-ancestors 'none'" in csp
    await login(client, ANNA)
    queue = await client.get("/console/")
    assert queue.headers["Cache-Control"] == "no-store" and "<script>" not in await queue.text()


async def test_logout_ends_the_session_on_the_server(client):
    csrf = await login(client, ANNA)
    cookie = client.session.cookie_jar.filter_cookies(client.make_url("/console/"))[COOKIE].value
    assert (await client.post("/console/logout", data={"csrf": csrf}, allow_redirects=False)).status == 303
    async with client.app[keys.sessionmaker]() as session:
        assert await session.scalar(select(func.count()).select_from(ConsoleSession)) == 0
    client.session.cookie_jar.update_cookies(
        {COOKIE: cookie}, client.make_url("/console/")
    )  # a copied cookie
    assert (await client.get("/console/", allow_redirects=False)).status == 303


async def test_an_idle_session_expires(client, clock):
    await login(client, ANNA)
    clock.advance(hours=2, minutes=1)
    assert (await client.get("/console/", allow_redirects=False)).status == 303


async def test_operators_read_but_do_not_take_over_and_only_admins_see_the_audit_log(client):
    await add_staff(client.app, "olga@helpline.example", "operator", "Olga")
    csrf = await login(client, "olga@helpline.example")
    await client.app[keys.pipeline].handle(inbound("cilvēku lūdzu"))
    assert "Take over" not in await (await client.get("/console/conversations/1")).text()
    refused = await client.post("/console/conversations/1/claim", data={"csrf": csrf})
    assert refused.status == 409 and "Operators can read" in await refused.text()
    assert (await client.get("/console/audit")).status == 403


async def test_the_old_audit_address_leads_admins_to_the_one_audit_log_and_the_view_is_logged(client):
    await add_staff(client.app, "ilze@helpline.example", "admin", "Ilze")
    await login(client, "ilze@helpline.example")
    moved = await client.get("/console/audit", params={"action": "login.ok"}, allow_redirects=False)
    assert moved.status == 303 and moved.headers["Location"] == "/console/ops/audit?action=login.ok"
    page = await client.get("/console/audit", params={"action": "login.ok"})
    text = await page.text()
    assert page.status == 200 and "Audit log" in text and "login.ok" in text
    assert ("staff:2", "audit.view", None) in await audit_actions(client.app)


async def test_the_pages_own_background_fetches_do_not_keep_an_unattended_console_signed_in(client, clock):
    await login(client, ANNA)
    await client.app[keys.pipeline].handle(inbound("cilvēku lūdzu"))
    background = {"X-Console-Background": "1"}
    for _ in range(11):  # live events all afternoon, nobody at the desk: the page refetches by itself
        clock.advance(minutes=10)
        assert (await client.get("/console/queue.json", headers=background)).status == 200
        messages = await client.get("/console/conversations/1/messages.json?after=1", headers=background)
        assert messages.status == 200
    clock.advance(minutes=11)  # two hours after she last did anything
    assert (await client.get("/console/queue.json", headers=background)).status == 401
    assert (await client.get("/console/", allow_redirects=False)).headers["Location"] == "/console/login"


async def test_what_the_coordinator_does_keeps_the_session_alive(client, clock):
    await login(client, ANNA)
    for _ in range(3):  # opening pages and the same data without the header are her own doing
        clock.advance(hours=1, minutes=30)
        assert (await client.get("/console/queue.json")).status == 200
    assert (await client.get("/console/", allow_redirects=False)).status == 200
