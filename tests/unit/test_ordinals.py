"""Which messages pick an option by its place in words, and which are left to the model and the dates."""

from __future__ import annotations

import pytest

from flows.ordinals import picked_place


@pytest.mark.parametrize(
    ("said", "place"),
    [
        ("pirmais", 1),
        ("Pirmo!", 1),
        ("izvēlos otro", 2),
        ("otrā", 2),
        ("trešo variantu", 3),
        ("первый", 1),
        ("второй вариант", 2),
        ("давайте вторую", 2),
        ("the first one", 1),
        ("the 2nd one", 2),
        ("I'll take the second one", 2),
        ("option 3", 3),
        ("nr. 2", 2),
        ("номер 2", 2),
        ("2-й вариант", 2),
    ],
)
def test_a_place_in_words_picks_that_option(said: str, place: int):
    assert picked_place(said) == place


@pytest.mark.parametrize(
    "said",
    [
        "2",  # a bare number is flows.conversation.bare_number's
        "the 2nd",  # a day of the month at the days
        "2-й",
        "второго",
        "второго числа",
        "otrā dienā",  # "the next day"
        "one second please",  # wait
        "first steps",
        "pirmajā datumā",
        "kā satikt vīru otrajā cietumā",
    ],
)
def test_other_words_are_no_choice(said: str):
    assert picked_place(said) is None
