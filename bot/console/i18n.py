"""The console's own words in Latvian, English and Russian, chosen per staff member: gettext catalogs.

The coordinators work in Latvian, so Latvian is the default for every new account; each staff member can
switch (bot.console.language), and the choice is kept on their account (`staff.language`), so it follows
them to any computer. English is the source language: the msgids are the English wording, and the lv and
ru translations are `locale/{lv,ru}/LC_MESSAGES/console.po`.

Each .po is compiled to a .mo beside it (scripts/console-messages.sh, with Babel), and the app reads the
.mo files with the standard library's gettext when it starts. Babel is not imported by a running worker:
it, the locale data it loads and the parsed catalogs cost 2 MB per worker, measured against the goal of
150 MB (bench/load). tests/unit/test_console_catalogs.py extracts every marked string with Babel and fails
when lv or ru lacks one, and when a .mo does not say what its .po says (a .po edited without compiling).

Only the console's own wording is translated: what people wrote, the intents' names, channel names and
language codes are shown as they are.
"""

from __future__ import annotations

import gettext
from collections.abc import Mapping
from pathlib import Path

from aiohttp import web

LANGUAGES = ("lv", "en", "ru")
DEFAULT_LANGUAGE = "lv"
SOURCE_LANGUAGE = "en"  # the msgids themselves: no catalog
TRANSLATED = ("lv", "ru")
# each language in its own words, for the switch in the header
NAMES = {"lv": "Latviešu", "en": "English", "ru": "Русский"}
DOMAIN = "console"
LOCALE_DIR = Path(__file__).parent / "locale"
# remembers the last language used on this browser, for the login page only (before anyone is signed in)
LANGUAGE_COOKIE = "helpline_console_lang"


def N_(message: str) -> str:
    """Marks a msgid where it is defined (Babel extracts N_); it is translated where it is shown."""
    return message


def known(value: object) -> str | None:
    """The language code if it is one the console speaks, else None."""
    return value if isinstance(value, str) and value in LANGUAGES else None


def po_path(language: str, directory: Path = LOCALE_DIR) -> Path:
    return directory / language / "LC_MESSAGES" / f"{DOMAIN}.po"


def mo_path(language: str, directory: Path = LOCALE_DIR) -> Path:
    return po_path(language, directory).with_suffix(".mo")


def _read(path: Path) -> gettext.GNUTranslations:
    with path.open("rb") as mo:
        return gettext.GNUTranslations(mo)


class Catalogs:
    """One gettext translations object per console language; an unknown code gets the default's."""

    def __init__(self, translations: Mapping[str, gettext.NullTranslations]) -> None:
        self._translations = dict(translations)

    def get(self, language: str | None) -> gettext.NullTranslations:
        return self._translations.get(language or DEFAULT_LANGUAGE) or self._translations[DEFAULT_LANGUAGE]


def load_catalogs(directory: Path = LOCALE_DIR) -> Catalogs:
    found: dict[str, gettext.NullTranslations] = {SOURCE_LANGUAGE: gettext.NullTranslations()}
    for language in TRANSLATED:
        found[language] = _read(mo_path(language, directory))
    return Catalogs(found)


def login_language(request: web.Request) -> str:
    """Before sign-in: ?lang= on the login page, else this browser's last choice, else Latvian."""
    return known(request.query.get("lang")) or known(request.cookies.get(LANGUAGE_COOKIE)) or DEFAULT_LANGUAGE
