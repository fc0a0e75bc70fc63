"""Console sign-in: server-side sessions (hashed tokens), CSRF per session, login throttling.

Fails closed: every console route needs a live session unless it is named in PUBLIC_ROUTES, and
every POST needs the session's CSRF token.
"""

from __future__ import annotations

import asyncio
import hashlib
import hmac
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from aiohttp import web
from aiohttp.typedefs import Handler
from sqlalchemy import delete, func, or_, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from bot import keys
from bot.console.audit import audit
from bot.console.i18n import DEFAULT_LANGUAGE, known
from bot.console.passwords import dummy_hash, hash_password, needs_rehash, verify_password
from bot.db.models import ConsoleSession, LoginFailure, StaffMember, StaffRole

COOKIE = "helpline_console"
LOGIN_COOKIE = "helpline_console_login"  # double-submit token for the login form (no session yet)
COOKIE_PATH = "/console"
SESSION_IDLE = timedelta(hours=2)
SESSION_MAX = timedelta(hours=12)
TOUCH_EVERY = timedelta(minutes=1)
THROTTLE_WINDOW = timedelta(minutes=15)
MAX_FAILURES_PER_EMAIL = 5
MAX_FAILURES_PER_IP = 20  # an office behind one address still gets in when one person mistypes
PUBLIC_ROUTES = frozenset({"console.login", "console.login_post", "console.static"})
CSRF_FIELD = "csrf"
CSRF_HEADER = "X-CSRF-Token"
# the page's own fetches on live events (queue.json, messages.json) send this: they keep the session
# checked but are not the coordinator's activity, so they do not hold off the idle timeout
BACKGROUND_HEADER = "X-Console-Background"


@dataclass(frozen=True, slots=True)
class Staff:
    """The signed-in console user, as handlers see them."""

    id: int
    email: str
    name: str
    role: StaffRole
    session_id: int
    csrf: str
    language: str = DEFAULT_LANGUAGE  # the console's language for them (bot.console.i18n)

    @property
    def actor(self) -> str:
        return f"staff:{self.id}"

    @property
    def can_act(self) -> bool:
        """Coordinators and admins take conversations over; operators read and write notes."""
        return self.role in (StaffRole.COORDINATOR, StaffRole.ADMIN)

    @property
    def is_admin(self) -> bool:
        return self.role == StaffRole.ADMIN


staff_key = web.RequestKey("console_staff", Staff)


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def same(a: str, b: str) -> bool:
    """Constant-time comparison; an empty value never matches."""
    return bool(a) and bool(b) and hmac.compare_digest(a.encode(), b.encode())


def secure_cookies(request: web.Request) -> bool:
    return request.config_dict[keys.settings].public_url.startswith("https://")


def set_cookie(
    request: web.Request, response: web.StreamResponse, name: str, value: str, max_age: int
) -> None:
    response.set_cookie(
        name,
        value,
        max_age=max_age,
        path=COOKIE_PATH,
        httponly=True,
        samesite="Strict",
        secure=secure_cookies(request),
    )


async def start_session(session: AsyncSession, member: StaffMember, now: datetime) -> str:
    """A new random token (returned once, for the cookie); only its hash is stored."""
    token = secrets.token_urlsafe(32)
    session.add(
        ConsoleSession(
            token_hash=token_hash(token),
            staff_id=member.id,
            csrf_token=secrets.token_urlsafe(32),
            created_at=now,
            last_seen_at=now,
            expires_at=now + SESSION_MAX,
        )
    )
    member.last_login_at = now
    return token


def is_background(request: web.Request) -> bool:
    """A fetch the page made by itself (X-Console-Background: 1), not something the coordinator did."""
    return request.headers.get(BACKGROUND_HEADER, "").strip() == "1"


async def load_staff(request: web.Request) -> Staff | None:
    """The live session behind the request's cookie, or None (expired, idle, unknown, disabled).

    Anything the coordinator does counts as activity (last_seen_at, at most once a minute); the
    page's background fetches do not, so an unattended console still ends after SESSION_IDLE.
    """
    token = request.cookies.get(COOKIE, "")
    if not token or len(token) > 128:
        return None
    now = request.config_dict[keys.clock]()
    async with request.config_dict[keys.reader]() as session:
        found = await session.execute(
            select(ConsoleSession, StaffMember)
            .join(StaffMember, StaffMember.id == ConsoleSession.staff_id)
            .where(ConsoleSession.token_hash == token_hash(token))
        )
        row = found.first()
        if row is None:
            return None
        record, member = row
        if not member.active or record.expires_at <= now or record.last_seen_at + SESSION_IDLE <= now:
            return None
    if now - record.last_seen_at >= TOUCH_EVERY and not is_background(request):
        # its own short write: the check above only reads, and takes no write lock on SQLite (bot.db.engine)
        async with request.config_dict[keys.sessionmaker]() as session, session.begin():
            await session.execute(
                update(ConsoleSession).where(ConsoleSession.id == record.id).values(last_seen_at=now)
            )
    return Staff(
        member.id,
        member.email,
        member.name,
        StaffRole(member.role),
        record.id,
        record.csrf_token,
        known(member.language) or DEFAULT_LANGUAGE,
    )


