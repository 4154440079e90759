"""The one table of what a single job (one exercise of one submission) may use.

Each limit is enforced by the fork server around every child; `describe` gives the words a
student sees when a job hits one, so a limit and its message live in one place.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any

MiB = 1024 * 1024
GiB = 1024 * MiB


@dataclass(frozen=True)
class Limits:
    wall_seconds: float = 20.0
    """Wall-clock time from fork to the last byte of results."""
    cpu_seconds: int = 30
    """CPU time of each process of the job (RLIMIT_CPU; SIGXCPU names it)."""
    memory_bytes: int = 2 * GiB
    """Memory of the whole job, every process and its scratch files included (a cgroup)."""
    processes: int = 64
    """Processes and threads the job may have at once, the first one included."""
    output_bytes: int = 1 * MiB
    """stdout and stderr together; the job is stopped past this and nothing more is kept."""
    result_bytes: int = 16 * MiB
    """The observations the probe sends back; more is refused unread."""
    file_bytes: int = 64 * MiB
    """The largest file the job may write (RLIMIT_FSIZE)."""
    scratch_bytes: int = 256 * MiB
    """The job's scratch folder, a memory file system that never touches the disk."""
    open_files: int = 256
    """File descriptors per process (RLIMIT_NOFILE)."""

    def to_json(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> "Limits":
        return cls(**{key: data[key] for key in cls.__dataclass_fields__ if key in data})


def size(n: float) -> str:
    """1 MiB, 2 GiB, 512 bytes: how a limit is named in a message."""
    for unit, scale in (("GiB", GiB), ("MiB", MiB), ("KiB", 1024)):
        if n >= scale and n % scale == 0:
            return f"{n // scale:g} {unit}"
    return f"{n:g} bytes"


def describe(limit: str, limits: Limits) -> str:
    """What a student is told when a job hit ``limit`` (a field name of ``Limits``)."""
    return {
        "wall_seconds": f"timed out after {limits.wall_seconds:g} s (an endless loop, or far too much work?)",
        "cpu_seconds": f"used more than {limits.cpu_seconds} s of CPU time",
        "memory_bytes": f"exceeded the {size(limits.memory_bytes)} memory limit",
        "processes": f"tried to start more than {limits.processes} processes",
        "output_bytes": f"printed more than {size(limits.output_bytes)} (stdout and stderr together)",
        "result_bytes": f"produced more than {size(limits.result_bytes)} of results",
        "file_bytes": f"wrote a file larger than {size(limits.file_bytes)}",
        "scratch_bytes": f"filled its {size(limits.scratch_bytes)} scratch space",
        "open_files": f"opened more than {limits.open_files} files at once",
    }[limit]
