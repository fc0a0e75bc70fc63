"""SMS keywords: whole-message matches without case, diacritics or surrounding punctuation."""

from __future__ import annotations

import pytest

from bot.channels.sms_keywords import Keyword, fold, keywords, match_keyword


def test_the_lists_cover_the_issue():
    assert {
        "STOP",
        "STOPALL",
        "UNSUBSCRIBE",
        "CANCEL",
        "END",
        "QUIT",
        "ATTEIKTIES",
        "СТОП",
        "ОТПИСАТЬСЯ",
    } <= set(keywords(Keyword.OPT_OUT))
    assert {"START", "UNSTOP", "SĀKT", "СТАРТ"} <= set(keywords(Keyword.OPT_IN))
    assert {"HELP", "PALĪDZĪBA", "ПОМОЩЬ"} <= set(keywords(Keyword.HELP))


@pytest.mark.parametrize("keyword", list(Keyword))
def test_every_word_matches_in_any_case_and_without_diacritics(keyword: Keyword):
    for word in keywords(keyword):
        for variant in (word, word.lower(), word.title(), fold(word), f"  {word.lower()}!\n", f"«{word}»"):
            found = match_keyword(variant)
            assert found is not None and found.keyword is keyword, variant


@pytest.mark.parametrize(
    ("body", "keyword", "language"),
    [
        ("stop", Keyword.OPT_OUT, None),
        ("Atteikties.", Keyword.OPT_OUT, "lv"),
        ("atrakstities", Keyword.OPT_OUT, "lv"),
        ("Стоп", Keyword.OPT_OUT, "ru"),
        ("отписаться", Keyword.OPT_OUT, "ru"),
        ("sakt", Keyword.OPT_IN, "lv"),
        ("Старт", Keyword.OPT_IN, "ru"),
        ("Unstop", Keyword.OPT_IN, None),
        ("help", Keyword.HELP, "en"),
        ("palidziba", Keyword.HELP, "lv"),
        ("ПОМОЩЬ!", Keyword.HELP, "ru"),
    ],
)
def test_the_language_of_the_word_is_kept(body: str, keyword: Keyword, language: str | None):
    found = match_keyword(body)
    assert found is not None and (found.keyword, found.language) == (keyword, language)


@pytest.mark.parametrize(
    "body",
    [
        "stop it",
        "please stop",
        "kā pārtraukt sodu?",
        "Start of the visit?",
        "помощь нужна",
        "help me please",
        "",
        "   ",
        "1",
        "0",
        "izvēlne",
        "atcelt",
        "end of story",
        "STOP " * 20,
    ],
)
def test_sentences_and_other_words_are_ordinary_messages(body: str):
    assert match_keyword(body) is None


def test_no_word_means_two_things():
    words = [fold(w) for k in Keyword for w in keywords(k)]
    assert len(words) == len(set(words))
