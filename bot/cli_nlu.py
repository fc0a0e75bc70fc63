"""`helpline nlu train | parse | evaluate`: the embedded NLU from a terminal."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

from bot.settings import Settings
from nlu.embedded import DEFAULT_DATA_DIR, EmbeddedClassifier, load_classifier
from nlu.yaml_data import DataError, load_examples


def register(sub: Any) -> None:
    """Add the `nlu` command group to the `helpline` parser."""
    nlu = sub.add_parser("nlu", help="train, try and evaluate the embedded NLU")
    commands = nlu.add_subparsers(dest="nlu_command", required=True)

    train = commands.add_parser("train", help="train the embedded classifier (cached until the data changes)")
    train.add_argument("--force", action="store_true", help="retrain even when the cache is up to date")
    train.set_defaults(func=train_command)

    parse = commands.add_parser("parse", help="print the parse of TEXT as one JSON object")
    parse.add_argument("text", metavar="TEXT")
    parse.set_defaults(func=parse_command)

    evaluate = commands.add_parser("evaluate", help="evaluate the trained classifier on a Rasa NLU YAML file")
    evaluate.add_argument("--data", type=Path, required=True, metavar="FILE")
    evaluate.add_argument("--json", action="store_true", help="print one JSON object")
    evaluate.add_argument("--out", type=Path, metavar="DIR", help="also write a confusion PNG and HTML")
    evaluate.add_argument("--misses", type=int, default=20, help="how many misclassified examples to list")
    evaluate.set_defaults(func=evaluate_command)

    from bot.cli_review import register_export  # operators' review export (docs/operators.md)

    register_export(commands)


def model_dir(settings: Settings) -> Path:
    """Where the trained artefact is cached."""
    return settings.data_dir / "nlu"


def _stderr(message: str) -> None:
    print(message, file=sys.stderr)


def _classifier(settings: Settings, progress: bool = False) -> EmbeddedClassifier:
    return load_classifier(
        DEFAULT_DATA_DIR,
        model_dir(settings),
        threshold=settings.nlu_threshold,
        progress=_stderr if progress else None,
    )


def train_command(args: argparse.Namespace, settings: Settings) -> int:
    if args.force:
        for name in ("model.json", "model.npz", "language.json"):
            (model_dir(settings) / name).unlink(missing_ok=True)
    try:
        classifier = _classifier(settings, progress=True)
    except DataError as exc:
        _stderr(f"helpline: bad training data: {exc}")
        return 1
    print(f"model ready: {len(classifier.model.classes)} intents, {model_dir(settings)}")
    return 0


def parse_command(args: argparse.Namespace, settings: Settings) -> int:
    parse = _classifier(settings).parse_sync(args.text)
    print(json.dumps(parse.to_rasa(), ensure_ascii=False))
    return 0


def evaluate_command(args: argparse.Namespace, settings: Settings) -> int:
    from nlu.evaluate import evaluate, write_outputs

    classifier = _classifier(settings, progress=not args.json)
    try:
        examples = load_examples(args.data, guess=classifier.guess_language)
    except DataError as exc:
        _stderr(f"helpline: {exc}")
        return 1
    report = evaluate(classifier, examples)
    if args.out is not None:
        for path in write_outputs(report, args.out):
            _stderr(f"wrote {path}")
    if args.json:
        print(json.dumps(report.to_dict(), ensure_ascii=False))
    else:
        print(report.format_text(misses=args.misses))
    return 0
