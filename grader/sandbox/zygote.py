"""The fork servers: one boot imports torch, then forks a server per worker, and each server
forks one confined child per job.

The boot runs inside the sandbox (see ``isolation``); each server it forks takes
namespaces of its own (``namespaces``) and speaks ``protocol`` with the parent on its own
two pipes. For every job it makes a fresh scratch folder, forks, and in the child
joins the job's cgroup, sets the rlimits of the limits table, drops to the job's own
unprivileged user and runs the program. The child's stdout, stderr and observations come
back through three pipes that the server reads with caps; when the job ends, by itself or
by a limit, every process it started is killed and its scratch folder removed before the
server replies.
"""

from __future__ import annotations

import ctypes
import gc
import importlib
import json
import os
import platform
import resource
import select
import shutil
import signal
import subprocess
import sys
import time
import traceback
from functools import partial
from typing import Any, Callable

# Forking after torch has started its thread pools deadlocks children: one thread, set first.
os.environ["OMP_NUM_THREADS"] = "1"
os.environ["MKL_NUM_THREADS"] = "1"

import torch  # noqa: E402

torch.set_num_threads(1)

from grader.sandbox import protocol  # noqa: E402
from grader.sandbox.cgroups import JobGroup  # noqa: E402
from grader.sandbox.harness import RESULT_FD, run_job, warm_up, warm_up_exercise  # noqa: E402
from grader.sandbox.hugepages import collapse  # noqa: E402
from grader.sandbox.limits import Limits  # noqa: E402

PR_SET_NO_NEW_PRIVS = 38
PR_SET_CHILD_SUBREAPER = 36
CHUNK = 1 << 16
LIMIT_SIGNALS: dict[int, str] = {signal.SIGXCPU: "cpu_seconds", signal.SIGXFSZ: "file_bytes"}
"""The rlimits that kill with a signal of their own, by that signal."""


SYS_KEYCTL = {"x86_64": 250, "aarch64": 219}
KEYCTL_CLEAR, KEYCTL_GET_PERSISTENT = 7, 22
KEY_SPEC_USER_KEYRING, KEY_SPEC_USER_SESSION_KEYRING = -4, -5


def _forget_keys() -> None:
    """Empty the kernel's keyrings of the job's user (its own, its session one, its persistent
    one). They outlive processes, and every job of a worker runs as that worker's user: what
    one job stored there, the next job, another student's, would find."""
    number = SYS_KEYCTL.get(platform.machine())
    if number is None:
        return
    libc = ctypes.CDLL(None, use_errno=True)
    libc.syscall.restype = ctypes.c_long
    rings = [KEY_SPEC_USER_KEYRING, KEY_SPEC_USER_SESSION_KEYRING]
    persistent = libc.syscall(number, KEYCTL_GET_PERSISTENT, ctypes.c_int(-1), ctypes.c_int(KEY_SPEC_USER_KEYRING))
    if persistent > 0:
        rings.append(persistent)
    for ring in rings:
        libc.syscall(number, KEYCTL_CLEAR, ctypes.c_int(ring))


def _prctl(option: int, value: int) -> None:
    try:
        ctypes.CDLL(None, use_errno=True).prctl(option, value, 0, 0, 0)
    except (OSError, AttributeError):
        pass  # not Linux: nothing to set


