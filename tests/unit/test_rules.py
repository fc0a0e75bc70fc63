"""The rule layer: crisis wording always wins, in any language, misspelt or transliterated."""

from __future__ import annotations

import pytest

from nlu.rules import Rules


@pytest.fixture(scope="module")
def rules() -> Rules:
    return Rules.load()


CRISIS = [
    "negribu vairs dzīvot",
    "negribu vairs dzivot",
    "negrbu vairs dzivot",
    "NEGRIBU VAIRS DZĪVOT!!!",
    "gribu nomirt",
    "domāju par pašnāvību",
    "domaju par pasnavibu",
    "viņš mani sit",
    "vinsh mani sit",
    "Baidos, ka dēls Olaines cietumā sev kaut ko nodarīs",
    "не хочу больше жить",
    "ne hochu bolshe zhit",
    "ne xochu zhit",
    "хочу покончить с собой",
    "hochu pokonchit s soboj",
    "он меня бьёт",
    "I can't go on",
    "i cant go on",
    "i want to die",
    "he is beating me",
    "I'm afraid he will kill himself",
]


@pytest.mark.parametrize("text", CRISIS)
def test_crisis_wording_is_caught(rules: Rules, text: str) -> None:
    match = rules.match(text)
    assert match is not None and match.intent == "crisis", text


@pytest.mark.parametrize(
    "text",
    ["/book_counselling negribu vairs dzīvot", "latviski, negribu vairs dzīvot", "menu i want to die"],
)
def test_crisis_wins_over_buttons_commands_and_language(rules: Rules, text: str) -> None:
    match = rules.match(text)
    assert match is not None and match.intent == "crisis"


@pytest.mark.parametrize(
    "text",
    [
        "vai var dzīvot kopā ilgstošajā tikšanās laikā?",
        "cik ilgi var runāt pa telefonu",
        "I can't go on Friday, can we move it?",
        "что взять с собой на свидание",
        "можно повесить трубку?",
        "Vai draudzene var nākt uz ģimenes dienu?",
        "how do I write a letter to a prisoner",
        "Vai bērns var apmeklēt tēti bez manis?",
    ],
)
def test_ordinary_questions_are_not_crisis(rules: Rules, text: str) -> None:
    assert rules.crisis_phrase(text) is None, text


@pytest.mark.parametrize(
    ("text", "intent"),
    [
        ("/start", "greet"),
        ("/help", "help"),
        ("/menu", "help"),
        ("/human", "human_handoff"),
        ("/language", "change_language"),
        ("/mybooking", "my_bookings"),
        ("/delete_my_data", "delete_my_data"),
        ("/start@HelplineBot", "greet"),
        ("/visit_long", "visit_long"),
        ("/book_counselling", "book_counselling"),
        ("menu", "help"),
        ("Izvēlne", "help"),
        ("меню пожалуйста", "help"),
    ],
)
def test_commands_payloads_and_menu_words(rules: Rules, text: str, intent: str) -> None:
    match = rules.match(text)
    assert match is not None and match.intent == intent
    assert match.rule != "crisis"


def test_unknown_payload_is_left_to_the_model(rules: Rules) -> None:
    assert rules.match("/not_an_intent") is None


def test_payload_entities_in_rasa_syntax(rules: Rules) -> None:
    match = rules.match('/change_language{"language": "ru"}')
    assert match is not None and [(e.entity, e.value) for e in match.entities] == [("language", "ru")]


@pytest.mark.parametrize(
    ("text", "language"),
    [
        ("latviski", "lv"),
        ("по-русски", "ru"),
        ("po russki", "ru"),
        ("in English", "en"),
        ("angliski lūdzu", "en"),
        ("krieviski", "ru"),
        ("на латышском", "lv"),
        ("Lūdzu, rakstiet man krieviski", "ru"),
    ],
)
def test_language_switch_phrases(rules: Rules, text: str, language: str) -> None:
    match = rules.match(text)
    assert match is not None and match.intent == "change_language"
    assert [(e.entity, e.value) for e in match.entities] == [("language", language)]


def test_a_question_about_letters_in_russian_is_not_a_language_switch(rules: Rules) -> None:
    assert rules.match("Vai vēstules drīkst rakstīt krieviski?") is None
