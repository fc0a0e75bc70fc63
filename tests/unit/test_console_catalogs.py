"""Every word of the console is in the Latvian and Russian catalogs, with the same placeholders and markup.

The strings are extracted with Babel exactly as scripts/console-messages.sh does (bot/console/babel.cfg:
N_() in the console's Python, _() and {% trans %} in its templates), so a new English string without a
translation fails here, not in front of a coordinator.
"""

from __future__ import annotations

import gettext
import re
from pathlib import Path

import pytest
from babel.messages.catalog import Catalog, Message
from babel.messages.extract import extract_from_dir
from babel.messages.frontend import parse_mapping_cfg
from babel.messages.pofile import read_po

from bot import analytics
from bot.console import i18n
from bot.console.operators import TABLE_TITLES
from bot.console.render import JS_TEXTS

CONSOLE = Path(i18n.__file__).parent
PLACEHOLDER = re.compile(r"%\((\w+)\)s")
TAG = re.compile(r"</?[a-z]+>")
# the same in Latvian as in English (a word both languages write alike)
SAME_IN_LV = {"video", "%(n)s min"}


def extracted() -> dict[str | tuple[str, str], list[str]]:
    """msgid (a pair for plurals) -> where it is used."""
    with (CONSOLE / "babel.cfg").open() as cfg:
        method_map, options_map = parse_mapping_cfg(cfg)
    found: dict[str | tuple[str, str], list[str]] = {}
    for filename, lineno, message, _comments, _context in extract_from_dir(
        str(CONSOLE),
        method_map,
        options_map,
        keywords={"_": None, "gettext": None, "ngettext": (1, 2), "N_": None},
    ):
        key = message if isinstance(message, str) else (message[0], message[1])
        found.setdefault(key, []).append(f"{filename}:{lineno}")
    return found


def catalog(language: str) -> Catalog:
    with i18n.po_path(language).open("rb") as po:
        return read_po(po, locale=language, domain=i18n.DOMAIN)


def _strings(message: Message) -> list[str]:
    return list(message.string) if isinstance(message.string, tuple) else [message.string]


def test_the_console_has_words_to_translate() -> None:
    found = extracted()
    assert len(found) > 200  # the templates and the Python were read (a broken mapping finds nothing)
    assert "Take over this conversation" in found and "Audit log" in found
    assert ("%(count)s day", "%(count)s days") in found
    assert set(JS_TEXTS.values()) <= set(found)  # console.js's words come from the Python side


@pytest.mark.parametrize("language", i18n.TRANSLATED)
def test_every_console_string_is_translated(language: str) -> None:
    translations = catalog(language)
    missing = []
    for msgid, where in extracted().items():
        message = translations.get(msgid[0] if isinstance(msgid, tuple) else msgid)
        if message is None or message.fuzzy or not all(_strings(message)):
            missing.append(f"{msgid!r} ({', '.join(where)})")
    assert not missing, (
        f"not translated in {language}.po: run scripts/console-messages.sh, then translate:\n"
        + ("\n".join(missing))
    )
    if language == "lv":
        plural = translations.get("%(count)s day")
        assert plural is not None and len(_strings(plural)) == translations.num_plurals == 3


@pytest.mark.parametrize("language", i18n.TRANSLATED)
def test_translations_keep_the_placeholders_and_add_no_markup(language: str) -> None:
    """Translations are trusted as HTML by the templates (jinja2.ext.i18n marks them safe): nothing in them
    may open a tag, end an attribute or start an entity that the English does not have."""
    for message in catalog(language):
        if not message.id:
            continue
        ids = [message.id] if isinstance(message.id, str) else list(message.id)
        wanted = set(PLACEHOLDER.findall(" ".join(ids)))
        for text in _strings(message):
            assert set(PLACEHOLDER.findall(text)) == wanted or (
                # a plural form may leave the number out ("one day"), never add a name
                isinstance(message.id, tuple) and set(PLACEHOLDER.findall(text)) <= wanted
            ), (message.id, text)
            assert sorted(TAG.findall(text)) == sorted(TAG.findall(ids[0])), (message.id, text)
            for risky in ('"', "<", ">"):
                assert text.count(risky) == ids[0].count(risky), (message.id, text, risky)
            assert re.sub(r"&[a-z]+;", "", text).count("&") == 0, (message.id, text)


def test_latvian_is_latvian() -> None:
    """Not English copied over, and written with Latvian letters (long vowels, soft consonants, š and ž)."""
    lv = catalog("lv")
    copied = [
        m.id for m in lv if m.id and isinstance(m.id, str) and m.string == m.id and m.id not in SAME_IN_LV
    ]
    assert not copied, copied
    texts = " ".join(s for m in lv if m.id for s in _strings(m))
    assert all(letter in texts for letter in "āēīūļņšž")
    assert lv.get("Queue").string == "Rinda"  # type: ignore[union-attr]
    assert lv.get("Take over this conversation").string == "Pārņemt sarunu"  # type: ignore[union-attr]
    assert lv.get("Hand back").string == "Atdot botam"  # type: ignore[union-attr]
    assert lv.get("Log out").string == "Iziet"  # type: ignore[union-attr]


