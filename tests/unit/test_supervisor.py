"""The supervisor of `helpline run --workers N`, with stand-in workers: restarts, SIGTERM, crash loops."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]

# a worker that exits 0 on SIGTERM, like `helpline run --worker-process`, and says when it can: a SIGTERM
# that came before its handler (a loaded machine, a freshly replaced worker) killed it, and the test failed
WORKER = (
    "import os, signal, sys, time; signal.signal(signal.SIGTERM, lambda *a: sys.exit(0)); "
    "open(os.path.join(sys.argv[1], f'ready-{os.getpid()}'), 'w').close(); time.sleep(120)"
)


def ready(tmp_path: Path, pids: list[int]) -> bool:
    return all((tmp_path / f"ready-{pid}").exists() for pid in pids)


def supervisor(tmp_path: Path, worker: str, count: int = 2) -> subprocess.Popen[bytes]:
    code = textwrap.dedent(
        f"""
        import sys
        from pathlib import Path
        from bot.supervisor import Supervisor
        command = [sys.executable, "-c", {worker!r}, {str(tmp_path)!r}]
        metrics = Path({str(tmp_path)!r})
        sys.exit(Supervisor(command, {{}}, {count}, grace=5, metrics_dir=metrics, backoff=0.01).run())
        """
    )
    return subprocess.Popen([sys.executable, "-c", code], cwd=ROOT)


def children(pid: int) -> list[int]:
    path = Path(f"/proc/{pid}/task/{pid}/children")
    return [int(p) for p in path.read_text().split()] if path.exists() else []


def wait_for(check, seconds: float = 15.0):  # type: ignore[no-untyped-def]
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        found = check()
        if found:
            return found
        time.sleep(0.05)
    raise TimeoutError("condition not met")


def test_a_killed_worker_is_replaced_and_sigterm_stops_all_with_exit_0(tmp_path: Path):
    parent = supervisor(tmp_path, WORKER)
    try:
        first = wait_for(lambda: (c := children(parent.pid)) and len(c) == 2 and c)
        os.kill(first[0], signal.SIGKILL)
        replaced = wait_for(lambda: (c := children(parent.pid)) and len(c) == 2 and first[0] not in c and c)
        assert first[1] in replaced
        wait_for(lambda: ready(tmp_path, replaced))
        parent.send_signal(signal.SIGTERM)
        assert parent.wait(15) == 0
        for pid in replaced:  # the workers are gone too
            assert not Path(f"/proc/{pid}").exists() or _zombie(pid)
    finally:
        if parent.poll() is None:
            parent.kill()


def test_a_worker_that_keeps_dying_at_start_stops_the_supervisor_with_exit_1(tmp_path: Path):
    parent = supervisor(tmp_path, "import sys; sys.exit(3)", count=1)
    try:
        assert parent.wait(30) == 1
    finally:
        if parent.poll() is None:
            parent.kill()


def test_a_worker_stopped_by_the_parent_dying_does_not_linger(tmp_path: Path):
    parent = supervisor(tmp_path, WORKER, count=1)
    (worker,) = wait_for(lambda: children(parent.pid))
    parent.kill()  # kill -9 of the supervisor itself: the worker gets SIGTERM from the kernel
    parent.wait()
    wait_for(lambda: not Path(f"/proc/{worker}").exists() or _zombie(worker))


def _zombie(pid: int) -> bool:
    try:
        return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0] == "Z"
    except OSError:
        return True
