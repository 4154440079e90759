"""The parent's side: a pool of confined fork servers, and turning a reply into a RunOutcome.

A server that answers anything but the exact reply to the job it was sent (wrong nonce,
malformed header, too many bytes, silence, death) is treated as compromised: it is killed
and replaced, and only that job is charged. A server that cannot be replaced shrinks the
pool; the batch goes on with the servers left, and only when none is left do the remaining
jobs get an 'infrastructure' outcome instead of a verdict.
"""

from __future__ import annotations

import json
import os
import queue
import secrets
import signal
import subprocess
import sys
import tempfile
import threading
import time
from concurrent.futures import Future, ThreadPoolExecutor, as_completed
from pathlib import Path
from typing import Any, Callable, Iterable, Iterator

from grader.config import Settings
from grader.records import Program, RunOutcome, RunStatus
from grader.sandbox import cgroups, protocol
from grader.sandbox.isolation import CGROUP_MOUNT, SCRATCH, Plan, bwrap_command, data_env, job_uid, plan
from grader.sandbox.limits import describe
from grader.text import clean

SERVER_GRACE_SECONDS = 30.0
"""How much longer than a job's own limit the parent waits for its fork server to answer."""
SERVER_START_SECONDS = 120.0
CHILD_ENV = {"PATH": "/usr/bin:/bin", "LANG": "C.UTF-8", "OMP_NUM_THREADS": "1", "MKL_NUM_THREADS": "1"}
CGROUP_PREFIX = "nn-grader-"
UNCONFINED = Plan(None, False, ("isolation is switched off (Settings.isolate), for measuring its cost only",))
_warned = False


class SandboxError(RuntimeError):
    """The grading infrastructure failed (not the student's code)."""


class Interrupted(Exception):
    """Grading was stopped from outside (Ctrl-C, SIGTERM); the message says what had finished.
    Every child process and scratch folder is gone by the time it is raised."""


class SchedulerUnavailable(RuntimeError):
    """The Dask scheduler given to run jobs on cannot be used (not installed, not reachable)."""


class _Boot:
    """One warm boot of the fork server program, confined, from which one fork server per
    slot (worker) is forked: torch is imported once for all of them. Under bubblewrap it is
    one sandbox; each server in it then takes mount, IPC, network and PID namespaces of its
    own (``namespaces``), and its jobs a user and a cgroup per slot, so jobs side by side
    share none of them. Each server talks to the parent over its own two pipes; the boot
    itself only hears which server to stop."""

    def __init__(self, slots: list[int], settings: Settings, confinement: Plan, workdir: Path, spawn: Callable[..., Any]) -> None:
        limits = settings.limits
        token = secrets.token_hex(3)
        self.groups = {
            slot: cgroups.create(f"{CGROUP_PREFIX}{os.getpid()}-{slot}-{token}") if confinement.root else None for slot in slots
        }
        self.log_path = workdir / f"boot{slots[0]}-{token}.log"
        self.open = set(slots)
        config: dict[str, Any] = {
            "limits": limits.to_json(),
            "keep_bytes": settings.max_output_chars,
            "own_namespaces": bool(confinement.bwrap and confinement.root),
            "scratch_bytes": limits.scratch_bytes,
            "slots": [],
        }
        mounts: dict[str, str] = {}
        passed: list[int] = []
        self.channels: dict[int, tuple[int, int]] = {}
        """Per slot: the parent's ends, (read replies, write requests)."""
        for slot in slots:
            request_read, request_write = os.pipe()
            reply_read, reply_write = os.pipe()
            passed += [request_read, reply_write]
            self.channels[slot] = (reply_read, request_write)
            entry: dict[str, Any] = {"slot": slot, "uid": job_uid(slot) if confinement.root else None,
                                     "request_fd": request_read, "reply_fd": reply_write}
            group = self.groups[slot]
            if confinement.bwrap:
                entry["scratch"] = SCRATCH
                entry["cgroup"] = None
                if group:
                    roles = {"memory": group.memory, "pids": group.pids} if group.version == 1 else {"unified": group.memory}
                    mounts.update({f"{slot}/{role}": folder for role, folder in roles.items()})
                    inside = {role: f"{CGROUP_MOUNT}/{slot}/{role}" for role in roles}
                    entry["cgroup"] = group.moved(inside.get("memory", inside.get("unified", "")), inside.get("pids", inside.get("unified", ""))).to_json()
            else:
                scratch = workdir / f"scratch{slot}-{token}"
                scratch.mkdir(mode=0o755)
                entry["scratch"] = str(scratch)
                entry["cgroup"] = group.to_json() if group else None
            config["slots"].append(entry)
        env = {**CHILD_ENV, "HOME": SCRATCH if confinement.bwrap else str(workdir), **data_env()}
        prefix = bwrap_command(
            confinement.bwrap, root=confinement.root, scratch_bytes=limits.scratch_bytes, cgroup_dirs=mounts, env=env
        ) if confinement.bwrap else []
        command = [*prefix, sys.executable, "-I", "-B", "-m", "grader.sandbox.zygote", json.dumps(config)]
        self._log = open(self.log_path, "ab")
        try:
            self.proc: subprocess.Popen[bytes] = spawn(
                command, stdin=subprocess.PIPE, stdout=self._log, stderr=self._log, env=env,
                cwd=workdir, start_new_session=True, pass_fds=passed,
            )
        finally:
            for fd in passed:
                os.close(fd)

    def stop(self, slot: int) -> None:
        """Stop one slot's server (and, with the last, the whole boot)."""
        self.open.discard(slot)
        if self.open:
            try:
                assert self.proc.stdin is not None  # noqa: S101 - set by Popen
                self.proc.stdin.write(json.dumps({"stop": slot}).encode() + b"\n")
                self.proc.stdin.flush()
            except (OSError, ValueError):
                pass  # the boot is gone, and its servers with it
        else:
            try:
                os.killpg(self.proc.pid, signal.SIGKILL)
            except (ProcessLookupError, PermissionError):
                pass
            self.proc.wait()
            try:
                if self.proc.stdin:
                    self.proc.stdin.close()
            except OSError:
                pass
            self._log.close()
        group = self.groups.get(slot)
        if group:
            cgroups.remove(group)


