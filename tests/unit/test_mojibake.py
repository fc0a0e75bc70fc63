"""A broken encoding undone: UTF-8 read as Latin-1 or Windows-1252, and nothing else touched."""

from __future__ import annotations

import pytest

from bot.mojibake import repair


@pytest.mark.parametrize(
    ("broken", "written"),
    [
        ("Ð¡Ð²Ð¸Ð´Ð°Ð½Ð¸Ñ\x8f", "Свидания"),  # Russian read as Latin-1 (channels QA)
        ("kÄ\x81 var satikt vÄ«ru", "kā var satikt vīru"),  # Latvian
        ("mÄ“s", "mēs"),  # Windows-1252's quote mark among them
        ("5â‚¬", "5€"),
    ],
)
def test_utf8_read_as_latin1_is_undone(broken: str, written: str) -> None:
    assert repair(broken) == written


@pytest.mark.parametrize(
    "text",
    ["Sveiki, kā var satikt vīru?", "Привет", "naïve café", "Ärger über", "Ð", "I'm fine 🙂", ""],
)
def test_text_written_as_it_is_stays(text: str) -> None:
    assert repair(text) == text
