"""Reads training and evaluation examples in Rasa's NLU YAML format, and raises on anything malformed.

Rasa warns and skips a bad block, which silently shrinks an intent; here a bad block stops the build
with the file and line, so whoever wrote it can fix it (principle 14 of the architecture).
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import yaml
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

from nlu.parse import LANGUAGES

YAML_SUFFIXES = (".yml", ".yaml")
# Blocks Rasa allows beside intents; they carry no examples of an intent, so they are read past.
_OTHER_BLOCKS = frozenset({"synonym", "regex", "lookup"})
_BLOCK_KEYS = frozenset({"intent", "examples", "metadata"})
_ENTITY_MARK_RE = re.compile(r"\[([^\]\n]+)\](?:\([^)\n]*\)|\{[^}\n]*\})")
_NAME_RE = re.compile(r"^[A-Za-z0-9_]+$")

LanguageGuess = Callable[[str], str | None]


class DataError(ValueError):
    """A malformed NLU data file; the message starts with file:line."""


@dataclass(frozen=True, slots=True)
class Example:
    text: str
    intent: str
    language: str | None


def strip_entity_marks(text: str) -> str:
    """`[Olainē](prison)` and `[rīt]{"entity": "time"}` → the marked words only, as a user types them."""
    return _ENTITY_MARK_RE.sub(r"\1", text)


def yaml_files(path: Path) -> list[Path]:
    """The YAML files under `path` (or `path` itself), in a stable order."""
    if path.is_file():
        return [path]
    if not path.is_dir():
        raise DataError(f"{path}: no such file or directory")
    return sorted(p for p in path.rglob("*") if p.is_file() and p.suffix in YAML_SUFFIXES)


def load_examples(path: Path, guess: LanguageGuess | None = None) -> list[Example]:
    """Every example in one Rasa NLU YAML file or a directory tree of them.

    The language is the folder name (lv/ru/en) or a language code in the file name; otherwise
    `guess` (default: `nlu.language.guess_language` without a trained model) decides per example.
    """
    if guess is None:
        from nlu.language import guess_language

        guess = guess_language
    examples: list[Example] = []
    for file in yaml_files(path):
        language = language_of_file(file)
        for text, intent in _read_file(file):
            examples.append(Example(text, intent, language or guess(text)))
    return examples


def language_of_file(file: Path) -> str | None:
    """lv/ru/en from the parent folder, else from a code in the file name (`eval_ru.yml`)."""
    if file.parent.name in LANGUAGES:
        return file.parent.name
    parts = set(re.split(r"[^a-z]+", file.stem.lower()))
    found = [lang for lang in LANGUAGES if lang in parts]
    return found[0] if len(found) == 1 else None


def data_fingerprint(path: Path) -> str:
    """A hash of the names and bytes of every data file, so a cached model knows when it is stale."""
    digest = hashlib.sha256()
    root = path if path.is_dir() else path.parent
    for file in yaml_files(path):
        digest.update(file.relative_to(root).as_posix().encode())
        digest.update(b"\0")
        digest.update(file.read_bytes())
        digest.update(b"\0")
    return digest.hexdigest()


def _where(file: Path, node: Node) -> str:
    return f"{file}:{node.start_mark.line + 1}"


def _read_file(file: Path) -> Iterator[tuple[str, str]]:
    try:
        root = yaml.compose(file.read_text(encoding="utf-8"), Loader=yaml.SafeLoader)
    except yaml.MarkedYAMLError as exc:
        line = exc.problem_mark.line + 1 if exc.problem_mark else 0
        raise DataError(f"{file}:{line}: not valid YAML: {exc.problem}") from None
    except UnicodeDecodeError as exc:
        raise DataError(f"{file}:0: not UTF-8: {exc}") from None
    if root is None:
        return
    if not isinstance(root, MappingNode):
        raise DataError(f"{_where(file, root)}: expected a mapping with an `nlu:` list")
    for key, value in root.value:
        if key.value != "nlu":
            continue
        if not isinstance(value, SequenceNode):
            raise DataError(f"{_where(file, value)}: `nlu:` must be a list of blocks")
        for block in value.value:
            yield from _read_block(file, block)


def _read_block(file: Path, block: Node) -> Iterator[tuple[str, str]]:
    if not isinstance(block, MappingNode):
        raise DataError(f"{_where(file, block)}: each `nlu:` item must be a mapping (`- intent: NAME`)")
    fields = {k.value: v for k, v in block.value if isinstance(k, ScalarNode)}
    if fields.keys() & _OTHER_BLOCKS:
        return
    if "intent" not in fields:
        raise DataError(f"{_where(file, block)}: block has no `intent:` (keys: {sorted(fields)})")
    unknown = fields.keys() - _BLOCK_KEYS
    if unknown:
        raise DataError(f"{_where(file, block)}: unknown key(s) {sorted(unknown)} in intent block")
    name_node = fields["intent"]
    name = name_node.value if isinstance(name_node, ScalarNode) else None
    if not isinstance(name, str) or not _NAME_RE.match(name):
        raise DataError(f"{_where(file, name_node)}: bad intent name {name!r}")
    if "examples" not in fields:
        raise DataError(f"{_where(file, block)}: intent {name!r} has no `examples:`")
    count = 0
    for text in _read_examples(file, fields["examples"]):
        count += 1
        yield text, name
    if count == 0:
        raise DataError(f"{_where(file, fields['examples'])}: intent {name!r} has no examples")


def _read_examples(file: Path, node: Node) -> Iterator[str]:
    if isinstance(node, ScalarNode):
        first_line = node.start_mark.line + 2 if node.style in ("|", ">") else node.start_mark.line + 1
        for offset, raw in enumerate(str(node.value).splitlines()):
            line = raw.strip()
            if not line:
                continue
            if not line.startswith("- ") or not line[2:].strip():
                where = f"{file}:{first_line + offset}"
                raise DataError(f"{where}: example must be a line `- text`, got {line!r}")
            yield strip_entity_marks(line[2:].strip())
        return
    if isinstance(node, SequenceNode):  # the long form: `- text: ...` with optional metadata
        for item in node.value:
            fields = {k.value: v for k, v in item.value} if isinstance(item, MappingNode) else {}
            text = fields.get("text")
            if not isinstance(text, ScalarNode) or not str(text.value).strip():
                raise DataError(f"{_where(file, item)}: example must be `- text: ...`")
            yield strip_entity_marks(str(text.value).strip())
        return
    raise DataError(f"{_where(file, node)}: `examples:` must be a `|` block of `- text` lines")
