"""SMS drill: PostgreSQL away for a minute under a stream of SMS; nothing a person sent may be lost.

    .venv/bin/python bench/faults/sms_outage.py               # about 2 minutes
    .venv/bin/python bench/faults/sms_outage.py --down 60 --rate 5

Twilio does not send an SMS again when the webhook fails (bot/inbound_spool.py), so this drill plays
Twilio by its rules: each SMS is posted once, signed, and only a connection failure is tried once more
(Twilio's default); a 5xx answer is a message lost. `helpline run --workers 2` on PostgreSQL, the fake
Twilio REST API (tests/twilio_fake.py) in this process. During the stream PostgreSQL is stopped for
`--down` seconds (scripts/pg-restart.sh). Then it waits until nothing is kept on disk and every reply is out,
and counts: refused (a webhook answer other than 200), lost (taken but never a turn), turns twice, people
whose messages reached the transcript out of order, apologies (a person told "sorry" instead of answered),
replies committed against replies Twilio received.
Results: bench/results/faults-sms-outage.json.
"""

from __future__ import annotations

import argparse
import asyncio
import random
import sys
import tempfile
import time
from collections import defaultdict
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

import aiohttp  # noqa: E402
import asyncpg  # noqa: E402
import uvloop  # noqa: E402

from bench.faults.run import apologies  # noqa: E402
from bench.load.run import gauge, scrape  # noqa: E402
from bench.rig import Bot, Postgres, loadavg, write_report  # noqa: E402
from tests.twilio_fake import (  # noqa: E402
    ACCOUNT_SID,
    AUTH_TOKEN,
    FROM_NUMBER,
    PUBLIC_URL,
    FakeTwilio,
    form_body,
    inbound_form,
    signed,
)

PORT = 18490
PG_PORT = 25475
RESULTS = ROOT / "bench" / "results"
WEBHOOK = "/webhooks/twilio"
TEXTS = ("kā var satikt vīru?", "как передать посылку?", "how do I send a letter?", "paldies", "Sveiki")


async def post(session: aiohttp.ClientSession, body: str, sender: str, sid: str) -> int:
    """One SMS the way Twilio delivers it: once, and once more only if the connection failed."""
    form = inbound_form(body, sender, sid)
    for attempt in range(2):
        try:
            async with session.post(
                f"http://127.0.0.1:{PORT}{WEBHOOK}", data=form_body(form), headers=signed(WEBHOOK, form)
            ) as response:
                await response.read()
                return response.status
        except aiohttp.ClientConnectionError:
            if attempt:
                return 0
    return 0


async def settled(within: float) -> bool:
    """Nothing kept on disk, nothing left in the outbox (asked of whichever worker answers)."""
    deadline = time.monotonic() + within
    while time.monotonic() < deadline:
        try:
            text = await scrape(PORT)
            if gauge(text, "helpline_inbound_spooled") == 0 and gauge(text, "helpline_outbox_depth") == 0:
                return True
        except (aiohttp.ClientError, ValueError, KeyError):
            pass
        await asyncio.sleep(1)
    return False


async def drill(args: argparse.Namespace) -> dict[str, Any]:
    pg = Postgres(Path(tempfile.gettempdir()) / "helpline-sms-outage-pg", PG_PORT)
    pg.start()
    twilio = FakeTwilio()
    await twilio.start()
    work = Path(tempfile.mkdtemp(prefix="helpline-sms-outage-"))
    database = await pg.fresh_database()
    env = {
        "HELPLINE_LOG_LEVEL": "WARNING",
        "HELPLINE_PUBLIC_URL": PUBLIC_URL,
        "TELEGRAM_BOT_TOKEN": "",  # SMS only
        "TWILIO_ACCOUNT_SID": ACCOUNT_SID,
        "TWILIO_AUTH_TOKEN": AUTH_TOKEN,
        "TWILIO_FROM_NUMBER": FROM_NUMBER,
        "TWILIO_API_BASE_URL": twilio.base_url,
    }
    bot = Bot(PORT, 2, database, work, twilio.base_url, extra_env=env)
    rng = random.Random(args.seed)
    people = [f"+3712{n:07d}" for n in range(args.people)]
    sent: dict[str, list[str]] = defaultdict(list)  # person -> their texts, in the order they sent them
    statuses: dict[str, int] = {}
    result: dict[str, Any] = {"loadavg_before": round(loadavg(), 2)}
    try:
        bot.prepare()
        await bot.start()
        start = time.monotonic()
        outage: asyncio.Task[float] | None = None
        async with aiohttp.ClientSession() as session:
            posts: list[asyncio.Task[None]] = []
            busy: set[str] = set()  # a person's next SMS waits for their previous one's answer (a phone does)

            async def one(person: str, text: str, sid: str) -> None:
                try:
                    statuses[sid] = await post(session, text, person, sid)
                finally:
                    busy.discard(person)

            for n in range(int(args.rate * args.seconds)):
                await asyncio.sleep(max(start + n / args.rate - time.monotonic(), 0))
                if outage is None and time.monotonic() - start >= args.down_at:
                    outage = asyncio.ensure_future(asyncio.to_thread(pg.restart, args.down))
                free = [p for p in people if p not in busy]
                person = rng.choice(free or people)
                busy.add(person)
                text = f"{rng.choice(TEXTS)} #{n}"
                sent[person].append(text)
                posts.append(asyncio.ensure_future(one(person, text, f"SM{n:032x}")))
            await asyncio.gather(*posts)
            away = await outage if outage is not None else 0.0
        result["postgres_away_seconds"] = round(away, 1)
        result["settled"] = await settled(args.settle)
        result |= await count(database, sent, statuses, twilio)
    finally:
        bot.stop()
        await twilio.stop()
        pg.stop()
    result["loadavg_after"] = round(loadavg(), 2)
    return result


