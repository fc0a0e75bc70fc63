"""The processes a load or fault run needs, each started and stopped by PID: PostgreSQL, the fake Bot API,
the bot (`helpline run --workers N`) and the bare aiohttp ceiling. Everything listens on 127.0.0.1 only.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import os
import signal
import subprocess
import sys
import time
import uuid
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import aiohttp
import asyncpg

ROOT = Path(__file__).resolve().parents[1]
PYTHON = sys.executable
HELPLINE = str(Path(PYTHON).parent / "helpline")
TOKEN = "123456:TEST-TOKEN"  # the fake's token (tests/telegram_fake.py)
SECRET = "bench-webhook-secret"
PUBLIC_URL = "https://bot.example.invalid"


def write_report(args: argparse.Namespace, result: dict[str, Any]) -> dict[str, Any]:
    """A fault run's results file (`args.out`): when, on what, with which parameters, and what it found. The
    output path itself is left out: it is a path on the machine that ran it."""
    report = {
        "date": datetime.now(UTC).isoformat(timespec="seconds"),
        "machine": {"cpus": os.cpu_count(), "note": "bot, PostgreSQL, fake Bot API and generator share them"},
        "parameters": {k: v for k, v in vars(args).items() if k != "out"},
        **result,
    }
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(report, indent=2) + "\n")
    return report


def loadavg() -> float:
    return os.getloadavg()[0]


def rss_mb(pid: int) -> float:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return 0.0


def children(pid: int) -> list[int]:
    try:
        return [int(p) for p in Path(f"/proc/{pid}/task/{pid}/children").read_text().split()]
    except OSError:
        return []


async def wait_http(url: str, seconds: float) -> None:
    deadline = time.monotonic() + seconds
    async with aiohttp.ClientSession() as session:
        while time.monotonic() < deadline:
            with contextlib.suppress(aiohttp.ClientError, OSError):
                async with session.get(url, timeout=aiohttp.ClientTimeout(total=2)) as response:
                    if response.status == 200:
                        return
            await asyncio.sleep(0.25)
    raise TimeoutError(f"{url} did not answer 200 within {seconds:.0f} s")


def stop_process(proc: subprocess.Popen[Any] | None, grace: float = 30.0) -> int | None:
    if proc is None or proc.poll() is not None:
        return None if proc is None else proc.returncode
    proc.send_signal(signal.SIGTERM)
    try:
        return proc.wait(timeout=grace)
    except subprocess.TimeoutExpired:
        proc.kill()
        return proc.wait()


# --- PostgreSQL ------------------------------------------------------------------------------------------


@dataclass
class Postgres:
    root: Path
    port: int
    url: str = ""

    def start(self) -> str:
        # durable, as in production: every commit flushed to disk (the tests' clusters skip that)
        env = {**os.environ, "PGROOT": str(self.root), "PGPORT": str(self.port), "PG_DURABLE": "1"}
        out = subprocess.run(
            ["bash", str(ROOT / "scripts/pg-up.sh")], env=env, check=True, capture_output=True, text=True
        )
        self.url = out.stdout.strip().splitlines()[-1]
        return self.url

    def restart(self, down_for: float = 0.0) -> float:
        """Stop and start on the same data directory; returns how long it was away."""
        env = {**os.environ, "PGROOT": str(self.root), "PGPORT": str(self.port)}
        started = time.monotonic()
        subprocess.run(
            ["bash", str(ROOT / "scripts/pg-restart.sh"), "--down-for", str(down_for)],
            env=env,
            check=True,
            capture_output=True,
        )
        return time.monotonic() - started

    def backend_pids(self) -> list[int]:
        """The postmaster's children (connection backends and helpers), for CPU accounting."""
        try:
            postmaster = int((self.root / "data" / "postmaster.pid").read_text().split()[0])
        except (OSError, ValueError, IndexError):
            return []
        return [postmaster, *children(postmaster)]

    def stop(self) -> None:
        env = {**os.environ, "PGROOT": str(self.root)}
        subprocess.run(["bash", str(ROOT / "scripts/pg-down.sh")], env=env, check=False, capture_output=True)

    async def fresh_database(self) -> str:
        name = f"bench_{uuid.uuid4().hex[:8]}"
        admin = await asyncpg.connect(self.url.replace("postgresql+asyncpg://", "postgresql://"))
        try:
            await admin.execute(f'CREATE DATABASE "{name}"')
        finally:
            await admin.close()
        return self.url.rsplit("/", 1)[0] + "/" + name


# --- the fake Bot API ------------------------------------------------------------------------------------


