"""`helpline staff add|list|disable`: the password comes from stdin (or getpass), never from argv."""

from __future__ import annotations

import asyncio
import getpass
import io
import sys
from pathlib import Path

import pytest
from sqlalchemy import select

from bot.cli import main
from bot.console.passwords import verify_password
from bot.db.engine import make_engine, make_sessionmaker
from bot.db.models import AuditEvent, StaffMember


@pytest.fixture
def helpline(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]):
    monkeypatch.setenv("HELPLINE_DATA_DIR", str(tmp_path))
    monkeypatch.delenv("HELPLINE_DATABASE_URL", raising=False)

    def run(*args: str, stdin: str = "") -> tuple[int, str, str]:
        monkeypatch.setattr(sys, "stdin", io.StringIO(stdin))  # not a terminal: the first line is read
        try:
            code = main(list(args))
        except SystemExit as exc:  # argparse refusing an argument
            code = int(exc.code or 0)
        out = capsys.readouterr()
        return code, out.out, out.err

    return run


async def _actors(path: Path) -> list[tuple[str, str]]:
    engine = make_engine(f"sqlite+aiosqlite:///{path / 'helpline.db'}")
    try:
        async with make_sessionmaker(engine)() as session:
            return [(e.actor, e.action) for e in (await session.execute(select(AuditEvent))).scalars()]
    finally:
        await engine.dispose()


async def _stored(path: Path) -> tuple[StaffMember, list[str]]:
    engine = make_engine(f"sqlite+aiosqlite:///{path / 'helpline.db'}")
    try:
        async with make_sessionmaker(engine)() as session:
            (member,) = (await session.execute(select(StaffMember))).scalars()
            actions = [e.action for e in (await session.execute(select(AuditEvent))).scalars()]
            return member, actions
    finally:
        await engine.dispose()


def test_staff_add_hashes_the_password_and_list_shows_the_account(helpline, tmp_path: Path):
    code, _, err = helpline("staff", "list")
    assert code == 2 and "helpline db upgrade" in err
    assert helpline("db", "upgrade")[0] == 0
    add = ("staff", "add", "--email", "Anna@Helpline.example", "--role", "coordinator", "--name", "Anna")
    code, out, err = helpline(*add, stdin="a long enough secret\n")
    assert code == 0 and "added anna@helpline.example as coordinator" in out
    assert "a long enough secret" not in out + err
    code, out, _ = helpline("staff", "list")
    assert "anna@helpline.example\tcoordinator\tAnna\tactive\tlast login never" in out
    code, _, err = helpline(
        "staff", "add", "--email", "anna@helpline.example", "--role", "admin", stdin="x" * 20
    )
    assert code == 2 and "already has an account" in err
    code, _, err = helpline(
        "staff", "add", "--email", "b@helpline.example", "--role", "operator", stdin="short\n"
    )
    assert code == 2 and "at least 12 characters" in err
    assert helpline("staff", "add", "--email", "c@helpline.example", "--role", "root", stdin="x" * 20)[0] == 2
    assert helpline("staff", "disable", "--email", "anna@helpline.example")[0] == 0

    member, actions = asyncio.run(_stored(tmp_path))
    assert member.password_hash.startswith("$argon2id$")
    assert verify_password(member.password_hash, "a long enough secret")
    assert not member.active and actions == ["staff.add", "staff.list", "staff.disable"]


def test_every_staff_command_is_audited_with_who_ran_it(helpline, tmp_path: Path):
    """Staff QA: `staff list` left no trace; add and disable were audited as "cli", not who ran them."""
    assert helpline("db", "upgrade")[0] == 0
    who = f"cli:{getpass.getuser()}"
    add = ("staff", "add", "--email", "anna@helpline.example", "--role", "coordinator")
    assert helpline(*add, stdin="a long enough secret\n")[0] == 0
    assert helpline("staff", "list")[0] == 0
    assert helpline("staff", "disable", "--email", "anna@helpline.example")[0] == 0
    assert asyncio.run(_actors(tmp_path)) == [(who, "staff.add"), (who, "staff.list"), (who, "staff.disable")]


async def _languages(path: Path) -> dict[str, str]:
    engine = make_engine(f"sqlite+aiosqlite:///{path / 'helpline.db'}")
    try:
        async with make_sessionmaker(engine)() as session:
            return {m.email: m.language for m in (await session.execute(select(StaffMember))).scalars()}
    finally:
        await engine.dispose()


def test_a_new_account_gets_the_console_in_latvian_unless_told(helpline, tmp_path: Path):
    assert helpline("db", "upgrade")[0] == 0
    add = ("staff", "add", "--role", "coordinator")
    assert helpline(*add, "--email", "liene@helpline.example", stdin="a long enough secret\n")[0] == 0
    assert helpline(*add, "--email", "emma@helpline.example", "--language", "en", stdin="x" * 20)[0] == 0
    assert helpline(*add, "--email", "x@helpline.example", "--language", "de", stdin="x" * 20)[0] == 2
    assert asyncio.run(_languages(tmp_path)) == {
        "liene@helpline.example": "lv",
        "emma@helpline.example": "en",
    }
    _, out, _ = helpline("staff", "list")
    assert "\tconsole in lv" in out and "\tconsole in en" in out