class Server:
    def __init__(self, config: dict[str, Any]) -> None:
        self.limits = Limits.from_json(config["limits"])
        self.uid: int | None = config.get("uid")
        self.group = JobGroup.from_json(config["cgroup"]) if config.get("cgroup") else None
        self.scratch_root: str = config["scratch"]
        self.keep_bytes: int = config["keep_bytes"]
        self.prepared: set[str] = set()
        """Modules imported and exercises warmed up here, for every later child."""
        if self.group:
            self.group.set_limits(self.limits.memory_bytes, self.limits.processes)

    # ------------------------------------------------------------------ the child
    def _child(self, program: dict[str, Any], scratch: str, out: int, err: int, result: int) -> None:
        """Never returns: confine, redirect, run the job, exit."""
        code = 70
        try:
            os.setsid()
            if self.group:
                self.group.join()
            self._set_rlimits()
            signal.signal(signal.SIGXFSZ, signal.SIG_DFL)  # Python ignores it; the limit should be named
            devnull = os.open(os.devnull, os.O_RDONLY)
            for source, target in ((devnull, 0), (out, 1), (err, 2), (result, RESULT_FD)):
                os.dup2(source, target)
            os.closerange(RESULT_FD + 1, self.limits.open_files + 64)
            os.chdir(scratch)
            if self.uid is not None:
                os.setgroups([])
                os.setgid(self.uid)
                os.setuid(self.uid)
            _prctl(PR_SET_NO_NEW_PRIVS, 1)
            _forget_keys()
            os.environ.update({"HOME": scratch, "TMPDIR": scratch})
            code = run_job(program)
        except BaseException:  # noqa: BLE001 - reported through stderr and the exit status
            traceback.print_exc()
        finally:
            try:
                sys.stdout.flush()
                sys.stderr.flush()
            finally:
                os._exit(code)

    def _set_rlimits(self) -> None:
        limits = self.limits
        settings = [
            (resource.RLIMIT_CPU, limits.cpu_seconds, limits.cpu_seconds + 1),
            (resource.RLIMIT_FSIZE, limits.file_bytes, limits.file_bytes),
            (resource.RLIMIT_NOFILE, limits.open_files, limits.open_files),
            (resource.RLIMIT_CORE, 0, 0),
        ]
        if self.uid is not None:  # counted per user, so only meaningful for a user of its own
            # With a cgroup, its count is the one that names the limit; this one is the backstop.
            nproc = limits.processes + (16 if self.group else 0)
            settings.append((resource.RLIMIT_NPROC, nproc, nproc))
        if self.group is None:  # no cgroup: bound each process's address space instead
            settings.append((resource.RLIMIT_AS, _address_space() + limits.memory_bytes, resource.RLIM_INFINITY))
        for kind, soft, hard in settings:
            try:
                resource.setrlimit(kind, (soft, hard))
            except (ValueError, OSError):
                pass

    # ------------------------------------------------------------------ one job
    def _fresh_scratch(self) -> str:
        scratch = os.path.join(self.scratch_root, "job")
        _remove(scratch)
        os.mkdir(scratch, 0o700)
        if self.uid is not None:
            os.chown(scratch, self.uid, self.uid)
        return scratch

    def prepare(self, program: dict[str, Any]) -> None:
        """Before the first job that needs them: import the modules the instructor's cells
        import, and run the exercise's warm-up, here and once, so that every later child
        starts with them (an import in each child costs more than the job itself). The names
        come from the parent and from given cells only: nothing a student wrote is imported
        or run here. A failure is left for the job to meet and report."""
        steps: list[tuple[str, Callable[[], object]]] = [
            (name, partial(importlib.import_module, name)) for name in program.get("preload", []) if isinstance(name, str)
        ]
        exercise = str(program.get("exercise"))
        steps.append((f"exercise {exercise}", partial(warm_up_exercise, exercise)))
        steps = [(name, step) for name, step in steps if name not in self.prepared]
        if not steps:
            return
        sys.stdout.flush()
        replies = os.dup(1)  # stdout is the channel to the parent: nothing an import prints may reach it
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, 1)
        try:
            for name, step in steps:
                self.prepared.add(name)
                try:
                    step()
                except BaseException:  # noqa: BLE001 - the job meets it again and reports it
                    pass
            sys.stdout.flush()
        finally:
            os.dup2(replies, 1)
            os.close(replies)
            os.close(devnull)
        gc.collect()
        gc.freeze()
        collapse()

    def run(self, request: dict[str, Any]) -> bytes:
        program = request["program"]
        self.prepare(program)
        scratch = self._fresh_scratch()
        pipes = {name: os.pipe() for name in protocol.PAYLOADS}
        before = self.group.counters() if self.group else {}
        sys.stdout.flush()
        sys.stderr.flush()
        pid = os.fork()
        if pid == 0:
            for name in protocol.PAYLOADS:
                os.close(pipes[name][0])
            self._child(program, scratch, pipes["stdout"][1], pipes["stderr"][1], pipes["result"][1])
        for name in protocol.PAYLOADS:
            os.close(pipes[name][1])
        readers = {pipes[name][0]: name for name in protocol.PAYLOADS}
        collected, limit, output_bytes = self._collect(pid, readers)
        status = self._end_job(pid)
        for fd in readers:
            os.close(fd)
        _remove(scratch)
        if limit is None:
            limit = self._limit_from(status, before)
        header = {
            "nonce": request["nonce"],
            "exit_code": os.WEXITSTATUS(status) if os.WIFEXITED(status) else None,
            "signal": os.WTERMSIG(status) if os.WIFSIGNALED(status) else None,
            "limit": limit,
            "output_bytes": output_bytes,
        }
        return protocol.reply_bytes(header, {name: bytes(data) for name, data in collected.items()})

    def _collect(self, pid: int, readers: dict[int, str]) -> tuple[dict[str, bytearray], str | None, int]:
        """Read the three pipes until the job ends or breaks a limit."""
        collected = {name: bytearray() for name in protocol.PAYLOADS}
        deadline = time.monotonic() + self.limits.wall_seconds
        pidfd = os.pidfd_open(pid)
        open_fds = set(readers)
        output_bytes, limit, exited = 0, None, False
        try:
            while open_fds and limit is None:
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    limit = "wall_seconds"
                    break
                watched = list(open_fds) + ([] if exited else [pidfd])
                ready, _, _ = select.select(watched, [], [], min(remaining, 1.0) if exited else remaining)
                if exited and not ready:
                    break  # the child is gone and only a stray descendant holds a pipe
                for fd in ready:
                    if fd == pidfd:
                        exited = True
                        self._kill_descendants(keep=pid)  # nothing may write after the child ends
                        continue
                    chunk = os.read(fd, CHUNK)
                    if not chunk:
                        open_fds.discard(fd)
                        continue
                    name = readers[fd]
                    if name == "result":
                        if len(collected[name]) + len(chunk) > self.limits.result_bytes:
                            limit = "result_bytes"
                        else:
                            collected[name] += chunk
                    else:
                        output_bytes += len(chunk)
                        if output_bytes > self.limits.output_bytes:
                            limit = "output_bytes"
                        _keep(collected[name], chunk, self.keep_bytes)
        finally:
            os.close(pidfd)
        return collected, limit, output_bytes

    def _end_job(self, pid: int) -> int:
        """Kill everything the job started and return the first child's wait status."""
        try:
            os.kill(pid, signal.SIGKILL)  # a child that already finished keeps its exit status
        except ProcessLookupError:
            pass
        _, status = os.waitpid(pid, 0)
        self._kill_descendants()
        return status

    def _kill_descendants(self, keep: int | None = None) -> None:
        """Every process below this server, however it detached (setsid, double fork): as a
        subreaper the server inherits them all. ``keep`` spares the job's first child, whose
        exit status is still to be read."""
        for _ in range(1000):
            victims = [p for p in _descendants(os.getpid()) if p != keep]
            if self.group:
                victims += [p for p in self.group.members() if p != keep]
            if not victims:
                _reap(keep)
                break
            for victim in set(victims):
                try:
                    os.kill(victim, signal.SIGKILL)
                except (ProcessLookupError, PermissionError):
                    pass
            _reap(keep)

    def _limit_from(self, status: int, before: dict[str, int]) -> str | None:
        after = self.group.counters() if self.group else {}
        if after.get("oom_kills", 0) > before.get("oom_kills", 0):
            return "memory_bytes"
        if after.get("fork_refusals", 0) > before.get("fork_refusals", 0):
            return "processes"
        if os.WIFSIGNALED(status):
            return LIMIT_SIGNALS.get(os.WTERMSIG(status))
        return None


