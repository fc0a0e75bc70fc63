"""Measures an NLU backend on labelled examples: accuracy, macro-F1, per intent and language, latency.

Works with the embedded classifier (timed through `parse_sync`) and with any `Classifier`
(timed through `await parse`, for the Rasa backend in the benchmark), so both are measured alike.
"""

from __future__ import annotations

import asyncio
import html
import random
import time
from collections import Counter, defaultdict
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Protocol, runtime_checkable

import numpy as np

from nlu.parse import Classifier, Parse
from nlu.yaml_data import Example

CRISIS = "crisis"
UNKNOWN_LANGUAGE = "unknown"


@runtime_checkable
class SyncParser(Protocol):
    def parse_sync(self, text: str, hint: str | None = None) -> Parse: ...


@dataclass(frozen=True, slots=True)
class Miss:
    text: str
    gold: str
    predicted: str
    confidence: float
    language: str


@dataclass
class EvalReport:
    accuracy: float
    macro_f1: float
    per_intent: dict[str, dict[str, float]]
    per_language: dict[str, float]
    confusions: list[tuple[str, str, int]]  # (gold, predicted, count), worst first
    latency_ms: dict[str, float]
    examples: int
    crisis_recall: float | None
    fallback_rate: float
    misses: list[Miss] = field(default_factory=list)
    labels: list[str] = field(default_factory=list)
    matrix: list[list[int]] = field(default_factory=list)

    def to_dict(self) -> dict[str, object]:
        """The JSON shape of `helpline nlu evaluate --json`."""
        return {
            "examples": self.examples,
            "accuracy": round(self.accuracy, 4),
            "macro_f1": round(self.macro_f1, 4),
            "crisis_recall": None if self.crisis_recall is None else round(self.crisis_recall, 4),
            "fallback_rate": round(self.fallback_rate, 4),
            "per_intent": self.per_intent,
            "per_language": {k: round(v, 4) for k, v in self.per_language.items()},
            "confusions": [{"gold": g, "predicted": p, "count": n} for g, p, n in self.confusions],
            "latency_ms": self.latency_ms,
        }

    def format_text(self, misses: int = 0) -> str:
        """A plain-text report for a terminal."""
        crisis = "n/a" if self.crisis_recall is None else f"{self.crisis_recall:.3f}"
        lines = [
            f"examples {self.examples}  accuracy {self.accuracy:.3f}  macro-F1 {self.macro_f1:.3f}  "
            f"crisis recall {crisis}  fallback {self.fallback_rate:.3f}",
            "per language: " + "  ".join(f"{k} {v:.3f}" for k, v in sorted(self.per_language.items())),
            f"latency ms: p50 {self.latency_ms['p50']:.2f}  p99 {self.latency_ms['p99']:.2f}",
            "",
            f"{'intent':24} {'prec':>6} {'rec':>6} {'f1':>6} {'n':>5}",
        ]
        for name, m in sorted(self.per_intent.items(), key=lambda kv: kv[1]["f1"]):
            scores = f"{m['precision']:6.3f} {m['recall']:6.3f} {m['f1']:6.3f}"
            lines.append(f"{name:24} {scores} {int(m['support']):5d}")
        lines += ["", "worst confusions (gold -> predicted: count):"]
        lines += [f"  {g} -> {p}: {n}" for g, p, n in self.confusions]
        if misses:
            lines += ["", "misses:"]
            lines += [f"  [{m.language}] {m.gold} -> {m.predicted} ({m.confidence:.2f}): {m.text}"
                      for m in self.misses[:misses]]
        return "\n".join(lines)


