"""`helpline privacy purge|export|erase`: retention and data-subject requests from a terminal."""

from __future__ import annotations

import argparse
import asyncio
import getpass
import json
import os
import sys
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.access import UnknownContact, erase_by_staff, export_contact
from bot.clock import system_clock
from bot.db.engine import make_engine, make_sessionmaker
from bot.db.schema_version import is_current
from bot.purge import RetentionPolicy, run_purge
from bot.settings import Settings, SettingsError


def cli_actor() -> str:
    """Who ran the command, for the audit log (the operating-system user)."""
    try:
        return f"cli:{getpass.getuser()}"[:64]
    except (KeyError, OSError):
        return "cli"


@asynccontextmanager
async def database(settings: Settings) -> AsyncIterator[async_sessionmaker[AsyncSession]]:
    """A session factory on a current schema (the embedded SQLite default is migrated, as `run` does)."""
    if settings.is_sqlite:
        settings.data_dir.mkdir(parents=True, exist_ok=True)
    engine = make_engine(settings.effective_database_url)
    try:
        if settings.is_sqlite and not settings.database_url:
            from bot.db.migrate import upgrade  # Alembic loads only for commands that migrate

            await upgrade(engine)
        elif not await is_current(engine):
            raise SettingsError("database schema is not current: run `helpline db upgrade` first")
        yield make_sessionmaker(engine)
    finally:
        await engine.dispose()


async def _purge(settings: Settings, dry_run: bool) -> int:
    now = system_clock(settings.zone)()
    async with database(settings) as maker:
        report = await run_purge(maker, RetentionPolicy.from_settings(settings), now, dry_run=dry_run)
    p = RetentionPolicy.from_settings(settings)
    print(
        f"retention (days): transcripts {p.transcripts_days}, hand-off notes {p.handoff_notes_days}, "
        f"bookings {p.bookings_days}, audit log {p.audit_days}"
    )
    for line in report.lines():
        print(line)
    if dry_run:
        print("dry run: nothing was deleted")
    return 0


async def _export_json(settings: Settings, contact_id: int) -> str | None:
    now = system_clock(settings.zone)()
    async with database(settings) as maker, maker() as session, session.begin():
        try:
            data = await export_contact(session, contact_id, actor=cli_actor(), now=now)
        except UnknownContact:
            return None
    return json.dumps(data, ensure_ascii=False, indent=2) + "\n"


def writable(out: Path) -> None:
    """Refuse an --out whose folder is missing or closed before anything is read or audited."""
    folder = out.parent
    if not folder.is_dir() or not os.access(folder, os.W_OK):
        raise SettingsError(f"cannot write {out}: {folder} is not a folder this user may write to")


def write_private(out: Path, text: str) -> None:
    """Write for this user's eyes only (0600): the access-request export is a person's every message and
    their number, unmasked, and the default umask left it readable by every account on the server."""
    descriptor = os.open(out, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    os.fchmod(descriptor, 0o600)  # also when the file was there already, with wider permissions
    with os.fdopen(descriptor, "w", encoding="utf-8") as handle:
        handle.write(text)


def _export(settings: Settings, contact_id: int, out: Path | None) -> int:
    if out is not None:
        writable(out)
    text = asyncio.run(_export_json(settings, contact_id))
    if text is None:
        print(f"helpline: no contact {contact_id}", file=sys.stderr)
        return 1
    if out is None:
        sys.stdout.write(text)
    else:
        write_private(out, text)
        print(f"wrote {out} (readable by this user only)", file=sys.stderr)
    return 0


async def _erase(settings: Settings, contact_id: int, confirmed: bool) -> int:
    if not confirmed:
        print("helpline: erasing cannot be undone; add --yes to confirm", file=sys.stderr)
        return 2
    now = system_clock(settings.zone)()
    async with database(settings) as maker, maker() as session, session.begin():
        try:
            subject = await erase_by_staff(session, contact_id, actor=cli_actor(), now=now)
        except UnknownContact:
            print(f"helpline: no contact {contact_id}", file=sys.stderr)
            return 1
    print(f"erased contact {contact_id} (audit subject {subject})")
    return 0


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    privacy = sub.add_parser("privacy", help="retention purge, access-request export, erasure")
    actions = privacy.add_subparsers(dest="privacy_command", required=True)
    purge = actions.add_parser("purge", help="delete data past its retention period (per category)")
    purge.add_argument("--dry-run", action="store_true", help="only say what would be deleted")
    purge.set_defaults(func=lambda args, settings: asyncio.run(_purge(settings, args.dry_run)))
    export = actions.add_parser("export", help="everything held about one person, as JSON")
    export.add_argument("--contact", type=int, required=True, metavar="ID")
    export.add_argument("--out", type=Path, metavar="FILE", help="default: standard output")
    export.set_defaults(func=lambda args, settings: _export(settings, args.contact, args.out))
    erase = actions.add_parser("erase", help="erase one person (as the delete_my_data flow does)")
    erase.add_argument("--contact", type=int, required=True, metavar="ID")
    erase.add_argument("--yes", action="store_true", help="confirm; without it nothing happens")
    erase.set_defaults(func=lambda args, settings: asyncio.run(_erase(settings, args.contact, args.yes)))
