"""A running Rasa server as the NLU backend (`HELPLINE_NLU=rasa`, `RASA_URL`), the embedded one behind it.

Rasa (3.6, its own Python 3.10 venv; see deploy/rasa/) is asked for the intent over
`POST {RASA_URL}/model/parse`. Everything around that stays with the embedded layer:

* the deterministic rules of `nlu.rules` run first: crisis wording, buttons, commands and
  language switches are decided before Rasa is asked, exactly as in the embedded backend;
* the embedded classifier's own answer is computed as well (a few milliseconds in-process): when
  it says `crisis`, crisis wins (recall first), and its language guess, the language the words
  clearly are, and its normalised entities (prison, time, phone number) complete Rasa's answer,
  whose DIET model has no entity annotations to learn from;
* when the server is down, slow (`timeout`) or answers something that is not a parse, the
  embedded answer is used, one line is logged (never the message text), and Rasa is left alone
  for `retry_after` seconds so that a dead server does not cost every message a timeout.
"""

from __future__ import annotations

import asyncio
import logging
import math
import time
from collections.abc import Callable, Mapping
from dataclasses import replace
from types import TracebackType
from typing import Literal

import aiohttp

from nlu.embedded import digits_without_a_crisis_line
from nlu.normalize import tokenize
from nlu.parse import FALLBACK, GREET, Classifier, Entity, IntentScore, Parse
from nlu.rules import CRISIS, CRISIS_KIND, Rules, rules_of

log = logging.getLogger(__name__)

Backend = Literal["rasa", "embedded", "rules"]