async def count(
    database: str, sent: dict[str, list[str]], statuses: dict[str, int], twilio: FakeTwilio
) -> dict[str, Any]:
    conn = await asyncpg.connect(database.replace("postgresql+asyncpg://", "postgresql://"))
    try:
        turns = await conn.fetch(
            "SELECT provider_message_id AS sid, count(*) AS n FROM processed_inbound"
            " WHERE channel = 'sms' GROUP BY provider_message_id"
        )
        lines = await conn.fetch(
            "SELECT c.external_id AS person, t.text FROM transcript t"
            " JOIN conversations v ON v.id = t.conversation_id JOIN contacts c ON c.id = v.contact_id"
            " WHERE t.direction = 'in' AND c.channel = 'sms' ORDER BY t.id"
        )
        replies = await conn.fetch("SELECT text FROM outbox WHERE channel = 'sms'")
        statuses_of_replies = await conn.fetch(
            "SELECT status, count(*) AS n FROM outbox WHERE channel = 'sms' GROUP BY status"
        )
    finally:
        await conn.close()
    handled = {row["sid"]: row["n"] for row in turns}
    sorry = apologies()
    by_status = {row["status"]: row["n"] for row in statuses_of_replies}
    said: dict[str, list[str]] = defaultdict(list)
    for row in lines:
        said[row["person"]].append(row["text"])
    accepted = [sid for sid, status in statuses.items() if status == 200]
    return {
        "sms_sent": len(statuses),
        "accepted": len(accepted),
        "refused": len(statuses) - len(accepted),
        "lost": sum(1 for sid in accepted if sid not in handled),
        "handled_twice": sum(1 for n in handled.values() if n > 1),
        "people_out_of_order": sum(1 for person, texts in sent.items() if said.get(person, []) != texts),
        "apology_replies": sum(1 for row in replies if row["text"] in sorry),
        "replies_committed": by_status.get("sent", 0),
        "reply_statuses": by_status,  # anything but "sent" is a reply that did not go out
        "replies_received_by_twilio": len(twilio.sent),
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rate", type=float, default=5.0, help="SMS a second")
    parser.add_argument("--seconds", type=float, default=90.0)
    parser.add_argument("--people", type=int, default=40)
    parser.add_argument("--down-at", type=float, default=15.0, help="second of the stream PostgreSQL stops")
    parser.add_argument("--down", type=float, default=60.0, help="seconds PostgreSQL stays stopped")
    parser.add_argument(
        "--settle", type=float, default=120.0, help="seconds to wait for the spool and outbox"
    )
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--out", type=Path, default=RESULTS / "faults-sms-outage.json")
    args = parser.parse_args()
    result = uvloop.run(drill(args))
    report = write_report(args, result)
    for key in (
        "sms_sent",
        "accepted",
        "refused",
        "lost",
        "handled_twice",
        "people_out_of_order",
        "apology_replies",
    ):
        print(f"{key}: {report[key]}")
    print(
        f"replies committed / received by Twilio: {report['replies_committed']} / "
        f"{report['replies_received_by_twilio']} (rows by status: {report['reply_statuses']})"
    )
    bad = report["refused"] or report["lost"] or report["handled_twice"] or report["people_out_of_order"]
    bad = bad or report["apology_replies"]
    bad = bad or set(report["reply_statuses"]) - {"sent"}
    return 1 if bad or not report["settled"] else 0


if __name__ == "__main__":
    sys.exit(main())
