"""The default NLU backend: rules, then the model, then the confidence check, then entities and language.

It runs in-process (no server), answers in about a millisecond, and trains itself from
`nlu/data` when the cached artefact is missing or was built from other data.
"""

from __future__ import annotations

import json
import logging
import time
from collections.abc import Callable
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

from nlu.entities import EntityExtractor
from nlu.language import LanguageModel, clear_language, guess_language
from nlu.model import FORMAT_VERSION, MODEL_JSON, IntentClassifier
from nlu.normalize import Token, tokenize
from nlu.parse import FALLBACK, GREET, Entity, IntentScore, Parse
from nlu.rules import CRISIS, Rules
from nlu.taxonomy import FEELING_LOW, OUT_OF_SCOPE
from nlu.yaml_data import data_fingerprint, load_examples

DEFAULT_DATA_DIR = Path(__file__).parent / "data"
DEFAULT_THRESHOLD = 0.35
DEFAULT_MARGIN = 0.0  # top-two margin below which the model is not trusted either
DEFAULT_CRISIS_FLOOR = 0.40  # the model's crisis probability that is enough, recall first
LANGUAGE_JSON = "language.json"
RANKING_SIZE = 10
CRISIS_BESIDE_FEELING_LOW = 0.2  # a crisis this likely next to hard feelings is taken as a crisis
SURE_AFTER_A_GREETING = 0.8  # what follows a sure greeting is read as a question only when it is clear
SURE_OF_ONE_WORD = 0.85  # "Labdien, vēstules" is about letters; "hi there" is not a request for a person
# below this, a message that opens with a greeting is also read without it ("Good day, parcels?" read as
# moving a session, 0.55, because of "day")
UNSURE_AFTER_GREETING = 0.7
HELP = "help"
GOODBYE = "goodbye"
ZONE = ZoneInfo("Europe/Riga")
# Emergency and crisis lines (facts.md): a message of digits alone is a crisis to the model only when it
# is one of these. The model learnt "116123" and "112" as crisis words, and their digits as character
# n-grams, so a phone number typed at the call-back's question ("26123456", 0.76) or "123" got the crisis
# block and a priority hand-off, and no call-back was saved (QA, eighth pass).
CRISIS_LINES = frozenset({"110", "112", "113", "116111", "116123"})
log = logging.getLogger(__name__)

Progress = Callable[[str], None]
# an intent, its confidence, the ranking and the entities found so far
_Decision = tuple[str, float, tuple[IntentScore, ...], list[Entity]]


