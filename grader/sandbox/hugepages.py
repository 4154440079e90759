"""Cheaper forks: the fork server's warm memory moved into 2 MiB pages before it serves.

A fork copies the page tables of the parent's private memory. Torch and the warmed-up
interpreter hold about 150 MiB of it, tens of thousands of 4 KiB pages, and copying their
entries is a large share of each job's cost (more so in a virtual machine). Collapsed into
huge pages (``MADV_COLLAPSE``, Linux 6.1 and later) the same memory needs a few hundred
entries. Best effort: where the kernel refuses, the memory stays as it was and nothing changes
but the speed.
"""

from __future__ import annotations

import ctypes

MADV_HUGEPAGE = 14
MADV_COLLAPSE = 25
HUGE_PAGE = 2 << 20
SPECIAL = ("[stack]", "[vvar]", "[vdso]", "[vsyscall]")


def _anonymous_writable(maps: str) -> list[tuple[int, int]]:
    """2 MiB-aligned parts of the private, writable, anonymous mappings (the heap included)."""
    ranges = []
    for line in maps.splitlines():
        fields = line.split()
        if len(fields) < 5 or "w" not in fields[1] or "p" not in fields[1]:
            continue
        name = fields[5] if len(fields) > 5 else ""
        if name.startswith("/") or name in SPECIAL:
            continue
        low, high = (int(x, 16) for x in fields[0].split("-"))
        start, end = (low + HUGE_PAGE - 1) & ~(HUGE_PAGE - 1), high & ~(HUGE_PAGE - 1)
        if end - start >= HUGE_PAGE:
            ranges.append((start, end))
    return ranges


def collapse() -> int:
    """Bytes now in huge pages; 0 where the kernel or the platform does not allow it."""
    try:
        with open("/proc/self/maps", encoding="ascii") as handle:
            ranges = _anonymous_writable(handle.read())
        madvise = ctypes.CDLL(None, use_errno=True).madvise
    except (OSError, AttributeError):
        return 0
    madvise.argtypes = [ctypes.c_void_p, ctypes.c_size_t, ctypes.c_int]
    collapsed = 0
    for start, end in ranges:
        madvise(start, end - start, MADV_HUGEPAGE)
        if madvise(start, end - start, MADV_COLLAPSE) == 0:
            collapsed += end - start
    return collapsed
