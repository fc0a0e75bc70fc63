"""Rasa NLU YAML is read strictly: a malformed block stops the build with file:line."""

from __future__ import annotations

from pathlib import Path

import pytest

from nlu.yaml_data import DataError, data_fingerprint, load_examples

GOOD = """version: "3.1"
nlu:
- intent: greet
  examples: |
    - Sveiki
    - labdien
- synonym: Olaine
  examples: |
    - Olainē
- intent: visit_rules
  examples: |
    - kā apciemot dēlu [Olainē](prison)?
    - vai var [rīt]{"entity": "time"} atbraukt
"""


def write(tmp_path: Path, text: str, name: str = "lv/data.yml") -> Path:
    path = tmp_path / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


def test_good_file_parses_with_folder_language_and_entity_marks_stripped(tmp_path: Path) -> None:
    write(tmp_path, GOOD)
    examples = load_examples(tmp_path)
    assert [(e.intent, e.text, e.language) for e in examples] == [
        ("greet", "Sveiki", "lv"),
        ("greet", "labdien", "lv"),
        ("visit_rules", "kā apciemot dēlu Olainē?", "lv"),
        ("visit_rules", "vai var rīt atbraukt", "lv"),
    ]


def test_language_is_guessed_outside_language_folders(tmp_path: Path) -> None:
    path = write(tmp_path, 'version: "3.1"\nnlu:\n- intent: greet\n  examples: |\n    - привет\n', "x.yml")
    assert load_examples(path)[0].language == "ru"


def test_example_line_without_dash_raises_with_file_and_line(tmp_path: Path) -> None:
    bad = 'version: "3.1"\nnlu:\n- intent: greet\n  examples: |\n    - Sveiki\n    labdien\n'
    path = write(tmp_path, bad)
    with pytest.raises(DataError, match=rf"{path}:6: example must be a line"):
        load_examples(path)


def test_block_without_examples_raises(tmp_path: Path) -> None:
    path = write(tmp_path, 'version: "3.1"\nnlu:\n- intent: greet\n- intent: deny\n  examples: |\n    - nē\n')
    with pytest.raises(DataError, match=rf"{path}:3: intent 'greet' has no `examples:`"):
        load_examples(path)


def test_unknown_key_and_bad_yaml_raise(tmp_path: Path) -> None:
    path = write(tmp_path, 'nlu:\n- intent: greet\n  exmples: |\n    - hi\n')
    with pytest.raises(DataError, match=r":2: block has no|unknown key"):
        load_examples(path)
    broken = write(tmp_path, "nlu:\n- intent: [greet\n", "lv/broken.yml")
    with pytest.raises(DataError, match=rf"{broken}:\d+: not valid YAML"):
        load_examples(broken)


def test_fingerprint_changes_with_content(tmp_path: Path) -> None:
    path = write(tmp_path, GOOD)
    before = data_fingerprint(tmp_path)
    assert before == data_fingerprint(tmp_path)
    path.write_text(GOOD + "    - vēl viens\n", encoding="utf-8")
    assert data_fingerprint(tmp_path) != before