def _remove(folder: str) -> None:
    """Remove a job's scratch folder however it was left: shutil.rmtree recurses, and a job
    can nest folders deeper than Python's stack; rm walks them without recursing."""
    try:
        shutil.rmtree(folder, ignore_errors=True)
    except RecursionError:
        subprocess.run(["rm", "-rf", "--", folder], check=False, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL)


def _keep(buffer: bytearray, chunk: bytes, keep: int) -> None:
    """Keep the first and the last ``keep`` // 2 bytes of a stream (the start says what ran,
    the end holds the last error); drop the middle."""
    buffer += chunk
    if len(buffer) > keep:
        half = keep // 2
        del buffer[half : len(buffer) - half]


def _reap(keep: int | None) -> None:
    """Collect the exit status of every finished child but ``keep``."""
    for child in _children(os.getpid()):
        if child != keep:
            try:
                os.waitpid(child, os.WNOHANG)
            except ChildProcessError:
                pass


def _stat(pid: str) -> tuple[int, str] | None:
    """(parent pid, state) of a process, from /proc."""
    try:
        with open(f"/proc/{pid}/stat", "rb") as handle:
            fields = handle.read().rsplit(b")", 1)[1].split()
        return int(fields[1]), fields[0].decode()
    except (OSError, IndexError, ValueError):
        return None


