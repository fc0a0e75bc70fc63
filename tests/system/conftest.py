"""Real processes against one PostgreSQL: the app started by tests/system/launch.py, the fake Bot API here."""

from __future__ import annotations

import asyncio
import contextlib
import os
import signal
import socket
import subprocess
import sys
import time
import uuid
from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import aiohttp
import asyncpg
import pytest

from bot.channels.telegram import SECRET_HEADER
from bot.db.engine import make_engine
from bot.db.migrate import upgrade
from tests.conftest import PG_URL
from tests.telegram_fake import PUBLIC_URL, SECRET, TOKEN, FakeBotApi

ROOT = Path(__file__).resolve().parents[2]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture
async def database() -> AsyncIterator[str]:
    """A fresh, migrated PostgreSQL database for this test."""
    name = f"s_{uuid.uuid4().hex[:12]}"
    admin_dsn = PG_URL.replace("postgresql+asyncpg://", "postgresql://").rsplit("/", 1)[0] + "/postgres"
    admin = await asyncpg.connect(admin_dsn)
    try:
        await admin.execute(f'CREATE DATABASE "{name}"')
        url = PG_URL.rsplit("/", 1)[0] + "/" + name
        engine = make_engine(url)
        await upgrade(engine)
        await engine.dispose()
        yield url
        await admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    finally:
        await admin.close()


@pytest.fixture
async def bot_api() -> AsyncIterator[FakeBotApi]:
    api = FakeBotApi()
    await api.start()
    yield api
    await api.stop()


@dataclass
class Server:
    """`python -m tests.system.launch` on a port, stopped by PID."""

    port: int
    env: dict[str, str]
    workers: int = 1
    proc: subprocess.Popen[bytes] | None = None
    log: Path | None = None

    def launch(self, log: Path) -> None:
        self.log = log
        command = [sys.executable, "-m", "tests.system.launch", "--port", str(self.port)]
        with log.open("ab") as out:
            self.proc = subprocess.Popen(
                [*command, "--workers", str(self.workers)], env=self.env, cwd=ROOT, stdout=out, stderr=out
            )

    async def ready(self, within: float = 60.0) -> None:
        deadline = time.monotonic() + within
        async with aiohttp.ClientSession() as session:
            while time.monotonic() < deadline:
                assert self.proc is not None and self.proc.poll() is None, self.output()
                with contextlib.suppress(aiohttp.ClientError, OSError):
                    async with session.get(f"http://127.0.0.1:{self.port}/readyz") as response:
                        if response.status == 200:
                            return
                await asyncio.sleep(0.1)
        raise TimeoutError(self.output())

    def terminate(self) -> None:
        if self.proc is not None and self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)

    def stop(self) -> None:
        if self.proc is not None and self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(30)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()

    def output(self) -> str:
        return self.log.read_text()[-4000:] if self.log and self.log.exists() else ""


@dataclass
class Servers:
    database: str
    api: FakeBotApi
    tmp: Path
    started: list[Server] = field(default_factory=list)

    def env(self, **extra: str) -> dict[str, str]:
        env = {k: v for k, v in os.environ.items() if not k.startswith(("HELPLINE_", "TELEGRAM_", "TWILIO_"))}
        env.update(
            {
                "HELPLINE_DATABASE_URL": self.database,
                "HELPLINE_DATA_DIR": str(self.tmp / "data"),
                "HELPLINE_PUBLIC_URL": PUBLIC_URL,
                "HELPLINE_DEMO_DATA": "false",
                "HELPLINE_LOG_FORMAT": "json",
                "HELPLINE_SHUTDOWN_TIMEOUT": "5",
                "TELEGRAM_BOT_TOKEN": TOKEN,
                "TELEGRAM_WEBHOOK_SECRET": SECRET,
                "TELEGRAM_API_BASE_URL": self.api.base_url,
                "PTB_TIMEDELTA": "1",
                "PYTHONPATH": str(ROOT),
            }
        )
        env.update(extra)
        return env

    def launch(self, *, workers: int = 1, port: int | None = None, **env: str) -> Server:
        server = Server(port or free_port(), self.env(**env), workers)
        server.launch(self.tmp / f"server-{server.port}.log")
        self.started.append(server)
        return server


@pytest.fixture
def servers(database: str, bot_api: FakeBotApi, tmp_path: Path) -> Iterator[Servers]:
    found = Servers(database, bot_api, tmp_path)
    yield found
    for server in found.started:
        server.stop()


def update(update_id: int, chat: int, words: str) -> dict[str, Any]:
    message = {
        "message_id": update_id,
        "date": int(time.time()),
        "chat": {"id": chat, "type": "private", "first_name": "Test"},
        "from": {"id": chat, "is_bot": False, "first_name": "Test", "language_code": "lv"},
        "text": words,
    }
    return {"update_id": update_id, "message": message}


async def post_until_accepted(
    session: aiohttp.ClientSession, port: int, body: dict[str, Any], *, within: float = 60.0
) -> int:
    """As Telegram does: a refused connection or a 5xx is retried until the webhook answers 200."""
    deadline = time.monotonic() + within
    tries = 0
    while True:
        tries += 1
        with contextlib.suppress(aiohttp.ClientError, OSError):
            url = f"http://127.0.0.1:{port}/webhooks/telegram"
            async with session.post(url, json=body, headers={SECRET_HEADER: SECRET}) as response:
                if response.status == 200:
                    return tries
        if time.monotonic() > deadline:
            raise TimeoutError(f"update {body['update_id']} was never accepted")
        await asyncio.sleep(0.1)


async def rows(database: str, query: str) -> list[asyncpg.Record]:
    conn = await asyncpg.connect(database.replace("postgresql+asyncpg://", "postgresql://"))
    try:
        return list(await conn.fetch(query))
    finally:
        await conn.close()


async def wait_delivered(database: str, api: FakeBotApi, within: float = 30.0) -> None:
    """Until no reply is waiting in the outbox and the fake holds at least as many as were committed."""
    deadline = time.monotonic() + within
    while time.monotonic() < deadline:
        waiting = await rows(database, "SELECT count(*) FROM outbox WHERE status IN ('pending', 'sending')")
        committed = await rows(database, "SELECT count(*) FROM outbox WHERE channel = 'telegram'")
        if waiting[0][0] == 0 and len(api.sent()) >= committed[0][0]:
            return
        await asyncio.sleep(0.2)
    raise TimeoutError("replies still waiting in the outbox")


async def committed_replies(database: str) -> dict[int, list[str]]:
    found: dict[int, list[str]] = {}
    for row in await rows(database, "SELECT recipient_id, text, status FROM outbox ORDER BY id"):
        assert row["status"] == "sent", dict(row)
        found.setdefault(int(row["recipient_id"]), []).append(row["text"])
    return found


def delivered(api: FakeBotApi) -> dict[int, list[str]]:
    found: dict[int, list[str]] = {}
    for call in api.sent():
        found.setdefault(int(call.params["chat_id"]), []).append(str(call.params["text"]))
    return found
