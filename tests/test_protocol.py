"""The parent believes a fork server only while its replies are exactly what was asked for."""

from __future__ import annotations

import json
import os
import time
from typing import Iterator

import pytest

from grader.sandbox import protocol
from grader.sandbox.isolation import Plan, plan

CAPS = {"result": 100, "stdout": 10, "stderr": 10}


@pytest.fixture
def pipe() -> Iterator[tuple[protocol.Reader, int]]:
    read, write = os.pipe()
    yield protocol.Reader(read), write
    os.close(read)
    os.close(write)


def _reply(pipe: tuple[protocol.Reader, int], data: bytes, nonce: str = "n1") -> tuple[dict, dict]:
    reader, write = pipe
    os.write(write, data)
    return protocol.read_reply(reader, nonce, CAPS, time.monotonic() + 1)


def test_the_reply_to_the_job_that_was_sent_is_read_whole(pipe) -> None:
    data = protocol.reply_bytes({"nonce": "n1", "exit_code": 0, "signal": None, "limit": None}, {"result": b"R" * 5, "stdout": b"out", "stderr": b""})
    header, payloads = _reply(pipe, data)
    assert header["exit_code"] == 0 and payloads == {"result": b"RRRRR", "stdout": b"out", "stderr": b""}


FORGED = {
    "a reply to another job": protocol.reply_bytes({"nonce": "n0"}, {"result": b"", "stdout": b"", "stderr": b""}),
    "not JSON": b"garbage\n",
    "a header that never ends": b"{" + b" " * 10_000,
    "more result bytes than allowed": json.dumps({"nonce": "n1", "result": 10**9, "stdout": 0, "stderr": 0}).encode() + b"\n",
    "a negative size": json.dumps({"nonce": "n1", "result": -1, "stdout": 0, "stderr": 0}).encode() + b"\n",
    "a malformed exit code": json.dumps({"nonce": "n1", "exit_code": "0", "result": 0, "stdout": 0, "stderr": 0}).encode() + b"\n",
    "fewer bytes than announced": json.dumps({"nonce": "n1", "result": 50, "stdout": 0, "stderr": 0}).encode() + b"\nshort",
    "silence": b"",
}


@pytest.mark.parametrize("forgery", sorted(FORGED))
def test_anything_else_means_the_server_cannot_be_trusted(pipe, forgery: str) -> None:
    with pytest.raises(protocol.ChannelError):
        _reply(pipe, FORGED[forgery])


def test_without_bubblewrap_the_warning_names_what_is_missing(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("shutil.which", lambda name: None)
    weaker: Plan = plan.__wrapped__()  # type: ignore[attr-defined]
    assert weaker.bwrap is None
    assert weaker.warning is not None and "bubblewrap (bwrap) is not installed" in weaker.warning
    assert "file system, network and process list" in weaker.warning