@dataclass
class FakeApi:
    proc: subprocess.Popen[str] | None = None
    base_url: str = ""
    control: str = ""

    def start(self) -> None:
        self.proc = subprocess.Popen(
            [PYTHON, str(ROOT / "bench/fake_api.py")], stdout=subprocess.PIPE, text=True, cwd=ROOT
        )
        assert self.proc.stdout is not None
        line = self.proc.stdout.readline()
        info = json.loads(line)
        self.base_url, self.control = info["base_url"], info["control"]

    async def get(self, path: str) -> Any:
        async with aiohttp.ClientSession() as session, session.get(self.control + path) as response:
            return await response.json()

    async def post(self, path: str, body: Mapping[str, Any]) -> Any:
        async with (
            aiohttp.ClientSession() as session,
            session.post(self.control + path, json=body) as response,
        ):
            return await response.json()

    def stop(self) -> None:
        stop_process(self.proc, 10)


# --- the bot -----------------------------------------------------------------------------------------------


@dataclass
class Bot:
    port: int
    workers: int
    database_url: str
    data_dir: Path
    api_base_url: str
    extra_env: dict[str, str] = field(default_factory=dict)
    proc: subprocess.Popen[bytes] | None = None
    log: Path | None = None

    def env(self) -> dict[str, str]:
        env = {k: v for k, v in os.environ.items() if not k.startswith(("HELPLINE_", "TELEGRAM_", "TWILIO_"))}
        env.update(
            {
                "HELPLINE_DATA_DIR": str(self.data_dir),
                "HELPLINE_DATABASE_URL": self.database_url,
                "HELPLINE_PUBLIC_URL": PUBLIC_URL,
                "HELPLINE_LOG_FORMAT": "json",
                "HELPLINE_DEMO_DATA": "false",
                "TELEGRAM_BOT_TOKEN": TOKEN,
                "TELEGRAM_WEBHOOK_SECRET": SECRET,
                "TELEGRAM_API_BASE_URL": self.api_base_url,
                # the fake has no rate limit; Telegram's 30/s would hide what the bot itself can do
                "TELEGRAM_SEND_RATE": "100000",
                "PTB_TIMEDELTA": "1",
            }
        )
        env.update(self.extra_env)
        return env

    def prepare(self) -> None:
        """Schema and the NLU artefact, before the clock starts (as a deploy would)."""
        self.data_dir.mkdir(parents=True, exist_ok=True)
        for command in (["db", "upgrade"], ["nlu", "train"]):
            subprocess.run(
                [HELPLINE, *command], env=self.env(), check=True, capture_output=True, cwd=self.data_dir
            )

    def launch(self) -> None:
        self.log = self.data_dir / f"bot-{self.port}-{int(time.time())}.log"
        with self.log.open("wb") as log:
            self.proc = subprocess.Popen(
                [HELPLINE, "run", "--workers", str(self.workers), "--port", str(self.port)],
                env=self.env(),
                stdout=log,
                stderr=subprocess.STDOUT,
                cwd=self.data_dir,
            )

    async def start(self, within: float = 180.0) -> None:
        self.launch()
        await wait_http(f"http://127.0.0.1:{self.port}/readyz", within)

    def worker_pids(self) -> list[int]:
        if self.proc is None:
            return []
        return children(self.proc.pid) if self.workers > 1 else [self.proc.pid]

    def stop(self) -> int | None:
        return stop_process(self.proc, 60)


@dataclass
class Bare:
    port: int
    workers: int
    proc: subprocess.Popen[bytes] | None = None

    def launch(self) -> None:
        self.proc = subprocess.Popen(
            [PYTHON, str(ROOT / "bench/bare.py"), "--port", str(self.port), "--workers", str(self.workers)]
        )

    async def start(self) -> None:
        self.launch()
        await wait_http(f"http://127.0.0.1:{self.port}/readyz", 30)

    def worker_pids(self) -> list[int]:
        if self.proc is None:
            return []
        return children(self.proc.pid) if self.workers > 1 else [self.proc.pid]

    def stop(self) -> None:
        stop_process(self.proc, 10)


class RssSampler:
    """The largest RSS seen per worker slot while a run lasts (sampled every half second)."""

    def __init__(self, pids: Any) -> None:
        self.pids = pids  # a callable: the current worker pids (a restarted worker gets a new one)
        self.peak: dict[int, float] = {}
        self._task: asyncio.Task[None] | None = None

    async def _run(self) -> None:
        while True:
            for pid in self.pids():
                self.peak[pid] = max(self.peak.get(pid, 0.0), rss_mb(pid))
            await asyncio.sleep(0.5)

    def __enter__(self) -> RssSampler:
        self._task = asyncio.get_running_loop().create_task(self._run())
        return self

    def __exit__(self, *_exc: object) -> None:
        if self._task is not None:
            self._task.cancel()
