"""The arrow points inward: flows/ and nlu/ import nothing from the shell or vendor SDKs."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
FORBIDDEN = ("bot", "aiohttp", "sqlalchemy", "telegram", "twilio", "asyncpg", "aiosqlite")


@pytest.mark.parametrize("package", ["flows", "nlu"])
def test_core_packages_import_no_shell_or_vendor_module(package: str):
    offenders = []
    for path in (ROOT / package).rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text())):
            names = []
            if isinstance(node, ast.Import):
                names = [a.name for a in node.names]
            elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
                names = [node.module]
            offenders += [f"{path.relative_to(ROOT)}: {n}" for n in names if n.split(".")[0] in FORBIDDEN]
    assert offenders == []


def test_importing_the_app_does_no_work():
    """Nothing at import time: no engine, no env reads, no logging setup, no vendor clients loaded."""
    code = (
        "import sys, logging; import bot.app, bot.cli, flows.engine, nlu.parse;"
        "assert not logging.getLogger().handlers, 'logging configured at import';"
        "print(sorted(m for m in ('telegram', 'twilio', 'asyncpg') if m in sys.modules))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True, cwd=ROOT)
    assert out.stdout.strip() == "[]"
