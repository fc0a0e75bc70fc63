"""`helpline run --workers 2` started in its data directory, as the load bench and a container start it.

That directory holds the NLU cache in `nlu/`. Each worker runs as `python -m bot.cli`, which puts its working
directory first on the module path, so that folder was imported as the `nlu` package (a namespace package
with no `__file__`), and every worker died at start where bot.redaction reads nlu's data files: the
supervisor gave up and the helpline never answered. The workers now start with `python -P`.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from tests.system.conftest import Server, Servers, free_port

pytestmark = pytest.mark.postgres

HELPLINE = str(Path(sys.executable).with_name("helpline"))


def start_in_the_data_directory(servers: Servers) -> Server:
    """Train the NLU into the data directory, then `helpline run --workers 2` there, as the bench does."""
    env = servers.env()
    # as an installed helpline runs: the project is found as installed, not by a path to its sources
    env.pop("PYTHONPATH")
    data = Path(env["HELPLINE_DATA_DIR"])
    data.mkdir(parents=True)
    subprocess.run([HELPLINE, "nlu", "train"], env=env, cwd=data, check=True, capture_output=True)
    assert (data / "nlu").is_dir()  # the cache the workers' working directory now holds
    server = Server(free_port(), env, workers=2, log=servers.tmp / "workers.log")
    with server.log.open("ab") as out:
        server.proc = subprocess.Popen(
            [HELPLINE, "run", "--workers", "2", "--port", str(server.port)],
            env=env,
            cwd=data,
            stdout=out,
            stderr=out,
        )
    servers.started.append(server)
    return server


async def test_the_workers_start_in_a_data_directory_holding_the_nlu_cache(servers: Servers):
    await start_in_the_data_directory(servers).ready(within=120)
