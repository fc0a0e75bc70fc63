"""The numbers a relative copies from an answer are the ones the knowledge files give (facts audit 2).

A wrong phone strands a relative; a wrong payee can have a payment held. These tests read every text and SMS
variant in lv, ru and en and hold them to `docs/knowledge/facts.md` and `prisons.csv` (the project's copy of
the shared knowledge files, so that CI on a bare clone checks them too): each phone number,
e-mail address and account number must be there, Jelgava's duty office and records office must be the
numbers the CSV gives for each, and the prison account always comes with its exact, labelled payee.
"""

from __future__ import annotations

import csv
import re
from pathlib import Path

import pytest

from flows.texts import Texts

ROOT = Path(__file__).resolve().parents[2]
KNOWLEDGE = ROOT / "docs" / "knowledge"
SHARED = ROOT.parent / "shared" / "knowledge"  # the team's originals, beside a working checkout only
ACCOUNT = "LV15TREL8190468041000"
PAYEE = "Ieslodzījuma vietu pārvalde"
PAYEE_LABEL = {"lv": "saņēmēj", "ru": "получател", "en": "payee"}
PHONE = re.compile(r"\+371 ?\d{8}|(?<![\d+])(?:8000\d{4}|8020\d{4}|116\d{3}|11[0-4])(?!\d)")
EMAIL = re.compile(r"[\w.-]+@[\w-]+(?:\.[\w-]+)+")
# a number right after the office it belongs to, in any of the three languages
DUTY_OFFICE = re.compile(
    r"(?:dežūrdaļ\w*|дежурн\w* част\w*|duty office)\D{0,20}?(\+371 \d{8})", re.IGNORECASE
)
RECORDS_OFFICE = re.compile(
    r"(?:lietvedīb\w*|канцеляри\w*|records office)\D{0,20}?(\+371 \d{8})", re.IGNORECASE
)


@pytest.fixture(scope="module")
def texts() -> Texts:
    return Texts.load()


def _all_variants(texts: Texts) -> list[tuple[str, str, str]]:
    """(lang, key, wording) for every text and every SMS variant, as they are written."""
    found = []
    for lang, table in texts.entries.items():
        for key, entry in table.items():
            found.append((lang, key, entry.text))
            if entry.sms:
                found.append((lang, f"{key} (sms)", entry.sms))
    return found


def _knowledge() -> str:
    return (KNOWLEDGE / "facts.md").read_text() + (KNOWLEDGE / "prisons.csv").read_text()


def _jelgava_row() -> dict[str, str]:
    with (KNOWLEDGE / "prisons.csv").open(encoding="utf-8") as f:
        return next(row for row in csv.DictReader(f) if row["name_lv"] == "Jelgavas cietums")


def test_every_account_number_comes_with_the_exact_payee_and_its_label(texts: Texts):
    """The follow-up's English SMS gave 'Ieslodzijuma vietu parvalde' and the Latvian and Russian ones the
    name with no 'payee' before it; banks now check the payee's name against the account's. The exact name
    everywhere; its label everywhere but the main answer's SMS, where the label's 6–11 characters would
    take it to a third segment (the name right after the account and bank code reads as the payee)."""
    wrong = [
        f"{lang}:{key}"
        for lang, key, wording in _all_variants(texts)
        if ACCOUNT in wording
        and (
            PAYEE not in wording
            or (PAYEE_LABEL[lang] not in wording.casefold() and key != "faq.parcels_money (sms)")
        )
    ]
    assert wrong == []


def test_every_phone_email_and_account_in_the_texts_is_in_the_knowledge_files(texts: Texts):
    known = _knowledge()
    unknown = set()
    for lang, key, wording in _all_variants(texts):
        for number in PHONE.findall(wording):
            if number.removeprefix("+371").strip() not in known:
                unknown.add(f"{lang}:{key}: {number}")
        for address in EMAIL.findall(wording):
            if address not in known:
                unknown.add(f"{lang}:{key}: {address}")
        for account in re.findall(r"LV\d\d[A-Z]{4}\d{13}", wording):
            if account not in known:
                unknown.add(f"{lang}:{key}: {account}")
    assert sorted(unknown) == []


def test_jelgava_duty_and_records_office_numbers_are_the_ones_prisons_csv_gives(texts: Texts):
    phones = _jelgava_row()["phone"]
    duty = re.search(r"duty office[^+]*(\+371 \d{8})", phones)
    records = re.search(r"records office[^+]*(\+371 \d{8})", phones)
    assert duty and records, phones
    said_duty, said_records = set(), set()
    for _, _, wording in _all_variants(texts):
        said_duty.update(DUTY_OFFICE.findall(wording))
        said_records.update(RECORDS_OFFICE.findall(wording))
    assert said_duty == {duty.group(1)}
    assert said_records == {records.group(1)}


