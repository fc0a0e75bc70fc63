"""SMS keywords: whole-message matches without case, diacritics or surrounding punctuation."""

from __future__ import annotations

import pytest

from bot.channels.sms_keywords import Keyword, asks_to_stop, fold, keywords, match_keyword


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


@pytest.mark.parametrize(
    ("said", "lang"),
    [
        ("Lūdzu stop sūtīt man ziņas", "lv"),
        ("nevēlos vairs saņemt ziņas", "lv"),
        ("Lūdzu, nesūtiet man vairs ziņas", "lv"),
        ("не пишите мне больше", "ru"),
        ("не хочу больше получать сообщения", "ru"),
        ("please stop texting me", "en"),
        ("Don't text me anymore", "en"),
    ],
)
def test_a_sentence_asking_to_stop_messages_is_recognised(said: str, lang: str):
    assert asks_to_stop(said) == lang


@pytest.mark.parametrize(
    "said",
    [
        "stop",  # the keyword itself opts out
        "stop the visit",
        "kā pārtraukt sodu?",
        "vai var sūtīt ziņas uz cietumu?",
        "vīrs nevar sūtīt ziņas",
        "my husband stopped texting me",
        "they do not send me messages anymore",
        "он перестал писать",
        "negribu vairs dzīvot",
        "не хочу больше жить",
        # about him, not a request to us: they got only how to stop our messages
        "my son told me to stop texting him what do i do",
        "dēls lika nesūtīt viņam ziņas",
        "сын сказал не пишите мне больше",
    ],
)
def test_other_sentences_are_not_a_request_to_stop(said: str):
    assert asks_to_stop(said) is None
