"""Load benchmark: Telegram updates from many chats into /webhooks/telegram, replies into a fake Bot API.

    .venv/bin/python bench/load/run.py             # about 10 minutes; --quick for a 2-minute smoke run
    .venv/bin/python bench/load/run.py --only postgres:2

For 1 and 2 workers on SQLite and PostgreSQL, and a bare aiohttp handler (the ceiling), on this machine:
- saturation: `--concurrency` posts in flight (default 100: as many as the bot asks Telegram to deliver at
  once, TELEGRAM_WEBHOOK_MAX_CONNECTIONS) for `--seconds`: inbound accepted per second, replies
  delivered to the fake per second, and end to end (accepted until the last of their replies arrived);
- latency: an open-loop rate (`--rate`, default 60% of the saturation rate) for `--seconds`: webhook round
  trip p50/p99 measured from each post's scheduled time, and the pipeline's own turn latency histogram;
- peak RSS of each worker; CPU seconds used by the bot, the fake and this generator.
Results go to bench/results/load.json and a Markdown table (printed, and bench/results/load.md).
Every server is started and stopped here by PID; everything listens on 127.0.0.1.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import platform
import sys
import tempfile
import time
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

import aiohttp  # noqa: E402
import uvloop  # noqa: E402
from prometheus_client.parser import text_string_to_metric_families  # noqa: E402

from bench.loadgen import Load, Outcome, compare, expected_replies, percentile, texts  # noqa: E402
from bench.rig import Bare, Bot, FakeApi, Postgres, RssSampler, loadavg  # noqa: E402

RESULTS = ROOT / "bench" / "results"
PORT = 18470
PG_PORT = 25471
CONFIGS = ("bare:1", "bare:2", "sqlite:1", "sqlite:2", "postgres:1", "postgres:2")
GOALS = {"messages_per_s": 1000, "turn_p99_ms": 50, "rss_mb_per_worker": 150}


def _shown(path: Path) -> str:
    """A path as results files show it: relative to the repository when inside it (no machine paths)."""
    resolved = path.resolve()
    return str(resolved.relative_to(ROOT)) if resolved.is_relative_to(ROOT) else str(path)


def cpu_seconds(pid: int) -> float:
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
    except (OSError, IndexError, ValueError):
        return 0.0


def machine_busy() -> tuple[float, float]:
    values = [int(v) for v in Path("/proc/stat").read_text().splitlines()[0].split()[1:]]
    idle = values[3] + values[4]
    return float(sum(values) - idle), float(sum(values))


async def scrape(port: int) -> str:
    async with (
        aiohttp.ClientSession() as session,
        session.get(f"http://127.0.0.1:{port}/metrics") as response,
    ):
        return await response.text()


def histogram(text: str, name: str) -> list[tuple[float, float]]:
    """Cumulative (upper bound, count) pairs of a histogram, summed over its label sets."""
    buckets: dict[float, float] = {}
    for family in text_string_to_metric_families(text):
        if family.name != name:
            continue
        for sample in family.samples:
            if sample.name.endswith("_bucket"):
                bound = float(sample.labels["le"])
                buckets[bound] = buckets.get(bound, 0.0) + sample.value
    return sorted(buckets.items())


def gauge(text: str, name: str) -> float:
    for family in text_string_to_metric_families(text):
        if family.name == name:
            return float(family.samples[0].value)
    return float("nan")


def histogram_quantile(
    before: list[tuple[float, float]], after: list[tuple[float, float]], q: float
) -> float:
    """Prometheus-style quantile (linear within a bucket) of what was observed between two scrapes."""
    base = before or [(bound, 0.0) for bound, _ in after]
    counts = [(bound, a - b) for (bound, a), (_, b) in zip(after, base, strict=True)]
    total = counts[-1][1] if counts else 0.0
    if total <= 0:
        return float("nan")
    rank, lower, below = q * total, 0.0, 0.0
    for bound, cumulative in counts:
        if cumulative >= rank:
            if bound == float("inf"):
                return lower
            inside = cumulative - below
            return lower + (bound - lower) * ((rank - below) / inside if inside else 0.0)
        lower, below = bound, cumulative
    return lower


def batch_mean(before: str, after: str) -> float | None:
    """People's turns per transaction between two scrapes (helpline_turn_batch_size): group commit at work."""

    def sums(text: str) -> tuple[float, float]:
        found = {"sum": 0.0, "count": 0.0}
        for family in text_string_to_metric_families(text):
            if family.name == "helpline_turn_batch_size":
                for sample in family.samples:
                    for kind in found:
                        if sample.name.endswith("_" + kind):
                            found[kind] += sample.value
        return found["sum"], found["count"]

    (sum_before, count_before), (sum_after, count_after) = sums(before), sums(after)
    batches = count_after - count_before
    return round((sum_after - sum_before) / batches, 1) if batches > 0 else None