class _ForkServer:
    """One confined fork server and the two pipes that are the only way to talk to it."""

    def __init__(self, slot: int, settings: Settings, boot: _Boot) -> None:
        self.slot = slot
        """Which worker this server is; its replacement takes the same slot (and job user)."""
        self.settings = settings
        self.boot = boot
        self.log_path = boot.log_path
        reply_read, request_write = boot.channels[slot]
        self._requests = os.fdopen(request_write, "wb")
        self._reply_fd = reply_read
        self._reader = protocol.Reader(reply_read)
        self._closed = False

    def wait_ready(self) -> None:
        try:
            line = self._reader.line(time.monotonic() + SERVER_START_SECONDS)
        except protocol.ChannelError:
            line = b""
        if line != b'{"ready": true}':
            self.close()
            raise SandboxError(f"a fork server did not start: {_tail(self.log_path)}")

    def run(self, program: Program) -> tuple[dict[str, Any], dict[str, bytes]]:
        """The reply to this job; ChannelError when the server cannot be trusted any more."""
        nonce = secrets.token_hex(16)
        limits = self.settings.limits
        try:
            self._requests.write(protocol.request_line(nonce, program.to_json()))
            self._requests.flush()
        except (OSError, ValueError):
            raise protocol.ChannelError("the server's pipe is closed") from None
        caps = {"result": limits.result_bytes, "stdout": self.settings.max_output_chars, "stderr": self.settings.max_output_chars}
        return protocol.read_reply(self._reader, nonce, caps, time.monotonic() + limits.wall_seconds + SERVER_GRACE_SECONDS)

    def close(self) -> None:
        if self._closed:
            return
        self._closed = True
        self.boot.stop(self.slot)
        for close in (self._requests.close, lambda: os.close(self._reply_fd)):
            try:
                close()
            except OSError:
                pass


