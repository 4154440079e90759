"""The fork server's memory moved into huge pages: only the right mappings, and no data changed."""

from __future__ import annotations

import hashlib
import os

from grader.sandbox.hugepages import HUGE_PAGE, _anonymous_writable, collapse

MAPS = """\
00400000-00a00000 r-xp 00000000 08:01 123 /usr/bin/python3.11
01000000-01700000 rw-p 00000000 00:00 0 [heap]
7f0000000000-7f0000500000 rw-p 00000000 00:00 0
7f0000600000-7f0000700000 rw-p 00000000 00:00 0
7f1000000000-7f1000400000 rw-p 00001000 08:01 456 /usr/lib/libtorch_cpu.so
7f2000000000-7f2000400000 rw-s 00000000 00:05 789
7ffd00000000-7ffd00400000 rw-p 00000000 00:00 0 [stack]
"""


def test_only_private_writable_anonymous_memory_in_whole_huge_pages_is_chosen() -> None:
    assert _anonymous_writable(MAPS) == [
        (0x01000000, 0x01600000),  # the heap, cut to whole 2 MiB pages
        (0x7F0000000000, 0x7F0000400000),
    ]
    assert all((end - start) % HUGE_PAGE == 0 for start, end in _anonymous_writable(MAPS))


def test_collapsing_changes_no_data_and_a_fork_still_sees_it() -> None:
    data = bytearray(os.urandom(16 * HUGE_PAGE))
    before = hashlib.sha256(data).hexdigest()
    assert collapse() >= 0
    assert hashlib.sha256(data).hexdigest() == before
    read, write = os.pipe()
    child = os.fork()
    if child == 0:
        os.write(write, hashlib.sha256(data).hexdigest().encode())
        os._exit(0)
    os.close(write)
    seen = os.read(read, 100).decode()
    os.waitpid(child, 0)
    assert seen == before
