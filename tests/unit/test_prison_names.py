"""A prison's name in the reply's language: Russian and English replies named it in Latvian (QA s9)."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from flows.prisons import name_key, prison_name
from flows.texts import Texts

PRISONS = [p["name"] for p in yaml.safe_load(Path("nlu/prisons.yml").read_text(encoding="utf-8"))["prisons"]]


@pytest.fixture(scope="module")
def texts() -> Texts:
    return Texts.load()


def test_every_prison_the_nlu_knows_has_its_name_in_every_language(texts: Texts):
    for prison in PRISONS:
        assert texts.has(name_key(prison)), prison
        assert prison_name(texts, "lv", prison) == prison  # Latvian: the official name as it is
        for lang in ("ru", "en"):
            # the usual form first, the official name in brackets to match signs and letters
            assert prison_name(texts, lang, prison).endswith(f" ({prison})"), (lang, prison)


@pytest.mark.parametrize(
    ("prison", "ru", "en"),
    [
        ("Olaines cietums", "Олайнская тюрьма (Olaines cietums)", "Olaine Prison (Olaines cietums)"),
        ("Jelgavas cietums", "Елгавская тюрьма", "Jelgava Prison"),
        ("Daugavgrīvas cietums", "Даугавгривская тюрьма", "Daugavgrīva Prison"),
        ("Rīgas Centrālcietums", "Рижская Центральная тюрьма", "Riga Central Prison"),
        ("Iļģuciema cietums", "Ильгюциемская тюрьма", "Iļģuciems Prison"),
        ("Liepājas cietums", "Лиепайская тюрьма", "Liepāja Prison"),
        ("Valmieras cietums", "Валмиерская тюрьма", "Valmiera Prison"),
        ("Cēsu Audzināšanas iestāde nepilngadīgajiem", "Цесисское воспитательное учреждение", "Cēsis"),
    ],
)
def test_the_usual_russian_and_english_forms(texts: Texts, prison: str, ru: str, en: str):
    assert prison_name(texts, "ru", prison).startswith(ru)
    assert prison_name(texts, "en", prison).startswith(en)
    assert "Avots" not in prison_name(texts, "lv", prison)  # a name, not a sourced answer with its line
