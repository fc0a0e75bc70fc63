"""Search benchmark: 100,000 synthetic conversations on SQLite and PostgreSQL, p95 of a mix of searches.

    .venv/bin/python bench/search/run.py [--conversations 100000] [--postgres URL] [--skip-sqlite]

PostgreSQL: --postgres, or HELPLINE_BENCH_POSTGRES_URL / HELPLINE_TEST_POSTGRES_URL (a server URL; the
benchmark creates and drops its own database there). Writes bench/results/search.json and prints the
table that docs/operators.md quotes. The goal: p95 < 300 ms on both.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import platform
import statistics
import sys
import tempfile
import time
from dataclasses import replace
from datetime import timedelta
from pathlib import Path
from typing import Any

import asyncpg

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from bench.search.generate import NOW, build, load_postgres, load_sqlite  # noqa: E402
from bot.db.engine import make_engine, make_sessionmaker  # noqa: E402
from bot.db.migrate import upgrade  # noqa: E402
from bot.search import SearchQuery, search  # noqa: E402

RESULTS = Path(__file__).resolve().parents[1] / "results" / "search.json"
PAGES = 5  # every query is paged this deep (keyset), each page timed
ROUNDS = 3
MONTH = timedelta(days=30)

MIX: dict[str, SearchQuery] = {
    "text: common lv word": SearchQuery(text="cietumā"),
    "text: common ru word": SearchQuery(text="тюрьме"),
    "text: two words": SearchQuery(text="pieteikties konsultāciju"),
    "text: prefix": SearchQuery(text="tikš*"),
    "text: rare word": SearchQuery(text="probācijas"),
    "text: no match": SearchQuery(text="zzzqqq"),
    "text + language + inbound": SearchQuery(text="psihologa", language="lv", direction="in"),
    "text + last 30 days": SearchQuery(text="visit", since=NOW - MONTH),
    "text + fallback": SearchQuery(text="vīrs", fallback=True),
    "filter: fallback": SearchQuery(fallback=True),
    "filter: low confidence < 0.5": SearchQuery(low_confidence=0.5),
    "filter: intent + language": SearchQuery(intent="visit_long", language="ru"),
    "filter: crisis": SearchQuery(crisis=True),
    "filter: handed off": SearchQuery(handed_off=True),
    "filter: booked": SearchQuery(booked=True),
    "filter: sms, last 30 days": SearchQuery(channel="sms", since=NOW - MONTH),
    "filter: a past week": SearchQuery(
        since=NOW - 200 * timedelta(days=1), until=NOW - 193 * timedelta(days=1)
    ),
    "no filter (newest)": SearchQuery(),
}


def _pct(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(q * len(ordered) + 0.5) - 1))]


async def measure(url: str) -> dict[str, object]:
    engine = make_engine(url)
    maker = make_sessionmaker(engine)
    per_query: dict[str, list[float]] = {name: [] for name in MIX}
    hits: dict[str, int] = {}
    try:
        # one untimed round first: SQLAlchemy's statement cache, asyncpg's prepared statements and the
        # database's buffer cache are warm in a running server, so the timed rounds start warm too
        for query in MIX.values():
            async with maker() as session:
                await search(session, query)
        for _round in range(ROUNDS):
            for name, query in MIX.items():
                before, found = None, 0
                for _page in range(PAGES):
                    started = time.perf_counter()
                    async with maker() as session:
                        page = await search(session, replace(query, before_id=before))
                    per_query[name].append((time.perf_counter() - started) * 1000)
                    found += len(page.hits)
                    if page.next_before is None:
                        break
                    before = page.next_before
                hits[name] = found
    finally:
        await engine.dispose()
    every = [ms for values in per_query.values() for ms in values]
    return {
        "searches": len(every),
        "p50_ms": round(statistics.median(every), 1),
        "p95_ms": round(_pct(every, 0.95), 1),
        "max_ms": round(max(every), 1),
        "per_query": {
            name: {
                "p95_ms": round(_pct(v, 0.95), 1),
                "max_ms": round(max(v), 1),
                "hits_in_5_pages": hits[name],
            }
            for name, v in per_query.items()
        },
    }


async def sqlite_bench(count: int) -> dict[str, object]:
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "bench.db"
        url = f"sqlite+aiosqlite:///{path}"
        engine = make_engine(url)
        await upgrade(engine)
        await engine.dispose()
        started = time.perf_counter()
        rows = build(count)
        built = time.perf_counter() - started
        await asyncio.to_thread(load_sqlite, path, rows)
        loaded = time.perf_counter() - started - built
        result = await measure(url)
        size = path.stat().st_size
    return {"generate_s": round(built, 1), "load_s": round(loaded, 1), "db_mb": round(size / 2**20), **result,
            "messages": len(rows.transcript)}  # fmt: skip


async def postgres_bench(server_url: str, count: int) -> dict[str, object]:
    base = server_url.replace("postgresql+asyncpg://", "postgresql://").rsplit("/", 1)[0]
    admin = await asyncpg.connect(base + "/postgres")
    name = "helpline_search_bench"
    try:
        await admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        await admin.execute(f'CREATE DATABASE "{name}"')
        url = "postgresql+asyncpg://" + base.removeprefix("postgresql://") + "/" + name
        engine = make_engine(url)
        await upgrade(engine)
        await engine.dispose()
        started = time.perf_counter()
        rows = build(count)
        built = time.perf_counter() - started
        await load_postgres(base + "/" + name, rows)
        loaded = time.perf_counter() - started - built
        result = await measure(url)
        result["pending_list_full"] = await _with_full_pending_list(base + "/" + name, url)
        version = await admin.fetchval("SHOW server_version")
    finally:
        await admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        await admin.close()
    return {"generate_s": round(built, 1), "load_s": round(loaded, 1), "server": version, **result,
            "messages": len(rows.transcript)}  # fmt: skip


async def _with_full_pending_list(dsn: str, url: str) -> dict[str, object]:
    """The same searches with the GIN pending list (migration 0008) filled to just below its limit, as
    after a rush of messages: every text search also scans the list. New rows are copies of the newest
    indexed ones (not the bot's answers, migration 0010), written one by one as the bot writes them;
    pgstattuple reads the list's size."""
    conn = await asyncpg.connect(dsn)
    try:
        await conn.execute("CREATE EXTENSION IF NOT EXISTS pgstattuple")
        state = "SELECT pending_pages, pending_tuples FROM pgstatginindex('ix_transcript_fts')"
        newest = await conn.fetch(
            "SELECT conversation_id, direction, author, text, created_at FROM transcript"
            " WHERE author <> 'bot' ORDER BY id DESC LIMIT 60000"
        )
        insert = (
            "INSERT INTO transcript (conversation_id, direction, author, kind, text, created_at)"
            " VALUES ($1, $2, $3, 'text', $4, $5)"
        )
        # how many rows fill it: write until the list is merged into the index (its size drops)
        await conn.execute("SELECT gin_clean_pending_list('ix_transcript_fts'::regclass)")
        fill, pages = 0, 0
        for row in newest:
            await conn.execute(insert, *row)
            now = (await conn.fetchrow(state))["pending_pages"]
            if now < pages:
                break
            fill, pages = fill + 1, now
        # then the same count again, from an empty list, and stop one row short of the merge
        await conn.execute("SELECT gin_clean_pending_list('ix_transcript_fts'::regclass)")
        for row in newest[: max(fill - 1, 0)]:
            await conn.execute(insert, *row)
        full = dict(await conn.fetchrow(state))
    finally:
        await conn.close()
    timed = await measure(url)
    return {"pending": full, **{k: timed[k] for k in ("searches", "p50_ms", "p95_ms", "max_ms")}}


def table(results: dict[str, Any]) -> str:
    lines = ["| backend | conversations | messages | searches | p50 ms | p95 ms | max ms | load s |",
             "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |"]  # fmt: skip
    backends: dict[str, dict[str, Any]] = results["backends"]
    for backend, r in backends.items():
        lines.append(
            f"| {backend} | {results['conversations']:,} | {r['messages']:,} | {r['searches']} "
            f"| {r['p50_ms']} | {r['p95_ms']} | {r['max_ms']} | {r['load_s']} |"
        )
        full = r.get("pending_list_full")
        if full:
            lines.append(
                f"| {backend}, GIN pending list full ({full['pending']['pending_tuples']} rows) "
                f"| {results['conversations']:,} | {r['messages']:,} | {full['searches']} "
                f"| {full['p50_ms']} | {full['p95_ms']} | {full['max_ms']} | – |"
            )
    return "\n".join(lines)


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--conversations", type=int, default=100_000)
    parser.add_argument(
        "--postgres",
        default=os.environ.get("HELPLINE_BENCH_POSTGRES_URL") or os.environ.get("HELPLINE_TEST_POSTGRES_URL"),
    )
    parser.add_argument("--skip-sqlite", action="store_true")
    parser.add_argument("--out", type=Path, default=RESULTS)
    args = parser.parse_args()
    backends: dict[str, object] = {}
    if not args.skip_sqlite:
        print(f"sqlite: {args.conversations:,} conversations …", flush=True)
        backends["sqlite"] = asyncio.run(sqlite_bench(args.conversations))
    if args.postgres:
        print(f"postgresql: {args.conversations:,} conversations …", flush=True)
        backends["postgresql"] = asyncio.run(postgres_bench(args.postgres, args.conversations))
    results = {
        "conversations": args.conversations,
        "pages_per_query": PAGES,
        "rounds": ROUNDS,
        "page_size": SearchQuery().limit,
        "machine": {
            "python": platform.python_version(),
            "cpus": os.cpu_count(),
            "platform": platform.platform(),
            "load_average_at_end": [round(x, 1) for x in os.getloadavg()],
        },
        "warmup_rounds": 1,
        "backends": backends,
    }
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(results, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    print(table(results))
    timed = [*backends.values(), *(b.get("pending_list_full") for b in backends.values())]  # type: ignore[attr-defined]
    goal = all(b["p95_ms"] < 300 for b in timed if b)
    print(f"goal p95 < 300 ms: {'met' if goal else 'NOT met'}; wrote {args.out}")
    return 0 if goal else 1


if __name__ == "__main__":
    raise SystemExit(main())
