"""Review: relabel and confirm intents (audited); export as masked Rasa NLU YAML that the NLU tools read."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.cli import main
from bot.db.engine import make_engine, make_sessionmaker
from bot.db.migrate import upgrade
from bot.db.models import AuditEvent, TranscriptEntry
from bot.review import ReviewError, examples, export_yaml, relabel, to_rasa_yaml
from nlu.yaml_data import load_examples
from tests import ops_data
from tests.ops_data import Msg

RIGA = ZoneInfo("Europe/Riga")
NOW = datetime(2026, 11, 23, 10, 0, tzinfo=RIGA)


@pytest.fixture
async def maker(db_url: str) -> AsyncIterator[async_sessionmaker[AsyncSession]]:
    engine = make_engine(db_url)
    await upgrade(engine)
    yield make_sessionmaker(engine)
    await engine.dispose()


async def seed(maker: async_sessionmaker[AsyncSession]) -> list[int]:
    """Inbound ids: [visit, fallback (reviewed later), parcel with a phone, button press, digits]."""
    async with maker() as session, session.begin():
        seeded = await ops_data.conversation(
            session,
            [
                Msg("Kā var satikt vīru cietumā?", intent="visit_rules", confidence=0.9, language="lv"),
                Msg("Sveiki!", direction="out"),
                Msg("kur sūtīt pakas", intent="nlu_fallback", confidence=0.2, language="lv"),
                Msg("Mans vīrs Jānis, zvaniet 26123456", intent="parcels_money", confidence=0.7),
                Msg("Jā", intent="affirm", confidence=1.0, payload="erase:yes"),
                Msg("2", intent="letters", confidence=1.0),
            ],
            at=NOW,
            user="u-1",
        )
    return [e.id for e in seeded.entries if e.direction == "in"]


async def test_relabel_and_confirm_are_stored_and_audited(maker):
    visit, lost, parcel, *_ = await seed(maker)
    async with maker() as session, session.begin():
        await relabel(session, lost, "parcels_money", actor="staff:7", now=NOW)
        await relabel(session, visit, "visit_rules", actor="staff:7", now=NOW)
    async with maker() as session:
        entry = await session.get(TranscriptEntry, lost)
        assert entry is not None
        assert (entry.intent, entry.reviewed_intent, entry.reviewed_by) == (
            "nlu_fallback",
            "parcels_money",
            "staff:7",
        )
        assert entry.reviewed_at == NOW
        events = (await session.execute(select(AuditEvent).order_by(AuditEvent.id))).scalars().all()
    assert [(e.actor, e.action, e.subject) for e in events] == [
        ("staff:7", "relabel_intent", f"transcript:{lost}"),
        ("staff:7", "confirm_intent", f"transcript:{visit}"),
    ]


async def test_relabel_refuses_unknown_intents_and_outbound_messages(maker):
    visit, *_ = await seed(maker)
    async with maker() as session, session.begin():
        with pytest.raises(ReviewError):
            await relabel(session, visit, "no_such_intent", actor="staff:1", now=NOW)
        with pytest.raises(ReviewError):
            await relabel(session, visit + 1, "greet", actor="staff:1", now=NOW)  # the bot's reply
        with pytest.raises(ReviewError):
            await relabel(session, 10_000, "greet", actor="staff:1", now=NOW)


async def test_export_has_reviewed_only_or_all_masked(maker):
    visit, lost, parcel, button, digits = await seed(maker)
    async with maker() as session, session.begin():
        await relabel(session, lost, "parcels_money", actor="staff:1", now=NOW)
    async with maker() as session:
        reviewed = await examples(session, include_unreviewed=False)
        everything = await examples(session, include_unreviewed=True)
    assert [(e.intent, e.text) for e in reviewed] == [("parcels_money", "kur sūtīt pakas")]
    # unreviewed under the predicted intent; no fallback, no button press, no bare digits; masked
    assert [(e.intent, e.text) for e in everything] == [
        ("visit_rules", "Kā var satikt vīru cietumā?"),
        ("parcels_money", "kur sūtīt pakas"),
        ("parcels_money", "Mans vīrs ⟨name⟩, zvaniet ⟨phone⟩"),
    ]


async def test_export_yaml_reads_back_with_the_nlu_loader(maker, tmp_path: Path):
    await seed(maker)
    async with maker() as session, session.begin():
        text, count = await export_yaml(session, include_unreviewed=True, actor="cli:test", now=NOW)
    assert count == 2
    assert text.splitlines()[3:6] == ['version: "3.1"', "nlu:", "- intent: parcels_money"]
    path = tmp_path / "exported.yml"
    path.write_text(text, encoding="utf-8")
    loaded = load_examples(path, guess=lambda _text: "lv")
    assert [(e.intent, e.text) for e in loaded] == [
        ("parcels_money", "Mans vīrs ⟨name⟩, zvaniet ⟨phone⟩"),
        ("visit_rules", "Kā var satikt vīru cietumā?"),
    ]
    async with maker() as session:
        event = (await session.execute(select(AuditEvent))).scalar_one()
    assert (event.actor, event.action, event.subject) == ("cli:test", "export_nlu", "all:2")


async def test_export_all_leaves_out_crisis_words_and_what_was_written_for_a_coordinator(maker):
    """Staff QA: `--all` put a cry for help, words to a coordinator and the message left for the morning
    into the training data under whatever the model guessed; they go only when someone reviewed them."""
    async with maker() as session, session.begin():
        seeded = await ops_data.conversation(
            session,
            [
                Msg(
                    "Kā var satikt vīru cietumā?",
                    intent="visit_rules",
                    confidence=0.9,
                    flow_step="faq.visit_rules",
                ),
                Msg("negribu vairs dzīvot", intent="crisis", confidence=1.0, flow_step="crisis"),
                Msg(
                    "viņu kamerā sita, lūdzu palīdziet",
                    intent="visit_rules",
                    confidence=0.4,
                    flow_step="waiting",
                ),
                Msg("zvaniet rīt, kad bērni skolā", intent="phone_calls", confidence=0.5, flow_step="human"),
                Msg(
                    "vīrs nav zvanījis nedēļu",
                    intent="phone_calls",
                    confidence=0.8,
                    flow_step="handoff.message",
                ),
                Msg("es tiešām to izdarīšu", intent="crisis", confidence=1.0, flow_step="human.crisis_flag"),
            ],
            at=NOW,
            user="u-crisis",
            crisis=True,
        )
    async with maker() as session:
        everything = await examples(session, include_unreviewed=True)
    assert [(e.intent, e.text) for e in everything] == [("visit_rules", "Kā var satikt vīru cietumā?")]
    async with maker() as session, session.begin():
        await relabel(session, seeded.entries[1].id, "crisis", actor="staff:1", now=NOW)
    async with maker() as session:
        everything = await examples(session, include_unreviewed=True)
    assert ("crisis", "negribu vairs dzīvot") in [(e.intent, e.text) for e in everything]


async def test_export_all_masks_what_staff_qa_saw_reach_the_training_data(maker):
    async with maker() as session, session.begin():
        await ops_data.conversation(
            session,
            [
                Msg("Hi, my name is Jennifer, how do I visit my son?", intent="visit_rules", confidence=0.9),
                Msg("I'm Kate, can he call me on 07700 900123?", intent="phone_calls", confidence=0.9),
            ],
            at=NOW,
            user="u-en",
            language="en",
        )
    async with maker() as session:
        found = [(e.intent, e.text) for e in await examples(session, include_unreviewed=True)]
    assert found == [
        ("visit_rules", "Hi, my name is ⟨name⟩, how do I visit my son?"),
        ("phone_calls", "I'm ⟨name⟩, can he call me on ⟨number⟩?"),
    ]


async def test_export_all_masks_lower_case_and_capital_names_and_numbers_in_words(maker):
    """Staff QA (s9): names typed in lower case or in capitals, numbers read out in words, personal
    codes, e-mails and IBANs reached the training data; the topic's own words must stay readable."""
    said = [
        ("my name is jennifer smith, how do I visit?", "visit_rules"),
        ("MY SON IS PETER NOVAK, CAN HE CALL ME?", "phone_calls"),
        ("mans dels janis ir Olaines cietumā, kā pieteikt tikšanos pirmdien?", "visit_rules"),
        ("МЕНЯ ЗОВУТ ОЛЬГА, мой муж сергей в Елгаве", "visit_rules"),
        ("zvaniet man divi seši viens divi trīs četri pieci seši", "phone_calls"),
        ("позвоните два шесть один два три четыре пять шесть", "phone_calls"),
        ("can he call two six one two three four five six?", "phone_calls"),
        ("kods 010190-12345, konts LV80BANK0000435195001, e-pasts ilze at inbox dot lv", "parcels_money"),
        ("Vai psihologs var tikties Iļģuciemā decembrī?", "visit_rules"),
    ]
    async with maker() as session, session.begin():
        await ops_data.conversation(
            session,
            [Msg(text, intent=intent, confidence=0.9) for text, intent in said],
            at=NOW,
            user="u-s9",
        )
    async with maker() as session:
        found = [e.text for e in await examples(session, include_unreviewed=True)]
    assert found == [
        "my name is ⟨name⟩, how do I visit?",
        "MY SON IS ⟨name⟩, CAN HE CALL ME?",
        "mans dels ⟨name⟩ ir Olaines cietumā, kā pieteikt tikšanos pirmdien?",
        "МЕНЯ ЗОВУТ ⟨name⟩, мой муж ⟨name⟩ в Елгаве",
        "zvaniet man ⟨phone⟩",
        "позвоните ⟨phone⟩",
        "can he call ⟨phone⟩?",
        "kods ⟨personal_code⟩, konts ⟨account⟩, e-pasts ⟨email⟩",
        "Vai psihologs var tikties Iļģuciemā decembrī?",
    ]