def test_jelgava_appointment_line_is_the_one_prisons_csv_gives(texts: Texts):
    notes = _jelgava_row()["notes"]
    appointment = re.search(r"by appointment \((\+371 \d{8})\)", notes)
    assert appointment, notes
    for lang in texts.languages:
        contacts = texts.render("faq.prison_contacts", lang)
        line = next(row for row in contacts.splitlines() if "14:00–16:00" in row)
        assert line.endswith(appointment.group(1)), (lang, line)


@pytest.mark.parametrize(
    ("key", "condition"),
    [
        # facts.md §4: the child goes to relatives or a foster family at 4 only if the mother is not released
        (
            "followup.visit_children.ilguciema_cietums",
            {"lv": "netiek atbrīvota", "ru": "не освобождают", "en": "not released"},
        ),
        # facts.md §3: a convict in the prison hospital, at the place where short visits are held; the Latvian
        # "īslaicīgo tikšanos vietā" read as "instead of short visits"
        (
            "followup.visit_video.olaines_cietums",
            {
                "lv": "kur notiek īslaicīgās tikšanās",
                "ru": "где проходят краткосрочные свидания",
                "en": "where short visits are held",
            },
        ),
        (
            "followup.visit_video.olaines_cietums",
            {"lv": "Notiesātais", "ru": "Осуждённый", "en": "convicted prisoner"},
        ),
        # facts.md §1: the online form is one way; the usual way through the prison still works
        (
            "followup.visit_rules.same",
            {"lv": "parastajā kārtībā", "ru": "обычным порядком", "en": "usual way"},
        ),
    ],
)
def test_a_follow_up_keeps_the_condition_the_facts_attach(texts: Texts, key: str, condition: dict[str, str]):
    missing = [lang for lang, words in condition.items() if words not in texts.render(key, lang)]
    assert missing == []


@pytest.mark.parametrize(
    ("lang", "misread"),
    [
        # "laikus" alone is also the adverb "in good time": "Laikus jautājiet tur" read as "ask there early"
        ("lv", "Laikus jautājiet"),
        ("lv", "Laikus zinām"),
        ("lv", "Laikus un skaitu"),
        ("lv", "noteikumi ir vieni"),  # spoken; "vienādi" in writing
        ("ru", "выбрав место"),  # a gerund with no subject: "Заявка на Latvija.lv, выбрав место"
        ("ru", "Как заказать"),  # a video call with a relative is not ordered like goods
        ("ru", "Правила писем"),
    ],
)
def test_wording_a_native_speaker_misreads_is_gone(texts: Texts, lang: str, misread: str):
    found = [
        key for key, entry in texts.entries[lang].items() if misread in f"{entry.text}\n{entry.sms or ''}"
    ]
    assert found == []


@pytest.mark.parametrize(
    "topic",
    ["benefits_family", "psych_info", "children_support", "legal_help", "release_preparation", "employment",
     "probation"],
)  # fmt: skip
def test_a_topic_the_prison_does_not_decide_says_so_when_a_prison_is_named(texts: Texts, topic: str):
    """'a ja viņš ir Olainē?' after the benefits answer got 'ask the prison itself' (followup.nothing_known),
    though benefits come from the municipality and VSAA: a call to the prison for nothing."""
    assert texts.has(f"followup.{topic}.same")
    for lang in texts.languages:
        assert texts.entry(f"followup.{topic}.same", lang).source, lang


@pytest.mark.parametrize("name", ["facts.md", "prisons.csv"])
def test_the_projects_copy_of_the_knowledge_files_is_current(name: str):
    """The copy the tests above read is the team's file, not an older one (checked where both exist)."""
    if not SHARED.exists():
        pytest.skip("shared/knowledge is not beside the project")
    assert (KNOWLEDGE / name).read_bytes() == (SHARED / name).read_bytes()


# the "helpline's service terms" were cited beside facts that the families' leaflet (004) holds; no such
# document exists where a relative, or a reviewer, could read it (facts audit 2)
UNPUBLISHED = ("pakalpojuma noteikumi", "условия службы", "service terms")


def test_every_source_shown_to_a_relative_is_one_they_could_read(texts: Texts):
    cited = [
        f"{lang}:{key}"
        for lang, table in texts.entries.items()
        for key, entry in table.items()
        if entry.source and any(name in entry.source for name in UNPUBLISHED)
    ]
    assert cited == []