def _children(parent: int) -> list[int]:
    found: list[int] = []
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            info = _stat(entry)
            if info and info[0] == parent:
                found.append(int(entry))
    return found


def _descendants(root: int) -> list[int]:
    """Live (not yet finished) processes below ``root``."""
    parents: dict[int, list[int]] = {}
    live: set[int] = set()
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            info = _stat(entry)
            if info:
                parents.setdefault(info[0], []).append(int(entry))
                if info[1] not in ("Z", "X"):
                    live.add(int(entry))
    found: list[int] = []
    frontier = [root]
    while frontier:
        children = parents.get(frontier.pop(), [])
        found.extend(child for child in children if child in live)
        frontier.extend(children)
    return found


def _address_space() -> int:
    try:
        with open("/proc/self/statm") as handle:
            return int(handle.read().split()[0]) * resource.getpagesize()
    except (OSError, ValueError, IndexError):
        return 0


def _boot() -> None:
    signal.signal(signal.SIGPIPE, signal.SIG_DFL)
    warm_up()
    gc.collect()
    gc.freeze()
    collapse()


def _serve(server: Server) -> None:
    """Answer the parent's requests on stdin, on stdout, until it closes the pipe."""
    replies = sys.stdout.buffer
    replies.write(b'{"ready": true}\n')
    replies.flush()
    for line in sys.stdin.buffer:
        request = json.loads(line)
        replies.write(server.run(request))
        replies.flush()


def _slot_server(config: dict[str, Any], slot: dict[str, Any], slots: list[dict[str, Any]]) -> None:
    """One worker's fork server, forked from the shared boot: its own channel as stdin and
    stdout (the boot's channel to the parent closed here), its own namespaces, user,
    cgroup and scratch; then it serves."""
    os.dup2(slot["request_fd"], 0)
    os.dup2(slot["reply_fd"], 1)
    for each in slots:
        os.close(each["request_fd"])
        os.close(each["reply_fd"])
    if config.get("own_namespaces"):
        from grader.sandbox.namespaces import separate

        separate(slot["scratch"], config["scratch_bytes"])
    server = Server({**config, **slot})
    _prctl(PR_SET_CHILD_SUBREAPER, 1)
    _serve(server)


def _serve_slots(config: dict[str, Any]) -> None:
    """Fork one server per worker from this warm boot, then stop a server when the parent
    says so (``{"stop": slot}`` lines on stdin); when the parent goes, they all go."""
    slots: list[dict[str, Any]] = config["slots"]
    servers: dict[int, int] = {}
    for slot in slots:
        sys.stdout.flush()
        sys.stderr.flush()
        pid = os.fork()
        if pid == 0:
            code = 0
            try:
                _slot_server(config, slot, slots)
            except BaseException:  # noqa: BLE001 - reported in the log; the parent sees the server fail to start
                traceback.print_exc()
                code = 70
            finally:
                sys.stderr.flush()
                os._exit(code)
        servers[int(slot["slot"])] = pid
    for slot in slots:
        os.close(slot["request_fd"])
        os.close(slot["reply_fd"])
    if config.get("own_namespaces"):
        from grader.sandbox.namespaces import drop_admin

        drop_admin()
    for line in sys.stdin.buffer:
        try:
            pid = servers.pop(int(json.loads(line)["stop"]))
        except (ValueError, KeyError, TypeError):
            continue
        _stop(pid)
    for pid in servers.values():
        _stop(pid)


def _stop(pid: int) -> None:
    try:
        os.kill(pid, signal.SIGKILL)
        os.waitpid(pid, 0)
    except (ProcessLookupError, ChildProcessError):
        pass


def main() -> None:
    """One boot that forks a fork server per worker (``slots``)."""
    _boot()
    _serve_slots(json.loads(sys.argv[1]))


if __name__ == "__main__":
    main()
