"""Embedded NLU vs Rasa DIET, side by side, on one seeded held-out split of nlu/data.

    .venv/bin/python bench/nlu/run.py [--ratio 0.2] [--seed 7] [--no-rasa] [--out bench/results/nlu.json]

Both backends train on the same 80 % (written out as Rasa NLU YAML) and are scored on the same
held-out 20 % with `nlu.evaluate.evaluate`:

* embedded: trained and timed in a fresh child process (so its RSS is its own), parsed in-process;
* Rasa DIET: deploy/rasa/build.sh (cached venv), `train.sh --force` with nlu/rasa/config.yml,
  `serve.sh` on a free localhost port, every held-out text parsed over HTTP from one keep-alive
  session; Rasa's own parse time is measured too, in-process in Rasa's venv (rasa_inproc.py);
* "Rasa backend in the bot": `bot.nlu_rasa.RasaClassifier` as HELPLINE_NLU=rasa runs it (rules and
  crisis from the embedded layer, intents from Rasa).

Writes bench/results/nlu.json and prints a Markdown table. Rasa is reported as skipped (with the
reason) when build.sh finds no Python 3.10 (exit code 3).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import platform
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from bot.nlu_rasa import RasaClassifier  # noqa: E402
from nlu.embedded import DEFAULT_DATA_DIR  # noqa: E402
from nlu.evaluate import EvalReport, evaluate, held_out_split  # noqa: E402
from nlu.parse import FALLBACK, Parse  # noqa: E402
from nlu.yaml_data import Example, load_examples  # noqa: E402

DEPLOY = ROOT / "deploy" / "rasa"
CONFIG = ROOT / "nlu" / "rasa" / "config.yml"
RESULTS = ROOT / "bench" / "results" / "nlu.json"
WARM_UP = 20
START_TIMEOUT = 900


# --- shared helpers -------------------------------------------------------------------------------


def _shown(path: Path) -> str:
    """A path as results files show it: relative to the repository when inside it (no machine paths)."""
    resolved = path.resolve()
    return str(resolved.relative_to(ROOT)) if resolved.is_relative_to(ROOT) else str(path)


def rss_mb(pid: int | str = "self", field: str = "VmRSS") -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith(field + ":"):
            return round(int(line.split()[1]) / 1024, 1)
    return 0.0


def summary(report: EvalReport, by_language: dict[str, EvalReport]) -> dict[str, Any]:
    data = report.to_dict()
    return {
        "examples": data["examples"],
        "accuracy": data["accuracy"],
        "macro_f1": data["macro_f1"],
        "macro_f1_per_language": {k: round(r.macro_f1, 4) for k, r in by_language.items()},
        "accuracy_per_language": data["per_language"],
        "crisis_recall": data["crisis_recall"],
        "fallback_rate": data["fallback_rate"],
        "latency_ms": data["latency_ms"],
        "per_intent": data["per_intent"],
        "confusions": [{"gold": g, "predicted": p, "count": n} for g, p, n in report.confusions[:10]],
    }


class TopIntent:
    """A parser whose `nlu_fallback` answers are replaced by the best-ranked real intent."""

    def __init__(self, inner: Any) -> None:
        self.inner = inner

    def parse_sync(self, text: str, hint: str | None = None) -> Parse:
        parse: Parse = self.inner.parse_sync(text)
        if parse.intent != FALLBACK:
            return parse
        best = next((s for s in parse.ranking if s.name != FALLBACK), None)
        return parse if best is None else replace(parse, intent=best.name, confidence=best.confidence)


def score(parser: Any, test: Sequence[Example]) -> dict[str, Any]:
    """evaluate() on everything (timed), per language, and once more without the fallback threshold."""
    report = evaluate(parser, test)
    groups: dict[str, list[Example]] = defaultdict(list)
    for example in test:
        groups[example.language or "unknown"].append(example)
    result = summary(report, {lang: evaluate(parser, items) for lang, items in sorted(groups.items())})
    result["macro_f1_without_fallback"] = round(evaluate(TopIntent(parser), test).macro_f1, 4)
    return result


def write_rasa_yaml(examples: Sequence[Example], root: Path) -> None:
    """Examples as Rasa NLU YAML, one file per language folder (the layout of nlu/data)."""
    by_language: dict[str, dict[str, list[str]]] = defaultdict(lambda: defaultdict(list))
    for e in examples:
        by_language[e.language or "xx"][e.intent].append(e.text)
    for language, intents in by_language.items():
        lines = ['version: "3.1"', "nlu:"]
        for intent in sorted(intents):
            lines += [f"- intent: {intent}", "  examples: |"]
            lines += [f"    - {' '.join(text.split())}" for text in intents[intent]]
        (root / language).mkdir(parents=True, exist_ok=True)
        (root / language / "nlu.yml").write_text("\n".join(lines) + "\n", encoding="utf-8")


def read_test(work: Path) -> list[Example]:
    rows = json.loads((work / "test.json").read_text(encoding="utf-8"))
    return [Example(text, intent, language) for text, intent, language in rows]


# --- embedded (child process) ---------------------------------------------------------------------


def embedded_worker(work: Path) -> None:
    """Runs in a fresh interpreter: train on work/train, report RSS, score on work/test.json."""
    before = rss_mb()
    from nlu.embedded import load_classifier

    started = time.perf_counter()
    classifier = load_classifier(work / "train", work / "embedded-cache")
    train_s = time.perf_counter() - started
    loaded = rss_mb()
    started = time.perf_counter()
    load_classifier(work / "train", work / "embedded-cache")  # the cached artefact, as on a restart
    load_s = time.perf_counter() - started
    test = read_test(work)
    for example in test[:WARM_UP]:
        classifier.parse_sync(example.text)
    result = score(classifier, test)
    result.update(
        train_s=round(train_s, 2),
        load_s=round(load_s, 2),
        rss_mb={"process_after_load": loaded, "before_import": before, "model": round(loaded - before, 1)},
        peak_rss_mb=rss_mb(field="VmHWM"),
    )
    print(json.dumps(result))


def run_embedded(work: Path) -> dict[str, Any]:
    print("embedded: training and scoring in a child process ...", file=sys.stderr)
    shutil.rmtree(work / "embedded-cache", ignore_errors=True)  # always a cold training
    done = subprocess.run(
        [sys.executable, __file__, "--embedded-worker", str(work)],
        capture_output=True,
        text=True,
        check=True,
        cwd=ROOT,
    )
    result: dict[str, Any] = json.loads(done.stdout.strip().splitlines()[-1])
    return result


# --- Rasa -----------------------------------------------------------------------------------------


class RasaOverHttp:
    """`parse_sync` over HTTP for evaluate(): one loop and one keep-alive session for all texts."""

    def __init__(self, url: str) -> None:
        self.loop = asyncio.new_event_loop()
        self.client = RasaClassifier(url, fallback=_NoFallback(), timeout=30)
        self.intents: dict[str, str] = {}  # text -> intent, to compare with the in-process run

    def parse_sync(self, text: str, hint: str | None = None) -> Parse:
        parse = self.loop.run_until_complete(self.client.parse_remote(text))
        self.intents[text] = parse.intent
        return parse

    def close(self) -> None:
        self.loop.run_until_complete(self.client.aclose())
        self.loop.close()


class RasaInTheBot:
    """`bot.nlu_rasa.RasaClassifier.parse` as the bot runs it, with the embedded classifier behind it."""

    def __init__(self, url: str, embedded: Any) -> None:
        self.loop = asyncio.new_event_loop()
        self.client = RasaClassifier(url, fallback=embedded, timeout=30)

    def parse_sync(self, text: str, hint: str | None = None) -> Parse:
        return self.loop.run_until_complete(self.client.parse(text))

    def close(self) -> None:
        self.loop.run_until_complete(self.client.aclose())
        self.loop.close()


class _NoFallback:
    async def parse(self, text: str) -> Parse:
        raise RuntimeError("the benchmark measures Rasa alone")


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
    return port


def wait_ready(url: str, proc: subprocess.Popen[bytes], log: Path) -> None:
    deadline = time.monotonic() + START_TIMEOUT
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"rasa server exited ({proc.returncode}); see {log}")
        try:
            with urllib.request.urlopen(f"{url}/status", timeout=2) as response:
                if response.status == 200 and json.load(response).get("model_file"):
                    return
        except (urllib.error.URLError, OSError, ValueError):
            pass
        time.sleep(0.25)
    raise RuntimeError(f"rasa server not ready after {START_TIMEOUT} s; see {log}")


def stop(proc: subprocess.Popen[bytes]) -> None:
    if proc.poll() is None:
        proc.send_signal(signal.SIGTERM)
        try:
            proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(timeout=10)


def diet_seconds(log: Path) -> float | None:
    """DIET's own training time, from the timestamps of Rasa's training log."""
    stamps = {}
    for line in log.read_text(errors="replace").splitlines():
        found = re.match(
            r"(\d{4}-\d\d-\d\d \d\d:\d\d:\d\d) .*(Starting|Finished) to train component 'DIETClassifier'",
            line.replace("Finished training", "Finished to train"),
        )
        if found:
            stamps[found.group(2)] = datetime.strptime(found.group(1), "%Y-%m-%d %H:%M:%S")  # noqa: DTZ007
    if {"Starting", "Finished"} <= stamps.keys():
        return (stamps["Finished"] - stamps["Starting"]).total_seconds()
    return None


def rasa_config(work: Path, epochs: int | None) -> tuple[Path, int]:
    """nlu/rasa/config.yml, or a copy of it with DIET's epochs changed; and the epochs used."""
    text = CONFIG.read_text(encoding="utf-8")
    found = re.search(r"(- name: DIETClassifier\n\s+epochs: )(\d+)", text)
    if found is None:
        raise RuntimeError(f"{CONFIG}: no DIETClassifier epochs")
    if epochs is None:
        return CONFIG, int(found.group(2))
    copy = work / "config.yml"
    copy.write_text(text[: found.start(2)] + str(epochs) + text[found.end(2) :], encoding="utf-8")
    return copy, epochs


