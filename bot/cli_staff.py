"""`helpline staff add|list|disable`: console accounts (coordinators, operators, admins).

The password is asked twice with getpass on a terminal, or read from the first line of stdin when
piped (for deploy scripts); it is never an argument, so it stays out of shell history and `ps`.
"""

from __future__ import annotations

import argparse
import asyncio
import getpass
import re
import sys
from datetime import UTC, datetime

from sqlalchemy import delete, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncEngine

from bot.cli_privacy import cli_actor
from bot.console.audit import audit
from bot.console.i18n import DEFAULT_LANGUAGE, LANGUAGES
from bot.console.passwords import MIN_LENGTH, hash_password
from bot.db.engine import make_engine, make_sessionmaker
from bot.db.models import ConsoleSession, StaffMember, StaffRole
from bot.db.schema_version import is_current
from bot.settings import Settings, SettingsError

_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")


def read_password() -> str:
    if not sys.stdin.isatty():
        return sys.stdin.readline().rstrip("\r\n")
    first = getpass.getpass("Password: ")
    if getpass.getpass("Again: ") != first:
        raise SettingsError("the two passwords differ")
    return first


async def _engine(settings: Settings) -> AsyncEngine:
    """An engine on a current schema, or a one-line error naming the command that fixes it."""
    if settings.is_sqlite:
        settings.data_dir.mkdir(parents=True, exist_ok=True)
    engine = make_engine(settings.effective_database_url)
    if not await is_current(engine):
        await engine.dispose()
        raise SettingsError("the database schema is not current: run `helpline db upgrade` first")
    return engine


async def _add(
    settings: Settings,
    email: str,
    role: str,
    name: str | None,
    password: str,
    language: str = DEFAULT_LANGUAGE,
) -> int:
    email = email.strip().lower()
    if not _EMAIL.match(email):
        raise SettingsError(f"not an email address: {email!r}")
    if len(password) < MIN_LENGTH:
        raise SettingsError(f"the password needs at least {MIN_LENGTH} characters")
    password_hash = await asyncio.to_thread(hash_password, password)
    engine = await _engine(settings)
    try:
        now = datetime.now(UTC)
        async with make_sessionmaker(engine)() as session, session.begin():
            member = StaffMember(
                email=email,
                name=(name or email.split("@")[0])[:64],
                role=role,
                password_hash=password_hash,
                active=True,
                created_at=now,
                language=language,
            )
            session.add(member)
            await session.flush()
            audit(session, cli_actor(), "staff.add", f"staff:{member.id}", now)
    except IntegrityError:
        raise SettingsError(f"{email} already has an account") from None
    finally:
        await engine.dispose()
    print(f"added {email} as {role}")
    return 0


async def _list(settings: Settings) -> int:
    engine = await _engine(settings)
    try:
        async with make_sessionmaker(engine)() as session, session.begin():
            members = list((await session.execute(select(StaffMember).order_by(StaffMember.email))).scalars())
            audit(session, cli_actor(), "staff.list", f"rows:{len(members)}", datetime.now(UTC))
            for m in members:
                seen = m.last_login_at.strftime("%Y-%m-%d %H:%M") if m.last_login_at else "never"
                state = "active" if m.active else "disabled"
                print(f"{m.email}\t{m.role}\t{m.name}\t{state}\tlast login {seen}\tconsole in {m.language}")
    finally:
        await engine.dispose()
    return 0


async def _disable(settings: Settings, email: str) -> int:
    engine = await _engine(settings)
    try:
        now = datetime.now(UTC)
        async with make_sessionmaker(engine)() as session, session.begin():
            member = (
                await session.execute(select(StaffMember).where(StaffMember.email == email.strip().lower()))
            ).scalar_one_or_none()
            if member is None:
                raise SettingsError(f"no account for {email}")
            await session.execute(update(StaffMember).where(StaffMember.id == member.id).values(active=False))
            # signed-in sessions end now, not when they expire
            await session.execute(delete(ConsoleSession).where(ConsoleSession.staff_id == member.id))
            audit(session, cli_actor(), "staff.disable", f"staff:{member.id}", now)
    finally:
        await engine.dispose()
    print(f"disabled {email}")
    return 0


def _run_add(args: argparse.Namespace, settings: Settings) -> int:
    return asyncio.run(_add(settings, args.email, args.role, args.name, read_password(), args.language))


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    staff = sub.add_parser("staff", help="console accounts: coordinators, operators, admins")
    actions = staff.add_subparsers(dest="staff_command", required=True)
    add = actions.add_parser("add", help="add an account (password asked, or read from stdin)")
    add.add_argument("--email", required=True)
    add.add_argument("--role", required=True, choices=[str(r) for r in StaffRole])
    add.add_argument("--name", default=None, help="shown to colleagues (default: the email's first part)")
    add.add_argument(
        "--language",
        default=DEFAULT_LANGUAGE,
        choices=LANGUAGES,
        help="the console's language for them (default: lv; they can switch it in the console)",
    )
    add.set_defaults(func=_run_add)
    actions.add_parser("list", help="list accounts").set_defaults(
        func=lambda args, settings: asyncio.run(_list(settings))
    )
    disable = actions.add_parser("disable", help="disable an account and end its sessions")
    disable.add_argument("--email", required=True)
    disable.set_defaults(func=lambda args, settings: asyncio.run(_disable(settings, args.email)))
