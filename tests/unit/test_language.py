"""Language guessing copes with greetings, missing diacritics and Russian in Latin letters; only clear
evidence may move a conversation (`clear_language`)."""

from __future__ import annotations

import pytest

from nlu.embedded import DEFAULT_DATA_DIR
from nlu.language import LanguageModel, clear_language, guess_language
from nlu.yaml_data import load_examples


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


@pytest.fixture(scope="module")
def trained() -> LanguageModel:
    """The language model trained from the project's own data, as the classifier has it."""
    return LanguageModel.fit((e.text, e.language) for e in load_examples(DEFAULT_DATA_DIR) if e.language)


NOISE = ["asdfgh", "qwerty", "????", "🙂", "123", "lol lol", "ыыыы", "ааааа"]
SHORT_OR_SHARED = [
    "ok",
    "okay",
    "hmm",
    "хм",
    "jā",
    "ja",
    "jaa",
    "да",
    "da",
    "nu da",
    "yes",
    "no",
    "hi",
    "Hallo",
]
ONE_WORD_NO_CUE = ["parcel", "ombudsman"]  # the model alone read them as Latvian and Russian
ADDRESSES = ["https://www.ievp.gov.lv/ru", "see likumi.lv"]


@pytest.mark.parametrize("text", NOISE + SHORT_OR_SHARED + ONE_WORD_NO_CUE + ADDRESSES)
def test_no_clear_language_in_noise_short_words_and_addresses(trained: LanguageModel, text: str) -> None:
    assert clear_language(text, trained) is None


@pytest.mark.parametrize(
    ("text", "language"),
    [
        ("Labdien!", "lv"),
        ("paldies", "lv"),
        ("ka pieteikt tiksanos", "lv"),  # Latvian typed without diacritics
        ("Sveiki, man vajag palīdzību", "lv"),
        ("privet", "ru"),  # Russian typed on a Latin keyboard is Russian
        ("spasibo", "ru"),
        ("kak pozvonit synu v tyurmu?", "ru"),
        ("свидание", "ru"),
        ("Hello, how can I visit my son in prison?", "en"),
        ("thanks", "en"),
        ("my son is in Rīga, how do I visit him?", "en"),  # a name with diacritics in an English sentence
    ],
)
def test_clear_language_in_cue_words_and_sentences(trained: LanguageModel, text: str, language: str) -> None:
    assert clear_language(text, trained) == language


def test_without_a_model_the_script_and_cue_words_decide() -> None:
    assert clear_language("Labdien!") == "lv"
    assert clear_language("privet, kak dela") == "ru"
    assert clear_language("Здравствуйте") == "ru"
    assert clear_language("parcel") is None
    assert clear_language("ok") is None
