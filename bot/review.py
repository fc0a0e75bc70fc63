"""Review: operators confirm or relabel an inbound message's intent; reviewed messages become NLU data.

The export is Rasa NLU YAML (`version: "3.1"`, `nlu:` / `- intent:` / `examples: |`), masked by
bot.redaction, so it can be merged into `nlu/data` and read by `helpline nlu evaluate --data`.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import and_, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.db.models import AuditEvent, TranscriptEntry
from bot.redaction import redact
from nlu.parse import FALLBACK
from nlu.rules import CRISIS
from nlu.taxonomy import INTENTS

_SPACE = re.compile(r"\s+")
_PLACEHOLDER = re.compile(r"⟨\w+⟩")
# Words meant for a person, not for the bot: to a coordinator ("human", "human.crisis_flag"), while waiting
# for one ("waiting"), the message left for the morning ("handoff.message"), and a cry for help ("crisis").
# They are the most private things people write; they leave as training data only when someone reviewed
# them one by one, never in a bulk "--all" export under the model's guess (staff QA).
FOR_PEOPLE = ("human", "human.crisis_flag", "waiting", "handoff.message", "crisis")


class ReviewError(ValueError):
    """A relabel the data does not allow (unknown intent, not an inbound message)."""


class NoIntentChosen(ReviewError):
    """Save pressed on a message with no intent picked: the two an operator meets in the console's own
    language, so they are classes the console can name (the rest need a crafted request)."""


class CrisisNotCleared(ReviewError):
    """Another intent for a message read as a crisis, without 'not a crisis' ticked."""


@dataclass(frozen=True, slots=True)
class TrainingExample:
    text: str
    intent: str


async def relabel(
    session: AsyncSession,
    entry_id: int,
    intent: str,
    *,
    actor: str,
    now: datetime,
    not_crisis: bool = False,
) -> TranscriptEntry:
    """Set the reviewed intent of an inbound message (the predicted one = a confirmation); audited.

    A message read as a crisis gets another intent only with `not_crisis` (the reviewer says so): as a
    training example under another intent it would teach the model to miss the next cry for help.
    """
    if not intent:
        raise NoIntentChosen("choose an intent for this message first")
    if intent not in INTENTS:
        raise ReviewError(f"unknown intent {intent!r}")
    entry = await session.get(TranscriptEntry, entry_id)
    if entry is None or entry.direction != "in":
        raise ReviewError(f"no inbound message {entry_id}")
    away_from_crisis = CRISIS in (entry.intent, entry.reviewed_intent) and intent != CRISIS
    if away_from_crisis and not not_crisis:
        raise CrisisNotCleared(
            f"message {entry_id} was read as a crisis: tick 'not a crisis' to give it another intent"
        )
    entry.reviewed_intent, entry.reviewed_by, entry.reviewed_at = intent, actor[:64], now
    action = "confirm_intent" if intent == entry.intent else "relabel_intent"
    if away_from_crisis:
        action = "relabel_crisis"  # an admin can list exactly these in the audit log
    session.add(AuditEvent(actor=actor[:64], action=action, subject=f"transcript:{entry_id}", created_at=now))
    return entry


def training_text(text: str) -> str | None:
    """One masked line, or None when nothing worth learning from is left."""
    line = _SPACE.sub(" ", redact(text)).strip()
    if not re.search(r"[^\W\d_]", _PLACEHOLDER.sub("", line)):
        return None  # empty, digits only ("2" picking a button) or nothing but placeholders
    return line


async def examples(
    session: AsyncSession, *, include_unreviewed: bool, language: str | None = None
) -> list[TrainingExample]:
    """Reviewed inbound messages; with include_unreviewed, also the rest under their predicted intent,
    except words meant for a person (FOR_PEOPLE) and crisis messages, which must be reviewed first.
    With `language`, only messages in that language (as the bot read them)."""
    t = TranscriptEntry
    predicted = (
        t.reviewed_at.is_(None),
        t.intent.is_not(None),
        t.intent.not_in((FALLBACK, CRISIS)),
        t.payload.is_(None),
        or_(t.flow_step.is_(None), t.flow_step.not_in(FOR_PEOPLE)),
    )
    was_reviewed = t.reviewed_at.is_not(None)
    chosen = or_(was_reviewed, and_(*predicted)) if include_unreviewed else was_reviewed
    wanted = [t.direction == "in", t.kind == "text", chosen]
    if language is not None:
        wanted.append(t.language == language)
    stmt = (
        select(t.text, t.reviewed_intent, t.intent)
        .where(*wanted)
        .order_by(t.id)
        .execution_options(yield_per=2000)
    )
    found: list[TrainingExample] = []
    seen: set[tuple[str, str]] = set()
    async for text, reviewed, intent in await session.stream(stmt):
        label = reviewed or intent
        line = training_text(text)
        if label not in INTENTS or line is None or (label, line.casefold()) in seen:
            continue
        seen.add((label, line.casefold()))
        found.append(TrainingExample(line, label))
    return found


def to_rasa_yaml(items: Iterable[TrainingExample], *, header: str = "") -> str:
    """Rasa NLU YAML, intents in name order, examples in the order given."""
    by_intent: dict[str, list[str]] = {}
    for item in items:
        by_intent.setdefault(item.intent, []).append(item.text)
    lines = [f"# {line}" for line in header.splitlines()]
    lines += ['version: "3.1"', "nlu:" if by_intent else "nlu: []"]
    for intent in sorted(by_intent):
        lines += [f"- intent: {intent}", "  examples: |"]
        lines += [f"    - {text}" for text in by_intent[intent]]
    return "\n".join(lines) + "\n"


def export_name(*, include_unreviewed: bool, language: str | None, day: date) -> str:
    """The download's file name; a language code in it is what `nlu.yaml_data` reads the language from."""
    parts = ["reviewed", "all" if include_unreviewed else "", language or "", day.isoformat()]
    return "-".join(p for p in parts if p) + ".yml"


async def export_yaml(
    session: AsyncSession,
    *,
    include_unreviewed: bool,
    actor: str,
    now: datetime,
    language: str | None = None,
) -> tuple[str, int]:
    """The export as YAML text and its number of examples; the export itself is audited.

    nlu/data gives every example in a file the language of its folder (nlu/data/lv/…) or of a code in the
    file's name; a mixed export merged into one language's file taught the language guesser that Russian
    and English are Latvian (staff QA). So the header says where a file of one language goes, and that a
    mixed one must be exported again per language first.
    """
    found = await examples(session, include_unreviewed=include_unreviewed, language=language)
    scope = "all" if include_unreviewed else "reviewed"
    where = (
        f"Language: {language}. Merge into nlu/data/{language}/ (the folder gives examples their language)."
        if language
        else "Mixed languages: export one language at a time (--lang lv|ru|en) to merge into nlu/data/LANG/."
    )
    header = (
        f"Exported by `helpline nlu export-reviewed` ({scope}) at {now.isoformat(timespec='seconds')}.\n"
        "Personal data is masked as ⟨phone⟩, ⟨name⟩, …; check before merging into nlu/data.\n" + where
    )
    subject = f"{scope}:{language}:{len(found)}" if language else f"{scope}:{len(found)}"
    session.add(AuditEvent(actor=actor[:64], action="export_nlu", subject=subject, created_at=now))
    return to_rasa_yaml(found, header=header), len(found)
