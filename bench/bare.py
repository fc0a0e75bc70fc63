"""The ceiling: a bare aiohttp handler that answers 200 at once, on N processes sharing the port.

.venv/bin/python bench/bare.py --port 18090 --workers 2
"""

from __future__ import annotations

import argparse
import signal
import subprocess
import sys

import uvloop
from aiohttp import web


async def webhook(request: web.Request) -> web.Response:
    await request.read()  # the body arrives anyway; nothing else is done with it
    return web.Response(text="ok")


async def healthz(_request: web.Request) -> web.Response:
    return web.json_response({"status": "ok"})


def serve(port: int) -> None:
    app = web.Application()
    app.router.add_post("/webhooks/telegram", webhook)
    app.router.add_get("/readyz", healthz)
    # the same event loop as `helpline run`, so the ratio compares the bot with the loop it runs on
    web.run_app(
        app,
        host="127.0.0.1",
        port=port,
        reuse_port=True,
        access_log=None,
        print=None,
        loop=uvloop.new_event_loop(),
    )


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--workers", type=int, default=1)
    parser.add_argument("--child", action="store_true")
    args = parser.parse_args()
    if args.child or args.workers == 1:
        serve(args.port)
        return 0
    command = [sys.executable, __file__, "--port", str(args.port), "--child"]
    children = [subprocess.Popen(command) for _ in range(args.workers)]

    def stop(_signum: int, _frame: object) -> None:
        for child in children:
            child.terminate()

    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)
    return max(child.wait() for child in children)


if __name__ == "__main__":
    raise SystemExit(main())
