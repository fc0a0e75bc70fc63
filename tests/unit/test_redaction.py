"""Redaction: every kind of personal detail is masked in lv/ru/en; dates, times and amounts are not."""

from __future__ import annotations

import pytest

from bot.redaction import Kind, find, luhn_valid, redact


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # phones: Latvian mobiles and landlines, +371 / 00371 forms, foreign numbers
        ("zvaniet 26123456", "zvaniet ⟨phone⟩"),
        ("mans tālrunis +371 2612 3456", "mans tālrunis ⟨phone⟩"),
        ("tel. 67123456 vai 0037126123456", "tel. ⟨phone⟩ vai ⟨phone⟩"),
        ("+371 2 612 34 56", "⟨phone⟩"),
        ("мой номер +7 912 345 67 89", "мой номер ⟨phone⟩"),
        ("call me on +44 20 7946 0958", "call me on ⟨phone⟩"),
        # e-mail
        ("raksti uz ilze.b+1@inbox.lv", "raksti uz ⟨email⟩"),
        # personas kods: old (DDMMYY-NNNNN), new (32…), with and without the hyphen
        ("personas kods 120385-12345", "personas kods ⟨personal_code⟩"),
        ("kods 321234-56789", "kods ⟨personal_code⟩"),
        ("персональный код 12038512345", "персональный код ⟨personal_code⟩"),
        # cards: Luhn-valid runs only
        ("karte 4111 1111 1111 1111", "karte ⟨card⟩"),
        ("card 5500-0000-0000-0004", "card ⟨card⟩"),
        # bank accounts: LV IBANs (even the public IeVP one, and typed with spaces), valid foreign IBANs
        ("konts LV15TREL8190468041000", "konts ⟨account⟩"),
        ("lv15 trel 8190 4680 4100 0 lūdzu", "⟨account⟩ lūdzu"),
        ("DE89 3704 0044 0532 0130 00 ir konts", "⟨account⟩ ir konts"),
    ],
)
def test_masks_each_kind(text, expected):
    assert redact(text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Labdien, mani sauc Ilze", "Labdien, mani sauc ⟨name⟩"),
        ("sveiki mani sauc marina", "sveiki mani sauc ⟨name⟩"),  # a listed name in lower case after a trigger
        ("Mans vīrs Jānis Bērziņš ir Olainē", "Mans vīrs ⟨name⟩ ir Olainē"),
        ("dēls Kristaps sēž Jelgavā", "dēls ⟨name⟩ sēž Jelgavā"),  # unlisted but capitalised after "dēls"
        ("vēstule priekš Jāņa", "vēstule priekš ⟨name⟩"),  # inflected listed name anywhere
        ("мой сын Андрей в Елгаве", "мой сын ⟨name⟩ в Елгаве"),
        ("меня зовут Ольга Петрова", "меня зовут ⟨name⟩"),
        ("передача для Ивана", "передача для ⟨name⟩"),
        ("my son John Smith is in Jelgava prison", "my son ⟨name⟩ is in Jelgava prison"),
        ("my husband is called Tom", "my husband is called ⟨name⟩"),
    ],
)
def test_masks_names_in_three_languages(text, expected):
    assert redact(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "tikšanās 10:00",
        "2026. gada 12.03.2026",
        "Maijā brauksim, 15. maijā plkst. 14:30",
        "vizīte 2026-03-12 no 9:00 līdz 11:30",
        "встреча 12 марта в 10:00, 2026 год",
        "can I visit at 14:30 on 3 June 2026?",
        "sūtījums līdz 30 kg, 150 EUR",
        "zvaniet 112 vai 116123",
        "IeVP SMS OK",
        "Vīrs ir Olainē, dēls Jelgavā",
        "Mans dēls ir cietumā",
        "Kā var satikt vīru?",
        "My son is in prison",
    ],
)
def test_leaves_ordinary_text_alone(text):
    assert redact(text) == text


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # staff QA (s8): what people typed that reached the NLU export (training data, a public repository)
        ("my name is Jennifer, my son is Tom", "my name is ⟨name⟩, my son is ⟨name⟩"),
        ("My name's Gareth", "My name's ⟨name⟩"),
        ("I'm Kate, call me on 07700 900123", "I'm ⟨name⟩, call me on ⟨number⟩"),
        ("hello, this is Bridget", "hello, this is ⟨name⟩"),
        ("Es esmu Zelmīra no Tukuma", "Es esmu ⟨name⟩ no Tukuma"),
        ("я Снежана, позвоните 8 921 123 45 67", "я ⟨name⟩, позвоните ⟨number⟩"),
        ("dēla lietas numurs 11816001234", "dēla lietas numurs ⟨number⟩"),
        ("4111 1111 1111 1112 ir kartes numurs", "⟨number⟩ ir kartes numurs"),  # a card with a typo
        ("vīrs jānis ozoliņš sēž Jelgavā", "vīrs ⟨name⟩ sēž Jelgavā"),  # a lower-case surname
        ("мой муж иван петров", "мой муж ⟨name⟩"),
        ("dzīvoju Brīvības ielā 55-12, Rīgā", "dzīvoju ⟨address⟩, Rīgā"),
        ("sūtiet uz Miera iela 3", "sūtiet uz ⟨address⟩"),
        ("живу на ул. Бривибас 55, кв. 12", "живу на ⟨address⟩, кв. 12"),
        ("we live at 12 Baker Street", "we live at ⟨address⟩"),
    ],
)
def test_masks_what_people_typed_in_the_staff_qa(text, expected):
    assert redact(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "vizīte 07.12.2026 10:00",
        "2026-03-12 10:00 vai 2026-03-13 11:00",
        "no 12.03.2026 līdz 19.03.2026",
        "sūtījums 150 000 EUR?",
        "2024 2025 2026 gadā",
        "I am in Riga, I'm worried",
        "this is Olaine prison",
        "es esmu cietumā",
        "я в Риге",
        "Olaines cietums, iela nav zināma",
    ],
)
def test_still_leaves_dates_amounts_and_places_alone(text):
    assert redact(text) == text


