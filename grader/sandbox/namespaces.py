"""A fork server's own mounts, IPC and network, when several servers share one sandbox.

The workers' fork servers are forked from one warm boot (torch imported once, not once per
worker) inside one bubblewrap sandbox. Each then leaves the others behind before it serves:
a mount namespace with a fresh memory-backed /tmp (its jobs' scratch, with its own size
limit; nothing else there is writable to a job), an IPC namespace and an empty network namespace (no loopback), so
that two jobs running side by side share nothing but the process list, where each sees
only its own user's processes (``procfs``). Then it drops CAP_SYS_ADMIN for good.
"""

from __future__ import annotations

import ctypes
import os

from grader.sandbox.procfs import drop_admin

CLONE_NEWNS, CLONE_NEWIPC, CLONE_NEWNET = 0x00020000, 0x08000000, 0x40000000
MS_NOSUID, MS_NODEV, MS_REC, MS_PRIVATE = 2, 4, 1 << 14, 1 << 18


class SeparationFailed(OSError):
    """The server could not be given namespaces of its own: it must not serve."""


def _check(result: int, what: str) -> None:
    if result != 0:
        errno = ctypes.get_errno()
        raise SeparationFailed(errno, f"{what}: {os.strerror(errno)}")


def separate(scratch: str, scratch_bytes: int) -> None:
    """Own mounts (a fresh ``scratch``), IPC and network; then no CAP_SYS_ADMIN."""
    libc = ctypes.CDLL(None, use_errno=True)
    _check(libc.unshare(CLONE_NEWNS | CLONE_NEWIPC | CLONE_NEWNET), "unshare")
    _check(libc.mount(None, b"/", None, ctypes.c_ulong(MS_REC | MS_PRIVATE), None), "make mounts private")
    flags = ctypes.c_ulong(MS_NOSUID | MS_NODEV)
    _check(libc.mount(b"tmpfs", scratch.encode(), b"tmpfs", flags, f"size={scratch_bytes},mode=0755".encode()), "mount scratch")
    if not drop_admin(libc):
        raise SeparationFailed(0, "could not drop CAP_SYS_ADMIN")
