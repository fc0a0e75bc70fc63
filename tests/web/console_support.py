"""Shared steps for the console tests: an app with fakes, staff accounts, logging in, a person writing."""

from __future__ import annotations

import re
from typing import Any

import aiohttp
from aiohttp import web
from aiohttp.test_utils import TestClient
from sqlalchemy import select

from bot import keys
from bot.app import Overrides, create_app
from bot.console.passwords import hash_password
from bot.db.models import AuditEvent, Conversation, StaffMember
from bot.messages import Channel
from bot.pipeline import HandleResult
from bot.settings import Settings
from tests.factories import inbound
from tests.fakes import FakeClassifier, FakeSender

PASSWORD = "correct horse battery staple"
_CSRF = re.compile(r'name="csrf" (?:value|content)="([^"]+)"|<meta name="csrf" content="([^"]+)"')

_HASHES: dict[str, str] = {}


def console_app(settings: Settings, clock: Any, sender: FakeSender, **kw: Any) -> web.Application:
    classifier = kw.pop("classifier", FakeClassifier())
    senders = {Channel.CLI: sender, Channel.WEB: sender, Channel.SMS: sender, Channel.TELEGRAM: sender}
    run_outbox = bool(kw.pop("run_outbox", False))
    overrides = Overrides(
        classifier=classifier, senders=senders, clock=clock, run_outbox=run_outbox, migrate=True
    )
    return create_app(settings, overrides)


async def add_staff(
    app: web.Application,
    email: str,
    role: str = "coordinator",
    name: str | None = None,
    password: str = PASSWORD,
    language: str | None = "en",
) -> int:
    """A staff account; English unless `language` says otherwise (None: the database default, Latvian).

    The console tests read the English wording, so their staff have chosen English; the console's
    languages themselves are tested in test_console_language.py.
    """
    if password not in _HASHES:  # argon2 is slow on purpose; one hash per password is enough for tests
        _HASHES[password] = hash_password(password)
    now = app[keys.clock]()
    async with app[keys.sessionmaker]() as session, session.begin():
        member = StaffMember(
            email=email,
            name=name or email.split("@", maxsplit=1)[0].capitalize(),
            role=role,
            password_hash=_HASHES[password],
            active=True,
            created_at=now,
        )
        if language is not None:
            member.language = language
        session.add(member)
        await session.flush()
        return member.id


OLGA = "olga@helpline.example"  # operator
ANNA = "anna@helpline.example"  # coordinator
BORIS = "boris@helpline.example"  # another coordinator
ADAM = "adam@helpline.example"  # admin


async def every_role(app: web.Application) -> dict[str, int]:
    """An operator (Olga), two coordinators (Anna, Boris) and an admin (Adam): their ids by first name."""
    return {
        "olga": await add_staff(app, OLGA, "operator", "Olga"),
        "anna": await add_staff(app, ANNA, "coordinator", "Anna"),
        "boris": await add_staff(app, BORIS, "coordinator", "Boris"),
        "adam": await add_staff(app, ADAM, "admin", "Adam"),
    }


def csrf_of(html: str) -> str:
    found = _CSRF.search(html)
    assert found, "no CSRF token on the page"
    return found.group(1) or found.group(2)


async def login(client: TestClient | aiohttp.ClientSession, email: str, password: str = PASSWORD) -> str:
    """Log in through the form; returns the session's CSRF token (from the queue page)."""
    page = await client.get("/console/login")
    token = csrf_of(await page.text())
    done = await client.post(
        "/console/login", data={"csrf": token, "email": email, "password": password}, allow_redirects=False
    )
    assert done.status == 303, await done.text()
    queue = await client.get("/console/")
    assert queue.status == 200
    return csrf_of(await queue.text())


def second_browser(client: TestClient) -> aiohttp.ClientSession:
    """Another browser against the same running app: its own cookie jar (use `async with`)."""
    base = str(client.server.make_url("/")).rstrip("/")
    return aiohttp.ClientSession(base_url=base, cookie_jar=aiohttp.CookieJar(unsafe=True))


async def says(app: web.Application, text: str, user: str = "person-1", **kw: Any) -> HandleResult:
    return await app[keys.pipeline].handle(inbound(text, user=user, **kw))


async def conversation_of(app: web.Application, user: str = "person-1") -> Conversation:
    from bot.db.models import Contact

    async with app[keys.sessionmaker]() as session:
        found = await session.execute(
            select(Conversation)
            .join(Contact, Contact.id == Conversation.contact_id)
            .where(Contact.external_id == user)
            .order_by(Conversation.id.desc())
        )
        return found.scalars().first()  # type: ignore[return-value]


async def audit_actions(app: web.Application) -> list[tuple[str, str, str | None]]:
    async with app[keys.sessionmaker]() as session:
        rows = (await session.execute(select(AuditEvent).order_by(AuditEvent.id))).scalars()
        return [(r.actor, r.action, r.subject) for r in rows]