async def session_alive(request: web.Request, staff: Staff) -> bool:
    """For long-lived websockets: the session was not ended or expired meanwhile."""
    now = request.config_dict[keys.clock]()
    async with request.config_dict[keys.reader]() as session:
        record = await session.get(ConsoleSession, staff.session_id)
        return record is not None and record.expires_at > now and record.last_seen_at + SESSION_IDLE > now


async def check_csrf(request: web.Request, staff: Staff) -> None:
    sent = request.headers.get(CSRF_HEADER, "")
    if not sent and request.content_type in ("application/x-www-form-urlencoded", "multipart/form-data"):
        form = await request.post()
        value = form.get(CSRF_FIELD)
        sent = value if isinstance(value, str) else ""
    if not same(sent, staff.csrf):
        raise web.HTTPForbidden(text="missing or wrong CSRF token")


def client_ip(request: web.Request) -> str:
    # the direct peer: a reverse proxy's forwarded header is not trusted unless configured there
    return (request.remote or "unknown")[:64]


async def throttled(session: AsyncSession, email: str, ip: str, now: datetime) -> bool:
    since = now - THROTTLE_WINDOW
    by_email = await session.scalar(
        select(func.count())
        .select_from(LoginFailure)
        .where(LoginFailure.email == email, LoginFailure.created_at > since)
    )
    by_ip = await session.scalar(
        select(func.count())
        .select_from(LoginFailure)
        .where(LoginFailure.ip == ip, LoginFailure.created_at > since)
    )
    return int(by_email or 0) >= MAX_FAILURES_PER_EMAIL or int(by_ip or 0) >= MAX_FAILURES_PER_IP


@dataclass(frozen=True, slots=True)
class LoginResult:
    token: str | None = None  # set on success
    throttled: bool = False
    language: str | None = None  # the account's console language, on success


async def attempt_login(request: web.Request, email: str, password: str) -> LoginResult:
    """Check throttling, then the password (argon2 off the event loop); record the outcome."""
    email = email.strip().lower()[:254]
    ip = client_ip(request)
    now = request.config_dict[keys.clock]()
    maker = request.config_dict[keys.sessionmaker]
    async with maker() as session, session.begin():
        await session.execute(delete(LoginFailure).where(LoginFailure.created_at < now - timedelta(days=1)))
        if await throttled(session, email, ip, now):
            audit(session, "anonymous", "login.throttled", None, now)
            return LoginResult(throttled=True)
        member = (
            await session.execute(select(StaffMember).where(StaffMember.email == email))
        ).scalar_one_or_none()
    stored = member.password_hash if member is not None and member.active else dummy_hash()
    ok = await asyncio.to_thread(verify_password, stored, password) and member is not None and member.active
    async with maker() as session, session.begin():
        if not ok or member is None:
            session.add(LoginFailure(email=email, ip=ip, created_at=now))
            subject = f"staff:{member.id}" if member is not None else None
            audit(session, "anonymous", "login.failed", subject, now)
            return LoginResult()
        member = await session.get(StaffMember, member.id)
        assert member is not None  # it was there a moment ago; staff rows are disabled, not deleted
        if needs_rehash(member.password_hash):
            member.password_hash = await asyncio.to_thread(hash_password, password)
        await session.execute(delete(LoginFailure).where(LoginFailure.email == email))
        token = await start_session(session, member, now)
        audit(session, f"staff:{member.id}", "login.ok", None, now)
        return LoginResult(token=token, language=known(member.language))


async def end_session(request: web.Request, staff: Staff) -> None:
    now = request.config_dict[keys.clock]()
    async with request.config_dict[keys.sessionmaker]() as session, session.begin():
        await session.execute(delete(ConsoleSession).where(ConsoleSession.id == staff.session_id))
        await session.execute(
            delete(ConsoleSession).where(
                ConsoleSession.staff_id == staff.id,
                or_(ConsoleSession.expires_at <= now, ConsoleSession.last_seen_at <= now - SESSION_IDLE),
            )
        )
        audit(session, staff.actor, "logout", None, now)


def wants_redirect(request: web.Request) -> bool:
    """A browser page load gets a redirect to the login page; data, websocket and POST get 401."""
    return (
        request.method == "GET"
        and not request.path.endswith(".json")
        and request.headers.get("Upgrade", "").lower() != "websocket"
    )


@web.middleware
async def auth_middleware(request: web.Request, handler: Handler) -> web.StreamResponse:
    route = request.match_info.route.name
    if route in PUBLIC_ROUTES:
        return await handler(request)
    staff = await load_staff(request)
    if staff is None:
        if wants_redirect(request):
            raise web.HTTPSeeOther("/console/login")
        raise web.HTTPUnauthorized(text="log in first")
    if request.method not in ("GET", "HEAD", "OPTIONS"):
        await check_csrf(request, staff)
    request[staff_key] = staff
    return await handler(request)
