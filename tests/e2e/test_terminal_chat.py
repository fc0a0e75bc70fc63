"""The core journeys through `helpline chat`, the real NLU and the real texts, as a person would type them."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def data_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("chat")


def chat(data_dir: Path, lines: list[str], user: str) -> list[str]:
    """Run `helpline chat` with the lines on stdin; return the replies (blocks separated by blank lines)."""
    env = {**os.environ, "HELPLINE_DATA_DIR": str(data_dir), "PYTHONPATH": str(ROOT)}
    env.pop("HELPLINE_DATABASE_URL", None)
    out = subprocess.run(
        [sys.executable, "-m", "bot.cli", "chat", "--user", user],
        input="\n".join(lines) + "\n",
        capture_output=True,
        text=True,
        env=env,
        cwd=ROOT,
        timeout=300,
        check=True,
    )
    return [block.strip() for block in out.stdout.split("\n--\n") if block.strip()]


def test_latvian_visit_question_gets_the_kinds_of_visits_and_the_source(data_dir: Path):
    replies = chat(data_dir, ["Sveiki", "kā var satikt vīru cietumā?"], "lv-person")
    answer = replies[-1]
    assert "2 stund" in answer and "48 stund" in answer and "ģimen" in answer.lower()
    assert "Latvija.lv" in answer and "Avots:" in answer and "pārbaudīts" in answer
    assert replies[0].startswith("Sveiki")


@pytest.mark.parametrize(
    ("lines", "must"),
    [
        (["Здравствуйте", "как можно увидеть мужа в тюрьме?"], ("2 час", "48 час", "Источник")),
        (["Hello", "how can I visit my husband in prison?"], ("2 hours", "48 hours", "Source")),
    ],
)
def test_the_same_question_in_russian_and_english_is_answered_in_that_language(
    data_dir: Path, lines: list[str], must: tuple[str, ...]
):
    answer = chat(data_dir, lines, f"user-{lines[0]}")[-1]
    for piece in must:
        assert piece in answer


@pytest.mark.parametrize(
    "text",
    [
        "negribu vairs dzīvot",
        "negribu vairs dzivot",
        "не хочу больше жить",
        "ne hochu bolshe zhit",
        "I can't go on",
        "i cant go on",
    ],
)
def test_crisis_gets_112_and_116123_in_the_first_reply(data_dir: Path, text: str):
    first = chat(data_dir, [text], f"crisis-{abs(hash(text))}")[0]
    assert "112" in first and "116123" in first
    assert "\n1. " not in first  # no menu


def test_numbers_pick_menu_options_across_runs(data_dir: Path):
    first = chat(data_dir, ["Sveiki"], "numbers")
    menu = first[-1]
    assert "\n1. " in menu
    second = chat(data_dir, ["1"], "numbers")  # the same person, a new process: state is in the database
    assert "Avots:" in second[0]