def quantile_ms(before: str, after: str, name: str, q: float, digits: int = 1) -> float:
    return round(1000 * histogram_quantile(histogram(before, name), histogram(after, name), q), digits)


async def drain(bot_port: int, fake: FakeApi, within: float) -> float | None:
    """Wait until the outbox is empty and the fake stopped receiving; the time of the last reply."""
    deadline = time.monotonic() + within
    last = -1
    while time.monotonic() < deadline:
        depth = gauge(await scrape(bot_port), "helpline_outbox_depth")
        stats = await fake.get("/stats")
        if depth == 0 and stats["sent_ok"] == last:
            return float(stats["last_ok_at"]) if stats["last_ok_at"] is not None else None
        last = stats["sent_ok"]
        await asyncio.sleep(0.5)
    return None


def summary(outcome: Outcome) -> dict[str, Any]:
    seconds = outcome.ended - outcome.started
    return {
        "seconds": round(seconds, 2),
        "accepted": outcome.accepted,
        "accepted_per_s": round(outcome.accepted / seconds, 1),
        "non_200": {str(k): v for k, v in outcome.statuses.items()},
        "retries": outcome.retries,
        "request_p50_ms": round(percentile(outcome.latencies, 0.50) * 1000, 1),
        "request_p99_ms": round(percentile(outcome.latencies, 0.99) * 1000, 1),
    }


class Meter:
    """CPU seconds of the processes that matter (each group a callable giving its pids now: PostgreSQL
    backends come and go), and how busy the whole machine was."""

    def __init__(self, groups: dict[str, Callable[[], list[int]]]) -> None:
        self.groups = groups
        self.start = {k: {p: cpu_seconds(p) for p in pids()} for k, pids in groups.items()}
        self.busy0, self.total0 = machine_busy()
        self.started = time.monotonic()

    def read(self) -> dict[str, Any]:
        busy1, total1 = machine_busy()
        seconds = time.monotonic() - self.started
        used = {}
        for name, pids in self.groups.items():
            before = self.start[name]
            used[name] = round(sum(max(cpu_seconds(p) - before.get(p, 0.0), 0.0) for p in pids()), 2)
        return {
            "cpu_seconds": used,
            "cpu_cores_used": {k: round(v / seconds, 2) for k, v in used.items()},
            "machine_busy_pct": round(100 * (busy1 - self.busy0) / max(total1 - self.total0, 1), 1),
        }


async def run_bare(workers: int, args: argparse.Namespace) -> dict[str, Any]:
    bare = Bare(PORT, workers)
    await bare.start()
    try:
        url = f"http://127.0.0.1:{PORT}/webhooks/telegram"
        load = Load(url, chats=list(range(100_000, 100_000 + args.chats)), first_update_id=1)
        load.concurrency = args.concurrency
        await load.run(count=10_000_000, seconds=2)
        meter = Meter({"server": bare.worker_pids, "generator": lambda: [os.getpid()]})
        with RssSampler(bare.worker_pids) as rss:
            outcome = await load.run(count=10_000_000, seconds=args.seconds)
        usage = meter.read()
        per_msg = {k: round(1000 * v / max(outcome.accepted, 1), 3) for k, v in usage["cpu_seconds"].items()}
        return {
            "kind": "bare",
            "workers": workers,
            "loadavg": round(loadavg(), 2),
            "saturation": summary(outcome) | usage | {"cpu_ms_per_message": per_msg},
            "rss_mb_per_worker": [round(v, 1) for v in rss.peak.values()],
        }
    finally:
        bare.stop()


