"""The parent's side: a pool of fork servers, and turning a finished job into a RunOutcome."""

from __future__ import annotations

import json
import os
import queue
import subprocess
import sys
import tempfile
import warnings
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from types import TracebackType
from typing import Any, Iterable

import torch

from grader.config import Settings
from grader.records import Program, RunOutcome, RunStatus
from grader.sandbox.harness import OBSERVATIONS_FILE, PROGRAM_FILE, STDERR_FILE, STDOUT_FILE

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
        self._expect_ready()

    def _expect_ready(self) -> None:
        line = self._proc.stdout.readline() if self._proc.stdout else b""
        if line.strip() != b"ready":
            raise SandboxError(f"the fork server did not start (see {self._log.name})")

    def run(self, job_dir: Path, timeout: float) -> dict[str, Any]:
        assert self._proc.stdin and self._proc.stdout  # noqa: S101 - set by Popen above
        try:
            self._proc.stdin.write((json.dumps({"job_dir": str(job_dir), "timeout": timeout}) + "\n").encode())
            self._proc.stdin.flush()
            reply = self._proc.stdout.readline()
        except BrokenPipeError:
            reply = b""
        if not reply:
            raise SandboxError(f"the fork server stopped (see {self._log.name})")
        return json.loads(reply)

    def close(self) -> None:
        if self._proc.stdin:
            self._proc.stdin.close()
        try:
            self._proc.wait(timeout=5)
        except subprocess.TimeoutExpired:
            self._proc.kill()
            self._proc.wait()
        self._log.close()


class Sandbox:
    """Runs programs in children of warm fork servers, ``settings.workers`` at a time."""

    def __init__(self, settings: Settings) -> None:
        self._settings = settings
        self._tmp = tempfile.TemporaryDirectory(prefix="nn-grader-")
        self._root = Path(self._tmp.name)
        self._servers: queue.Queue[_ForkServer] = queue.Queue()
        self._all: list[_ForkServer] = []
        self._jobs = 0

    def __enter__(self) -> "Sandbox":
        with ThreadPoolExecutor(self._settings.workers) as starter:
            for server in starter.map(lambda i: _ForkServer(self._root / f"server{i}.log"), range(self._settings.workers)):
                self._all.append(server)
                self._servers.put(server)
        return self

    def __exit__(self, *exc: tuple[type[BaseException] | None, BaseException | None, TracebackType | None]) -> None:
        for server in self._all:
            server.close()
        self._tmp.cleanup()

    def run_all(self, programs: Iterable[Program]) -> list[RunOutcome]:
        programs = list(programs)
        with ThreadPoolExecutor(self._settings.workers) as executor:
            return list(executor.map(self.run, programs))

    def run(self, program: Program) -> RunOutcome:
        self._jobs += 1
        job_dir = Path(tempfile.mkdtemp(prefix=f"{program.exercise}-", dir=self._root))
        (job_dir / PROGRAM_FILE).write_text(json.dumps(program.to_json()), encoding="utf-8")
        server = self._servers.get()
        try:
            status = server.run(job_dir, self._settings.timeout_seconds)
        finally:
            self._servers.put(server)
        return outcome_of(job_dir, status, self._settings)


def _read_capped(path: Path, limit: int) -> str:
    try:
        with open(path, "rb") as handle:
            data = handle.read(limit + 1)
    except OSError:
        return ""
    text = data[:limit].decode("utf-8", errors="replace")
    return text + ("\n[... output cut ...]" if len(data) > limit else "")


def outcome_of(job_dir: Path, status: dict[str, Any], settings: Settings) -> RunOutcome:
    """Classify a finished child; only a readable observations file counts as 'ok'."""
    stdout = _read_capped(job_dir / STDOUT_FILE, settings.max_output_chars)
    stderr = _read_capped(job_dir / STDERR_FILE, settings.max_output_chars)

    def outcome(status: RunStatus, detail: str = "", observations: dict[str, Any] | None = None) -> RunOutcome:
        return RunOutcome(status, detail, observations, stdout, stderr)

    if status.get("timed_out"):
        return outcome("timeout", f"it was stopped after {settings.timeout_seconds:g} s (an endless loop, or far too much work?)")
    path = job_dir / OBSERVATIONS_FILE
    if status.get("exit_code") == 0 and path.is_file():
        size = path.stat().st_size
        if size > settings.max_observation_bytes:
            return outcome("crashed", f"it produced {size} bytes of results, more than the {settings.max_observation_bytes} allowed")
        try:
            with warnings.catch_warnings():  # a forged file may also trip torch's protocol warning
                warnings.simplefilter("ignore")
                observations = torch.load(path, weights_only=True, map_location="cpu")
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
