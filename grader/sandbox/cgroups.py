"""Control groups that cap the memory and the processes of one job as a whole.

The parent creates one group per worker (it is root outside the sandbox); the fork server
sees that group's folders bound into its sandbox, moves each child into it before the child
drops its privileges, and reads the group's counters to tell which limit a job hit. Both
cgroup v1 (separate ``memory`` and ``pids`` hierarchies) and v2 (one unified tree) work.
"""

from __future__ import annotations

import os
import signal
import time
from dataclasses import dataclass
from pathlib import Path

ROOT = Path("/sys/fs/cgroup")


@dataclass(frozen=True)
class JobGroup:
    """One worker's group, as folders by role: ``memory`` and ``pids`` (the same folder on v2)."""

    version: int
    memory: str
    pids: str

    def to_json(self) -> dict[str, object]:
        return {"version": self.version, "memory": self.memory, "pids": self.pids}

    @classmethod
    def from_json(cls, data: dict[str, object]) -> "JobGroup":
        return cls(int(data["version"]), str(data["memory"]), str(data["pids"]))  # type: ignore[call-overload]

    def moved(self, memory: str, pids: str) -> "JobGroup":
        """The same group seen at other paths (inside the sandbox)."""
        return JobGroup(self.version, memory, pids)

    def _folders(self) -> list[str]:
        return sorted({self.memory, self.pids})

    def set_limits(self, memory_bytes: int, processes: int) -> None:
        _write(self.memory, "memory.limit_in_bytes" if self.version == 1 else "memory.max", str(memory_bytes))
        if self.version == 1:
            _write_optional(self.memory, "memory.memsw.limit_in_bytes", str(memory_bytes))
        else:
            _write_optional(self.memory, "memory.swap.max", "0")
        _write(self.pids, "pids.max", str(processes))

    def join(self) -> None:
        """Move the calling process into the group (its children follow)."""
        for folder in self._folders():
            _write(folder, "cgroup.procs", "0")

    def counters(self) -> dict[str, int]:
        """Cumulative counts of memory kills and refused forks."""
        memory_file = "memory.oom_control" if self.version == 1 else "memory.events"
        return {
            "oom_kills": _field(Path(self.memory, memory_file), "oom_kill"),
            "fork_refusals": _field(Path(self.pids, "pids.events"), "max"),
        }

    def members(self) -> list[int]:
        found: set[int] = set()
        for folder in self._folders():
            try:
                found.update(int(line) for line in Path(folder, "cgroup.procs").read_text().split())
            except (OSError, ValueError):
                pass
        return sorted(found)

    def kill_members(self) -> None:
        for pid in self.members():
            try:
                os.kill(pid, signal.SIGKILL)
            except (ProcessLookupError, PermissionError):
                pass


def _write(folder: str, name: str, value: str) -> None:
    Path(folder, name).write_text(value)


def _write_optional(folder: str, name: str, value: str) -> None:
    try:
        _write(folder, name, value)
    except OSError:
        pass  # no swap accounting on this kernel: there is no swap to escape to either


def _field(path: Path, key: str) -> int:
    try:
        for line in path.read_text().splitlines():
            name, _, value = line.partition(" ")
            if name == key:
                return int(value)
    except (OSError, ValueError):
        pass
    return 0


def create(tag: str) -> JobGroup | None:
    """A new group named ``tag`` with memory and pids control, or None where this process may
    not make one (not root, no such controllers, a read-only cgroup file system)."""
    try:
        if (ROOT / "memory" / "memory.limit_in_bytes").exists() and (ROOT / "pids").is_dir():
            memory, pids = ROOT / "memory" / tag, ROOT / "pids" / tag
            memory.mkdir()
            pids.mkdir()
            return JobGroup(1, str(memory), str(pids))
        controllers = (ROOT / "cgroup.controllers").read_text().split() if (ROOT / "cgroup.controllers").exists() else []
        if {"memory", "pids"} <= set(controllers):
            _write(str(ROOT), "cgroup.subtree_control", "+memory +pids")
            folder = ROOT / tag
            folder.mkdir()
            return JobGroup(2, str(folder), str(folder))
    except OSError:
        return None
    return None


def remove(group: JobGroup, patience: float = 10.0) -> None:
    """Kill what is left in the group and delete it (killed processes take a moment to leave)."""
    deadline = time.monotonic() + patience
    folders = group._folders()
    while folders and time.monotonic() < deadline:
        group.kill_members()
        for folder in list(folders):
            try:
                os.rmdir(folder)
                folders.remove(folder)
            except FileNotFoundError:
                folders.remove(folder)
            except OSError:
                pass
        if folders:
            time.sleep(0.02)


def remove_stale(prefix: str) -> None:
    """Groups left by grader runs that were killed outright (their process is gone)."""
    for parent in (ROOT / "memory", ROOT / "pids", ROOT):
        try:
            entries = list(parent.glob(f"{prefix}*"))
        except OSError:
            continue
        for folder in entries:
            owner = folder.name[len(prefix):].split("-", 1)[0]
            if owner.isdigit() and not Path(f"/proc/{owner}").exists():
                try:
                    os.rmdir(folder)
                except OSError:
                    pass