def evaluate(classifier: SyncParser | Classifier, examples: Sequence[Example], worst: int = 15) -> EvalReport:
    """Parse every example once, timing each parse, and score the predicted intents."""
    if not examples:
        raise ValueError("no examples to evaluate")
    parses, latencies = _parse_all(classifier, [e.text for e in examples])
    gold = [e.intent for e in examples]
    predicted = [p.intent for p in parses]
    labels = sorted(set(gold))
    per_intent = _per_intent(gold, predicted, labels)
    by_language: dict[str, list[bool]] = defaultdict(list)
    misses: list[Miss] = []
    for example, parse in zip(examples, parses, strict=True):
        language = example.language or UNKNOWN_LANGUAGE
        by_language[language].append(parse.intent == example.intent)
        if parse.intent != example.intent:
            misses.append(Miss(example.text, example.intent, parse.intent, parse.confidence, language))
    confusions = Counter((m.gold, m.predicted) for m in misses).most_common(worst)
    crisis = [p == CRISIS for g, p in zip(gold, predicted, strict=True) if g == CRISIS]
    all_labels = sorted(set(gold) | set(predicted))
    index = {name: i for i, name in enumerate(all_labels)}
    matrix = [[0] * len(all_labels) for _ in all_labels]
    for g, p in zip(gold, predicted, strict=True):
        matrix[index[g]][index[p]] += 1
    return EvalReport(
        accuracy=sum(g == p for g, p in zip(gold, predicted, strict=True)) / len(gold),
        macro_f1=float(np.mean([per_intent[name]["f1"] for name in labels])),
        per_intent=per_intent,
        per_language={k: sum(v) / len(v) for k, v in sorted(by_language.items())},
        confusions=[(g, p, n) for (g, p), n in confusions],
        latency_ms={
            "p50": round(float(np.percentile(latencies, 50)), 3),
            "p99": round(float(np.percentile(latencies, 99)), 3),
            "mean": round(float(np.mean(latencies)), 3),
        },
        examples=len(examples),
        crisis_recall=sum(crisis) / len(crisis) if crisis else None,
        fallback_rate=sum(p.intent == "nlu_fallback" for p in parses) / len(parses),
        misses=misses,
        labels=all_labels,
        matrix=matrix,
    )


def _parse_all(classifier: SyncParser | Classifier, texts: list[str]) -> tuple[list[Parse], list[float]]:
    if isinstance(classifier, SyncParser):
        parses, latencies = [], []
        for text in texts:
            started = time.perf_counter()
            parses.append(classifier.parse_sync(text))
            latencies.append((time.perf_counter() - started) * 1000)
        return parses, latencies

    async def run() -> tuple[list[Parse], list[float]]:
        parses, latencies = [], []
        for text in texts:
            started = time.perf_counter()
            parses.append(await classifier.parse(text))
            latencies.append((time.perf_counter() - started) * 1000)
        return parses, latencies

    return asyncio.run(run())


def _per_intent(gold: list[str], predicted: list[str], labels: list[str]) -> dict[str, dict[str, float]]:
    result: dict[str, dict[str, float]] = {}
    for name in labels:
        tp = sum(g == name and p == name for g, p in zip(gold, predicted, strict=True))
        support = sum(g == name for g in gold)
        claimed = sum(p == name for p in predicted)
        precision = tp / claimed if claimed else 0.0
        recall = tp / support if support else 0.0
        f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
        result[name] = {"precision": round(precision, 4), "recall": round(recall, 4), "f1": round(f1, 4),
                        "support": support}
    return result


def held_out_split(
    examples: Sequence[Example], ratio: float = 0.2, seed: int = 0
) -> tuple[list[Example], list[Example]]:
    """(train, test): `ratio` of each intent × language group held out, chosen reproducibly by `seed`."""
    groups: dict[tuple[str, str], list[Example]] = defaultdict(list)
    for example in examples:
        groups[(example.intent, example.language or UNKNOWN_LANGUAGE)].append(example)
    rng = random.Random(seed)
    train: list[Example] = []
    test: list[Example] = []
    for key in sorted(groups):
        items = list(groups[key])
        rng.shuffle(items)
        cut = round(len(items) * ratio) if len(items) > 1 else 0
        test.extend(items[:cut])
        train.extend(items[cut:])
    return train, test


def kfold(
    examples: Sequence[Example], k: int = 5, seed: int = 0
) -> Iterator[tuple[list[Example], list[Example]]]:
    """k (train, test) splits, stratified by intent × language; every example is tested once."""
    groups: dict[tuple[str, str], list[int]] = defaultdict(list)
    for i, example in enumerate(examples):
        groups[(example.intent, example.language or UNKNOWN_LANGUAGE)].append(i)
    rng = random.Random(seed)
    fold_of: dict[int, int] = {}
    offset = 0
    for key in sorted(groups):
        indices = groups[key]
        rng.shuffle(indices)
        for j, i in enumerate(indices):
            fold_of[i] = (j + offset) % k
        offset += len(indices)
    for fold in range(k):
        yield ([e for i, e in enumerate(examples) if fold_of[i] != fold],
               [e for i, e in enumerate(examples) if fold_of[i] == fold])


