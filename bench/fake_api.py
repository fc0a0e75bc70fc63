"""The fake Telegram Bot API (tests/telegram_fake.py, used as is) in its own process, with a control port.

    .venv/bin/python bench/fake_api.py            # prints one JSON line: {"base_url": ..., "control": ...}

Control (127.0.0.1 only): GET /stats, GET /deliveries, POST /fail {"status", "seconds", "retry_after"},
POST /reset. The fake records every call in a list that it scans on each request; this process moves the
records out every 100 ms so that a long benchmark does not slow the fake down quadratically.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import signal
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import uvloop  # noqa: E402
from aiohttp import web  # noqa: E402

from tests.telegram_fake import Failure, FakeBotApi  # noqa: E402

KEEP_FAILING = 2000  # scripted failures kept queued while a failure window is open


@dataclass
class Record:
    ok: int = 0
    failed: dict[int, int] = field(default_factory=dict)  # status -> count of sendMessage answers
    first_ok: float | None = None
    last_ok: float | None = None
    other: dict[str, int] = field(default_factory=dict)  # method -> calls
    deliveries: dict[int, list[tuple[str, float]]] = field(default_factory=dict)  # chat -> (text, when)

    def take(self, api: FakeBotApi) -> None:
        calls, api.calls = api.calls, []
        for call in calls:
            if call.method != "sendMessage":
                self.other[call.method] = self.other.get(call.method, 0) + 1
            elif call.ok:
                self.ok += 1
                self.first_ok = self.first_ok if self.first_ok is not None else call.at
                self.last_ok = call.at
                chat = int(call.params["chat_id"])
                self.deliveries.setdefault(chat, []).append((str(call.params.get("text", "")), call.at))
            else:
                self.failed[call.status] = self.failed.get(call.status, 0) + 1


class Control:
    def __init__(self, api: FakeBotApi) -> None:
        self.api = api
        self.record = Record()
        self.failing_until = 0.0
        self.failure: Failure | None = None

    async def collect(self) -> None:
        while True:
            self.record.take(self.api)
            if self.failure is not None:
                if time.monotonic() < self.failing_until:
                    queued = self.api.failures.setdefault("sendMessage", [])
                    queued.extend([self.failure] * (KEEP_FAILING - len(queued)))
                else:
                    self.api.failures["sendMessage"] = []
                    self.failure = None
            await asyncio.sleep(0.1 if self.failure is None else 0.01)

    async def stats(self, _request: web.Request) -> web.Response:
        self.record.take(self.api)
        r = self.record
        return web.json_response(
            {
                "sent_ok": r.ok,
                "send_failed": {str(k): v for k, v in r.failed.items()},
                "first_ok_at": r.first_ok,
                "last_ok_at": r.last_ok,
                "other_calls": r.other,
                "now": time.monotonic(),
                "failing": self.failure is not None,
            }
        )

    async def deliveries(self, _request: web.Request) -> web.Response:
        self.record.take(self.api)
        return web.json_response({str(k): v for k, v in self.record.deliveries.items()})

    async def fail(self, request: web.Request) -> web.Response:
        body: dict[str, Any] = await request.json()
        status, seconds = int(body["status"]), float(body["seconds"])
        if status == 429:
            self.failure = Failure.too_many(int(body.get("retry_after", 1)))
        else:
            self.failure = Failure(status, "Internal Server Error" if status == 500 else "Bad Gateway")
        self.failing_until = time.monotonic() + seconds
        self.api.failures["sendMessage"] = [self.failure] * KEEP_FAILING  # from the very next call
        return web.json_response({"failing_until": self.failing_until})

    async def reset(self, _request: web.Request) -> web.Response:
        self.api.calls = []
        self.record = Record()
        return web.json_response({"ok": True})


async def main(control_port: int) -> None:
    api = FakeBotApi()
    base_url = await api.start()
    control = Control(api)
    app = web.Application()
    app.router.add_get("/stats", control.stats)
    app.router.add_get("/deliveries", control.deliveries)
    app.router.add_post("/fail", control.fail)
    app.router.add_post("/reset", control.reset)
    runner = web.AppRunner(app, access_log=None)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", control_port)
    await site.start()
    port = runner.addresses[0][1]
    print(json.dumps({"base_url": base_url, "control": f"http://127.0.0.1:{port}"}), flush=True)
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(sig, stop.set)
    collector = asyncio.create_task(control.collect())
    await stop.wait()
    collector.cancel()
    with contextlib.suppress(asyncio.CancelledError):
        await collector
    await runner.cleanup()
    await api.stop()


if __name__ == "__main__":
    parser = argparse.ArgumentParser()
    parser.add_argument("--control-port", type=int, default=0)
    uvloop.run(main(parser.parse_args().control_port))