class EmbeddedClassifier:
    """Implements `nlu.parse.Classifier`; build it with `load_classifier`."""

    def __init__(
        self,
        model: IntentClassifier,
        rules: Rules,
        entities: EntityExtractor,
        language_model: LanguageModel | None = None,
        *,
        threshold: float = DEFAULT_THRESHOLD,
        margin: float = DEFAULT_MARGIN,
        crisis_floor: float = DEFAULT_CRISIS_FLOOR,
        now: Callable[[], datetime] | None = None,
    ) -> None:
        self.model = model
        self.rules = rules
        self.entities = entities
        self.language_model = language_model
        self.threshold = threshold
        self.margin = margin
        self.crisis_floor = crisis_floor
        self._now = now or (lambda: datetime.now(ZONE))

    async def parse(self, text: str) -> Parse:
        return self.parse_sync(text)

    def parse_sync(self, text: str, hint: str | None = None) -> Parse:
        """Everything the flows need about one message; `hint` is the conversation's language."""
        tokens = tokenize(text)
        rule = self.rules.match(text, tokens)
        entities: list[Entity] = []
        if rule is not None:
            intent, confidence = rule.intent, 1.0
            ranking: tuple[IntentScore, ...] = (IntentScore(rule.intent, 1.0),)
            entities.extend(rule.entities)
        else:
            scores = self.model.predict(text, top=RANKING_SIZE)
            ranking = tuple(scores)
            intent, confidence = self._decide(scores)
            if intent == CRISIS and digits_without_a_crisis_line(tokens):
                intent = FALLBACK
            if intent in (GREET, FALLBACK) or confidence < UNSURE_AFTER_GREETING:
                intent, confidence, ranking, entities = self._after_greeting(
                    text, tokens, (intent, confidence, ranking, entities)
                )
        entities.extend(self.entities.extract(text, self._now(), tokens))
        if intent == "change_language" and not any(e.entity == "language" for e in entities):
            mention = self.rules.language_mention(text, tokens)
            if mention is not None:
                entities.append(mention)
        if intent == CRISIS:
            kind = self.rules.crisis_kind(tokens)  # also when the model, not a rule, found the crisis
            if kind is not None:
                entities.append(kind)
        clear = clear_language(_without_names(text, entities), self.language_model)
        # words clearly in one language are that language; the weighed guess (with the conversation's
        # language as a hint) only for the rest: it cost as much again on every message (bench/load)
        language = clear or guess_language(text, hint, self.language_model)
        return Parse(text, intent, confidence, ranking, language, tuple(entities), clear)

    def _after_greeting(self, text: str, tokens: list[Token], decided: _Decision) -> _Decision:
        """The question after a greeting, read on its own: "Sveiki, kā var pieteikt tikšanos?" was a greeting
        (0.51 against 0.48) and the question was lost. Kept as a greeting when the rest says nothing more."""
        rest = self.rules.after_greeting(text, tokens)
        if rest is None or rest.strip().rstrip(".)").isdigit():
            return decided  # "Hi 10": a number is no question (it started a booking, QA seventh pass)
        rule = self.rules.match(rest)
        if rule is not None:
            return rule.intent, 1.0, (IntentScore(rule.intent, 1.0),), [*decided[3], *rule.entities]
        scores = self.model.predict(rest, top=RANKING_SIZE)
        intent, confidence = self._decide(scores)
        if intent in (GREET, FALLBACK):
            return decided
        if intent in (OUT_OF_SCOPE, HELP):
            # "Hello, how are you?", "labvakar, vai varat palīdzēt": the welcome, which offers the topics and
            # asks for the question, answers them better than "I can't help with that" or the topic list
            return decided
        if decided[0] == GREET and confidence < SURE_AFTER_A_GREETING:
            # the greeting words make a greeting sure, so its confidence says nothing of the rest: "Привет,
            # свидания?" (0.99) asks about visits (0.89), "hi, I have a question" (goodbye 0.39) does not
            return decided
        if decided[0] != GREET and confidence <= decided[1]:
            # an unsure reading of the whole message was still surer than what follows the greeting
            return decided
        if len(tokenize(rest)) == 1 and (confidence < SURE_OF_ONE_WORD or intent in (GOODBYE, CRISIS)):
            # "hi there": one word after a greeting counts only when it is clear ("hi again" read as goodbye,
            # "Sveiki visiem" as a crisis: a crisis word is for the rules, which read the whole message)
            return decided
        return intent, confidence, tuple(scores), decided[3]

    def _decide(self, scores: list[IntentScore]) -> tuple[str, float]:
        top = scores[0]
        crisis = next((s for s in scores if s.name == CRISIS), None)
        if crisis is not None and crisis.confidence >= self.crisis_floor:
            return CRISIS, crisis.confidence
        if top.name == FEELING_LOW and crisis is not None and crisis.confidence >= CRISIS_BESIDE_FEELING_LOW:
            # hard feelings and a crisis share their words, so the model splits its belief between them
            # ("устала от жизни": 0.71 / 0.22); recall first, as with the crisis floor (QA, fifth pass)
            return CRISIS, crisis.confidence
        second = scores[1].confidence if len(scores) > 1 else 0.0
        if top.confidence < self.threshold or top.confidence - second < self.margin:
            return FALLBACK, top.confidence
        return top.name, top.confidence

    def guess_language(self, text: str, hint: str | None = None) -> str | None:
        """The language guess with the trained n-gram model (for evaluation files without folders)."""
        return guess_language(text, hint, self.language_model)


