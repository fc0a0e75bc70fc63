"""`helpline privacy export` and the other staff commands at a terminal: files for this user's eyes only,
and one line (no traceback, nothing audited) when the file or the database cannot be reached."""

from __future__ import annotations

import asyncio
import os
import stat
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import select

from bot.cli import main
from bot.db.engine import make_engine, make_sessionmaker
from bot.db.migrate import upgrade
from bot.db.models import AuditEvent
from tests import ops_data
from tests.ops_data import Msg

NOW = datetime(2026, 11, 23, 10, 0, tzinfo=ZoneInfo("Europe/Riga"))


async def _seed(url: str) -> int:
    engine = make_engine(url)
    await upgrade(engine)
    async with make_sessionmaker(engine)() as session, session.begin():
        seeded = await ops_data.conversation(
            session, [Msg("mans tālrunis 26123456", intent="greet")], at=NOW, user="+37126123456"
        )
        contact_id = seeded.contact.id
    await engine.dispose()
    return contact_id


async def _audited(url: str) -> list[str]:
    engine = make_engine(url)
    async with make_sessionmaker(engine)() as session:
        actions = [e.action for e in (await session.execute(select(AuditEvent))).scalars()]
    await engine.dispose()
    return actions


@pytest.fixture
def sqlite(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    url = f"sqlite+aiosqlite:///{tmp_path / 'helpline.db'}"
    monkeypatch.setenv("HELPLINE_DATABASE_URL", url)
    monkeypatch.setenv("HELPLINE_DATA_DIR", str(tmp_path / "data"))
    previous = os.umask(0o022)  # a usual server default: new files readable by every account
    try:
        yield url
    finally:
        os.umask(previous)


def test_the_access_request_export_is_readable_by_this_user_only(sqlite: str, tmp_path: Path, capsys):
    """Staff QA: the unmasked export (every message, the number) was written world-readable (0644)."""
    contact = asyncio.run(_seed(sqlite))
    out = tmp_path / "person.json"
    assert main(["privacy", "export", "--contact", str(contact), "--out", str(out)]) == 0
    assert "26123456" in out.read_text(encoding="utf-8")
    assert stat.S_IMODE(out.stat().st_mode) == 0o600
    out.chmod(0o644)  # written again over a wider file: narrowed too
    assert main(["privacy", "export", "--contact", str(contact), "--out", str(out)]) == 0
    assert stat.S_IMODE(out.stat().st_mode) == 0o600


def test_an_out_file_that_cannot_be_written_is_one_line_and_nothing_is_exported(
    sqlite: str, tmp_path, capsys
):
    contact = asyncio.run(_seed(sqlite))
    missing = tmp_path / "no-such-folder" / "person.json"
    assert main(["privacy", "export", "--contact", str(contact), "--out", str(missing)]) == 2
    assert main(["nlu", "export-reviewed", "--all", "--out", str(missing.with_suffix(".yml"))]) == 2
    err = capsys.readouterr().err
    assert err.count("helpline: cannot write") == 2 and "Traceback" not in err
    assert asyncio.run(_audited(sqlite)) == []  # no export_contact, no export_nlu: nothing left the database


def test_a_database_out_of_reach_is_one_line(monkeypatch: pytest.MonkeyPatch, tmp_path: Path, capsys):
    monkeypatch.setenv("HELPLINE_DATABASE_URL", "postgresql+asyncpg://helpline@127.0.0.1:1/helpline")
    monkeypatch.setenv("HELPLINE_DATA_DIR", str(tmp_path))
    for argv in (["bookings", "list"], ["staff", "list"], ["privacy", "erase", "--contact", "1", "--yes"]):
        assert main(argv) == 1
        err = capsys.readouterr().err
        assert err.startswith("helpline: cannot reach the database") and "HELPLINE_DATABASE_URL" in err