def write_outputs(report: EvalReport, out_dir: Path) -> list[Path]:
    """A confusion-matrix PNG, an HTML report and the JSON in `out_dir`; returns the paths."""
    import json

    out_dir.mkdir(parents=True, exist_ok=True)
    png = out_dir / "confusion_matrix.png"
    _plot_confusion(report, png)
    page = out_dir / "report.html"
    page.write_text(_html(report, png.name), encoding="utf-8")
    data = out_dir / "report.json"
    data.write_text(json.dumps(report.to_dict(), indent=2, ensure_ascii=False), encoding="utf-8")
    return [png, page, data]


def _plot_confusion(report: EvalReport, target: Path) -> None:
    import matplotlib

    matplotlib.use("Agg")
    from matplotlib import pyplot as plt

    size = max(6.0, 0.32 * len(report.labels) + 2)
    fig, ax = plt.subplots(figsize=(size, size))
    counts = np.array(report.matrix, dtype=float)
    rows = counts.sum(axis=1, keepdims=True)
    shares = np.divide(counts, rows, out=np.zeros_like(counts), where=rows > 0)
    ax.imshow(shares, cmap="Blues", vmin=0, vmax=1)
    ax.set_xticks(range(len(report.labels)), report.labels, rotation=90, fontsize=7)
    ax.set_yticks(range(len(report.labels)), report.labels, fontsize=7)
    ax.set_xlabel("predicted")
    ax.set_ylabel("gold")
    ax.set_title(f"accuracy {report.accuracy:.3f}, macro-F1 {report.macro_f1:.3f}")
    for i, row in enumerate(report.matrix):
        for j, n in enumerate(row):
            if n and i != j:
                ax.text(j, i, str(n), ha="center", va="center", fontsize=6, color="darkred")
    fig.tight_layout()
    fig.savefig(target, dpi=110)
    plt.close(fig)


def _html(report: EvalReport, png_name: str) -> str:
    esc = html.escape
    rows = "".join(
        f"<tr><td>{esc(name)}</td><td>{m['precision']:.3f}</td><td>{m['recall']:.3f}</td>"
        f"<td>{m['f1']:.3f}</td><td>{int(m['support'])}</td></tr>"
        for name, m in sorted(report.per_intent.items())
    )
    languages = "".join(f"<tr><td>{esc(k)}</td><td>{v:.3f}</td></tr>" for k, v in report.per_language.items())
    misses = "".join(
        f"<tr><td>{esc(m.language)}</td><td>{esc(m.gold)}</td><td>{esc(m.predicted)}</td>"
        f"<td>{m.confidence:.2f}</td><td>{esc(m.text)}</td></tr>"
        for m in report.misses
    )
    crisis = "n/a" if report.crisis_recall is None else f"{report.crisis_recall:.3f}"
    return f"""<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>NLU evaluation</title>
<style>body{{font-family:sans-serif;margin:2em}}table{{border-collapse:collapse}}
td,th{{border:1px solid #ccc;padding:2px 8px;text-align:left}}</style></head><body>
<h1>NLU evaluation</h1>
<p>{report.examples} examples; accuracy {report.accuracy:.3f}; macro-F1 {report.macro_f1:.3f};
crisis recall {crisis}; fallback rate {report.fallback_rate:.3f};
latency p50 {report.latency_ms['p50']:.2f} ms, p99 {report.latency_ms['p99']:.2f} ms.</p>
<h2>Per language</h2><table><tr><th>language</th><th>accuracy</th></tr>{languages}</table>
<h2>Per intent</h2><table><tr><th>intent</th><th>precision</th><th>recall</th><th>F1</th><th>support</th></tr>
{rows}</table>
<h2>Confusion matrix</h2><img src="{esc(png_name)}" alt="confusion matrix">
<h2>Misses</h2><table><tr><th>lang</th><th>gold</th><th>predicted</th><th>conf</th><th>text</th></tr>
{misses}</table>
</body></html>
"""
