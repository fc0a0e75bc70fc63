"""Loads the per-language text files and renders replies; malformed content raises, naming the file."""

from __future__ import annotations

import functools
import re
import string
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

import yaml

from flows.state import ButtonSpec, Reply
from nlu.normalize import normalize

TEXTS_DIR = Path(__file__).parent / "texts"
DEFAULT_LANG = "lv"
SOURCE_KEY = "meta.source"  # template of the line that cites a factual answer's source
_FIELD = re.compile(r"\{([a-z_]+)\}")
_ANSWERS_CACHED = 4096
ENGLISH = "en"
PRISON_PREFIX = "prison."  # a prison's name (flows/texts/*.prisons.yml), put into other texts as {prison}
# Latvian letters with marks, and the plain letters an English SMS writes instead (`Texts.render`, sms=True)
_LATVIAN_MARKS = str.maketrans("āčēģīķļņšūžĀČĒĢĪĶĻŅŠŪŽ", "acegiklnsuzACEGIKLNSUZ")
WORDS_SUFFIX = ".words"  # `<label key>.words`: what else, typed, picks that button ("telefons", "лично")


class ContentError(Exception):
    """A text file is malformed; the message names the file and the key."""


@dataclass(frozen=True, slots=True)
class TextEntry:
    text: str
    sms: str | None = None
    source: str | None = None
    checked: date | None = None

    def placeholders(self) -> set[str]:
        found = set(_FIELD.findall(self.text))
        if self.sms:
            found |= set(_FIELD.findall(self.sms))
        return found


def _entry(path: Path, key: str, raw: Any) -> TextEntry:
    if isinstance(raw, str):
        return TextEntry(text=raw.strip())
    if not isinstance(raw, dict) or not isinstance(raw.get("text"), str):
        raise ContentError(f"{path}: key {key!r} needs a string or a mapping with 'text'")
    unknown = set(raw) - {"text", "sms", "source", "checked"}
    if unknown:
        raise ContentError(f"{path}: key {key!r} has unknown fields {sorted(unknown)}")
    checked = raw.get("checked")
    if checked is not None and not isinstance(checked, date):
        try:
            checked = date.fromisoformat(str(checked))
        except ValueError as exc:
            raise ContentError(f"{path}: key {key!r}: 'checked' must be YYYY-MM-DD") from exc
    sms = raw.get("sms")
    return TextEntry(
        text=raw["text"].strip(),
        sms=sms.strip() if isinstance(sms, str) else None,
        source=str(raw["source"]).strip() if raw.get("source") else None,
        checked=checked,
    )