def test_spans_never_overlap_and_earlier_kinds_win():
    text = "konts LV15TREL8190468041000, tel 26123456, kods 120385-12345"
    spans = find(text)
    assert [s.kind for s in spans] == [Kind.ACCOUNT, Kind.PHONE, Kind.PERSONAL_CODE]
    assert all(a.end <= b.start for a, b in zip(spans, spans[1:], strict=False))


def test_luhn():
    assert luhn_valid("4111111111111111")
    assert not luhn_valid("4111111111111112")


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # staff QA (s9): names in lower case and in capitals, in lv, ru and en
        ("my name is jennifer smith", "my name is ⟨name⟩"),
        ("this is john", "this is ⟨name⟩"),
        ("im anna petrova", "im ⟨name⟩"),
        ("JĀNIS BĒRZIŅŠ", "⟨name⟩"),
        ("MANS VĪRS JĀNIS BĒRZIŅŠ IR OLAINĒ", "MANS VĪRS ⟨name⟩ IR OLAINĒ"),
        ("МЕНЯ ЗОВУТ ОЛЬГА", "МЕНЯ ЗОВУТ ⟨name⟩"),
        ("МОЙ СЫН АНДРЕЙ ИВАНОВ", "МОЙ СЫН ⟨name⟩"),
        ("MY SON IS PETER NOVAK", "MY SON IS ⟨name⟩"),
        # after a relative's word, in lower case and without diacritics
        ("mans dēls Jānis", "mans dēls ⟨name⟩"),
        ("mans dels janis", "mans dels ⟨name⟩"),
        ("mana meita laura ir Iļģuciemā", "mana meita ⟨name⟩ ir Iļģuciemā"),
        ("мой муж Сергей", "мой муж ⟨name⟩"),
        ("мой муж сергей", "мой муж ⟨name⟩"),
        ("мой сын дима в Олайне", "мой сын ⟨name⟩ в Олайне"),
        ("my husband Mark", "my husband ⟨name⟩"),
        ("my husband mark is in olaine", "my husband ⟨name⟩ is in olaine"),
        ("hi im anna, my son tom", "hi im ⟨name⟩, my son ⟨name⟩"),
    ],
)
def test_masks_names_typed_in_lower_case_and_in_capitals(text, expected):
    assert redact(text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # staff QA (s9): a phone number read out in words, digit by digit or in pairs, in three languages
        ("divi seši viens divi trīs četri pieci seši", "⟨phone⟩"),
        ("mans numurs divi sesi viens divi tris cetri pieci sesi", "mans numurs ⟨phone⟩"),
        ("два шесть один два три четыре пять шесть", "⟨phone⟩"),
        ("позвоните: двадцать шесть двенадцать тридцать четыре пятьдесят шесть", "позвоните: ⟨phone⟩"),
        ("two six one two three four five six, thanks", "⟨phone⟩, thanks"),
        ("plus three seven one two six one two three four five six", "⟨phone⟩"),
        ("divi seši 12 34 56", "⟨phone⟩"),
        ("2 6 1 2 3 4 5 6", "⟨phone⟩"),
        ("+371 26-12-34-56", "⟨phone⟩"),
        # personal codes, e-mails and IBANs, in each language
        ("mans personas kods ir 010190-12345", "mans personas kods ir ⟨personal_code⟩"),
        ("мой персональный код 01019012345", "мой персональный код ⟨personal_code⟩"),
        ("my personal code is 010190 12345", "my personal code is ⟨personal_code⟩"),
        ("rakstiet uz jana.berzina@inbox.lv", "rakstiet uz ⟨email⟩"),
        ("пишите ivan.petrov@mail.ru", "пишите ⟨email⟩"),
        ("email me: ilze at inbox dot lv", "email me: ⟨email⟩"),
        ("ivan(at)mail.ru", "⟨email⟩"),
        ("konts LV80BANK0000435195001", "konts ⟨account⟩"),
        ("мой счёт LV80 BANK 0000 4351 9500 1", "мой счёт ⟨account⟩"),
        ("my account is lv80bank0000435195001", "my account is ⟨account⟩"),
        ("konts LV80-BANK-0000-4351-9500-1", "konts ⟨account⟩"),
        ("счёт LV 80 BANK 0000 4351 9500 1", "счёт ⟨account⟩"),
        ("my code is 010190/12345", "my code is ⟨personal_code⟩"),
        ("e-pasts ilze @ inbox. lv", "e-pasts ⟨email⟩"),
    ],
)
def test_masks_numbers_in_words_codes_emails_and_accounts(text, expected):
    assert redact(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        # what relatives write about the helpline's topics stays readable for the NLU export
        "Olaines cietums, Iļģuciema cietums, pirmdien",
        "Vai varu pieteikt tikšanos ar psihologu pirmdien?",
        "psihologs, tikšanās, ilgā tikšanās, paciņa",
        "mans dēls ir olainē",
        "mans dels ir cietuma",
        "mans vīrs nezvana jau divas nedēļas",
        "mans dēls lūdza naudu",
        "MANS DĒLS IR CIETUMĀ",
        "мой муж не звонит уже две недели",
        "мой сын попросил денег",
        "МОЙ СЫН БОЛЕЕТ",
        "my son needs money",
        "my brother owes money",
        "my husband seems depressed",
        "MY SON NEEDS MONEY",
        "im worried about my son",
        "I'M WORRIED ABOUT MY SON",
        "this is urgent",
        "es esmu izmisusi",
        "я очень переживаю",
        "can I visit on Monday 14 March at 10:00?",
        "divas vai trīs reizes mēnesī, 2 vai 3 stundas",
        "two or three times a month, one hour",
        "два или три раза в месяц, один час",
        # ordinary words that an inflected form of a listed name could match
        "my partner beats me",
        "Я жена осуждённого",
        "Agri no rīta zvanīju, Marka vēstulei maksā?",
        "Jūlijs vai augusts?",
    ],
)
def test_leaves_topic_words_weekdays_months_and_feelings_alone(text):
    assert redact(text) == text


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # a relative's word at the end of a sentence: the next sentence's first word is no name
        ("Nomira vīra tēvs. Kā rīkoties?", "Nomira vīra tēvs. Kā rīkoties?"),
        ("Mans dēls! Kur viņš ir?", "Mans dēls! Kur viņš ir?"),
        ("Это мой сын. Как его навестить?", "Это мой сын. Как его навестить?"),
        ("I visit my son. How long can I stay?", "I visit my son. How long can I stay?"),
        # ... while a listed name there still is, and an initial does not end the name
        ("Mans dēls. Jānis Bērziņš.", "Mans dēls. ⟨name⟩."),
        ("my name is J. Smith", "my name is ⟨name⟩. ⟨name⟩"),
    ],
)
def test_a_new_sentence_after_a_relative_is_no_name(text, expected):
    assert redact(text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # an unlisted name in lower case right after a relative, known by the "is" / "ir" / "в" after it
        ("my son jayden is in olaine", "my son ⟨name⟩ is in olaine"),
        ("mans dēls kristofers ir Jelgavā", "mans dēls ⟨name⟩ ir Jelgavā"),
        ("мой сын тимур в Елгаве", "мой сын ⟨name⟩ в Елгаве"),
        ("MY SON JAYDEN IS IN PRISON", "MY SON ⟨name⟩ IS IN PRISON"),
        # ... while what people say there about when and how stays
        ("мой сын давно в тюрьме", "мой сын давно в тюрьме"),
        ("mans dēls patlaban ir Olainē", "mans dēls patlaban ir Olainē"),
        ("my son currently is in olaine", "my son currently is in olaine"),
        ("my husband also is sick", "my husband also is sick"),
    ],
)
def test_an_unlisted_lower_case_name_after_a_relative_is_known_by_what_follows(text, expected):
    assert redact(text) == expected
