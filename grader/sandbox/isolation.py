"""How a fork server is confined, and what that confinement enforces on this machine.

On Linux with bubblewrap the workers' fork servers, forked from one warm boot, live in one
sandbox: new PID, IPC, UTS and network namespaces, a file system that holds only the
system libraries, Python, the virtual environment, the child-side files of the grader and
the public data the probes read (MNIST), read-only, plus an empty memory-backed /tmp. Each
server then takes mount, IPC, network and PID namespaces of its own (``namespaces``): its
own /tmp, terminals and /proc (which shows a job only its own processes), and no network at
all, loopback included. As root the server keeps just the capabilities it needs to hand
each job its own unprivileged user, and a cgroup caps each job's memory and processes.
Where less is possible, `plan` says exactly what is missing.
"""

from __future__ import annotations

import os
import shutil
import site
import subprocess
import sys
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

import grader
from grader.config import MAX_WORKERS
from grader.exercises import child_side_paths
from grader.exercises.mnist import ENV as MNIST_ENV
from grader.exercises.mnist import mnist_dir

PACKAGE_DIR = Path(grader.__file__).resolve().parent
SERVER_CAPABILITIES = ("CAP_SETUID", "CAP_SETGID", "CAP_CHOWN", "CAP_KILL", "CAP_DAC_OVERRIDE", "CAP_FOWNER", "CAP_SYS_ADMIN")
"""Enough to give each job its own user and clean up after it; everything else is dropped.
CAP_SYS_ADMIN only lets each server make its own namespaces (``namespaces``), and it is
dropped before any job runs."""
JOB_UID_BASE = 61000
"""Jobs run as JOB_UID_BASE + a number per worker: users that own nothing on the machine."""
CGROUP_MOUNT = "/run/grader-cgroup"
SCRATCH = "/tmp"


@dataclass(frozen=True)
class Plan:
    """What this machine allows; ``missing`` names each guarantee that does not hold."""

    bwrap: str | None
    root: bool
    missing: tuple[str, ...] = field(default=())

    @property
    def warning(self) -> str | None:
        if not self.missing:
            return None
        return "grader: warning: the sandbox is weaker on this machine: " + "; ".join(self.missing)


def _bwrap_works(bwrap: str) -> str | None:
    """None when bubblewrap can make the namespaces we need here, else its complaint."""
    try:
        done = subprocess.run(
            [bwrap, "--unshare-pid", "--unshare-net", "--unshare-ipc", "--ro-bind", "/", "/", "true"],
            capture_output=True, text=True, timeout=30,
        )
    except (OSError, subprocess.TimeoutExpired) as exc:
        return str(exc)
    return None if done.returncode == 0 else (done.stderr.strip() or f"exit status {done.returncode}")


@lru_cache(maxsize=1)
def plan() -> Plan:
    root = os.geteuid() == 0
    missing: list[str] = []
    bwrap = shutil.which("bwrap") if sys.platform.startswith("linux") else None
    if bwrap is None:
        missing.append(
            "bubblewrap (bwrap) is not installed, so jobs share the grader's file system, network and "
            "process list (install the Debian/Ubuntu package 'bubblewrap')"
        )
    else:
        complaint = _bwrap_works(bwrap)
        if complaint:
            missing.append(f"bubblewrap cannot create namespaces here ({complaint}), so jobs share the file system, network and process list")
            bwrap = None
    if not root:
        missing.append(
            "the grader is not running as root, so every job runs as the grader's own user: it can signal "
            "its fork server (which is then replaced) and the process limit is not enforced"
        )
    if not sys.platform.startswith("linux"):
        missing.append("not Linux: no per-job memory limit beyond the address-space limit, and no process limit")
    return Plan(bwrap, root, tuple(missing))


def job_uid(worker: int) -> int:
    """A user of its own per worker (and per grader run), so two runs side by side stay apart."""
    if not 0 <= worker < MAX_WORKERS:
        raise ValueError(f"at most {MAX_WORKERS} workers, each with a user of its own")
    return JOB_UID_BASE + (os.getpid() % 1000) * MAX_WORKERS + worker