class RasaUnavailable(Exception):
    """Rasa gave no usable answer; `reason` is safe to log (it never holds the message text)."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


class RasaClassifier:
    """The `Classifier` protocol over a Rasa server, falling back to `fallback` (the embedded one)."""

    def __init__(
        self,
        url: str,
        fallback: Classifier,
        *,
        timeout: float = 2.0,
        retry_after: float = 5.0,
        rules: Rules | None = None,
        language: Callable[[str], str | None] | None = None,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        if not url.startswith(("http://", "https://")):
            raise ValueError("RASA_URL must start with http:// or https://")
        self.url = url.rstrip("/")
        self._parse_url = f"{self.url}/model/parse"
        self._fallback = fallback
        self._timeout = aiohttp.ClientTimeout(total=timeout)
        self._retry_after = retry_after
        self.rules = rules if rules is not None else rules_of(fallback)  # shared, not compiled again
        self._language = language if language is not None else _default_language()
        self._clock = clock
        self._session: aiohttp.ClientSession | None = None
        self._session_loop: asyncio.AbstractEventLoop | None = None
        self._down_since: float | None = None  # monotonic time of the last failure, while down
        self.last_backend: Backend | None = None  # which layer decided the last parse
        self.fallbacks = 0  # parses answered by the embedded classifier because Rasa failed

    async def parse(self, text: str) -> Parse:
        rule = self.rules.match(text)
        embedded = await self._fallback.parse(text)
        if rule is not None:
            self.last_backend = "rules"
            if embedded.intent == rule.intent:
                return embedded
            return replace(
                embedded,
                intent=rule.intent,
                confidence=1.0,
                ranking=(IntentScore(rule.intent, 1.0),),
                entities=_merge(rule.entities, embedded.entities),
            )
        if embedded.intent == CRISIS:  # recall first: whoever hears a crisis wins
            self.last_backend = "embedded"
            return embedded
        if self._down_since is not None and self._clock() - self._down_since < self._retry_after:
            self.last_backend = "embedded"
            self.fallbacks += 1
            return embedded
        try:
            remote = await self.parse_remote(text)
        except RasaUnavailable as exc:
            if self._down_since is None:
                log.warning(
                    "rasa: no usable answer from %s (%s); using the embedded classifier", self.url, exc.reason
                )
            self._down_since = self._clock()
            self.last_backend = "embedded"
            self.fallbacks += 1
            return embedded
        if self._down_since is not None:
            log.info("rasa: %s answers again", self.url)
            self._down_since = None
        greeting_only = remote.intent in (GREET, FALLBACK) and embedded.intent not in (GREET, FALLBACK)
        if greeting_only and self.rules.after_greeting(text) is not None:
            # "Sveiki, kā var pieteikt tikšanos?": Rasa heard the greeting, the embedded model read the
            # question after it (nlu.embedded); the question is what the person came for
            self.last_backend = "embedded"
            return embedded
        if remote.intent == CRISIS and digits_without_a_crisis_line(tokenize(text)):
            # a phone number typed at the call-back's question is no crisis for Rasa either (nlu.embedded)
            self.last_backend = "embedded"
            return embedded
        self.last_backend = "rasa"
        entities = _merge(embedded.entities, remote.entities)
        if remote.intent == CRISIS and not any(e.entity == CRISIS_KIND for e in entities):
            # Rasa heard the crisis the embedded model did not: the kind comes from the same rules
            kind = self.rules.crisis_kind(text)
            entities = (*entities, kind) if kind is not None else entities
        language = embedded.language or remote.language
        # whether the words clearly are one language is the embedded layer's to say (its n-gram model)
        return replace(remote, language=language, entities=entities, clear_language=embedded.clear_language)

    async def parse_remote(self, text: str) -> Parse:
        """Rasa's answer alone (no rules, no fallback); raises `RasaUnavailable`. Used by bench/nlu."""
        session = self._get_session()
        try:
            async with session.post(self._parse_url, json={"text": text}) as response:
                if response.status != 200:
                    raise RasaUnavailable(f"HTTP {response.status}")
                body: object = await response.json(content_type=None)
        except TimeoutError:
            raise RasaUnavailable(f"timed out after {self._timeout.total} s") from None
        except aiohttp.ClientConnectionError as exc:
            raise RasaUnavailable(f"connection failed: {type(exc).__name__}") from None
        except aiohttp.ClientError as exc:
            raise RasaUnavailable(f"HTTP client error: {type(exc).__name__}") from None
        except ValueError:
            raise RasaUnavailable("answer is not JSON") from None
        parse = _to_parse(text, body)
        if parse is None:
            raise RasaUnavailable("answer is not a Rasa parse")
        return replace(parse, language=self._language(text))

    async def status(self) -> bool:
        """True when `GET /status` answers 200 (the server is up and has a model loaded)."""
        try:
            async with self._get_session().get(f"{self.url}/status") as response:
                return response.status == 200
        except (aiohttp.ClientError, TimeoutError):
            return False

    async def aclose(self) -> None:
        if self._session is not None:
            await self._session.close()
            self._session = None

    async def __aenter__(self) -> RasaClassifier:
        return self

    async def __aexit__(
        self, kind: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        await self.aclose()

    def _get_session(self) -> aiohttp.ClientSession:
        loop = asyncio.get_running_loop()
        if self._session is None or self._session.closed or self._session_loop is not loop:
            # one keep-alive session per event loop; a session cannot move between loops
            self._session = aiohttp.ClientSession(timeout=self._timeout, raise_for_status=False)
            self._session_loop = loop
        return self._session


def _default_language() -> Callable[[str], str | None]:
    try:
        from nlu.language import guess_language
    except ImportError:  # pragma: no cover - the embedded package always has it
        return lambda _text: None
    return guess_language


def _to_parse(text: str, body: object) -> Parse | None:
    """Rasa's `/model/parse` JSON as a Parse, or None when it is not one."""
    if not isinstance(body, Mapping):
        return None
    intent = _score(body.get("intent"))
    if intent is None:
        return None
    ranking_raw = body.get("intent_ranking", [])
    ranking_list = ranking_raw if isinstance(ranking_raw, list) else []
    ranking = tuple(s for s in (_score(item) for item in ranking_list) if s is not None)
    entities_raw = body.get("entities", [])
    entities_list = entities_raw if isinstance(entities_raw, list) else []
    entities = tuple(e for e in (_entity(item, text) for item in entities_list) if e is not None)
    return Parse(
        text=text,
        intent=intent.name,
        confidence=intent.confidence,
        ranking=ranking or (intent,),
        entities=entities,
    )


def _score(item: object) -> IntentScore | None:
    if not isinstance(item, Mapping):
        return None
    name, confidence = item.get("name"), item.get("confidence")
    if not isinstance(name, str) or not name or isinstance(confidence, bool):
        return None
    if not isinstance(confidence, int | float) or not math.isfinite(confidence):
        return None
    if not -1e-6 <= confidence <= 1 + 1e-6:
        return None
    return IntentScore(name, min(max(float(confidence), 0.0), 1.0))


def _entity(item: object, text: str) -> Entity | None:
    if not isinstance(item, Mapping):
        return None
    name, value = item.get("entity"), item.get("value")
    start, end = item.get("start", 0), item.get("end", 0)
    if not isinstance(name, str) or not name or value is None:
        return None
    if not isinstance(start, int) or not isinstance(end, int) or not 0 <= start <= end <= len(text):
        start = end = 0
    return Entity(name, str(value), start, end, text[start:end])


def _merge(first: tuple[Entity, ...], second: tuple[Entity, ...]) -> tuple[Entity, ...]:
    """`first`'s entities, plus those of `second` whose kind `first` does not have."""
    kinds = {e.entity for e in first}
    return tuple(sorted(first + tuple(e for e in second if e.entity not in kinds), key=lambda e: e.start))


__all__ = ["RasaClassifier", "RasaUnavailable"]
