"""Content is data: the same keys and placeholders in lv, ru and en; every intent has a flow and its texts."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

from flows import faq
from flows.registry import FLOWS
from flows.texts import ContentError, Texts
from nlu.taxonomy import ADDED, INTENTS

ROOT = Path(__file__).resolve().parents[2]
SPEC = ROOT.parent / "shared" / "spec" / "intents.md"


@pytest.fixture(scope="module")
def texts() -> Texts:
    return Texts.load()


def test_three_languages_with_identical_keys_placeholders_and_sources(texts: Texts):
    assert texts.languages == ("en", "lv", "ru")
    assert texts.parity_problems() == []


def test_every_intent_of_the_taxonomy_has_a_flow():
    assert set(INTENTS) <= set(FLOWS)


def test_taxonomy_matches_the_shared_spec():
    if not SPEC.exists():
        pytest.skip("shared/spec/intents.md is not beside the project")
    spec_intents = set(re.findall(r"^\| ([a-z_]+) \|", SPEC.read_text(), re.MULTILINE)) - {
        "intent",
        "nlu_fallback",
    }
    # the spec allows more intents, never fewer or renamed ones; ours beyond it are declared in ADDED
    assert spec_intents <= set(INTENTS)
    assert set(INTENTS) - spec_intents == set(ADDED)


def _keys_used_in_flows() -> set[str]:
    """Every literal text key passed to Reply(...) or ButtonSpec(...) in flows/."""
    used: set[str] = set()
    for path in (ROOT / "flows").glob("*.py"):
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.Call) and getattr(node.func, "id", "") in ("Reply", "ButtonSpec"):
                args = [a for a in node.args if isinstance(a, ast.Constant) and isinstance(a.value, str)]
                key_index = 1 if node.func.id == "ButtonSpec" else 0  # type: ignore[attr-defined]
                if len(node.args) > key_index and isinstance(node.args[key_index], ast.Constant):
                    used.add(str(node.args[key_index].value))  # type: ignore[attr-defined]
                del args
    return used


def test_every_key_the_flows_use_exists(texts: Texts):
    keys = _keys_used_in_flows() | {f"faq.{i}" for i in faq.FOLLOW_UPS}
    keys |= {
        f"button.{i}" for i in (*faq.MAIN_MENU, *(x for f in faq.FOLLOW_UPS.values() for x in f), "help")
    }
    keys |= {"button.lang_lv", "button.lang_ru", "button.lang_en", "meta.source"}
    missing = sorted(k for k in keys if not texts.has(k))
    assert missing == []


def test_every_factual_answer_carries_a_source_and_check_date(texts: Texts):
    for lang, table in texts.entries.items():
        for key, entry in table.items():
            if key.startswith("faq.") or key == "crisis.immediate":
                assert entry.source and entry.checked, f"{lang}:{key}"
                assert entry.checked.strftime("%d.%m.%Y") in texts.render(key, lang)


def test_crisis_text_starts_with_the_numbers_in_every_language(texts: Texts):
    for lang in texts.languages:
        first_line = texts.render("crisis.immediate", lang).splitlines()[0]
        assert "112" in first_line and "116123" in first_line, lang


def test_no_latvian_or_russian_sentences_in_python_code():
    cyrillic_or_latvian = re.compile(r"[А-Яа-яЁёĀāČčĒēĢģĪīĶķĻļŅņŠšŪūŽž]")
    offenders = []
    for package in ("flows", "bot"):
        for path in (ROOT / package).rglob("*.py"):
            for node in ast.walk(ast.parse(path.read_text())):
                if (
                    isinstance(node, ast.Constant)
                    and isinstance(node.value, str)
                    and cyrillic_or_latvian.search(node.value)
                    and len(node.value.split()) >= 3  # a sentence, not a keyword or a word stem
                    and re.search(r"[.!?,:]|^[A-ZĀ-ŽА-ЯЁ]", node.value.strip())  # not a lowercase word list
                ):
                    offenders.append(f"{path.relative_to(ROOT)}:{node.lineno}")  # noqa: PERF401
    # docstrings may quote a phrase; code may hold keywords; user-facing sentences may not
    assert [o for o in offenders if not _is_docstring(o)] == []


def _is_docstring(where: str) -> bool:
    path, line = where.rsplit(":", 1)
    tree = ast.parse((ROOT / path).read_text())
    for node in ast.walk(tree):
        if isinstance(node, (ast.Module, ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            doc = node.body[0] if node.body else None
            if isinstance(doc, ast.Expr) and isinstance(doc.value, ast.Constant) and doc.lineno == int(line):
                return True
    return False


def test_malformed_text_file_is_refused_naming_the_file(tmp_path: Path):
    (tmp_path / "lv.yml").write_text("language: lv\ntexts:\n  greet:\n    sms: only sms\n")
    with pytest.raises(ContentError, match=r"lv\.yml.*greet"):
        Texts.load(tmp_path)


@pytest.mark.parametrize(
    ("lang", "parcels", "ask"),
    [
        ("lv", "Sūtījumi", "jautājiet cietumā"),
        ("ru", "Посылки", "спросите в тюрьме"),
        ("en", "Parcels", "ask"),
    ],
)
def test_one_answer_for_parcels_and_money_opens_with_its_short_part(texts: Texts, lang, parcels, ask):
    """One intent covers both; someone asking about a parcel must not scroll past bank details to learn
    that the prison decides: in a chat the two-sentence parcels part comes first, the account after it.
    (An SMS keeps the money first: its first 40 characters show on a locked phone and must not name the
    prison; tests/web/test_sms_content.py.)"""
    answer = texts.render("faq.parcels_money", lang)
    assert answer.startswith(parcels)
    assert answer.index(ask) < answer.index("LV15TREL8190468041000")