async def run_bot(kind: str, workers: int, args: argparse.Namespace, pg: Postgres | None) -> dict[str, Any]:
    fake = FakeApi()
    fake.start()
    work = Path(tempfile.mkdtemp(prefix=f"helpline-load-{kind}{workers}-"))
    database = await pg.fresh_database() if pg is not None else f"sqlite+aiosqlite:///{work / 'bench.db'}"
    bot = Bot(PORT, workers, database, work, fake.base_url, extra_env={"HELPLINE_LOG_LEVEL": "WARNING"})
    result: dict[str, Any] = {"kind": kind, "workers": workers, "loadavg_before": round(loadavg(), 2)}
    try:
        bot.prepare()
        await bot.start()
        url = f"http://127.0.0.1:{PORT}/webhooks/telegram"
        chats = list(range(200_000, 200_000 + args.chats))
        with RssSampler(bot.worker_pids) as rss:
            warm = Load(url, chats=[9_000_000 + i for i in range(500)], first_update_id=10_000_000)
            await warm.run(count=2_000, seconds=3)
            await drain(PORT, fake, 60)

            load = Load(url, chats=chats, first_update_id=1, concurrency=args.concurrency)
            before_metrics, before_stats = await scrape(PORT), await fake.get("/stats")
            meter = Meter(
                {
                    "bot": bot.worker_pids,
                    "postgres": pg.backend_pids if pg is not None else list,
                    "fake_api": lambda: [fake.proc.pid if fake.proc else 0],
                    "generator": lambda: [os.getpid()],
                }
            )
            outcome = await load.run(count=args.count, seconds=args.seconds)
            after_metrics, after_stats = await scrape(PORT), await fake.get("/stats")
            last_reply = await drain(PORT, fake, 120)
            usage = meter.read()  # load and drain: the CPU it took to answer every accepted message
            window = outcome.ended - outcome.started
            turn = "helpline_turn_latency_seconds"
            per_msg = {
                k: round(1000 * v / max(outcome.accepted, 1), 2) for k, v in usage["cpu_seconds"].items()
            }
            saturation = summary(outcome) | usage
            saturation |= {
                "replies_per_s_during": round((after_stats["sent_ok"] - before_stats["sent_ok"]) / window, 1),
                "end_to_end_per_s": (
                    round(outcome.accepted / (last_reply - outcome.started), 1) if last_reply else None
                ),
                "drain_s_after_load": round(last_reply - outcome.ended, 2) if last_reply else None,
                "outbox_depth_at_end": gauge(after_metrics, "helpline_outbox_depth"),
                "turn_p50_ms": quantile_ms(before_metrics, after_metrics, turn, 0.5),
                "turn_p99_ms": quantile_ms(before_metrics, after_metrics, turn, 0.99),
                "turn_batch_mean": batch_mean(before_metrics, after_metrics),
                "cpu_ms_per_message": per_msg,
                # what the bot alone could do on this machine's 2 CPUs if nothing else ran on them
                "projected_per_s_bot_alone_2_cpus": round(2000 / per_msg["bot"], 1)
                if per_msg["bot"]
                else None,
            }
            result["saturation"] = saturation

            rate = args.rate or max(round(0.6 * saturation["accepted_per_s"]), 10)
            paced = Load(url, chats=[c + 1_000_000 for c in chats], first_update_id=5_000_000)
            paced.concurrency = args.concurrency
            before_metrics = await scrape(PORT)
            outcome = await paced.run(count=args.count, seconds=args.seconds, rate=rate)
            after_metrics = await scrape(PORT)
            await drain(PORT, fake, 120)
            nlu = "helpline_nlu_latency_seconds"
            result["latency"] = summary(outcome) | {
                "offered_per_s": rate,
                "turn_p50_ms": quantile_ms(before_metrics, after_metrics, turn, 0.5),
                "turn_p99_ms": quantile_ms(before_metrics, after_metrics, turn, 0.99),
                "turn_batch_mean": batch_mean(before_metrics, after_metrics),
                "nlu_p50_ms": quantile_ms(before_metrics, after_metrics, nlu, 0.5, 2),
                "nlu_p99_ms": quantile_ms(before_metrics, after_metrics, nlu, 0.99, 2),
            }
        result["rss_mb_per_worker"] = [round(v, 1) for v in rss.peak.values()]
        expected, statuses, _inbound = await expected_replies(database)
        delivered = texts(await fake.get("/deliveries"))
        result["delivery"] = compare(expected, delivered) | {"outbox_statuses": statuses}
        result["loadavg_after"] = round(loadavg(), 2)
    finally:
        result["exit_code"] = bot.stop()
        fake.stop()
    return result


