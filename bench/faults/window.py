"""The duplicate window: how long a reply the Bot API already has stays unmarked in the database.

    .venv/bin/python bench/faults/window.py                 # about 40 s per run
    .venv/bin/python bench/faults/window.py --rate 200 --runs 2

A worker killed with `kill -9` after Telegram accepted a reply and before the row was marked sent leaves
that reply to be sent again once its lease ends (Telegram's `sendMessage` has no idempotency key). The fault
drill counts such duplicates, but whether its three kills meet a reply in that state is luck: the count
per drill swings from 0 to 30 for the same code. This measures the window itself for every reply, with no
fault: the fake Bot API notes when each `sendMessage` arrived, PostgreSQL (`track_commit_timestamp`) when
the transaction that marked the row sent committed. From it, the duplicates a kill can be expected to make:
the replies a second the victim sends, times the mean window.

`helpline run --workers 2` on a durable PostgreSQL, the real NLU, an open-loop stream of `--rate` updates a
second from `--chats` chats. Replies are paired with what the fake received chat by chat, in order (a chat
whose replies do not pair one to one is left out and counted). Results: bench/results/window.json.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

import asyncpg  # noqa: E402
import uvloop  # noqa: E402

from bench.load.run import drain  # noqa: E402
from bench.loadgen import Load, percentile  # noqa: E402
from bench.rig import Bot, FakeApi, Postgres, loadavg, write_report  # noqa: E402

PORT = 18482
PG_PORT = 25474
RESULTS = ROOT / "bench" / "results"
WORKERS = 2

# every reply the bot marked sent, with when the mark's transaction committed (seconds since the epoch)
MARKED = """
    SELECT recipient_id, text,
           extract(epoch FROM sent_at)::float8 AS mark_started,
           extract(epoch FROM pg_xact_commit_timestamp(xmin))::float8 AS committed
    FROM outbox WHERE status = 'sent' AND channel = 'telegram' ORDER BY id
"""


def plain(url: str) -> str:
    return url.replace("postgresql+asyncpg://", "postgresql://")


async def one_run(pg: Postgres, fake: FakeApi, args: argparse.Namespace, index: int) -> dict[str, Any]:
    database = await pg.fresh_database()
    work = Path(tempfile.mkdtemp(prefix="helpline-window-"))
    bot = Bot(PORT, WORKERS, database, work, fake.base_url, extra_env={"HELPLINE_LOG_LEVEL": "WARNING"})
    await fake.post("/reset", {})
    try:
        bot.prepare()
        await bot.start()
        chats = list(range(700_000 + index * args.chats, 700_000 + (index + 1) * args.chats))
        load = Load(f"http://127.0.0.1:{PORT}/webhooks/telegram", chats=chats, first_update_id=1)
        outcome = await load.run(count=10_000_000, seconds=args.seconds, rate=args.rate)
        await drain(PORT, fake, 60)
        received: dict[str, list[list[Any]]] = await fake.get("/deliveries")
        # the fake's times are CLOCK_MONOTONIC, which every process on the machine shares
        wall_minus_monotonic = time.time() - time.monotonic()
        conn = await asyncpg.connect(plain(database))
        try:
            marked = await conn.fetch(MARKED)
        finally:
            await conn.close()
    finally:
        bot.stop()
    by_chat: dict[str, list[Any]] = {}
    for row in marked:
        by_chat.setdefault(row["recipient_id"], []).append(row)
    to_commit: list[float] = []
    to_start: list[float] = []
    unpaired = 0
    for chat, arrivals in received.items():
        rows = by_chat.get(chat, [])
        paired = len(rows) == len(arrivals)
        if not paired or any(r["text"] != text for r, (text, _at) in zip(rows, arrivals, strict=True)):
            unpaired += 1
            continue
        for row, (_text, at) in zip(rows, arrivals, strict=True):
            arrived = at + wall_minus_monotonic
            to_commit.append(row["committed"] - arrived)
            to_start.append(row["mark_started"] - arrived)
    mean = statistics.fmean(to_commit)
    return {
        "accepted": outcome.accepted,
        "offered_per_s": args.rate,
        "replies_paired": len(to_commit),
        "chats_unpaired": unpaired,
        "arrival_to_mark_committed_ms": spread(to_commit),
        "arrival_to_mark_started_ms": spread(to_start),
        # a kill of one of the workers meets, on average, this many replies sent and not yet marked
        "expected_duplicates_per_kill": round(args.rate / WORKERS * mean, 3),
    }


def spread(values: list[float]) -> dict[str, float]:
    return {
        "p50": round(1000 * percentile(values, 0.50), 2),
        "p90": round(1000 * percentile(values, 0.90), 2),
        "p99": round(1000 * percentile(values, 0.99), 2),
        "mean": round(1000 * statistics.fmean(values), 2),
    }


async def measure(args: argparse.Namespace) -> dict[str, Any]:
    pg = Postgres(Path(tempfile.gettempdir()) / "helpline-window-pg", PG_PORT)
    pg.start()
    fake = FakeApi()
    try:
        admin = await asyncpg.connect(plain(pg.url))
        try:
            await admin.execute("ALTER SYSTEM SET track_commit_timestamp = on")  # read at start-up only
        finally:
            await admin.close()
        await asyncio.to_thread(pg.restart)
        fake.start()
        before = round(loadavg(), 2)
        runs = [await one_run(pg, fake, args, index) for index in range(args.runs)]
        return {"loadavg_before": before, "runs": runs, "loadavg_after": round(loadavg(), 2)}
    finally:
        fake.stop()
        pg.stop()


async def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--rate", type=float, default=200.0, help="updates per second offered")
    parser.add_argument("--seconds", type=float, default=20.0, help="length of each stream")
    parser.add_argument("--chats", type=int, default=200, help="distinct chats per run")
    parser.add_argument("--runs", type=int, default=1, help="runs, each on a fresh database")
    parser.add_argument("--out", type=Path, default=RESULTS / "window.json")
    args = parser.parse_args()
    result = await measure(args)
    report = write_report(args, result)
    print(json.dumps(report["runs"], indent=1))
    return 0


if __name__ == "__main__":
    raise SystemExit(uvloop.run(main()))