def test_latvian_purpose_clauses_take_the_conditional() -> None:
    """A purpose clause with "lai" takes the conditional: "lai jūs to varētu nokopēt", never "lai varat to
    nokopēt"."""
    indicative = re.compile(r"\blai (?:\w+ ){0,2}(?:varu|vari|var|varam|varat)\b")
    wrong = [s for m in catalog("lv") if m.id for s in _strings(m) if indicative.search(s)]
    assert not wrong, wrong


@pytest.mark.parametrize("language", i18n.TRANSLATED)
def test_staff_read_about_the_bot_not_the_nlu(language: str) -> None:
    """Coordinators and operators know "the bot"; "NLU" is left only where it names a file format."""
    jargon = [
        s for m in catalog(language) if m.id for s in _strings(m) if "NLU" in s.replace("Rasa NLU YAML", "")
    ]
    assert not jargon, jargon


def test_latvian_words_agree_with_what_they_count() -> None:
    """Column headers of one table agree in gender: "pieprasījumi … atbildēti" (requests answered), and a
    queue reason says what the person did, in the past like its neighbours ("lūdza cilvēku", "lūdza
    atzvanīt")."""
    lv = catalog("lv")
    assert lv.get("requests").string == "pieprasījumi"  # type: ignore[union-attr]
    assert lv.get("answered").string == "atbildēti"  # type: ignore[union-attr]
    assert lv.get("asked for a person").string == "lūdza cilvēku"  # type: ignore[union-attr]
    assert lv.get("call-back requested").string == "lūdza atzvanīt"  # type: ignore[union-attr]


def test_the_loaded_catalogs_answer_in_each_language() -> None:
    catalogs = i18n.load_catalogs()
    assert catalogs.get("lv").gettext("Internal notes") == "Iekšējās piezīmes"
    assert catalogs.get("ru").gettext("Queue") == "Очередь"
    assert catalogs.get("en").gettext("Queue") == "Queue"
    assert catalogs.get("xx").gettext("Queue") == "Rinda"  # an unknown code: the default, Latvian
    day = ("%(count)s day", "%(count)s days")
    assert [catalogs.get("lv").ngettext(*day, n) for n in (1, 7, 21, 30)] == [
        "%(count)s diena",
        "%(count)s dienas",
        "%(count)s diena",
        "%(count)s dienas",
    ]
    assert [catalogs.get("ru").ngettext(*day, n) for n in (1, 3, 5, 21)] == [
        "%(count)s день",
        "%(count)s дня",
        "%(count)s дней",
        "%(count)s день",
    ]


@pytest.mark.parametrize("n", [0, 10, 11, 12, 15, 19, 20, 30, 90, 100, 111, 365])
def test_a_latvian_number_not_ending_in_1_takes_the_plural(n: int) -> None:
    """Only a number ending in 1 (but not 11) takes the singular: "1 diena", "21 diena", and every other
    one the nominative plural, "2 dienas", "11 dienas", "30 dienas" (not the genitive "30 dienu" that
    CLDR's "zero" form would give 0, 10–20, 30, …: a label reads it as half a phrase, "of 30 days")."""
    lv = i18n.load_catalogs().get("lv")
    for message in catalog("lv"):
        if isinstance(message.id, tuple):
            assert lv.ngettext(*message.id, n) == lv.ngettext(*message.id, 2), (message.id, n)
            assert lv.ngettext(*message.id, n) != lv.ngettext(*message.id, 1), (message.id, n)
            assert lv.ngettext(*message.id, 21) == lv.ngettext(*message.id, 1), message.id


def test_every_analytics_table_has_a_translated_title() -> None:
    assert set(TABLE_TITLES) == set(analytics.REPORTS)


@pytest.mark.parametrize("language", i18n.TRANSLATED)
def test_the_compiled_catalog_the_app_reads_says_what_the_po_says(language: str) -> None:
    """The app reads the .mo (no Babel in a worker): a .po edited without scripts/console-messages.sh
    compiling it would show the old words, or English, to the coordinators."""
    with i18n.mo_path(language).open("rb") as mo:
        compiled = gettext.GNUTranslations(mo)
    po = catalog(language)
    form_of = gettext.c2py(po.plural_expr)  # which plural form a number takes, by the .po's own rule
    stale = []
    for message in po:
        if not message.id or message.fuzzy:
            continue
        if isinstance(message.id, tuple):
            singular, plural = message.id
            forms = _strings(message)
            stale += [
                f"{singular!r} ({n})"
                for n in (1, 2, 5, 11, 21)
                if compiled.ngettext(singular, plural, n) != forms[form_of(n)]
            ]
        elif compiled.gettext(message.id) != message.string:
            stale.append(repr(message.id))
    assert not stale, f"{language}.mo is older than its .po: run scripts/console-messages.sh\n" + "\n".join(
        stale
    )