def _python_roots() -> list[Path]:
    """Folders Python needs: its installation, the virtual environment and their
    site-packages. Not the rest of sys.path: that holds the current folder and scripts."""
    roots: list[Path] = []
    for entry in (sys.base_prefix, sys.prefix, *site.getsitepackages()):
        path = Path(entry).resolve()
        if path.is_dir() and not any(path.is_relative_to(r) for r in roots):
            roots.append(path)
    return roots


def _system_binds() -> list[str]:
    args: list[str] = ["--ro-bind", "/usr", "/usr"]
    for name in ("bin", "lib", "lib64", "lib32", "sbin"):
        top = Path("/") / name
        if top.is_symlink():
            args += ["--symlink", os.readlink(top), str(top)]
        elif top.is_dir():
            args += ["--ro-bind", str(top), str(top)]
    for name in ("ld.so.cache", "ld.so.conf", "ld.so.conf.d", "localtime", "nsswitch.conf"):
        args += ["--ro-bind-try", f"/etc/{name}", f"/etc/{name}"]
    return args


def _parents(path: Path, made: set[Path]) -> list[str]:
    """Folders leading to ``path``, made traversable (bubblewrap would make them 0700 under a
    strict umask, and then a job's user could not reach Python)."""
    args: list[str] = []
    for parent in reversed(path.parents):
        if parent not in made:
            made.add(parent)
            args += ["--perms", "0755", "--dir", str(parent)]
    return args


def data_dirs() -> list[Path]:
    """Public data the probes read, shown to jobs read-only at its own path: the MNIST digits
    the training exercise is tried on, when they are there."""
    folder = mnist_dir()
    return [folder.resolve()] if folder.is_dir() else []


def data_env() -> dict[str, str]:
    """What tells a job where that data is (the sandbox clears every other variable)."""
    return {MNIST_ENV: str(folder) for folder in data_dirs()[:1]}


def bwrap_command(
    bwrap: str, *, root: bool, scratch_bytes: int, cgroup_dirs: dict[str, str], env: dict[str, str]
) -> list[str]:
    """The bubblewrap prefix that confines one fork server (run the server after it)."""
    args = [
        bwrap, "--die-with-parent", "--new-session",
        "--unshare-pid", "--unshare-net", "--unshare-ipc", "--unshare-uts", "--unshare-cgroup-try",
        "--hostname", "sandbox", "--clearenv",
    ]
    for name, value in env.items():
        args += ["--setenv", name, value]
    args += [
        *_system_binds(),
        "--proc", "/proc", "--dev", "/dev",
        "--perms", "0755", "--size", str(scratch_bytes), "--tmpfs", SCRATCH,
    ]
    made: set[Path] = {Path("/")}
    for folder in _python_roots():
        args += _parents(folder, made) + ["--ro-bind", str(folder), str(folder)]
    # The package may sit inside a folder bound above (an installed wheel): hide all of it,
    # then show the child side again.
    args += _parents(PACKAGE_DIR, made) + ["--perms", "0755", "--tmpfs", str(PACKAGE_DIR)]
    made.add(PACKAGE_DIR)
    for relative in child_side_paths():  # the harness, the probes, the registry; never the judge
        path = PACKAGE_DIR / relative
        args += _parents(path, made) + ["--ro-bind", str(path), str(path)]
    args += ["--remount-ro", str(PACKAGE_DIR)]
    for folder in data_dirs():
        args += _parents(folder, made) + ["--ro-bind", str(folder), str(folder)]
    for role, host_dir in cgroup_dirs.items():
        args += ["--bind", host_dir, f"{CGROUP_MOUNT}/{role}"]
    if root:
        args += ["--cap-drop", "ALL"]
        for capability in SERVER_CAPABILITIES:
            args += ["--cap-add", capability]
    return args + ["--chdir", SCRATCH, "--"]
