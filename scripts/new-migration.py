"""Autogenerate an Alembic revision against a scratch SQLite database at the current head.

Usage: .venv/bin/python scripts/new-migration.py "message" REV_ID
"""

from __future__ import annotations

import asyncio
import re
import sys
import tempfile
from pathlib import Path

from alembic import command
from sqlalchemy.engine import Connection

from bot.db.engine import make_engine
from bot.db.migrate import MIGRATIONS, alembic_config, upgrade


async def main(message: str, rev_id: str) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        engine = make_engine(f"sqlite+aiosqlite:///{tmp}/scratch.db")
        await upgrade(engine)

        def _revision(conn: Connection) -> None:
            config = alembic_config()
            config.attributes["connection"] = conn
            command.revision(config, message=message, autogenerate=True, rev_id=rev_id)

        async with engine.begin() as conn:
            await conn.run_sync(_revision)
        await engine.dispose()
    for path in (MIGRATIONS / "versions").glob(f"{rev_id}_*.py"):
        # migrations must not import the app: render our aware-datetime type as the plain column type
        text = re.sub(r"bot\.db\.models\.UtcDateTime\([^)]*\)", "sa.DateTime(timezone=True)", path.read_text())
        path.write_text(text)
        print(path)


if __name__ == "__main__":
    asyncio.run(main(sys.argv[1], sys.argv[2]))
