"""A fork server's own namespaces, when several servers share one sandbox.

The workers' fork servers are forked from one warm boot (torch imported once, not once per
worker) inside one bubblewrap sandbox. Each then leaves the others behind before it serves:
a mount namespace with a fresh memory-backed /tmp (its jobs' scratch, with its own size
limit; nothing else there is writable to a job) and its own terminals (/dev/pts), an IPC
namespace, an empty network namespace (no loopback) and a PID namespace whose /proc shows
a job only its own processes. The server runs as the first process of that PID namespace:
when it ends, everything its jobs left ends with it. Then it drops CAP_SYS_ADMIN for good.
Two jobs of two workers, side by side, run as two users and share none of these.
"""

from __future__ import annotations

import ctypes
import os
import signal

CLONE_NEWNS, CLONE_NEWIPC, CLONE_NEWNET, CLONE_NEWPID = 0x00020000, 0x08000000, 0x40000000, 0x20000000
MS_NOSUID, MS_NODEV, MS_NOEXEC, MS_REC, MS_PRIVATE = 2, 4, 8, 1 << 14, 1 << 18
PR_SET_PDEATHSIG = 1
CAP_SYS_ADMIN = 21
LINUX_CAPABILITY_VERSION_3 = 0x20080522


class _CapHeader(ctypes.Structure):
    _fields_ = [("version", ctypes.c_uint32), ("pid", ctypes.c_int)]


class _CapData(ctypes.Structure):
    _fields_ = [("effective", ctypes.c_uint32), ("permitted", ctypes.c_uint32), ("inheritable", ctypes.c_uint32)]


def drop_admin(libc: ctypes.CDLL | None = None) -> bool:
    """Give up CAP_SYS_ADMIN for good (this thread, and what it forks from now on)."""
    libc = libc or ctypes.CDLL(None, use_errno=True)
    header = _CapHeader(LINUX_CAPABILITY_VERSION_3, 0)
    data = (_CapData * 2)()
    if libc.capget(ctypes.byref(header), data) != 0:
        return False
    word, bit = divmod(CAP_SYS_ADMIN, 32)
    for field in ("effective", "permitted", "inheritable"):
        setattr(data[word], field, getattr(data[word], field) & ~(1 << bit))
    return bool(libc.capset(ctypes.byref(header), data) == 0)


class SeparationFailed(OSError):
    """The server could not be given namespaces of its own: it must not serve."""


def _check(result: int, what: str) -> None:
    if result != 0:
        errno = ctypes.get_errno()
        raise SeparationFailed(errno, f"{what}: {os.strerror(errno)}")


def separate(scratch: str, scratch_bytes: int) -> None:
    """Own mounts, IPC, network and PID namespaces; returns in the server, now the first
    process of its PID namespace, with its own /proc, scratch and terminals and without
    CAP_SYS_ADMIN. The process that called it waits for that server and shares its end."""
    libc = ctypes.CDLL(None, use_errno=True)
    _check(libc.unshare(CLONE_NEWNS | CLONE_NEWIPC | CLONE_NEWNET | CLONE_NEWPID), "unshare")
    _check(libc.mount(None, b"/", None, ctypes.c_ulong(MS_REC | MS_PRIVATE), None), "make mounts private")
    hardened = ctypes.c_ulong(MS_NOSUID | MS_NODEV | MS_NOEXEC)
    _check(libc.mount(b"tmpfs", scratch.encode(), b"tmpfs", ctypes.c_ulong(MS_NOSUID | MS_NODEV),
                      f"size={scratch_bytes},mode=0755".encode()), "mount scratch")
    if os.path.isdir("/dev/pts"):
        _check(libc.mount(b"devpts", b"/dev/pts", b"devpts", hardened, b"newinstance,ptmxmode=0666,mode=0620"), "mount /dev/pts")
    server = os.fork()  # the first child is the new PID namespace's first process
    if server:
        devnull = os.open(os.devnull, os.O_RDWR)
        for channel in (0, 1):  # the server's pipes are its alone: when it ends, the parent hears it
            os.dup2(devnull, channel)
        _, status = os.waitpid(server, 0)
        os._exit(os.waitstatus_to_exitcode(status) & 0xFF)
    _check(libc.prctl(PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0), "die with the boot's child")
    _check(libc.mount(b"proc", b"/proc", b"proc", hardened, b"hidepid=2"), "mount /proc")
    if not drop_admin(libc):
        raise SeparationFailed(0, "could not drop CAP_SYS_ADMIN")
