"""Held-out accuracy of the embedded NLU on the project's own data (slow: trains a model)."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest

from nlu.embedded import DEFAULT_DATA_DIR, EmbeddedClassifier
from nlu.entities import EntityExtractor
from nlu.evaluate import evaluate, held_out_split
from nlu.language import LanguageModel
from nlu.model import IntentClassifier
from nlu.rules import Rules
from nlu.yaml_data import load_examples

pytestmark = pytest.mark.slow
NOW = datetime(2026, 3, 11, 9, 30, tzinfo=ZoneInfo("Europe/Riga"))


def test_held_out_macro_f1_and_crisis_recall() -> None:
    examples = load_examples(DEFAULT_DATA_DIR)
    if len({e.intent for e in examples}) < 10:
        pytest.skip("nlu/data holds too few intents to measure")
    train, test = held_out_split(examples, ratio=0.2, seed=0)
    model = IntentClassifier().fit(train)
    classifier = EmbeddedClassifier(
        model,
        Rules.load(extra_intents=model.classes),
        EntityExtractor.load(),
        LanguageModel.fit((e.text, e.language) for e in train if e.language),
        now=lambda: NOW,
    )
    report = evaluate(classifier, test)
    print(report.format_text())
    assert report.crisis_recall == 1.0
    assert report.macro_f1 >= 0.85  # a regression guard; the goal (0.92) is measured in bench/nlu
