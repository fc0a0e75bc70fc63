"""Held-out quality of the embedded NLU alone (no Rasa): the numbers issue 3 asks for.

Trains `nlu.model.IntentClassifier` on the seeded, stratified 80/20 split of `nlu/data` (the same
split as tests/eval/test_nlu_accuracy.py), wraps it in the full `EmbeddedClassifier` (rules, model,
fallback threshold) and prints macro-F1, per-language accuracy and macro-F1, per-intent F1 and the
worst confusions. `--kfold K` also prints each of K stratified folds (made with `--seed`) and the
mean and standard deviation of macro-F1, overall and per language.

    .venv/bin/python bench/nlu/embedded_only.py [--seed 0] [--kfold 5] [--misses 40] [--json OUT]

Experiments override FeatureConfig fields without editing the code: `--set c=0.5 --set word_max=1`.
`--train-only en/more.yml` keeps a data file out of the split (it is only trained on), so after data
is added the test set is still the one the other files give, and before/after numbers compare.
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import statistics
import sys
import time
from collections.abc import Sequence
from datetime import datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

ROOT = Path(__file__).resolve().parents[2]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from nlu.embedded import DEFAULT_DATA_DIR, EmbeddedClassifier  # noqa: E402
from nlu.entities import EntityExtractor  # noqa: E402
from nlu.evaluate import EvalReport, evaluate, held_out_split, kfold  # noqa: E402
from nlu.language import LanguageModel  # noqa: E402
from nlu.model import FeatureConfig, IntentClassifier  # noqa: E402
from nlu.rules import Rules  # noqa: E402
from nlu.taxonomy import ADDED  # noqa: E402
from nlu.yaml_data import Example, load_examples, yaml_files  # noqa: E402

NOW = datetime(2026, 3, 11, 9, 30, tzinfo=ZoneInfo("Europe/Riga"))


def run(
    train: Sequence[Example], test: Sequence[Example], config: FeatureConfig
) -> tuple[EvalReport, float, dict[str, float]]:
    """Train on `train`, evaluate the whole embedded pipeline on `test`; also the training seconds and
    the macro-F1 within each language's test examples (the report's `per_language` is accuracy)."""
    started = time.perf_counter()
    model = IntentClassifier(config).fit(train)
    seconds = time.perf_counter() - started
    classifier = EmbeddedClassifier(
        model,
        Rules.load(extra_intents=model.classes),
        EntityExtractor.load(),
        LanguageModel.fit((e.text, e.language) for e in train if e.language),
        now=lambda: NOW,
    )
    report = evaluate(classifier, test, worst=20)
    languages = sorted({e.language for e in test if e.language})
    language_f1 = {
        lang: evaluate(classifier, [e for e in test if e.language == lang]).macro_f1 for lang in languages
    }
    return report, seconds, language_f1


def _load(data: Path, train_only: set[str]) -> tuple[list[Example], list[Example]]:
    """(examples to split, examples for training only), each in the order `load_examples` reads them."""
    split: list[Example] = []
    extra: list[Example] = []
    files = yaml_files(data)
    unknown = train_only - {f.relative_to(data).as_posix() for f in files}
    if unknown:
        raise SystemExit(f"--train-only: no such data file(s): {sorted(unknown)}")
    for file in files:
        target = extra if file.relative_to(data).as_posix() in train_only else split
        target.extend(load_examples(file))
    return split, extra


def _config(settings: Sequence[str]) -> FeatureConfig:
    """FeatureConfig defaults with `field=value` overrides, each value cast to the field's type."""
    defaults = FeatureConfig()
    overrides: dict[str, Any] = {}
    for setting in settings:
        name, _, value = setting.partition("=")
        current = getattr(defaults, name)  # AttributeError names an unknown field
        if isinstance(current, bool):
            overrides[name] = value.lower() in ("1", "true", "yes")
        elif current is None or isinstance(current, str):
            overrides[name] = None if value.lower() == "none" else value
        else:
            overrides[name] = type(current)(value)
    return dataclasses.replace(defaults, **overrides)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA_DIR)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--ratio", type=float, default=0.2)
    parser.add_argument("--kfold", type=int, default=0, help="also report the mean over K folds")
    parser.add_argument("--misses", type=int, default=0, help="print this many misclassified texts")
    parser.add_argument("--json", type=Path, help="write the split's report as JSON here")
    parser.add_argument("--train-only", action="append", default=[], metavar="FILE",
                        help="data file (relative to --data) used for training only: the split is made "
                             "from the other files, so the test set is the one they alone give")
    parser.add_argument("--set", action="append", default=[], metavar="FIELD=VALUE",
                        help="override one FeatureConfig field for an experiment (repeatable)")
    args = parser.parse_args(argv)

    config = _config(args.set)
    examples, extra = _load(args.data, set(args.train_only))
    everything = examples + extra
    counts = {lang: sum(e.language == lang for e in everything) for lang in ("lv", "ru", "en")}
    print(f"data: {len(everything)} examples, {len({e.intent for e in everything})} intents, {counts}")
    print(f"config: {dataclasses.asdict(config)}")

    train, test = held_out_split(examples, ratio=args.ratio, seed=args.seed)
    report, seconds, language_f1 = run(train + extra, test, config)
    print(f"\n== held-out split (ratio {args.ratio}, seed {args.seed}): train {len(train)} + "
          f"{len(extra)} train-only, test {len(test)}, trained in {seconds:.1f} s")
    print(report.format_text(misses=args.misses))
    print("macro-F1 per language: " + "  ".join(f"{k} {v:.3f}" for k, v in language_f1.items()))
    if args.json:
        args.json.parent.mkdir(parents=True, exist_ok=True)
        args.json.write_text(json.dumps(report.to_dict(), indent=2, ensure_ascii=False), encoding="utf-8")

    if args.kfold > 1:
        scores: list[float] = []
        accuracies: list[float] = []
        by_language: dict[str, list[float]] = {}
        spec_scores: list[float] = []
        for i, (fold_train, fold_test) in enumerate(kfold(examples, k=args.kfold, seed=args.seed)):
            fold, _, fold_language_f1 = run(fold_train + extra, fold_test, config)
            for lang, value in fold_language_f1.items():
                by_language.setdefault(lang, []).append(value)
            spec_scores.append(_spec_macro_f1(fold))
            scores.append(fold.macro_f1)
            accuracies.append(fold.accuracy)
            languages = "  ".join(f"{k} {v:.3f}" for k, v in fold.per_language.items())
            print(f"fold {i}: macro-F1 {fold.macro_f1:.3f}  accuracy {fold.accuracy:.3f}  {languages}")
        print(f"{args.kfold}-fold mean: macro-F1 {statistics.mean(scores):.3f} "
              f"(sd {statistics.stdev(scores):.3f})  accuracy {statistics.mean(accuracies):.3f}")
        means = (f"{k} {statistics.mean(v):.3f} (sd {statistics.stdev(v):.3f})"
                 for k, v in sorted(by_language.items()))
        print(f"{args.kfold}-fold mean macro-F1 per language: " + "  ".join(means))
        print(f"{args.kfold}-fold mean macro-F1 over the spec's intents only (without {', '.join(ADDED)}): "
              f"{statistics.mean(spec_scores):.3f} (sd {statistics.stdev(spec_scores):.3f})")
    return 0


def _spec_macro_f1(report: EvalReport) -> float:
    """Macro-F1 over the shared spec's intents: comparable with runs from before intents were added (an
    added intent's own F1 is left out; its examples still count against the others when confused)."""
    return statistics.mean(m["f1"] for intent, m in report.per_intent.items() if intent not in ADDED)


if __name__ == "__main__":
    raise SystemExit(main())