class Sandbox:
    """Runs programs in confined children of warm fork servers, ``settings.workers`` at a time."""

    def __init__(self, settings: Settings) -> None:
        self._settings = settings
        self._plan = plan() if settings.isolate else UNCONFINED
        self._tmp = tempfile.TemporaryDirectory(prefix="nn-grader-")
        self._workdir = Path(self._tmp.name)
        self._idle: queue.Queue[_ForkServer | None] = queue.Queue()
        self._servers: set[_ForkServer] = set()
        self._lock = threading.Lock()
        self._stopping = False
        self._started: list[_ForkServer] | None = None
        self._ready = False
        self._closed = False
        # Servers die with the thread that started them (bubblewrap's --die-with-parent follows
        # the thread): one long-lived thread starts them all.
        self._spawner = ThreadPoolExecutor(1, thread_name_prefix="grader-spawner")

    def _new_servers(self, slots: list[int]) -> list[_ForkServer]:
        """Fork servers for ``slots``, all from one new boot."""
        boot = self._spawner.submit(_Boot, slots, self._settings, self._plan, self._workdir, subprocess.Popen).result()
        servers = [_ForkServer(slot, self._settings, boot) for slot in slots]
        with self._lock:
            self._servers.update(servers)
        return servers

    def _new_server(self, slot: int) -> _ForkServer:
        """A replacement: a boot of its own."""
        return self._new_servers([slot])[0]

    def start(self) -> "Sandbox":
        """Start the fork servers and return at once: they import torch and warm up while
        the caller goes on with its own start-up. Entering the sandbox waits for them."""
        global _warned
        if self._started is not None:
            return self
        if self._plan.warning and not _warned:
            print(self._plan.warning, file=sys.stderr)
            _warned = True
        cgroups.remove_stale(CGROUP_PREFIX)
        self._started = []
        try:
            self._started = self._new_servers(list(range(self._settings.workers)))
        except BaseException:
            self.close()
            raise
        return self

    def __enter__(self) -> "Sandbox":
        self.start()
        if not self._ready:
            try:
                for server in self._started or []:
                    server.wait_ready()
                    self._idle.put(server)
            except BaseException:
                self.close()
                raise
            self._ready = True
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    def close(self) -> None:
        """Stop every server and remove the working folder; closing again does nothing."""
        if self._closed:
            return
        self._closed = True
        self._stopping = True
        self._close_all()
        self._spawner.shutdown(wait=True)
        self._tmp.cleanup()

    def _close_all(self) -> None:
        with self._lock:
            servers, self._servers = list(self._servers), set()
        for server in servers:
            server.close()

    def run_all(self, programs: Iterable[Program]) -> list[RunOutcome]:
        """Outcomes in the order of ``programs``."""
        outcomes = dict(self.completed(programs))
        return [outcomes[index] for index in range(len(outcomes))]

    def completed(self, programs: Iterable[Program]) -> Iterator[tuple[int, RunOutcome]]:
        """(index, outcome) of each program as it finishes, so the caller can judge one while
        the others run.

        Interrupted (Ctrl-C, SIGTERM turned into an exception) or closed early, it stops every
        server at once, so that no job outlives the grader."""
        executor = ThreadPoolExecutor(self._settings.workers, thread_name_prefix="grader-job")
        futures: dict[Future[RunOutcome], int] = {}
        finished = False
        try:
            for index, program in enumerate(programs):
                futures[executor.submit(self.run, program)] = index
            for future in as_completed(futures):
                yield futures[future], future.result()
            finished = True
        finally:
            if not finished:
                self._stopping = True
                for future in futures:
                    future.cancel()
                self._close_all()
            executor.shutdown(wait=True, cancel_futures=True)

    def run(self, program: Program) -> RunOutcome:
        server = self._idle.get()
        if server is None:
            self._idle.put(None)  # no server is left: tell every other waiting job too
            return RunOutcome("infrastructure", "no sandbox could be started to run it")
        try:
            header, payloads = server.run(program)
        except protocol.ChannelError:
            self._replace(server)
            if self._stopping:
                return RunOutcome("infrastructure", "grading was interrupted")
            return RunOutcome("crashed", "the process grading it stopped responding or was killed")
        self._idle.put(server)
        return outcome_of(header, payloads, self._settings)

    def _replace(self, server: _ForkServer) -> None:
        """Kill a server that can no longer be trusted, and start another in its place."""
        with self._lock:
            self._servers.discard(server)
        server.close()
        if self._stopping:
            return
        for _ in range(2):
            try:
                fresh = self._new_server(server.slot)
                fresh.wait_ready()
            except (SandboxError, OSError) as problem:
                print(f"grader: {problem}", file=sys.stderr)
                continue
            self._idle.put(fresh)
            return
        with self._lock:
            left = len(self._servers)
        print(f"grader: a fork server could not be replaced; {left} left", file=sys.stderr)
        if left == 0:
            self._idle.put(None)


def _tail(path: Path, lines: int = 5) -> str:
    try:
        return " | ".join(path.read_text(encoding="utf-8", errors="replace").strip().splitlines()[-lines:])
    except OSError:
        return "(no log)"


def outcome_of(header: dict[str, Any], payloads: dict[str, bytes], settings: Settings) -> RunOutcome:
    """Classify a finished job; only observations that load and pass the schema count as 'ok'."""
    stdout = clean(payloads["stdout"].decode("utf-8", errors="replace"), settings.max_output_chars)
    stderr = clean(payloads["stderr"].decode("utf-8", errors="replace"), settings.max_output_chars)

    def outcome(status: RunStatus, detail: str = "", observations: dict[str, Any] | None = None) -> RunOutcome:
        return RunOutcome(status, detail, observations, stderr, stdout)

    limit = header.get("limit")
    if limit:
        try:
            return outcome("timeout" if limit == "wall_seconds" else "limit", describe(limit, settings.limits))
        except KeyError:
            return outcome("crashed", "it was stopped for breaking a limit")
    data = payloads["result"]
    if header.get("exit_code") == 0 and data:
        from grader.judge.schema import SchemaError, load  # torch: imported once the servers are on their way

        try:
            observations = load(data)
        except SchemaError as problem:
            return outcome("crashed", f"its results were not in the expected form ({problem})")
        except Exception as exc:  # noqa: BLE001 - whatever the child wrote, it is not trusted
            return outcome("crashed", f"its results could not be read ({type(exc).__name__})")
        return outcome("ok", observations=observations)
    if header.get("signal") is not None:
        return outcome("crashed", f"the process running it was killed by signal {header['signal']}")
    return outcome(
        "exited",
        f"it exited the process (sys.exit / os._exit) with status {header.get('exit_code')} before it could be "
        "tested (does a cell call os._exit(), exit() or quit()?)",
    )