def _train(work: Path, config: Path, logs: Path) -> tuple[Path, float]:
    print("rasa: training DIET on the same 80 % (rasa train nlu) ...", file=sys.stderr)
    started = time.perf_counter()
    with (logs / "train.log").open("w") as err:
        trained = subprocess.run(
            [
                "bash",
                str(DEPLOY / "train.sh"),
                "--data",
                str(work / "train"),
                "--config",
                str(config),
                "--out",
                str(work / "rasa-models"),
                "--force",
            ],
            stdout=subprocess.PIPE,
            stderr=err,
            text=True,
            check=False,
        )
    train_s = time.perf_counter() - started
    if trained.returncode != 0:
        raise RuntimeError(f"train.sh failed; see {logs / 'train.log'}")
    model = Path(trained.stdout.strip().splitlines()[-1])
    return model, train_s


def _trained_before(work: Path) -> tuple[Path, float] | None:
    """The model and training time of an earlier run in this work directory (see --resume)."""
    log = work / "logs" / "train.log"
    models = sorted((work / "rasa-models").glob("*.tar.gz"))
    if not models or not log.exists():
        return None
    found = re.search(r"rasa: trained in (\d+) s", log.read_text(errors="replace"))
    return (models[-1], float(found.group(1))) if found else None


def run_rasa(work: Path, test: list[Example], epochs: int | None) -> dict[str, Any]:
    config, epochs_used = rasa_config(work, epochs)
    logs = work / "logs"
    logs.mkdir(exist_ok=True)
    print("rasa: building the venv (cached) ...", file=sys.stderr)
    started = time.perf_counter()
    with (logs / "build.log").open("w") as err:
        built = subprocess.run(
            ["bash", str(DEPLOY / "build.sh")], stdout=subprocess.PIPE, stderr=err, check=False
        )
    build_s = time.perf_counter() - started
    if built.returncode == 3:
        reason = (logs / "build.log").read_text().strip().splitlines()[-1]
        return {"skipped": reason}
    if built.returncode != 0:
        raise RuntimeError(f"build.sh failed; see {logs / 'build.log'}")

    reused = _trained_before(work)
    if reused is not None:
        print("rasa: reusing the model trained by the earlier run (--resume) ...", file=sys.stderr)
        model, train_s = reused
    else:
        model, train_s = _train(work, config, logs)

    port = free_port()
    url = f"http://127.0.0.1:{port}"
    print(f"rasa: serving on {url} ...", file=sys.stderr)
    started = time.perf_counter()
    with (logs / "serve.log").open("wb") as out:
        proc = subprocess.Popen(
            ["bash", str(DEPLOY / "serve.sh"), "--model", str(model)],
            stdout=out,
            stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL,
            env=dict(os.environ, RASA_PORT=str(port)),
        )
    try:
        wait_ready(url, proc, logs / "serve.log")
        startup_s = time.perf_counter() - started
        rss_loaded = rss_mb(proc.pid)
        http = RasaOverHttp(url)
        try:
            for example in test[:WARM_UP]:
                http.parse_sync(example.text)
            print("rasa: scoring over HTTP ...", file=sys.stderr)
            result = score(http, test)
        finally:
            http.close()
        from nlu.embedded import load_classifier

        embedded = load_classifier(work / "train", work / "embedded-cache")  # cached by the worker
        bot = RasaInTheBot(url, embedded)
        try:
            print("rasa: scoring the bot's Rasa backend (rules + DIET) ...", file=sys.stderr)
            in_bot = score(bot, test)
        finally:
            bot.close()
        rss_after = rss_mb(proc.pid)
        peak = rss_mb(proc.pid, "VmHWM")
    finally:
        stop(proc)

    print("rasa: timing Rasa's own parse in-process ...", file=sys.stderr)
    texts = work / "texts.json"
    texts.write_text(json.dumps([e.text for e in test], ensure_ascii=False), encoding="utf-8")
    with (logs / "inproc.log").open("w") as err:
        inproc = subprocess.run(
            [
                "bash",
                str(DEPLOY / "python.sh"),
                str(ROOT / "bench" / "nlu" / "rasa_inproc.py"),
                str(model),
                str(texts),
            ],
            stdout=subprocess.PIPE,
            stderr=err,
            text=True,
            check=False,
        )
    own: dict[str, Any] = {}
    if inproc.returncode == 0 and inproc.stdout.strip():
        own = json.loads(inproc.stdout.strip().splitlines()[-1])
        same = sum(
            http.intents.get(e.text) == intent for e, intent in zip(test, own.pop("intents"), strict=True)
        )
        own["agrees_with_http"] = round(same / len(test), 4)

    result.update(
        build_s=round(build_s, 2),
        train_s=round(train_s, 2),
        diet_train_s=diet_seconds(logs / "train.log"),
        startup_s=round(startup_s, 2),
        rss_mb={"server_after_load": rss_loaded, "server_after_bench": rss_after},
        peak_rss_mb=peak,
        inprocess=own,
        model=str(model.name),
        epochs=epochs_used,
    )
    return {"diet": result, "bot_backend": in_bot}