async def _seed_three_languages(db_url: str) -> None:
    engine = make_engine(db_url)
    await upgrade(engine)
    async with make_sessionmaker(engine)() as session, session.begin():
        await ops_data.conversation(
            session,
            [
                Msg("kā nosūtīt vēstuli vīram", intent="letters", confidence=0.9, language="lv"),
                Msg("как отправить письмо мужу", intent="letters", confidence=0.9, language="ru"),
                Msg("how do I send a letter", intent="letters", confidence=0.9, language="en"),
            ],
            at=NOW,
            user="u-langs",
        )
    await engine.dispose()


def test_one_language_at_a_time_lands_in_that_language_and_nowhere_else(
    db_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """Staff QA: the export mixed lv, ru and en in one file, and the docs said to merge it into
    nlu/data/<lang>.yml, whose name gives every example in it that one language."""
    asyncio.run(_seed_three_languages(db_url))
    monkeypatch.setenv("HELPLINE_DATABASE_URL", db_url)
    monkeypatch.setenv("HELPLINE_DATA_DIR", str(tmp_path / "data"))
    out = tmp_path / "nlu" / "data" / "ru" / "reviewed.yml"
    out.parent.mkdir(parents=True)
    assert main(["nlu", "export-reviewed", "--all", "--lang", "ru", "--out", str(out)]) == 0
    assert "1 examples" in capsys.readouterr().err
    merged = load_examples(out.parent.parent)
    assert [(e.text, e.language) for e in merged] == [("как отправить письмо мужу", "ru")]
    assert "Merge into nlu/data/ru/" in out.read_text(encoding="utf-8")
    assert main(["nlu", "export-reviewed", "--all"]) == 0
    assert "Mixed languages: export one language at a time" in capsys.readouterr().out


def test_empty_export_is_still_valid_yaml(tmp_path: Path):
    path = tmp_path / "empty.yml"
    path.write_text(to_rasa_yaml([]), encoding="utf-8")
    assert load_examples(path, guess=lambda _text: "lv") == []
