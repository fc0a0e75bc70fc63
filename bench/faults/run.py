"""Fault drill: under a steady stream of Telegram updates, break things on purpose, then count.

    .venv/bin/python bench/faults/run.py            # about 3 minutes
    .venv/bin/python bench/faults/run.py --rate 20 --seconds 60

`helpline run --workers 2` on PostgreSQL, the fake Bot API (tests/telegram_fake.py) in its own process, and a
load generator that retries a failed webhook post the way Telegram does. During the stream:
  1. kill -9 a worker, `--kills` times 3 s apart (the supervisor starts new ones; replies a killed worker
     had claimed come back after the lease);
  2. restart PostgreSQL on the same data directory (scripts/pg-restart.sh), down for `--pg-down` seconds;
  3. the fake answers every sendMessage with 429 (retry_after 1) for `--fail-seconds`;
  4. then with 500 for `--fail-seconds`.
Then it waits for every retry and every reply, and compares what reached the fake with what the database
committed: lost (a committed reply that never arrived, or an accepted update with no turn), duplicated
(a reply that arrived twice), out of order. Results: bench/results/faults.json (and a line per count).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import random
import signal
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

import uvloop  # noqa: E402

from bench.load.run import drain, gauge, scrape  # noqa: E402
from bench.loadgen import Load, compare, expected_replies, texts  # noqa: E402
from bench.rig import Bot, FakeApi, Postgres, loadavg, write_report  # noqa: E402

PORT = 18480
PG_PORT = 25472
RESULTS = ROOT / "bench" / "results"


async def at(start: float, second: float) -> None:
    await asyncio.sleep(max(start + second - time.monotonic(), 0))


async def drill(args: argparse.Namespace) -> dict[str, Any]:
    pg = Postgres(Path(tempfile.gettempdir()) / "helpline-faults-pg", PG_PORT)
    pg.start()
    fake = FakeApi()
    fake.start()
    work = Path(tempfile.mkdtemp(prefix="helpline-faults-"))
    database = await pg.fresh_database()
    lease = args.lease
    bot = Bot(
        PORT,
        2,
        database,
        work,
        fake.base_url,
        extra_env={"HELPLINE_OUTBOX_LEASE_SECONDS": str(lease), "HELPLINE_LOG_LEVEL": "WARNING"},
    )
    events: list[dict[str, Any]] = []
    result: dict[str, Any] = {"loadavg_before": round(loadavg(), 2)}
    try:
        bot.prepare()
        await bot.start()
        url = f"http://127.0.0.1:{PORT}/webhooks/telegram"
        load = Load(url, chats=list(range(500_000, 500_000 + args.chats)), first_update_id=1)
        load.retry_for = 180.0  # Telegram keeps retrying an unanswered update for a long time
        load.request_timeout = 15.0
        start = time.monotonic()
        stream = asyncio.create_task(load.run(count=10_000_000, seconds=args.seconds, rate=args.rate))

        async def note(what: str, **details: Any) -> None:
            events.append({"at_s": round(time.monotonic() - start, 2), "event": what, **details})
            print(f"{events[-1]['at_s']:7.2f}s {what} {details}", flush=True)

        schedule = args.seconds / 6
        # the stream's own clock paces replies into bursts on whole seconds; --jitter moves each kill off them
        # by a random fraction, so that the duplicates counted sample the window at random moments
        offsets = [random.Random(args.seed + kill).uniform(0, args.jitter) for kill in range(args.kills)]
        for kill in range(args.kills):  # a few seconds apart: each hits whatever that worker had in flight
            await at(start, schedule + 3 * kill + offsets[kill])
            victim = bot.worker_pids()[kill % 2 - 1] if bot.worker_pids() else None
            if victim is not None:
                os.kill(victim, signal.SIGKILL)
                await note("kill -9 worker", pid=victim)

        await at(start, 2 * schedule)
        await note("restart PostgreSQL", down_for_s=args.pg_down)
        took = await asyncio.to_thread(pg.restart, args.pg_down)
        await note("PostgreSQL back", away_s=round(took, 2))

        await at(start, 3 * schedule)
        await fake.post("/fail", {"status": 429, "seconds": args.fail_seconds, "retry_after": 1})
        await note("Bot API answers 429", seconds=args.fail_seconds)

        await at(start, 4 * schedule)
        await fake.post("/fail", {"status": 500, "seconds": args.fail_seconds})
        await note("Bot API answers 500", seconds=args.fail_seconds)

        await at(start, 4 * schedule + args.fail_seconds + 1)
        await note("Bot API answers again", failed_so_far=(await fake.get("/stats"))["send_failed"])
        outcome = await stream
        await note("stream ended, retries done", accepted=outcome.accepted, gave_up=outcome.gave_up)
        last = await drain(PORT, fake, 60 + 2 * lease)
        await note(
            "outbox drained" if last else "outbox NOT drained",
            depth=gauge(await scrape(PORT), "helpline_outbox_depth"),
        )
        result["workers_after"] = bot.worker_pids()
        stats = await fake.get("/stats")
        expected, statuses, inbound = await expected_replies(database)
        raw = await fake.get("/deliveries")
        delivered = texts(raw)
        counts = compare(expected, delivered)
        counts["duplicates_at_s"] = duplicate_times(expected, raw, start)
        unrecorded = sorted(set(map(str, outcome.accepted_ids)) - inbound)
        sorry = apologies()
        apology_count = sum(1 for chat in expected.values() for t in chat if t in sorry)
        result |= {
            "stream": {
                "seconds": args.seconds,
                "offered_per_s": args.rate,
                "accepted": outcome.accepted,
                "webhook_non_200": {str(k): v for k, v in outcome.statuses.items()},
                "webhook_retries": outcome.retries,
                "gave_up": outcome.gave_up,
            },
            "bot_api": {"sendMessage_ok": stats["sent_ok"], "sendMessage_failed": stats["send_failed"]},
            "outbox_statuses": statuses,
            "accepted_without_turn": len(unrecorded),
            "apology_replies": apology_count,
            "delivery": counts,
            "lost": counts["lost"] + len(unrecorded) + outcome.gave_up,
            "duplicated": counts["duplicated"],
            "events": events,
            "lease_s": lease,
        }
        result["loadavg_after"] = round(loadavg(), 2)
    finally:
        result["exit_code"] = bot.stop()
        fake.stop()
        pg.stop()
    return result


def duplicate_times(
    expected: dict[int, list[str]], raw: dict[str, list[list[Any]]], start: float
) -> list[list[float]]:
    """For each reply that arrived more than once: when each copy arrived, in seconds from the start."""
    found = []
    for chat, sent in raw.items():
        want = expected.get(int(chat), [])
        for text in {t for t, _ in sent}:
            copies = [round(when - start, 2) for t, when in sent if t == text]
            if len(copies) > want.count(text):
                found.append(copies)
    return found


def apologies() -> set[str]:
    from flows.texts import Texts

    loaded = Texts.load()
    return {loaded.render("error.apology", lang) for lang in loaded.languages}


async def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--rate", type=float, default=20.0, help="updates per second offered")
    parser.add_argument("--seconds", type=float, default=60.0, help="length of the stream")
    parser.add_argument(
        "--chats",
        type=int,
        default=200,
        help="distinct chats; fewer than updates, so that each chat sends several and order is checked",
    )
    parser.add_argument("--kills", type=int, default=3, help="kill -9 a worker this many times, 3 s apart")
    parser.add_argument(
        "--jitter", type=float, default=0.0, help="move each kill later by a random 0..JITTER seconds"
    )
    parser.add_argument("--seed", type=int, default=1, help="for --jitter")
    parser.add_argument("--pg-down", type=float, default=2.0, help="seconds PostgreSQL stays stopped")
    parser.add_argument("--fail-seconds", type=float, default=5.0, help="length of each Bot API failure")
    parser.add_argument("--lease", type=float, default=20.0, help="HELPLINE_OUTBOX_LEASE_SECONDS for the bot")
    parser.add_argument("--out", type=Path, default=RESULTS / "faults.json")
    args = parser.parse_args()
    result = await drill(args)
    report = write_report(args, result)
    print(json.dumps({k: report[k] for k in ("lost", "duplicated", "delivery", "stream")}, indent=1))
    return 0 if report["lost"] == 0 else 1


if __name__ == "__main__":
    raise SystemExit(uvloop.run(main()))