# --- report ---------------------------------------------------------------------------------------


def _f(value: Any, digits: int = 3) -> str:
    if value is None:
        return "–"
    if isinstance(value, float):
        return f"{value:.{digits}f}"
    return str(value)


def table(results: dict[str, Any]) -> str:
    emb = results["embedded"]
    rasa = results.get("rasa", {})
    diet = rasa.get("diet")
    bot = rasa.get("bot_backend")
    cols = [("Embedded", emb)]
    if diet:
        cols += [("Rasa DIET (HTTP)", diet), ("Rasa backend in the bot", bot)]
    head = "| | " + " | ".join(name for name, _ in cols) + " |"
    rows = [head, "|---" * (len(cols) + 1) + "|"]

    def row(label: str, get: Any) -> None:
        rows.append(f"| {label} | " + " | ".join(get(c) for _, c in cols) + " |")

    row("macro-F1", lambda c: _f(c["macro_f1"]))
    for lang in ("lv", "ru", "en"):
        row(f"macro-F1 {lang}", lambda c, lang=lang: _f(c["macro_f1_per_language"].get(lang)))
    row("macro-F1 without the fallback (top intent)", lambda c: _f(c.get("macro_f1_without_fallback")))
    row("accuracy", lambda c: _f(c["accuracy"]))
    row("crisis recall", lambda c: _f(c["crisis_recall"]))
    row("fallback rate", lambda c: _f(c["fallback_rate"]))
    row("parse p50 / p99 ms", lambda c: f"{c['latency_ms']['p50']:.2f} / {c['latency_ms']['p99']:.2f}")
    if diet:
        own = diet.get("inprocess", {}).get("latency_ms")
        rows.append(
            "| Rasa's own parse p50 / p99 ms (in-process, no HTTP) | – | "
            + (f"{own['p50']:.2f} / {own['p99']:.2f}" if own else "–")
            + " | – |"
        )
    mem_emb = f"{emb['rss_mb']['process_after_load']:.0f} MB process ({emb['rss_mb']['model']:.0f} MB model)"
    mem_rasa = f"{diet['rss_mb']['server_after_load']:.0f} MB server" if diet else ""
    rows.append(f"| memory (RSS) | {mem_emb} | " + (f"{mem_rasa} | {mem_rasa} + embedded |" if diet else ""))
    train_rasa = ""
    if diet:
        diet_s = diet.get("diet_train_s")
        train_rasa = f"{diet['train_s']:.0f} s (DIET {_f(diet_s, 0)} s)"
    rows.append(f"| training time | {emb['train_s']:.1f} s | " + (f"{train_rasa} | – |" if diet else ""))
    if diet:
        rows.append(f"| start-up (load model) | {emb['load_s']:.1f} s | {diet['startup_s']:.1f} s | – |")
    if rasa.get("skipped"):
        rows.append(f"\nRasa skipped: {rasa['skipped']}")
    return "\n".join(rows)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA_DIR)
    parser.add_argument("--ratio", type=float, default=0.2)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--out", type=Path, default=RESULTS)
    parser.add_argument("--no-rasa", action="store_true", help="only the embedded classifier")
    parser.add_argument("--rasa-epochs", type=int, help="override DIET's epochs of nlu/rasa/config.yml")
    parser.add_argument("--keep", action="store_true", help="keep the work directory (logs, models)")
    parser.add_argument(
        "--resume", type=Path, metavar="WORK", help="a kept work directory: same split, reuse its Rasa model"
    )
    parser.add_argument("--embedded-worker", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.embedded_worker:
        embedded_worker(args.embedded_worker)
        return 0

    if args.resume:
        work, args.keep = args.resume, True
        train, test = load_examples(work / "train"), read_test(work)
        examples = train + test
    else:
        examples = load_examples(args.data)
        train, test = held_out_split(examples, args.ratio, args.seed)
        work = Path(tempfile.mkdtemp(prefix="helpline-nlu-bench-"))
    try:
        if not args.resume:
            write_rasa_yaml(train, work / "train")
            rows = [[e.text, e.intent, e.language] for e in test]
            (work / "test.json").write_text(json.dumps(rows, ensure_ascii=False), encoding="utf-8")
        results: dict[str, Any] = {
            "date": datetime.now(UTC).isoformat(timespec="seconds"),
            "machine": {
                "cpus": os.cpu_count(),
                "python": platform.python_version(),
                "load_average_at_start": os.getloadavg(),
            },
            "split": {
                "seed": args.seed,
                "held_out": args.ratio,
                "train": len(train),
                "test": len(test),
                "intents": len({e.intent for e in examples}),
                "data": _shown(args.data),
            },
            "rasa_config": str(CONFIG.relative_to(ROOT)),
        }
        results["embedded"] = run_embedded(work)
        results["rasa"] = {"skipped": "--no-rasa"} if args.no_rasa else run_rasa(work, test, args.rasa_epochs)
        results["machine"]["load_average_at_end"] = os.getloadavg()
    finally:
        if args.keep:
            print(f"work directory kept: {work}", file=sys.stderr)
        else:
            shutil.rmtree(work, ignore_errors=True)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(results, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    print(table(results))
    print(f"\nwritten: {args.out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
