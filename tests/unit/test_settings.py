"""A bad setting stops start-up with one clear line naming the variable."""

from __future__ import annotations

import subprocess
import sys

import pytest

from bot.settings import SettingsError, load_settings


@pytest.mark.parametrize(
    ("env", "name"),
    [
        ({"HELPLINE_PORT": "eighty"}, "HELPLINE_PORT"),
        ({"HELPLINE_TIMEZONE": "Mars/Olympus"}, "HELPLINE_TIMEZONE"),
        ({"HELPLINE_DATABASE_URL": "mysql://x"}, "HELPLINE_DATABASE_URL"),
        ({"HELPLINE_PUBLIC_URL": "bot.example.lv"}, "HELPLINE_PUBLIC_URL"),
        ({"HELPLINE_NLU": "rasa"}, "RASA_URL"),
        (
            {"TELEGRAM_BOT_TOKEN": "1:x", "HELPLINE_PUBLIC_URL": "https://b.example"},
            "TELEGRAM_WEBHOOK_SECRET",
        ),
        (
            {
                "TWILIO_ACCOUNT_SID": "ACx",
                "TWILIO_AUTH_TOKEN": "t",
                "HELPLINE_PUBLIC_URL": "https://b.example",
            },
            "TWILIO_FROM_NUMBER",
        ),
    ],
)
def test_bad_settings_name_the_variable(monkeypatch: pytest.MonkeyPatch, env: dict[str, str], name: str):
    for key, value in env.items():
        monkeypatch.setenv(key, value)
    with pytest.raises(SettingsError, match=name):
        load_settings()


def test_defaults_need_no_configuration(monkeypatch: pytest.MonkeyPatch):
    for key in ("HELPLINE_DATABASE_URL", "HELPLINE_PORT", "HELPLINE_HOST", "TELEGRAM_BOT_TOKEN"):
        monkeypatch.delenv(key, raising=False)
    settings = load_settings()
    assert (settings.host, settings.port, settings.timezone) == ("127.0.0.1", 8080, "Europe/Riga")
    assert settings.effective_database_url.startswith("sqlite+aiosqlite:///")
    assert not settings.telegram_enabled and not settings.twilio_enabled


def test_the_command_prints_one_line_and_exits_2():
    env = {"HELPLINE_PORT": "99999", "PATH": "/usr/bin:/bin"}
    out = subprocess.run(
        [sys.executable, "-m", "bot.cli", "db", "current"],
        capture_output=True,
        text=True,
        env=env,
        check=False,
    )
    assert out.returncode == 2
    assert out.stderr.strip().count("\n") == 0 and "HELPLINE_PORT" in out.stderr
