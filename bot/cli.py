"""The `helpline` command: parse arguments, build Settings, hand over to the part that does the work."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable, Sequence

from bot.db.errors import database_unavailable
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
    except Exception as exc:
        # a staff member at a terminal gets one line, not a traceback (staff QA): the database out of
        # reach, a file that cannot be written
        if database_unavailable(exc):
            print(
                f"helpline: cannot reach the database ({_reason(exc)}); check HELPLINE_DATABASE_URL",
                file=sys.stderr,
            )
            return 1
        if isinstance(exc, OSError):
            print(f"helpline: {_reason(exc)}", file=sys.stderr)
            return 1
        raise


def _reason(exc: BaseException) -> str:
    """The innermost cause in words: the driver's refusal, not SQLAlchemy's wrapper (no statement, values)."""
    while exc.__cause__ is not None:
        exc = exc.__cause__
    if isinstance(exc, OSError) and exc.strerror:
        return f"{exc.strerror}: {exc.filename}" if exc.filename else exc.strerror
    return type(exc).__name__


if __name__ == "__main__":
    raise SystemExit(main())
