"""`helpline telegram set-webhook|delete-webhook|info` against the fake Bot API (run on its own thread)."""

from __future__ import annotations

import argparse
from collections.abc import Iterator
from pathlib import Path

import pytest

from bot import cli_telegram
from bot.settings import Settings, SettingsError
from tests.telegram_fake import (
    PUBLIC_URL,
    SECRET,
    TOKEN,
    Failure,
    FakeBotApi,
    served_in_thread,
    telegram_settings,
)


@pytest.fixture
def api(monkeypatch: pytest.MonkeyPatch) -> Iterator[FakeBotApi]:
    monkeypatch.setenv("PTB_TIMEDELTA", "1")
    fake = FakeBotApi()
    with served_in_thread(fake):
        yield fake


def run(argv: list[str], settings: Settings) -> int:
    parser = argparse.ArgumentParser(prog="helpline")
    cli_telegram.register(parser.add_subparsers(dest="command", required=True))
    args = parser.parse_args(["telegram", *argv])
    return int(args.func(args, settings))


def settings_for(api: FakeBotApi, tmp_path: Path, **kw: object) -> Settings:
    return telegram_settings("sqlite+aiosqlite:///unused.db", tmp_path, api.base_url, **kw)


def test_set_webhook_registers_the_public_url_with_the_secret(api, tmp_path, capsys):
    assert run(["set-webhook", "--drop-pending"], settings_for(api, tmp_path)) == 0
    assert api.webhook["url"] == f"{PUBLIC_URL}/webhooks/telegram"
    assert api.webhook["secret_token"] == SECRET
    assert api.webhook["drop_pending_updates"] == "true"
    assert api.webhook["max_connections"] == "100"  # Telegram's most: bigger batches in a rush
    out = capsys.readouterr().out
    assert f"{PUBLIC_URL}/webhooks/telegram" in out and SECRET not in out and TOKEN not in out


def test_set_webhook_asks_for_as_many_connections_as_configured(api, tmp_path):
    settings = settings_for(api, tmp_path, TELEGRAM_WEBHOOK_MAX_CONNECTIONS=40)
    assert run(["set-webhook"], settings) == 0
    assert api.webhook["max_connections"] == "40"


def test_info_shows_the_webhook_and_says_when_it_differs(api, tmp_path, capsys):
    api.webhook = {"url": "https://elsewhere.example.invalid/hook", "allowed_updates": ["message"]}
    api.updates.append({"update_id": 1})
    assert run(["info"], settings_for(api, tmp_path)) == 0
    out = capsys.readouterr().out
    assert "@helpline_test_bot" in out
    assert "webhook: https://elsewhere.example.invalid/hook" in out
    assert "pending updates: 1" in out and "set-webhook" in out
    assert TOKEN not in out


def test_delete_webhook_clears_it(api, tmp_path, capsys):
    api.webhook = {"url": f"{PUBLIC_URL}/webhooks/telegram"}
    assert run(["delete-webhook"], settings_for(api, tmp_path)) == 0
    assert api.webhook == {}
    assert "long polling" in capsys.readouterr().out


def test_set_webhook_needs_a_public_url(api, tmp_path):
    with pytest.raises(SettingsError, match="HELPLINE_PUBLIC_URL"):
        run(["set-webhook"], settings_for(api, tmp_path, public_url=""))


def test_without_a_token_the_commands_say_so(tmp_path, capsys):
    settings = Settings(data_dir=tmp_path, TELEGRAM_BOT_TOKEN=None)
    assert run(["info"], settings) == 2
    assert "TELEGRAM_BOT_TOKEN" in capsys.readouterr().err


def test_a_rejected_token_is_reported_without_the_token(api, tmp_path, capsys):
    wrong = "999:WRONG-TOKEN"
    assert run(["info"], settings_for(api, tmp_path, TELEGRAM_BOT_TOKEN=wrong)) == 1
    err = capsys.readouterr().err
    assert "rejected" in err and wrong not in err


def test_a_telegram_error_is_reported(api, tmp_path, capsys):
    api.fail("setWebhook", Failure(400, "Bad Request: bad webhook: Failed to resolve host"))
    assert run(["set-webhook"], settings_for(api, tmp_path)) == 1
    assert "failed to resolve host" in capsys.readouterr().err
