"""Normalisation makes the ways people type the same message meet."""

from __future__ import annotations

import pytest

from nlu.normalize import normalize, squeeze_repeats, strip_diacritics, tokenize, transliterate


def test_latvian_diacritics_are_folded() -> None:
    assert normalize("Ilgstošās tikšanās Iļģuciemā") == normalize("ilgstosas tiksanas ilguciema")


def test_cyrillic_and_latin_russian_meet() -> None:
    assert normalize("не хочу жить") == normalize("ne hochu zhit") == "ne hocu zit"


def test_sh_spelling_meets_diacritic_folding() -> None:
    assert normalize("tikshanas") == normalize("tikšanās")


def test_cyrillic_short_i_is_not_folded_into_i() -> None:
    assert strip_diacritics("й") == "й"
    assert transliterate("мой") == "moj"


def test_repeated_letters_are_squeezed_but_digits_are_kept() -> None:
    assert squeeze_repeats("sveikiiii") == "sveiki"
    assert normalize("Paldieeees!!! 😊 11:00") == "paldies 11 00"


def test_punctuation_and_apostrophes() -> None:
    assert normalize("I can't go on...") == "i cant go on"
    assert normalize("по-русски") == "po ruski"


@pytest.mark.parametrize("text", ["", "   ", "🙂🙂", "?!"])
def test_empty_after_folding(text: str) -> None:
    assert normalize(text) == ""


def test_tokens_keep_offsets_into_the_original_text() -> None:
    text = "В Олайнской тюрьме"
    tokens = tokenize(text)
    assert [t.norm for t in tokens] == ["v", "olajnskoj", "tyurme"]
    assert text[tokens[1].start : tokens[1].end] == "Олайнской"


def test_latvian_yes_and_russian_i_stay_apart() -> None:
    # folded together, every Russian sentence in the first person leaned to "yes"
    assert normalize("Jā!") == normalize("ja") == normalize("jaaa") == "ja"
    assert normalize("я так устала") == normalize("ya tak ustala") == "ya tak ustala"
    assert normalize("tjurma") == "tyurma" and normalize("jautājums") == "yautayums"