def table(runs: list[dict[str, Any]]) -> str:
    bare = {r["workers"]: r["saturation"]["accepted_per_s"] for r in runs if r["kind"] == "bare"}
    lines = [
        "| setup | workers | inbound msg/s | replies msg/s | end-to-end msg/s | vs bare "
        "| turn p50 / p99 ms (at rate) | webhook p50 / p99 ms (at rate) | RSS MB per worker "
        "| server CPU ms/msg | lost / dup |",
        "| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |",
    ]
    for r in runs:
        s = r["saturation"]
        rss = " / ".join(f"{v:.0f}" for v in r.get("rss_mb_per_worker", []))
        if r["kind"] == "bare":
            lines.append(
                f"| bare aiohttp | {r['workers']} | {s['accepted_per_s']:.0f} | – | – | 1.00 | – "
                f"| {s['request_p50_ms']} / {s['request_p99_ms']} (saturated) | {rss} "
                f"| {s['cpu_ms_per_message']['server']} | – |"
            )
            continue
        lat = r.get("latency", {})
        ceiling = bare.get(r["workers"])
        ratio = f"{s['accepted_per_s'] / ceiling:.3f}" if ceiling else "–"
        d = r.get("delivery", {})
        lines.append(
            f"| {r['kind']} | {r['workers']} | {s['accepted_per_s']:.0f} | {s['replies_per_s_during']:.0f} "
            f"| {s['end_to_end_per_s']} | {ratio} "
            f"| {lat.get('turn_p50_ms')} / {lat.get('turn_p99_ms')} ({lat.get('offered_per_s')}/s) "
            f"| {lat.get('request_p50_ms')} / {lat.get('request_p99_ms')} | {rss} "
            f"| {s['cpu_ms_per_message']['bot']} | {d.get('lost')} / {d.get('duplicated')} |"
        )
    return "\n".join(lines)


async def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--seconds", type=float, default=15.0, help="length of each measured phase")
    parser.add_argument("--count", type=int, default=200_000, help="upper bound of posts per phase")
    parser.add_argument(
        "--concurrency", type=int, default=100, help="posts in flight at saturation (Telegram's most: 100)"
    )
    parser.add_argument("--chats", type=int, default=20_000, help="distinct chats")
    parser.add_argument("--rate", type=float, default=None, help="open-loop rate for the latency phase")
    parser.add_argument("--only", action="append", help="e.g. postgres:2 (repeatable)")
    parser.add_argument("--quick", action="store_true", help="5 s phases: a smoke run")
    parser.add_argument("--out", type=Path, default=RESULTS / "load.json")
    args = parser.parse_args()
    if args.quick:
        args.seconds, args.chats = 5.0, 5_000
    configs = args.only or list(CONFIGS)
    pg = None
    if any(c.startswith("postgres") for c in configs):
        pg = Postgres(Path(tempfile.gettempdir()) / "helpline-bench-pg", PG_PORT)
        pg.start()
    runs = []
    try:
        for config in configs:
            kind, workers = config.split(":")
            print(f"--- {config} (load average {loadavg():.2f})", flush=True)
            if kind == "bare":
                runs.append(await run_bare(int(workers), args))
            else:
                runs.append(await run_bot(kind, int(workers), args, pg if kind == "postgres" else None))
            print(json.dumps(runs[-1], indent=1), flush=True)
    finally:
        if pg is not None:
            pg.stop()
    report = {
        "date": datetime.now(UTC).isoformat(timespec="seconds"),
        "machine": {
            "cpus": os.cpu_count(),
            "python": platform.python_version(),
            "platform": platform.platform(),
            "note": "load generator, fake Bot API, PostgreSQL and the bot share these CPUs",
        },
        "parameters": {k: v for k, v in vars(args).items() if k != "out"} | {"out": _shown(args.out)},
        "goals": GOALS,
        "runs": runs,
        "table": table(runs),
    }
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(report, indent=2) + "\n")
    args.out.with_suffix(".md").write_text(report["table"] + "\n")
    print(report["table"])
    return 0


if __name__ == "__main__":
    raise SystemExit(uvloop.run(main()))
