"""`helpline run --workers N`: the parent that migrates once, starts N workers on one port, and keeps them up.

Each worker is a fresh interpreter running the whole app (`create_app`) on the same port with SO_REUSEPORT;
the kernel spreads connections over them. The parent holds no connections and serves no requests: it
forwards SIGTERM (each worker then stops taking requests, finishes its turns, stops its outbox between
sends and exits), and restarts a worker that died. Workers share nothing but PostgreSQL.
"""

from __future__ import annotations

import contextlib
import ctypes
import functools
import logging
import os
import shutil
import signal
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path
from types import FrameType

from bot.settings import Settings

log = logging.getLogger(__name__)

POLL_SECONDS = 0.2
QUICK_EXIT_SECONDS = 10.0  # a worker that dies sooner than this counts towards a crash loop
CRASH_LOOP = 5  # quick deaths in a row of one worker slot: give up, exit 1 (the orchestrator takes over)
_PR_SET_PDEATHSIG = 1


@dataclass
class Slot:
    index: int
    proc: subprocess.Popen[bytes] | None = None
    started: float = 0.0
    quick_failures: int = 0
    restart_at: float = 0.0


class Supervisor:
    def __init__(
        self,
        command: list[str],
        env: dict[str, str],
        count: int,
        *,
        grace: float,
        metrics_dir: Path,
        backoff: float = 0.25,
    ) -> None:
        self.command = command
        self.backoff = backoff  # first pause before restarting a worker that died young; doubles each time
        self.env = env
        self.slots = [Slot(i) for i in range(count)]
        self.grace = grace
        self.metrics_dir = metrics_dir
        self.stopping = False
        self.signals = 0
        self.gave_up = False

    def run(self) -> int:
        previous = {sig: signal.signal(sig, self._on_signal) for sig in (signal.SIGTERM, signal.SIGINT)}
        try:
            for slot in self.slots:
                self._start(slot)
            while not self.stopping:
                self._watch()
                time.sleep(POLL_SECONDS)
            return self._stop_all()
        finally:
            for sig, handler in previous.items():
                signal.signal(sig, handler)

    def _on_signal(self, signum: int, _frame: FrameType | None) -> None:
        self.signals += 1
        self.stopping = True
        if self.signals > 1:  # asked twice: do not wait for turns in flight
            log.warning("second signal: killing workers now")
            self._send_all(signal.SIGKILL)

    def _start(self, slot: Slot) -> None:
        slot.proc = subprocess.Popen(  # noqa: S603 - our own interpreter and module, no shell
            self.command,
            env=self.env,
            start_new_session=True,  # a terminal's Ctrl+C reaches the parent only; it forwards one SIGTERM
            preexec_fn=functools.partial(_die_with_parent, os.getpid()),  # noqa: PLW1509 - single-threaded parent
        )
        slot.started = time.monotonic()
        log.info("worker %d started", slot.index, extra={"worker_pid": slot.proc.pid})

    def _watch(self) -> None:
        now = time.monotonic()
        for slot in self.slots:
            if slot.proc is None:
                if now >= slot.restart_at:
                    self._start(slot)
                continue
            code = slot.proc.poll()
            if code is None:
                continue
            lived = now - slot.started
            log.error(
                "worker %d died (exit %s after %.1f s); restarting",
                slot.index,
                code,
                lived,
                extra={"worker_pid": slot.proc.pid},
            )
            _mark_dead(slot.proc.pid, self.metrics_dir)
            slot.proc = None
            slot.quick_failures = slot.quick_failures + 1 if lived < QUICK_EXIT_SECONDS else 0
            if slot.quick_failures >= CRASH_LOOP:
                log.error("worker %d keeps dying at start; stopping", slot.index)
                self.gave_up = self.stopping = True
                return
            slot.restart_at = now + min(self.backoff * 2**slot.quick_failures, 10.0)

    def _send_all(self, sig: signal.Signals) -> None:
        for slot in self.slots:
            if slot.proc is not None and slot.proc.poll() is None:
                with contextlib.suppress(ProcessLookupError):
                    slot.proc.send_signal(sig)

    def _stop_all(self) -> int:
        self._send_all(signal.SIGTERM)
        deadline = time.monotonic() + self.grace
        codes: list[int] = []
        for slot in self.slots:
            if slot.proc is None:
                continue
            try:
                codes.append(slot.proc.wait(timeout=max(deadline - time.monotonic(), 0.1)))
            except subprocess.TimeoutExpired:
                log.error("worker %d did not stop in %.0f s; killing it", slot.index, self.grace)
                slot.proc.kill()
                codes.append(slot.proc.wait())
        clean = all(code == 0 for code in codes)
        log.info("all workers stopped", extra={"exit_codes": codes})
        return 0 if clean and not self.gave_up else 1


def _die_with_parent(parent: int) -> None:
    """Linux: a worker gets SIGTERM if the parent dies without stopping it (kill -9 of the parent).

    The death signal only covers a parent that dies after it is set: one killed between the fork and the
    prctl left its worker running on (a test caught it under load), so the child checks it still has it.
    """
    with contextlib.suppress(OSError, AttributeError):
        ctypes.CDLL(None, use_errno=True).prctl(_PR_SET_PDEATHSIG, signal.SIGTERM)
    if os.getppid() != parent:
        os._exit(1)  # not exec'd yet: nothing to clean up, and the supervisor's signal handlers are inherited


def _mark_dead(pid: int, metrics_dir: Path) -> None:
    from prometheus_client import multiprocess

    with contextlib.suppress(OSError):
        multiprocess.mark_process_dead(pid, str(metrics_dir))  # type: ignore[no-untyped-call]


def metrics_dir(settings: Settings) -> Path:
    """Where the workers' prometheus files live; emptied at start (old pids would count forever)."""
    path = settings.prometheus_multiproc_dir or settings.data_dir / "prometheus"
    shutil.rmtree(path, ignore_errors=True)
    path.mkdir(parents=True, exist_ok=True)
    return path


def supervise(settings: Settings, *, host: str, port: int, workers: int) -> int:
    """Start `workers` copies of `helpline run` on host:port and supervise them until SIGTERM."""
    directory = metrics_dir(settings)
    # workers inherit the environment (their own Settings read it); the supervisor adds only these two
    env = {**os.environ, "PROMETHEUS_MULTIPROC_DIR": str(directory), "HELPLINE_WORKERS": str(workers)}
    command = [
        sys.executable,
        # -P: not the working directory first on the module path; started in the data directory (the bench,
        # a container), its NLU cache `nlu/` was imported as the nlu package and every worker died at start
        "-P",
        "-m",
        "bot.cli",
        "run",
        "--worker-process",
        "--host",
        host,
        "--port",
        str(port),
    ]
    supervisor = Supervisor(
        command, env, workers, grace=settings.shutdown_timeout * 3 + 5, metrics_dir=directory
    )
    return supervisor.run()
