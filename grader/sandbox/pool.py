"""The parent's side: a pool of fork servers, and turning a finished job into a RunOutcome."""

from __future__ import annotations

import io
import json
import os
import queue
import select
import signal
import stat
import subprocess
import sys
import tempfile
import threading
import warnings
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any, Iterable

import torch

from grader.config import Settings
from grader.records import Program, RunOutcome, RunStatus
from grader.sandbox.harness import OBSERVATIONS_FILE, PROGRAM_FILE, STDERR_FILE

SERVER_GRACE_SECONDS = 30.0
"""How much longer than a job's own limit the parent waits for its fork server to answer."""
CHILD_ENV = {"PATH": "/usr/bin:/bin", "LANG": "C.UTF-8", "OMP_NUM_THREADS": "1", "MKL_NUM_THREADS": "1"}


class SandboxError(RuntimeError):
    """The grading infrastructure failed (not the student's code)."""


class _ForkServer:
    def __init__(self, log_path: Path) -> None:
        self._log = open(log_path, "ab")
        self._proc = subprocess.Popen(
            [sys.executable, "-I", "-B", "-m", "grader.sandbox.zygote"],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=self._log,
            env={**CHILD_ENV, "HOME": str(log_path.parent)},
            cwd=log_path.parent,
            start_new_session=True,
        )
        if self._reply(timeout=120) != b"ready\n":
            self.close()
            raise SandboxError(f"the fork server did not start: {_tail(log_path)}")

    def _reply(self, timeout: float) -> bytes:
        """One line from the server, or b"" if it died or said nothing for ``timeout`` seconds."""
        stream = self._proc.stdout
        if stream is None or not select.select([stream], [], [], timeout)[0]:
            return b""
        return stream.readline()

    def run(self, job_dir: Path, timeout: float) -> dict[str, Any] | None:
        """The child's exit status, or None when the server itself failed."""
        try:
            assert self._proc.stdin is not None  # noqa: S101 - set by Popen above
            self._proc.stdin.write((json.dumps({"job_dir": str(job_dir), "timeout": timeout}) + "\n").encode())
            self._proc.stdin.flush()
        except OSError:
            return None
        reply = self._reply(timeout + SERVER_GRACE_SECONDS)
        return json.loads(reply) if reply else None

    def close(self) -> None:
        try:
            if self._proc.stdin:
                self._proc.stdin.close()
            self._proc.wait(timeout=5)
        except (OSError, subprocess.TimeoutExpired):
            try:
                os.killpg(self._proc.pid, signal.SIGKILL)
            except (ProcessLookupError, PermissionError):
                pass
            self._proc.wait()
        self._log.close()


class Sandbox:
    """Runs programs in children of warm fork servers, ``settings.workers`` at a time."""

    def __init__(self, settings: Settings) -> None:
        self._settings = settings
        self._tmp = tempfile.TemporaryDirectory(prefix="nn-grader-")
        self._root = Path(self._tmp.name)
        self._idle: queue.Queue[_ForkServer] = queue.Queue()
        self._servers: list[_ForkServer] = []
        self._lock = threading.Lock()

    def _start_server(self) -> _ForkServer:
        with self._lock:
            log = self._root / f"server{len(self._servers)}.log"
        server = _ForkServer(log)
        with self._lock:
            self._servers.append(server)
        return server

    def __enter__(self) -> "Sandbox":
        with ThreadPoolExecutor(self._settings.workers) as starter:
            for server in starter.map(lambda _: self._start_server(), range(self._settings.workers)):
                self._idle.put(server)
        return self

    def __exit__(self, *exc_info: object) -> None:
        for server in self._servers:
            server.close()
        self._tmp.cleanup()

    def run_all(self, programs: Iterable[Program]) -> list[RunOutcome]:
        with ThreadPoolExecutor(self._settings.workers) as executor:
            return list(executor.map(self.run, programs))

    def run(self, program: Program) -> RunOutcome:
        job_dir = Path(tempfile.mkdtemp(prefix=f"{program.exercise}-", dir=self._root))
        (job_dir / PROGRAM_FILE).write_text(json.dumps(program.to_json()), encoding="utf-8")
        server = self._idle.get()
        status = server.run(job_dir, self._settings.timeout_seconds)
        if status is None:
            # The student's code reached its fork server; replace the server, charge only this job.
            server.close()
            server = self._start_server()
            self._idle.put(server)
            return RunOutcome("crashed", "the process grading it stopped responding or was killed")
        self._idle.put(server)
        return outcome_of(job_dir, status, self._settings)


def _tail(path: Path, lines: int = 5) -> str:
    try:
        return " | ".join(path.read_text(encoding="utf-8", errors="replace").strip().splitlines()[-lines:])
    except OSError:
        return "(no log)"


def _read_regular(path: Path, limit: int) -> bytes | None:
    """Up to ``limit`` + 1 bytes of a regular file the child made; None for anything else
    (a missing file, a link, a FIFO that would block, a device)."""
    try:
        fd = os.open(path, os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK)
    except OSError:
        return None
    try:
        if not stat.S_ISREG(os.fstat(fd).st_mode):
            return None
        chunks, remaining = [], limit + 1
        while remaining > 0:
            chunk = os.read(fd, min(remaining, 1 << 20))
            if not chunk:
                break
            chunks.append(chunk)
            remaining -= len(chunk)
        return b"".join(chunks)
    finally:
        os.close(fd)


def _read_capped(path: Path, limit: int) -> str:
    data = _read_regular(path, limit) or b""
    text = data[:limit].decode("utf-8", errors="replace")
    return text + ("\n[... output cut ...]" if len(data) > limit else "")


def outcome_of(job_dir: Path, status: dict[str, Any], settings: Settings) -> RunOutcome:
    """Classify a finished child; only a readable observations file counts as 'ok'."""
    stderr = _read_capped(job_dir / STDERR_FILE, settings.max_output_chars)

    def outcome(status: RunStatus, detail: str = "", observations: dict[str, Any] | None = None) -> RunOutcome:
        return RunOutcome(status, detail, observations, stderr)

    if status.get("timed_out"):
        return outcome("timeout", f"it was stopped after {settings.timeout_seconds:g} s (an endless loop, or far too much work?)")
    data = _read_regular(job_dir / OBSERVATIONS_FILE, settings.max_observation_bytes)
    if status.get("exit_code") == 0 and data is not None:
        if len(data) > settings.max_observation_bytes:
            return outcome("crashed", f"it produced more than the {settings.max_observation_bytes} bytes of results allowed")
        try:
            with warnings.catch_warnings():  # a forged file may also trip torch's protocol warning
                warnings.simplefilter("ignore")
                observations = torch.load(io.BytesIO(data), weights_only=True, map_location="cpu")
        except Exception as exc:  # noqa: BLE001 - whatever the child wrote, it is not trusted
            return outcome("crashed", f"its results could not be read ({type(exc).__name__})")
        if not isinstance(observations, dict):
            return outcome("crashed", "its results were not in the expected form")
        return outcome("ok", observations=observations)
    if status.get("signal") is not None:
        return outcome("crashed", f"the process running it was killed by signal {status['signal']}")
    return outcome(
        "exited",
        f"the process running it ended early with exit status {status.get('exit_code')}, before it could be tested "
        "(does a cell call os._exit(), exit() or quit()?)",
    )
