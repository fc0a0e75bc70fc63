"""Shared fixtures: a fresh database per test (SQLite always; PostgreSQL when one is running)."""

from __future__ import annotations

import os
import uuid
from collections.abc import AsyncIterator, Awaitable, Callable
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import asyncpg
import pytest
from aiohttp import web

from bot.app import Overrides, create_app
from bot.clock import ManualClock
from bot.messages import Channel
from bot.settings import Settings
from tests.fakes import FakeClassifier, FakeSender

RIGA = ZoneInfo("Europe/Riga")
PG_URL = os.environ.get("HELPLINE_TEST_POSTGRES_URL", "")

BACKENDS = ["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)]


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    if PG_URL:
        return
    skip = pytest.mark.skip(reason="HELPLINE_TEST_POSTGRES_URL not set (the README's test command sets it)")
    for item in items:
        if "postgres" in item.keywords:
            item.add_marker(skip)


def _asyncpg_dsn(url: str, database: str) -> str:
    base = url.replace("postgresql+asyncpg://", "postgresql://")
    return base.rsplit("/", 1)[0] + "/" + database


@pytest.fixture(params=BACKENDS)
async def db_url(request: pytest.FixtureRequest, tmp_path: Path) -> AsyncIterator[str]:
    if request.param == "sqlite":
        yield f"sqlite+aiosqlite:///{tmp_path / 'test.db'}"
        return
    name = f"t_{uuid.uuid4().hex[:12]}"
    admin = await asyncpg.connect(_asyncpg_dsn(PG_URL, "postgres"))
    try:
        await admin.execute(f'CREATE DATABASE "{name}"')
        yield PG_URL.rsplit("/", 1)[0] + "/" + name
        await admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    finally:
        await admin.close()


@pytest.fixture
def clock() -> ManualClock:
    return ManualClock(datetime(2026, 11, 23, 10, 0, tzinfo=RIGA))  # a Monday, in working hours


@pytest.fixture
def settings(db_url: str, tmp_path: Path) -> Settings:
    return Settings(data_dir=tmp_path / "data", database_url=db_url)


@pytest.fixture
def sender() -> FakeSender:
    return FakeSender()


AppFactory = Callable[..., Awaitable[web.Application]]


@pytest.fixture
async def make_app(settings: Settings, clock: ManualClock, sender: FakeSender) -> AsyncIterator[AppFactory]:
    """Start the real app (start-up and clean-up run) without listening; fakes for NLU and sending."""
    runners: list[web.AppRunner] = []

    async def factory(**kw: object) -> web.Application:
        overrides = Overrides(
            classifier=kw.pop("classifier", FakeClassifier()),  # type: ignore[arg-type]
            senders={Channel.CLI: sender, Channel.WEB: sender, **kw.pop("senders", {})},  # type: ignore[dict-item]
            clock=clock,
            run_outbox=bool(kw.pop("run_outbox", False)),
            outbox_poll=float(kw.pop("outbox_poll", 1.0)),  # type: ignore[arg-type]
            migrate=True,
        )
        app = create_app(kw.pop("settings", settings), overrides)  # type: ignore[arg-type]
        runner = web.AppRunner(app)
        await runner.setup()
        runners.append(runner)
        return app

    yield factory
    for runner in reversed(runners):
        await runner.cleanup()