class Texts:
    """Every user-facing sentence, per language; lv is the fallback for a key missing elsewhere."""

    def __init__(self, entries: dict[str, dict[str, TextEntry]]) -> None:
        self.entries = entries
        # (key, params) -> answers_to: the words are the same every time a button is offered
        self._answers: dict[tuple[str, tuple[tuple[str, str], ...]], tuple[str, ...]] = {}
        # per language, a prison's full name -> its SMS name, for a name put into an SMS (`render`)
        self._sms_names = {
            lang: {e.text: e.sms for key, e in table.items() if key.startswith(PRISON_PREFIX) and e.sms}
            for lang, table in entries.items()
        }

    @classmethod
    def load(cls, directory: Path = TEXTS_DIR) -> Texts:
        """Read `{lang}.yml` and any `{lang}.{topic}.yml` (one file per topic keeps edits apart)."""
        entries: dict[str, dict[str, TextEntry]] = {}
        for path in sorted(directory.glob("*.yml")):
            try:
                doc = yaml.safe_load(path.read_text(encoding="utf-8"))
            except yaml.YAMLError as exc:
                raise ContentError(f"{path}: {exc}") from exc
            if not isinstance(doc, dict) or not isinstance(doc.get("texts"), dict):
                raise ContentError(f"{path}: expected a mapping with 'language' and 'texts'")
            lang = str(doc.get("language") or path.name.split(".")[0])
            table = entries.setdefault(lang, {})
            for key, raw in doc["texts"].items():
                if str(key) in table:
                    raise ContentError(f"{path}: key {key!r} is defined twice for {lang}")
                table[str(key)] = _entry(path, str(key), raw)
        if DEFAULT_LANG not in entries:
            raise ContentError(f"{directory}: no {DEFAULT_LANG}.yml")
        return cls(entries)

    @property
    def languages(self) -> tuple[str, ...]:
        return tuple(sorted(self.entries))

    def has(self, key: str) -> bool:
        return key in self.entries[DEFAULT_LANG]

    def entry(self, key: str, lang: str) -> TextEntry:
        table = self.entries.get(lang) or self.entries[DEFAULT_LANG]
        found = table.get(key) or self.entries[DEFAULT_LANG].get(key)
        if found is None:
            raise KeyError(key)
        return found

    def render(self, key: str, lang: str, params: dict[str, str] | None = None, *, sms: bool = False) -> str:
        entry = self.entry(key, lang)
        template = entry.sms if sms and entry.sms else entry.text
        values = dict(params or {})
        if sms:
            # a prison's SMS name where it has one: the Russian name of Cēsis with the official one in
            # brackets made the contacts note three segments, as did six other prisons (QA, SMS pass)
            short = self._sms_names.get(lang, {})
            values = {name: short.get(value, value) for name, value in values.items()}
        if sms and lang == ENGLISH:
            # a Latvian name put into an English SMS ("Riga Central Prison (Rīgas Centrālcietums)", a
            # psychologist's name) made the whole SMS UCS-2: 134 characters for two segments instead of 306,
            # and three segments for the contacts note (QA, SMS pass); English SMS write them without marks
            values = {name: value.translate(_LATVIAN_MARKS) for name, value in values.items()}
        text = string.Formatter().vformat(template, (), values)
        if entry.source and not sms:
            when = entry.checked.strftime("%d.%m.%Y") if entry.checked else "?"
            text += "\n\n" + self.render(SOURCE_KEY, lang, {"source": entry.source, "checked": when})
        return text

    def plain(self, key: str, lang: str) -> str:
        """A name or phrase to put into another text (a prison's name): its text alone, without the source
        line that `render` adds, which would land in the middle of the sentence."""
        return self.entry(key, lang).text

    def sms_variant(self, key: str, lang: str, params: dict[str, str] | None = None) -> str | None:
        """The text's own SMS wording, or None when it has none (the SMS then renders the text)."""
        return self.render(key, lang, params, sms=True) if self.entry(key, lang).sms else None

    def render_reply(self, reply: Reply, lang: str, *, sms: bool = False) -> str:
        return self.render(reply.key, lang, reply.params, sms=sms)

    def label(self, key: str, lang: str, params: dict[str, str] | None = None) -> str:
        return self.render(key, lang, params)

    def answers_to(self, button: ButtonSpec) -> tuple[str, ...]:
        """What typed words pick this button, normalised: its label in every language (SMS form too)
        and the extra words of `<key>.words`.

        People type the button they see ("Pa tālruni") or say it their way ("po telefonu"); the model
        read such words as other topics and the booking was lost (QA).
        """
        cache_key = (button.key, tuple(sorted(button.params.items())))
        cached = self._answers.get(cache_key)
        if cached is not None:
            return cached
        found: list[str] = []
        for lang in self.languages:
            found.append(self.label(button.key, lang, button.params))
            found.append(self.render(button.key, lang, button.params, sms=True))
            if self.has(button.key + WORDS_SUFFIX):
                found.extend(self.render(button.key + WORDS_SUFFIX, lang).split("|"))
        answers = tuple(dict.fromkeys(word for word in map(normalize, found) if word))
        if len(self._answers) < _ANSWERS_CACHED:  # times' labels vary with their params: keep it bounded
            self._answers[cache_key] = answers
        return answers

    def parity_problems(self) -> list[str]:
        """Keys or placeholders that differ between languages (for tests and start-up)."""
        problems: list[str] = []
        base = self.entries[DEFAULT_LANG]
        for lang, table in self.entries.items():
            only_one = sorted(set(base) ^ set(table))
            problems.extend(f"{lang}: key {key!r} only in one of {DEFAULT_LANG}/{lang}" for key in only_one)
            for key in sorted(set(base) & set(table)):
                if base[key].placeholders() != table[key].placeholders():
                    problems.append(f"{lang}: placeholders of {key!r} differ from {DEFAULT_LANG}")
                if bool(base[key].source) != bool(table[key].source):
                    problems.append(f"{lang}: source of {key!r} present in only one of {DEFAULT_LANG}/{lang}")
        return problems


@functools.cache
def default_texts() -> Texts:
    """The shipped texts, read once: for callers whose context brings none (tests, tools)."""
    return Texts.load()
