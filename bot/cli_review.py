"""`helpline nlu export-reviewed [--all] [--out FILE]`: reviewed messages as Rasa NLU YAML, masked."""

from __future__ import annotations

import argparse
import asyncio
import sys
from pathlib import Path
from typing import Any

from bot.cli_privacy import cli_actor, database, writable
from bot.clock import system_clock
from bot.review import export_yaml
from bot.settings import Settings
from nlu.parse import LANGUAGES


async def _export(settings: Settings, include_all: bool, language: str | None) -> tuple[str, int]:
    now = system_clock(settings.zone)()
    async with database(settings) as maker, maker() as session, session.begin():
        return await export_yaml(
            session, include_unreviewed=include_all, actor=cli_actor(), now=now, language=language
        )


def export_command(args: argparse.Namespace, settings: Settings) -> int:
    out: Path | None = args.out
    if out is not None:
        writable(out)  # before the export is read and audited
    text, count = asyncio.run(_export(settings, args.all, args.lang))
    if out is None:
        sys.stdout.write(text)
    else:
        out.write_text(text, encoding="utf-8")
    print(f"{count} examples{'' if out is None else f' written to {out}'}", file=sys.stderr)
    return 0


def register_export(commands: Any) -> None:
    """Add `export-reviewed` to the `helpline nlu` command group."""
    export = commands.add_parser(
        "export-reviewed", help="write reviewed inbound messages as Rasa NLU YAML (personal data masked)"
    )
    export.add_argument(
        "--all", action="store_true", help="also unreviewed inbound messages, under their predicted intent"
    )
    export.add_argument(
        "--lang", choices=LANGUAGES, help="only messages in this language (to merge into nlu/data/LANG/)"
    )
    export.add_argument("--out", type=Path, metavar="FILE", help="default: standard output")
    export.set_defaults(func=export_command)
