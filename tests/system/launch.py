"""The real app in a real process, for the multi-worker tests: `create_app` + `run_app`, and with --workers N
the real Supervisor (bot/supervisor.py). Only the NLU differs: rules plus keywords instead of the trained
model, so that no test has to train it.

    python -m tests.system.launch --port P [--workers N]     (settings from the environment, as in production)
"""

from __future__ import annotations

import argparse
import os
import sys

from aiohttp import web

from bot import logs
from bot.app import Overrides, create_app
from bot.channels.telegram import TelegramOptions, telegram_options
from bot.channels.telegram_sender import Limits
from bot.settings import load_settings
from bot.supervisor import Supervisor, metrics_dir
from tests.telegram_fake import RulesThenKeywords

# the fake Bot API has no limits; Telegram's per-chat second would only make the tests slow
OPTIONS = TelegramOptions(limits=Limits(per_second=1000.0, per_chat_interval=0.0), typing_after=5.0)


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--workers", type=int, default=1)
    parser.add_argument("--worker-process", action="store_true")
    args = parser.parse_args()
    settings = load_settings()
    logs.configure(settings.log_level, settings.log_format)
    if args.workers > 1 and not args.worker_process:
        directory = metrics_dir(settings)
        env = {
            **os.environ,
            "PROMETHEUS_MULTIPROC_DIR": str(directory),
            "HELPLINE_WORKERS": str(args.workers),
        }
        command = [sys.executable, "-m", "tests.system.launch", "--port", str(args.port), "--worker-process"]
        grace = settings.shutdown_timeout * 3 + 5
        return Supervisor(command, env, args.workers, grace=grace, metrics_dir=directory).run()
    app = create_app(settings, Overrides(classifier=RulesThenKeywords(), migrate=False))
    app[telegram_options] = OPTIONS
    web.run_app(
        app,
        host="127.0.0.1",
        port=args.port,
        reuse_port=True,
        shutdown_timeout=settings.shutdown_timeout,
        access_log=None,
        print=None,
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
