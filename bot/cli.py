"""The `helpline` command: parse arguments, build Settings, hand over to the part that does the work."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable, Sequence

from bot.settings import Settings, SettingsError, load_settings

Command = Callable[[argparse.Namespace, Settings], int]


def build_parser() -> argparse.ArgumentParser:
    from bot import cli_bookings, cli_chat, cli_db, cli_nlu, cli_privacy, cli_run, cli_staff, cli_telegram

    parser = argparse.ArgumentParser(prog="helpline", description="Helpline bot for families of prisoners")
    sub = parser.add_subparsers(dest="command", required=True)
    for module in (cli_run, cli_chat, cli_db, cli_nlu, cli_telegram, cli_bookings, cli_privacy, cli_staff):
        module.register(sub)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        settings = load_settings()
    except SettingsError as exc:
        print(f"helpline: {exc}", file=sys.stderr)
        return 2
    func: Command = args.func
    try:
        return func(args, settings)
    except SettingsError as exc:
        print(f"helpline: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        return 130


if __name__ == "__main__":
    raise SystemExit(main())
