"""The channel between the parent and a fork server: pipes only the two of them hold.

Request, parent to server: one JSON line ``{"nonce": str, "program": {...}}``.
Reply, server to parent: one JSON line (the header), then the raw bytes it announces:

    {"nonce": str, "exit_code": int|null, "signal": int|null, "limit": str|null,
     "result": n1, "stdout": n2, "stderr": n3, "output_bytes": int}
    <n1 bytes of observations><n2 bytes of stdout><n3 bytes of stderr>

The child never holds either pipe. A reply whose nonce, form or sizes are not exactly
what the parent expects means the server is no longer trustworthy.
"""

from __future__ import annotations

import json
import os
import select
import time
from typing import Any

HEADER_LIMIT = 4096
PAYLOADS = ("result", "stdout", "stderr")


class ChannelError(Exception):
    """The server said something malformed, too much, or nothing in time."""


class Reader:
    """Reads lines and exact byte counts from a file descriptor, never past a deadline."""

    def __init__(self, fd: int) -> None:
        self._fd = fd
        self._buffer = bytearray()

    def _fill(self, deadline: float) -> None:
        remaining = deadline - time.monotonic()
        if remaining <= 0 or not select.select([self._fd], [], [], remaining)[0]:
            raise ChannelError("no answer in time")
        chunk = os.read(self._fd, 1 << 20)
        if not chunk:
            raise ChannelError("the server closed its pipe")
        self._buffer += chunk

    def line(self, deadline: float, limit: int = HEADER_LIMIT) -> bytes:
        while b"\n" not in self._buffer:
            if len(self._buffer) > limit:
                raise ChannelError("a header line that never ends")
            self._fill(deadline)
        line, _, rest = bytes(self._buffer).partition(b"\n")
        self._buffer = bytearray(rest)
        return line

    def exactly(self, count: int, deadline: float) -> bytes:
        while len(self._buffer) < count:
            self._fill(deadline)
        data = bytes(self._buffer[:count])
        del self._buffer[:count]
        return data


def request_line(nonce: str, program: dict[str, Any]) -> bytes:
    return (json.dumps({"nonce": nonce, "program": program}) + "\n").encode()


def reply_bytes(header: dict[str, Any], payloads: dict[str, bytes]) -> bytes:
    header = {**header, **{name: len(payloads[name]) for name in PAYLOADS}}
    return json.dumps(header).encode() + b"\n" + b"".join(payloads[name] for name in PAYLOADS)


def read_reply(reader: Reader, nonce: str, caps: dict[str, int], deadline: float) -> tuple[dict[str, Any], dict[str, bytes]]:
    """The header and payloads of the reply to ``nonce``; ChannelError for anything else."""
    try:
        header = json.loads(reader.line(deadline))
    except (ValueError, UnicodeDecodeError):
        raise ChannelError("a reply that is not JSON") from None
    if not isinstance(header, dict) or header.get("nonce") != nonce:
        raise ChannelError("a reply to some other job")
    for key in ("exit_code", "signal"):
        if header.get(key) is not None and not isinstance(header.get(key), int):
            raise ChannelError(f"a reply with a malformed {key}")
    if header.get("limit") is not None and not isinstance(header.get("limit"), str):
        raise ChannelError("a reply with a malformed limit")
    payloads = {}
    for name in PAYLOADS:
        size = header.get(name)
        if not isinstance(size, int) or not 0 <= size <= caps[name]:
            raise ChannelError(f"a reply announcing {size!r} bytes of {name}")
        payloads[name] = reader.exactly(size, deadline)
    return header, payloads
