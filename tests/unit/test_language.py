"""Language guessing copes with greetings, missing diacritics and Russian in Latin letters."""

from __future__ import annotations

import pytest

from nlu.language import LanguageModel, guess_language


@pytest.mark.parametrize(
    ("text", "language"),
    [
        ("Sveiki", "lv"),
        ("privet", "ru"),
        ("hello", "en"),
        ("Labdien!", "lv"),
        ("Здравствуйте", "ru"),
        ("ka var satikt delu", "lv"),
        ("kak zapisatsya k psihologu", "ru"),
        ("Kā pieteikt tikšanos?", "lv"),
        ("how can I visit my son", "en"),
    ],
)
def test_guess_without_a_model(text: str, language: str) -> None:
    assert guess_language(text) == language


def test_hint_decides_when_the_text_does_not() -> None:
    assert guess_language("ok", hint="ru") == "ru"
    assert guess_language("12", hint="lv") == "lv"
    assert guess_language("ok") is None


def test_trained_model_tells_translit_russian_from_latvian() -> None:
    model = LanguageModel.fit(
        [
            ("gde mozhno uznat pro svidanie", "ru"),
            ("skolko raz v mesyac mozhno zvonit", "ru"),
            ("kogda mozhno otpravit posylku", "ru"),
            ("kur var uzzinat par tiksanos", "lv"),
            ("cik reizes menesi drikst zvanit", "lv"),
            ("kad var nosutit paku", "lv"),
            ("where can I learn about visits", "en"),
            ("how many times a month can he call", "en"),
        ]
    )
    assert guess_language("skolko mozhno posylok", model=model) == "ru"
    assert guess_language("cik drikst pakas", model=model) == "lv"
    restored = LanguageModel.from_json(model.to_json())
    assert guess_language("skolko mozhno posylok", model=restored) == "ru"