def digits_without_a_crisis_line(tokens: list[Token]) -> bool:
    """Nothing but numbers (a phone number, "123"), none of them an emergency or crisis line ("112",
    "116123", also in groups: "116 123"): then a crisis is the model's mistake, never the person's words."""
    if not tokens or not all(t.norm.isdigit() for t in tokens):
        return False
    numbers = [t.norm for t in tokens]
    return not CRISIS_LINES.intersection(numbers) and "".join(numbers) not in CRISIS_LINES


def _without_names(text: str, entities: list[Entity]) -> str:
    """The text with the prisons it names blanked: "Iļģuciems" or "Liepāja" in an English or Russian
    message is a name, not Latvian."""
    for found in entities:
        if found.entity == "prison" and 0 <= found.start < found.end <= len(text):
            text = text[: found.start] + " " * (found.end - found.start) + text[found.end :]
    return text


def load_classifier(
    data_dir: Path = DEFAULT_DATA_DIR,
    cache_dir: Path | None = None,
    *,
    threshold: float = DEFAULT_THRESHOLD,
    progress: Progress | None = None,
    now: Callable[[], datetime] | None = None,
) -> EmbeddedClassifier:
    """Load the cached model when it was built from this data, else train (reporting progress) and save."""
    say = progress or (lambda _message: None)
    model, language_model = _cached(data_dir, cache_dir) if cache_dir is not None else (None, None)
    if model is None:
        model, language_model = train(data_dir, cache_dir, say)
    else:
        say(f"using the cached model in {cache_dir}")
    rules = Rules.load(extra_intents=model.classes)
    entities = EntityExtractor.load()
    clock = now or (lambda: datetime.now(ZONE))
    entities.warm_up(clock())
    return EmbeddedClassifier(model, rules, entities, language_model, threshold=threshold, now=clock)


def train(data_dir: Path, cache_dir: Path | None, say: Progress) -> tuple[IntentClassifier, LanguageModel]:
    """Train the intent and language models from `data_dir`; save them into `cache_dir` if given."""
    started = time.perf_counter()
    say(f"reading training data from {data_dir}")
    fingerprint = data_fingerprint(data_dir)
    examples = load_examples(data_dir)
    intents = sorted({e.intent for e in examples})
    say(f"training on {len(examples)} examples of {len(intents)} intents")
    model = IntentClassifier().fit(examples)
    model.metadata = {
        "fingerprint": fingerprint,
        "examples": len(examples),
        "trained_at": datetime.now(ZONE).isoformat(),
    }
    say("training the language guesser")
    language_model = LanguageModel.fit((e.text, e.language) for e in examples if e.language)
    if cache_dir is not None:
        model.save(cache_dir)
        (cache_dir / LANGUAGE_JSON).write_text(json.dumps(language_model.to_json()), encoding="utf-8")
        say(f"saved the model to {cache_dir}")
    say(f"trained in {time.perf_counter() - started:.1f} s")
    return model, language_model


def _cached(data_dir: Path, cache_dir: Path) -> tuple[IntentClassifier | None, LanguageModel | None]:
    if not (cache_dir / MODEL_JSON).exists():
        return None, None
    try:
        model = IntentClassifier.load(cache_dir)
        stored = json.loads((cache_dir / LANGUAGE_JSON).read_text(encoding="utf-8"))
        language = LanguageModel.from_json(stored)
    except (OSError, ValueError, KeyError, TypeError) as exc:
        log.warning("nlu: cached model in %s is unreadable (%s); retraining", cache_dir, exc)
        return None, None
    if model.metadata.get("fingerprint") != data_fingerprint(data_dir):
        return None, None
    return model, language


__all__ = ["DEFAULT_DATA_DIR", "FORMAT_VERSION", "EmbeddedClassifier", "load_classifier", "train"]
