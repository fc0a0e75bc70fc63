"""The deterministic layer that runs before the model: crisis wording, buttons, commands, language names.

Crisis is checked first and wins over everything, because a missed cry for help costs far more
than a wrong menu; its lexicon is tuned for recall. Buttons and Telegram commands are exact, so a
model should never get a chance to misread them. The words themselves live in `rules.yml`.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path

import yaml

from nlu.normalize import Token, normalize, tokenize
from nlu.parse import FALLBACK, LANGUAGES, Entity
from nlu.phrases import PhraseMatcher
from nlu.taxonomy import INTENTS

RULES_FILE = Path(__file__).with_name("rules.yml")
CRISIS = "crisis"
CRISIS_KIND = "crisis_kind"  # an entity on a crisis parse: prisoner_at_risk or violence (rules.yml)
_PAYLOAD_RE = re.compile(r"^/(?P<name>[A-Za-z_][A-Za-z0-9_]*)(?:@\w+)?(?P<rest>.*)$", re.DOTALL)
_SHORT_SWITCH = 3  # "in English please": a bare language name is a request to switch
_VERB_SWITCH = 6  # "lūdzu rakstiet man krieviski": with a verb, a slightly longer message still is
_NO_TYPOS = 1_000  # a word length no word reaches: exceptions to the crisis phrases match exactly


@dataclass(frozen=True, slots=True)
class RuleMatch:
    intent: str
    rule: str  # which rule fired: crisis, payload, command, menu, language
    entities: tuple[Entity, ...] = ()


def _words(values: Iterable[str]) -> frozenset[str]:
    return frozenset(normalize(v) for v in values if normalize(v))


class Rules:
    """Compiled rules; build once with `Rules.load()` and share (matching is read-only)."""

    def __init__(self, config: Mapping[str, object], extra_intents: Iterable[str] = ()) -> None:
        self._intents = frozenset(INTENTS) | frozenset(extra_intents)
        commands = config.get("commands")
        if not isinstance(commands, dict):
            raise ValueError("rules: `commands` must be a mapping")
        self._commands = {str(k).lower(): str(v) for k, v in commands.items()}
        self._menu = _words(_strings(config, "menu_words"))
        self._yes = _words(_strings(config, "yes_words"))
        self._hesitation = _words(_strings(config, "hesitation_words"))
        self._what_else = _words(_strings(config, "what_else"))
        self._greetings = PhraseMatcher(_strings(config, "greetings"), max_gap=0)
        self._farewells = PhraseMatcher(_strings(config, "farewells"), max_gap=0)
        feelings = config.get("feelings_emoji", {})
        if not isinstance(feelings, dict) or not set(feelings) <= self._intents:
            raise ValueError("rules: `feelings_emoji` must map intents to emoji")
        self._feelings = tuple((str(intent), tuple(_strings(feelings, intent))) for intent in feelings)
        self._filler = _words(_strings(config, "filler_words"))
        switch = config.get("language_switch")
        if not isinstance(switch, dict):
            raise ValueError("rules: `language_switch` must be a mapping")
        names = switch.get("names", {})
        self._language_names: dict[str, list[tuple[tuple[str, ...], str]]] = {}
        for lang in LANGUAGES:
            for name in names.get(lang, []):
                phrase = tuple(normalize(name).split())
                self._language_names.setdefault(phrase[0], []).append((phrase, lang))
        for candidates in self._language_names.values():
            candidates.sort(key=lambda item: -len(item[0]))
        self._verbs = _words(_strings(switch, "verbs"))
        self._not_words = _words(_strings(switch, "not_words"))
        self._knowing = _words(_strings(switch, "knowing"))
        self._not_knowing = _words(_strings(switch, "not_knowing"))
        self._blockers = tuple(normalize(b) for b in _strings(switch, "blockers"))
        crisis = config.get("crisis")
        if not isinstance(crisis, dict):
            raise ValueError("rules: `crisis` must be a mapping")
        phrases = [p for lang in LANGUAGES for p in crisis.get("phrases", {}).get(lang, [])]
        max_gap = int(crisis.get("max_gap", 3))
        self._crisis = PhraseMatcher(phrases, max_gap=max_gap)
        # the exceptions match only as written, words side by side: a typo tolerated there could turn a
        # misspelt crisis word into an exception's word, and words between could be a crisis wording
        self._not_crisis = PhraseMatcher(_strings(crisis, "not_crisis"), max_gap=0, fuzzy_min_len=_NO_TYPOS)
        self._after_crisis = PhraseMatcher(_strings(crisis, "after_crisis"), max_gap=max_gap)
        self._taking_the_advice = PhraseMatcher(_strings(crisis, "taking_the_advice"), max_gap=0)
        # words side by side only: with words between, "nevajag robotu, vajag cilvēku" read as leaving
        self._leave_queue = PhraseMatcher(_strings(config, "leave_queue"), max_gap=0)
        no_longer = config.get("no_longer_needed", {})
        if not isinstance(no_longer, dict):
            raise ValueError("rules: `no_longer_needed` must be a mapping")
        self._thanks = _words(_strings(no_longer, "thanks"))
        self._no_longer_needed = _words(_strings(no_longer, "phrases"))
        self._how_long = _words(_strings(config, "asks_how_long"))
        kinds = config.get("crisis_kinds", {})
        if not isinstance(kinds, dict):
            raise ValueError("rules: `crisis_kinds` must be a mapping")
        kind_gap = int(kinds.get("max_gap", 8))
        self._crisis_kinds = tuple(
            (str(kind), PhraseMatcher(_strings(kinds, str(kind)), max_gap=kind_gap))
            for kind in kinds
            if kind != "max_gap"
        )

    @classmethod
    def load(cls, path: Path = RULES_FILE, extra_intents: Iterable[str] = ()) -> Rules:
        """Read and compile the rules file; `extra_intents` also become valid button payloads."""
        config = yaml.safe_load(path.read_text(encoding="utf-8"))
        if not isinstance(config, dict):
            raise ValueError(f"{path}: expected a mapping")
        return cls(config, extra_intents)

    def match(self, text: str, tokens: list[Token] | None = None) -> RuleMatch | None:
        """The rule that decides this message, or None to let the model decide."""
        tokens = tokenize(text) if tokens is None else tokens
        if self.crisis_phrase(tokens) is not None:
            return RuleMatch(CRISIS, "crisis")
        stripped = text.strip()
        if stripped.startswith("/"):
            return self._payload(stripped)
        if not tokens:
            felt = next(
                (intent for intent, emoji in self._feelings if any(e in stripped for e in emoji)), None
            )
            if felt is not None:
                return RuleMatch(felt, "feelings_emoji")
        if tokens and all(t.norm in self._hesitation for t in tokens):
            # "hmm" is no answer: not the yes the model read it as ("mhm" is one); filler words are not
            # dropped first, so "hmm, ok" is still the model's
            return RuleMatch(FALLBACK, "hesitation")
        content = [t for t in tokens if t.norm not in self._filler]
        if self._only_menu_words(content):
            return RuleMatch("help", "menu")
        if content and " ".join(t.norm for t in content) in self._yes:
            return RuleMatch("affirm", "yes")  # "gribu", "vajag", "sure, why not": a whole message only
        if content and " ".join(t.norm for t in content) in self._what_else:
            return RuleMatch("help", "what_else")  # "and?", "и?", "kas vēl?": never hard feelings or a crisis
        if self._greeting_then_farewell(content):
            return RuleMatch("goodbye", "farewell")
        language = self.language_mention(text, tokens)
        if language is not None and self._asks_to_switch(content):
            return RuleMatch("change_language", "language", (language,))
        if language is None and self._refused_language(text, tokens) and self._asks_to_switch(content):
            return RuleMatch("change_language", "language_refused")  # which one, then, is asked
        return None

    def after_greeting(self, text: str, tokens: list[Token] | None = None) -> str | None:
        """The words after an opening greeting ("Sveiki, kā var pieteikt tikšanos?" -> "kā var pieteikt
        tikšanos?"), or None when the message does not open with one or is nothing but greetings."""
        tokens = tokenize(text) if tokens is None else tokens
        end = _run(self._greetings, [t.norm for t in tokens], 0)
        if end == 0 or end >= len(tokens):
            return None
        return text[tokens[end].start :]

    def _greeting_then_farewell(self, content: list[Token]) -> bool:
        """Greetings, then farewells, and nothing else ("Привет, пока", "Hi, bye", "Sveiki, atā")."""
        words = [t.norm for t in content]
        greeted = _run(self._greetings, words, 0)
        return 0 < greeted < len(words) and _run(self._farewells, words, greeted) == len(words)

    def crisis_phrase(self, tokens: list[Token] | str) -> str | None:
        """The crisis phrase found in the text (for logs and tests), or None."""
        if isinstance(tokens, str):
            tokens = tokenize(tokens)
        words = [t.norm for t in tokens]
        for found in self._not_crisis.find_all(words):
            # blanked, not removed, so the words around keep their distance for the crisis phrases
            words[found.start : found.end] = [""] * (found.end - found.start)
        return self._crisis.find(words)

    def asks_for_menu(self, text: str) -> bool:
        """Only a menu word ("izvēlne", "меню", "menu"), as the rules read it; not "can you help me?"."""
        return self._only_menu_words([t for t in tokenize(text) if t.norm not in self._filler])

    def _only_menu_words(self, content: list[Token]) -> bool:
        return bool(content) and " ".join(t.norm for t in content) in self._menu

    def leave_queue_phrase(self, text: str) -> str | None:
        """Asking to leave the coordinators' queue in one's own words; never when a crisis is said too."""
        tokens = tokenize(text)
        if self.crisis_phrase(tokens) is not None:
            return None
        return self._leave_queue.find([t.norm for t in tokens])

    def no_longer_needed(self, text: str) -> bool:
        """Saying, in a whole message, that the coordinator is no longer needed ("paldies, vairs nevajag",
        "уже не надо", "never mind, I'm fine now"); never when a crisis is said too. The words are only
        this when the person waits for a coordinator: the caller asks only then."""
        tokens = tokenize(text)
        if self.crisis_phrase(tokens) is not None:
            return False
        content = [t.norm for t in tokens if t.norm not in self._filler and t.norm not in self._thanks]
        return bool(content) and " ".join(content) in self._no_longer_needed

    def asks_how_long(self, text: str) -> bool:
        """Asking, in a whole message, how long the wait for a coordinator is ("cik ilgi vēl jāgaida?",
        "сколько ещё ждать?", "how long?"); never when a crisis is said too. Only the person waiting asks
        this: the caller asks only then ("how long?" after the visits answer is the long visits)."""
        tokens = tokenize(text)
        if self.crisis_phrase(tokens) is not None:
            return False
        content = [t.norm for t in tokens if t.norm not in self._filler]
        return bool(content) and " ".join(content) in self._how_long

    def crisis_kind(self, tokens: list[Token] | str) -> Entity | None:
        """Which crisis a crisis message is about, when its words say (`crisis_kinds`), as an entity."""
        if isinstance(tokens, str):
            tokens = tokenize(tokens)
        words = [t.norm for t in tokens]
        for kind, matcher in self._crisis_kinds:
            if matcher.find(words) is not None:
                return Entity(CRISIS_KIND, kind, 0, 0)
        return None

    def after_crisis_phrase(self, text: str) -> str | None:
        """Wording that, from someone already in crisis, is the crisis going on ("I'll do it anyway").

        Only the caller knows that the conversation is in crisis; on their own these words are ordinary
        ("I'll do it tomorrow"), so they are kept apart from the crisis phrases, which need no context.
        """
        words = [t.norm for t in tokenize(text)]
        if self._taking_the_advice.find(words) is not None:
            return None  # "labi, es tā arī izdarīšu – piezvanīšu uz 116123" is the advice taken
        return self._after_crisis.find(words)

    def language_mention(self, text: str, tokens: list[Token] | None = None) -> Entity | None:
        """A named language ("krieviski", "in English", "по-русски") as a `language` entity; not one named
        as the language the person does not know ("I don't speak Latvian, English please": English)."""
        tokens = tokenize(text) if tokens is None else tokens
        for start, end, lang in self._named_languages(tokens):
            if not self._not_known(text, tokens, start):
                return Entity(
                    "language",
                    lang,
                    tokens[start].start,
                    tokens[end].end,
                    text[tokens[start].start : tokens[end].end],
                )
        return None

    def _refused_language(self, text: str, tokens: list[Token]) -> bool:
        """Only a language the person does not know is named ("я не понимаю по-латышски")."""
        return any(self._not_known(text, tokens, start) for start, _, _ in self._named_languages(tokens))

    def _named_languages(self, tokens: list[Token]) -> list[tuple[int, int, str]]:
        norms = [t.norm for t in tokens]
        found: list[tuple[int, int, str]] = []
        for i, norm in enumerate(norms):
            if found and i <= found[-1][1]:
                continue  # "латышски" inside "по-латышски", already found from "по"
            for phrase, lang in self._language_names.get(norm, ()):
                if tuple(norms[i : i + len(phrase)]) == phrase:
                    found.append((i, i + len(phrase) - 1, lang))
                    break
        return found

    def _not_known(self, text: str, tokens: list[Token], i: int) -> bool:
        """The name at token `i` follows "not" (with at most a verb of knowing between) or a negated verb,
        in the same clause: "cannot understand, English please" still asks for English."""

        def joined(a: int, b: int) -> bool:  # no comma or full stop between tokens a and b
            return not re.search(r"[,.;:!?]", text[tokens[a].end : tokens[b].start])

        before = [t.norm for t in tokens[max(0, i - 2) : i]]
        if before and joined(i - 1, i):
            if before[-1] in self._not_words or before[-1] in self._not_knowing:
                return True
            if len(before) == 2 and before[-1] in self._knowing and before[0] in self._not_words:
                return joined(i - 2, i - 1)
        return False

    def _asks_to_switch(self, content: list[Token]) -> bool:
        if len(content) <= _SHORT_SWITCH:
            return True
        norms = [t.norm for t in content]
        if len(norms) > _VERB_SWITCH or not any(n in self._verbs for n in norms):
            return False
        return not any(n.startswith(b) for n in norms for b in self._blockers)

    def _payload(self, text: str) -> RuleMatch | None:
        found = _PAYLOAD_RE.match(text)
        if found is None:
            return None
        name = found.group("name")
        if name.lower() in self._commands:
            return RuleMatch(self._commands[name.lower()], "command")
        if name not in self._intents:
            return None
        return RuleMatch(name, "payload", _payload_entities(found.group("rest").strip()))


def _payload_entities(rest: str) -> tuple[Entity, ...]:
    """Rasa's payload syntax `/intent{"language": "ru"}` carries entities as a JSON object."""
    if not rest.startswith("{"):
        return ()
    try:
        data = json.loads(rest)
    except json.JSONDecodeError:
        return ()
    if not isinstance(data, dict):
        return ()
    return tuple(Entity(str(k), str(v), 0, 0) for k, v in data.items() if isinstance(v, str | int | float))


def _run(matcher: PhraseMatcher, words: list[str], start: int) -> int:
    """Where a run of the matcher's phrases, one right after another from `start`, ends ("hi, good
    morning, ..." are greetings one after another); `start` itself when none begins there."""
    end = start
    for found in matcher.find_all(words):
        if found.start == end:
            end = found.end
    return end


def _strings(config: Mapping[str, object], key: str) -> list[str]:
    value = config.get(key, [])
    if not isinstance(value, list):
        raise ValueError(f"rules: `{key}` must be a list")
    return [str(v) for v in value]


def rules_of(classifier: object) -> Rules:
    """The classifier's own compiled rules when it has them (the embedded one, Rasa's with its fallback),
    else the rules file: the pipeline and the Rasa backend then share one copy instead of compiling their
    own."""
    rules = getattr(classifier, "rules", None)
    return rules if isinstance(rules, Rules) else Rules.load()
