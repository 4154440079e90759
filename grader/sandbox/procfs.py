"""Hide every process but a job's own from the job: /proc remounted with hidepid=2.

The fork server runs this first thing inside its sandbox, with CAP_SYS_ADMIN that bubblewrap
granted for this alone, and then drops that capability for good, before torch starts any
thread. The sandbox's /proc is its own instance (a new PID namespace), so the host's /proc
is untouched. Root in the server still sees everything; a job's user sees only its own.
"""

from __future__ import annotations

import ctypes

MS_NOSUID, MS_NODEV, MS_NOEXEC, MS_REMOUNT = 2, 4, 8, 32
CAP_SYS_ADMIN = 21
LINUX_CAPABILITY_VERSION_3 = 0x20080522


class _CapHeader(ctypes.Structure):
    _fields_ = [("version", ctypes.c_uint32), ("pid", ctypes.c_int)]


class _CapData(ctypes.Structure):
    _fields_ = [("effective", ctypes.c_uint32), ("permitted", ctypes.c_uint32), ("inheritable", ctypes.c_uint32)]


def _drop(capability: int, libc: ctypes.CDLL) -> bool:
    header = _CapHeader(LINUX_CAPABILITY_VERSION_3, 0)
    data = (_CapData * 2)()
    if libc.capget(ctypes.byref(header), data) != 0:
        return False
    word, bit = divmod(capability, 32)
    for field in ("effective", "permitted", "inheritable"):
        setattr(data[word], field, getattr(data[word], field) & ~(1 << bit))
    return bool(libc.capset(ctypes.byref(header), data) == 0)


def hide_other_processes(keep_admin: bool = False) -> bool:
    """True when /proc now hides other users' processes and CAP_SYS_ADMIN is gone (or kept,
    with ``keep_admin``, for a boot that still gives each fork server namespaces of its own:
    ``namespaces.separate`` drops it in each)."""
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        flags = ctypes.c_ulong(MS_REMOUNT | MS_NOSUID | MS_NODEV | MS_NOEXEC)
        hidden = libc.mount(b"proc", b"/proc", b"proc", flags, b"hidepid=2") == 0
        return (keep_admin or drop_admin(libc)) and hidden
    except (OSError, AttributeError):
        return False


def drop_admin(libc: ctypes.CDLL | None = None) -> bool:
    """Give up CAP_SYS_ADMIN for good (this thread, and what it forks from now on)."""
    return _drop(CAP_SYS_ADMIN, libc or ctypes.CDLL(None, use_errno=True))
