"""The retrain loop: `helpline nlu export-reviewed` writes a file that `helpline nlu evaluate` runs on."""

from __future__ import annotations

import asyncio
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from bot.cli import main
from bot.db.engine import make_engine, make_sessionmaker
from bot.db.migrate import upgrade
from bot.review import relabel
from tests import ops_data
from tests.ops_data import Msg

NOW = datetime(2026, 11, 23, 10, 0, tzinfo=ZoneInfo("Europe/Riga"))
MESSAGES = [
    Msg("Kā var satikt vīru cietumā?", intent="visit_rules", confidence=0.9),
    Msg("kad var apciemot dēlu Olainē", intent="visit_rules", confidence=0.8),
    Msg("как отправить письмо мужу", intent="letters", confidence=0.7),
    Msg("how do I send money to my son John", intent="parcels_money", confidence=0.6),
    Msg("gribu runāt ar cilvēku, mans tel 26123456", intent="nlu_fallback", confidence=0.2),
    Msg("paldies", intent="thanks", confidence=0.95),
]


async def _seed(url: str) -> None:
    engine = make_engine(url)
    await upgrade(engine)
    maker = make_sessionmaker(engine)
    async with maker() as session, session.begin():
        seeded = await ops_data.conversation(session, MESSAGES, at=NOW, user="u-roundtrip")
        await relabel(session, seeded.entries[4].id, "human_handoff", actor="staff:1", now=NOW)
    await engine.dispose()


@pytest.mark.slow
def test_exported_yaml_is_evaluated_by_the_nlu_cli(tmp_path: Path, monkeypatch, capsys):
    url = f"sqlite+aiosqlite:///{tmp_path / 'helpline.db'}"
    asyncio.run(_seed(url))
    monkeypatch.setenv("HELPLINE_DATABASE_URL", url)
    monkeypatch.setenv("HELPLINE_DATA_DIR", str(tmp_path / "data"))
    out = tmp_path / "exported.yml"

    assert main(["nlu", "export-reviewed", "--all", "--out", str(out)]) == 0
    exported = out.read_text(encoding="utf-8")
    assert "- intent: human_handoff" in exported  # the relabelled fallback
    assert "⟨phone⟩" in exported and "26123456" not in exported
    assert "⟨name⟩" in exported and "John" not in exported
    capsys.readouterr()

    assert main(["nlu", "evaluate", "--data", str(out), "--json"]) == 0
    report = capsys.readouterr().out
    assert '"visit_rules"' in report
