"""The intent model and the embedded classifier on a tiny in-test dataset."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from nlu.embedded import EmbeddedClassifier, load_classifier
from nlu.entities import EntityExtractor
from nlu.model import IntentClassifier
from nlu.parse import FALLBACK, IntentScore
from nlu.rules import Rules
from nlu.yaml_data import Example

NOW = datetime(2026, 3, 11, 9, 30, tzinfo=ZoneInfo("Europe/Riga"))
DATA = {
    "greet": ["sveiki", "labdien", "привет", "hello", "labrīt", "здравствуйте", "good morning", "čau"],
    "thanks": ["paldies", "liels paldies", "спасибо", "thank you", "thanks a lot", "большое спасибо"],
    "letters": [
        "kā uzrakstīt vēstuli dēlam", "vai var sūtīt vēstules", "как написать письмо мужу",
        "можно отправить письмо", "how do I send a letter", "vēstule uz cietumu", "writing letters to prison",
    ],
    "phone_calls": [
        "cik bieži viņš var zvanīt", "vai dēls var man piezvanīt", "как часто он может звонить",
        "можно ли позвонить сыну", "can he call me", "phone calls from prison", "zvani no cietuma",
    ],
}


def examples() -> list[Example]:
    return [Example(text, intent, None) for intent, texts in DATA.items() for text in texts]


@pytest.fixture(scope="module")
def model() -> IntentClassifier:
    return IntentClassifier().fit(examples())


def test_predicts_sorted_probabilities(model: IntentClassifier) -> None:
    ranking = model.predict("vai var rakstīt vēstules dēlam?")
    assert ranking[0].name == "letters"
    assert [s.confidence for s in ranking] == sorted((s.confidence for s in ranking), reverse=True)
    assert sum(s.confidence for s in ranking) == pytest.approx(1.0, abs=1e-4)
    # the top of the same ranking, when only the top is asked for
    assert model.predict("vai var rakstīt vēstules dēlam?", top=2) == ranking[:2]


def test_save_load_round_trip_gives_the_same_prediction(model: IntentClassifier, tmp_path: Path) -> None:
    model.metadata = {"fingerprint": "abc"}
    model.save(tmp_path)
    loaded = IntentClassifier.load(tmp_path)
    assert loaded.metadata == {"fingerprint": "abc"}
    for text in ("kā sūtīt vēstuli", "позвонить мужу", "hi there", "zzz"):
        assert loaded.predict(text) == pytest.approx(model.predict(text)) or [
            (s.name, round(s.confidence, 5)) for s in loaded.predict(text)
        ] == [(s.name, round(s.confidence, 5)) for s in model.predict(text)]
    assert not list(tmp_path.glob("*.pkl"))


def test_training_is_deterministic() -> None:
    first = IntentClassifier().fit(examples()).predict("kā zvanīt uz cietumu")
    second = IntentClassifier().fit(examples()).predict("kā zvanīt uz cietumu")
    assert first == second


def classifier(model: IntentClassifier, threshold: float) -> EmbeddedClassifier:
    return EmbeddedClassifier(
        model, Rules.load(extra_intents=model.classes), EntityExtractor.load(), threshold=threshold,
        now=lambda: NOW,
    )


def test_below_threshold_is_fallback_with_the_ranking_kept(model: IntentClassifier) -> None:
    unsure = model.predict("qqq zzz")[0]
    parse = classifier(model, threshold=unsure.confidence + 0.01).parse_sync("qqq zzz")
    assert parse.intent == FALLBACK
    assert parse.ranking[0] == unsure
    confident = classifier(model, threshold=0.0).parse_sync("kā uzrakstīt vēstuli?")
    assert confident.intent == "letters"


async def test_rules_and_entities_through_the_async_parse(model: IntentClassifier) -> None:
    parse = await classifier(model, threshold=0.3).parse("negribu vairs dzīvot, dēls Olaines cietumā")
    assert (parse.intent, parse.confidence) == ("crisis", 1.0)
    assert parse.entity("prison") is not None
    assert parse.language == "lv"
    rasa = parse.to_rasa()
    assert rasa["intent"] == {"name": "crisis", "confidence": 1.0}


def test_load_classifier_trains_once_then_uses_the_cache(tmp_path: Path) -> None:
    data = tmp_path / "data" / "lv"
    data.mkdir(parents=True)
    lines = ['version: "3.1"', "nlu:"]
    for intent, texts in DATA.items():
        lines += [f"- intent: {intent}", "  examples: |", *(f"    - {t}" for t in texts)]
    (data / "nlu.yml").write_text("\n".join(lines) + "\n", encoding="utf-8")
    messages: list[str] = []
    first = load_classifier(tmp_path / "data", tmp_path / "cache", progress=messages.append, now=lambda: NOW)
    assert any("training on" in m for m in messages)
    messages.clear()
    second = load_classifier(tmp_path / "data", tmp_path / "cache", progress=messages.append, now=lambda: NOW)
    assert any("cached" in m for m in messages)
    assert first.parse_sync("paldies!").intent == second.parse_sync("paldies!").intent == "thanks"
    (data / "nlu.yml").write_text("\n".join(lines) + "\n    - vēl paldies\n", encoding="utf-8")
    messages.clear()
    load_classifier(tmp_path / "data", tmp_path / "cache", progress=messages.append, now=lambda: NOW)
    assert any("training on" in m for m in messages)


def test_a_crisis_beside_hard_feelings_is_taken_as_a_crisis(model: IntentClassifier) -> None:
    # hard feelings and a crisis share words: the model splits its belief ("устала от жизни" 0.71 / 0.22)
    nlu = classifier(model, threshold=0.3)
    split = [IntentScore("feeling_low", 0.71), IntentScore("crisis", 0.22), IntentScore("thanks", 0.07)]
    assert nlu._decide(split) == ("crisis", 0.22)
    calm = [IntentScore("feeling_low", 0.9), IntentScore("crisis", 0.05), IntentScore("thanks", 0.05)]
    assert nlu._decide(calm) == ("feeling_low", 0.9)
    elsewhere = [IntentScore("letters", 0.7), IntentScore("crisis", 0.25), IntentScore("thanks", 0.05)]
    assert nlu._decide(elsewhere) == ("letters", 0.7)  # only beside hard feelings; the floor stays 0.40
