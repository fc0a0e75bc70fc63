"""Dates in booking texts read grammatically on every weekday, in every language.

A date placeholder is rendered in the nominative ("trešdiena, 25. novembris", "среда, 25 ноября"). After a
preposition or a verb that governs another case ("на", "до", "uz", "līdz", "Pieteikt …") it would be wrong,
so every text must introduce a date as a label (after ": ") or in parentheses. One template serves all seven
weekdays, so each is rendered for a whole week: "на понедельник" looks right, "на среда" shows the fault.
"""

from __future__ import annotations

import re
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from flows.booking_text import day_label, day_short, moment_label, session_params
from flows.ports import BookingInfo
from flows.texts import Texts

RIGA = ZoneInfo("Europe/Riga")
MONDAY = date(2026, 11, 23)
WEEK = [MONDAY + timedelta(days=n) for n in range(7)]
# the pieces a date is built from, and the date formats themselves: not sentences of their own
FRAGMENT = re.compile(
    r"booking\.(weekday|wd|month|mode|how|lang)\.|booking\.(date|date_short|moment|counsellor)$"
    r"|\.words$"  # words that, typed, pick a button (Texts.answers_to): a list, not a message
)
# what may stand right before a nominative date: a label's colon or an opening parenthesis;
# English has no cases and capitalises weekdays, but the preposition must fit ("on Wednesday", not "at")
ALLOWED_BEFORE = {
    "lv": re.compile(r"(: |\()$"),
    "ru": re.compile(r"(: |\()$"),
    "en": re.compile(r"(^|: |\(|\bon |\buntil |\bto )$"),
}
# texts whose {date} is the short form of the buttons, as booking_steps.offer_slots fills it
SHORT_DATE = {"booking.button.slot"}
KNOWN_BAD = {
    "lv": (
        "Pieteikt trešdiena",
        "līdz pirmdiena",
        "uz ceturtdiena",
        "konsultāciju piektdiena",
        "novembris, plkst. 14:00 jums",
    ),
    "ru": ("на среда", "на пятница", "на суббота", "до среда", "консультацию среда", "ноября, в 14:00 у вас"),
    "en": ("at Wednesday",),
}


@pytest.fixture(scope="module")
def texts() -> Texts:
    return Texts.load()


def _params(texts: Texts, lang: str, day: date, *, mode: str = "in_person") -> dict[str, str]:
    """Every placeholder a booking text can get, for a session at 14:00 on `day`, as the flows build them."""
    starts = datetime.combine(day, datetime.min.time(), RIGA).replace(hour=14)
    until = starts - timedelta(hours=24)
    info = BookingInfo(1, "Anna Demo", ("lv", "ru"), starts, mode, "Demo iela 1, Rīga", until)
    params = session_params(texts, lang, info, RIGA, until, now=until - timedelta(days=2), cutoff_hours=24)
    old = moment_label(texts, lang, starts + timedelta(days=1), RIGA)
    return {
        **params,
        "asked": moment_label(texts, lang, starts, RIGA),
        "old": old,
        "short_date": day_short(texts, lang, day),
        "left": "3",
        "limit": "5",
        "hours": "24",
        "initial": "A",
    }


def _rendered(texts: Texts, lang: str, day: date) -> list[tuple[str, str]]:
    """(key, text) of every text and SMS variant of the language that takes only these placeholders."""
    params = _params(texts, lang, day)
    out: list[tuple[str, str]] = []
    for key, entry in texts.entries[lang].items():
        if FRAGMENT.search(key) or not entry.placeholders() <= params.keys():
            continue
        these = {**params, "date": params["short_date"]} if key in SHORT_DATE else params
        out.append((key, texts.render(key, lang, these)))
        if entry.sms:
            out.append((f"{key} (sms)", texts.render(key, lang, these, sms=True)))
    return out


def _misplaced(texts: Texts, lang: str, text: str) -> list[str]:
    """Each nominative weekday in `text` that follows anything but a label's colon or a parenthesis."""
    # any weekday: the cut-off ({until}) and the previous time ({old}) fall on other days than the session
    names = "|".join(re.escape(texts.render(f"booking.weekday.{n}", lang)) for n in range(1, 8))
    return [
        f"…{text[max(0, m.start() - 30) : m.end() + 20]}…"
        for m in re.finditer(rf"(?<!\w)({names})(?!\w)", text)
        if not ALLOWED_BEFORE[lang].search(text[max(0, m.start() - 10) : m.start()])
    ]


def _misplaced_dates(texts: Texts, lang: str, day: date) -> list[str]:
    return [
        f"{key}: {bad}" for key, text in _rendered(texts, lang, day) for bad in _misplaced(texts, lang, text)
    ]


@pytest.mark.parametrize("lang", ["lv", "ru", "en"])
@pytest.mark.parametrize("day", WEEK, ids=[d.strftime("%a") for d in WEEK])
def test_a_date_is_never_put_after_a_word_that_needs_another_case(texts: Texts, lang: str, day: date):
    assert _misplaced_dates(texts, lang, day) == []


@pytest.mark.parametrize("lang", ["lv", "ru", "en"])
def test_the_known_bad_forms_do_not_appear_on_any_weekday(texts: Texts, lang: str):
    rendered = [(k, t) for day in WEEK for k, t in _rendered(texts, lang, day)]
    assert len({k for k, _ in rendered}) > 20  # the booking texts really are rendered, with their dates
    for bad in KNOWN_BAD[lang]:
        assert [k for k, t in rendered if bad.casefold() in t.casefold()] == [], bad


def test_the_check_catches_a_nominative_date_after_a_preposition_or_verb(texts: Texts):
    """The rule itself, on the old wordings: they are caught, a label or a parenthesis is not."""
    wednesday = MONDAY + timedelta(days=2)
    ru, lv = day_label(texts, "ru", wednesday), day_label(texts, "lv", wednesday)
    assert _misplaced(texts, "ru", f"Записать вас на {ru}, 14:00?") != []
    assert _misplaced(texts, "ru", f"Можно до {ru}, 14:00.") != []
    assert _misplaced(texts, "lv", f"Pieteikt {lv}, plkst. 14:00?") != []
    assert _misplaced(texts, "lv", f"Pārcelt uz {lv}, plkst. 14:00?") != []
    assert _misplaced(texts, "ru", f"Ваш выбор: {ru}, 14:00.") == []
    assert _misplaced(texts, "lv", f"Vai tiešām atcelt konsultāciju ({lv}, plkst. 14:00)?") == []


@pytest.mark.parametrize("lang", ["lv", "ru", "en"])
def test_no_booking_message_starts_with_a_lowercase_date(texts: Texts, lang: str):
    for day in WEEK:
        for key, text in _rendered(texts, lang, day):
            assert not text[:1].islower(), f"{key}: {text!r}"


@pytest.mark.parametrize("lang", ["lv", "ru", "en"])
def test_the_psychologist_answer_names_the_buttons_it_offers(texts: Texts, lang: str):
    """Booking is self-service: the answer points to the "book" button and to a person, by their labels."""
    answer = texts.render("faq.psych_info", lang)
    assert texts.label("button.book_counselling", lang) in answer
    assert texts.label("button.human_handoff", lang) in answer
